"""Every post of the real corpus (../shared/corpus) loads and renders; skipped without it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import pytest
from page_support import TEMPLATES, StubContext, as_shown, tree

from hnmatome.core.settings import Settings
from hnmatome.site.content import SourcePage, load_content
from hnmatome.site.markup.comments import QuoteBodyRenderer
from hnmatome.site.markup.shortcodes import PageRenderer

pytestmark = pytest.mark.shared

CARD_TAG = re.compile(r"\{\{<\s*matomeQuote\b")
CARD_BODY = re.compile(r'\{\{<\s*matomeQuote body="([^"\\\n]*)"')  # bodies without escapes
BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


class CorpusContext(StubContext):
    targets: ClassVar[dict[str, str]] = {"/posts/": "/posts/"}


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    root = shared_dir / "corpus" / "kaigai-matome"
    if not (root / "posts").is_dir():
        pytest.skip("the corpus is not in ../shared")
    return root


@pytest.fixture(scope="module")
def pages(corpus: Path) -> list[SourcePage]:
    return load_content(corpus, Settings())


def test_every_corpus_post_renders(pages: list[SourcePage]) -> None:
    assert len(pages) >= 1000
    assert all(page.kind == "post" and page.bundle and page.date for page in pages)
    renderer = PageRenderer(TEMPLATES)
    context = CorpusContext()
    total_cards = 0
    for page in pages:
        body = renderer.render(page, context)
        expected = len(CARD_TAG.findall(page.body))
        assert body.comment_count == expected, page.rel
        # no placeholder left behind but those of the lists the page renders
        left = set(re.findall(r"HNMSC\d+X", body.html))
        assert left == {late.key for late in body.late}, page.rel
        assert "{{<" not in body.html and "{{%" not in body.html, page.rel
        assert body.text.strip(), page.rel
        total_cards += expected
    assert total_cards > 90_000
    assert set(context.refs) == {"/posts/"}


def _render(pages: list[SourcePage], pattern: str) -> tuple[int, object]:
    page = next(p for p in pages if p.path.match(pattern))
    body = as_shown(PageRenderer(TEMPLATES).render(page, CorpusContext()), page, CorpusContext())
    return body.comment_count, tree(body.html)


def test_corpus_post_structure(pages: list[SourcePage]) -> None:
    count, html = _render(pages, "posts/2025_02/*analysis_of_2024_election_results/index.md")
    assert len(html.css("article.mq")) == count > 50
    assert [a.attributes["href"] for a in html.css("ul.post-list-mini a")] == [
        "/posts/p0/", "/posts/p1/"]
    assert html.css_first('a[href^="https://news.ycombinator.com/item?id="]') is not None
    # A URL glued to Japanese text is linked without swallowing the text after it.
    urls = [a.attributes["href"] for a in html.css("article.mq a")]
    assert "https://www.einpresswire.com/ai/press-release-generator" in urls


def test_corpus_folds(pages: list[SourcePage]) -> None:
    count, html = _render(pages, "posts/2025_02/2025_02_05_fair_pricing/index.md")
    # its three folds in a row (もっとコメントを表示（1）…（3）) show as one, which says how
    # many cards it holds
    folds = html.css("details.fold")
    assert len(folds) == 1
    cards = len(folds[0].css("article.mq"))
    assert cards >= 60 and len(html.css("article.mq")) == count
    assert folds[0].css_first("summary .fold-more").text() == f"残り{cards}件のコメントを表示"
    assert folds[0].css_first("summary .fold-less").text() == f"残りのコメント（{cards}件）"
    assert folds[0].css("button.fold-close")[-1].parent == folds[0]


def test_merging_card_runs_is_invisible_on_real_posts(pages: list[SourcePage]) -> None:
    merged = PageRenderer(TEMPLATES)
    plain = PageRenderer(TEMPLATES)
    plain.merge_runs = False
    for page in pages[::120]:  # ten posts across the months
        assert merged.render(page, CorpusContext()) == plain.render(page, CorpusContext())


def test_comment_body_shortcuts_agree_with_markdown_on_real_comments(
        pages: list[SourcePage]) -> None:
    quotes = QuoteBodyRenderer()
    checked = 0
    for page in pages[::15]:
        for body in CARD_BODY.findall(page.body):
            for segment in BR.split(body):
                segment = segment.strip()
                assert quotes.segment(segment) == quotes.markdown(segment), page.rel
                checked += 1
    assert checked > 5000
