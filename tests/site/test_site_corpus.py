"""The whole ../shared corpus (1,179 real posts) builds, and what it builds is complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_support import corpus_public, parse_html

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def corpus(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return shared_dir / "corpus" / "kaigai-matome" / "posts", corpus_public(
        shared_dir, tmp_path_factory)


def _published(posts: Path) -> list[Path]:
    return [p for p in sorted(posts.glob("*/*/index.md"))
            if not re.search(r"^draft\s*=\s*true", p.read_text(encoding="utf-8"), re.M)]


def test_every_published_post_is_built_with_all_its_comments(corpus: tuple[Path, Path]) -> None:
    posts, public = corpus
    published = _published(posts)
    assert len(published) > 1100
    missing, short = [], []
    for source in published:
        rel = source.parent.relative_to(posts).as_posix()
        built = public / "posts" / rel / "index.html"
        if not built.exists():
            missing.append(rel)
            continue
        expected = source.read_text(encoding="utf-8").count("{{<matomeQuote")
        if built.read_text(encoding="utf-8").count('<article class="mq') != expected:
            short.append(rel)
    assert missing == [] and short == []


def test_corpus_lists_are_complete(corpus: tuple[Path, Path]) -> None:
    posts, public = corpus
    count = len(_published(posts))
    first = parse_html(public / "posts" / "index.html")
    assert len(first.css(".row")) == 100
    pages = -(-count // 100)
    last = parse_html(public / "posts" / "page" / str(pages) / "index.html")
    assert len(last.css(".row")) == count - 100 * (pages - 1)
    months = parse_html(public / "months" / "index.html")
    assert sum(int(c.text().removesuffix("件")) for c in months.css(".months .count")) == count
    tags = parse_html(public / "tags" / "index.html")
    assert len(tags.css(".chips a")) > 2000


def test_our_thumbnails_cover_every_corpus_featureimage(corpus: tuple[Path, Path]) -> None:
    posts, public = corpus
    named = set()
    for source in posts.glob("*/*/index.md"):
        found = re.search(r"^featureimage\s*=\s*'([^']+)'", source.read_text(encoding="utf-8"),
                          re.M)
        if found:
            named.add(found.group(1))
    assert len(named) >= 50
    assert {name for name in named if not (public / name).is_file()} == set()
