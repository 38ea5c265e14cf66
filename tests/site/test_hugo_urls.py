"""Our URLs against real Hugo's: tricky tags and paths on a tiny site, then the whole corpus."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from site_support import corpus_public, hugo_site, require_hugo, run_hugo, write_post

from hnmatome.site import urls

pytestmark = pytest.mark.hugo

TRICKY_TAGS = [
    "AI", "Open Source", "C++", ".NET", "C#", "F#", "TCP/IP", "機械学習", "生成AI",
    "🚀 Rocket", "Node.js", "A&B", "Q&A", "Foo_Bar", "100%", "what?", "It's",
    "Ünïcode Straße", "  spaced  ", "a--b", "a - b", "x+y", "Ｆｕｌｌ", "テスト　全角",
    "Web3・ブロックチェーン", "hello#world", "a.b.c", "(paren)", "Go言語", "GPT-4o", "a~b",
    "x:y", '"quoted"', "back\\slash", "a,b", "a@b", "a*b", "a[b]", "a|b", "a<b>", "a`b",
    "İstanbul", "ΟΔΟΣ", "ẞig", "-lead", "trail-", " lead", "a/b/", "/abs", "a//b",
    "%41", "a%2Fb", "x²", "ñ", "n\u0303", "α-β", "a_b c", "日本 語", "a.", "a\tb",
    "a\u00a0b", "a\u200bb", "a\u3000\u3000b", "a \u3000b", "a\u3000 b", "\u3000x", "x\u3000",
    "a  🚀 b", "a-🚀\u3000b", "a🚀🚀b", "a\t\tb", "a\u2003\u2003b", "👍🏽x", "ＡＩ・機械学習",
    "ℌ", "ǅ",
]


def _hrefs(page: Path) -> list[str]:
    """Term links on a Hugo post page. Hugo's href keeps a doubled slash ('/tags//abs/') while
    it writes the page without one; we link to where the page is, so compare on that."""
    found = re.findall(r'<li><a href="([^"]+)"', page.read_text())
    return [re.sub("/{2,}", "/", html.unescape(h)) for h in found]


def test_tricky_tags_match_hugo(shared_dir: Path, tmp_path: Path) -> None:
    binary = require_hugo()
    site = hugo_site(shared_dir, tmp_path / "hugo")
    for number, tag in enumerate(TRICKY_TAGS):
        write_post(site / "content", f"posts/t{number}/index.md", title=f"t{number}",
                   date="2025-02-10T00:00:00", tags=[tag])
    run_hugo(binary, site)
    builder = urls.UrlBuilder("https://example.org/")
    mismatches = []
    for number, tag in enumerate(TRICKY_TAGS):
        hugo_hrefs = _hrefs(site / "public" / "posts" / f"t{number}" / "index.html")
        key = urls.urlize(tag)
        ours = builder.href(urls.term_path("tags", key)) if key else None
        if hugo_hrefs != [ours] and not (ours is None and hugo_hrefs == ["/tags/"]):
            mismatches.append((tag, hugo_hrefs, ours))
    assert not mismatches


def test_post_paths_match_hugo(shared_dir: Path, tmp_path: Path) -> None:
    binary = require_hugo()
    site = hugo_site(shared_dir, tmp_path / "hugo")
    cases = {
        "posts/2025_02/My Folder/index.md": "",
        "posts/2025_02/日本語 フォルダ/index.md": "",
        "posts/2025_02/slugged/index.md": "'My Slug C++'",
        "posts/Sub Dir/Leaf Page.md": "",
        "posts/Sub Dir/other.md": "'ss'",
        "posts/plain.md": "",
        "about.md": "",
    }
    for number, (rel, slug) in enumerate(cases.items()):
        extra = {"slug": slug} if slug else None
        write_post(site / "content", rel, title=f"p{number}", date="2025-02-10", extra=extra)
    run_hugo(binary, site)
    for number, (rel, slug) in enumerate(cases.items()):
        expected = urls.content_path(rel, slug.strip("'"))
        page = site / "public" / urls.output_file(expected)
        assert page.exists(), (rel, expected)
        assert f"<h1>p{number}</h1>" in page.read_text()


def test_first_pager_page_is_an_alias_in_hugo(shared_dir: Path, tmp_path: Path) -> None:
    """Hugo writes /page/1/ as a redirect to the list; we do the same (see plan.py)."""
    binary = require_hugo()
    site = hugo_site(shared_dir, tmp_path / "hugo")
    write_post(site / "content", "posts/a/index.md", title="a", date="2025-02-10", tags=["x"])
    run_hugo(binary, site)
    alias = (site / "public" / "tags" / "x" / "page" / "1" / "index.html").read_text()
    assert 'http-equiv="refresh"' in alias
    assert "https://example.org/tags/x/" in alias


def test_corpus_url_set_matches_hugo(shared_dir: Path, tmp_path: Path,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """Post, tag and month pages (with their /page/N/) of the whole corpus, against Hugo."""
    binary = require_hugo()
    corpus_site = corpus_public(shared_dir, tmp_path_factory)
    site = hugo_site(shared_dir, tmp_path / "hugo")
    shutil.copytree(shared_dir / "corpus" / "kaigai-matome" / "posts", site / "content" / "posts")
    run_hugo(binary, site)
    prefixes = ("/posts/", "/tags/", "/months/")
    hugo_paths = {p for p in _index_pages(site / "public") if p.startswith(prefixes)}
    ours = {p for p in _index_pages(corpus_site) if p.startswith(prefixes)}
    assert len(hugo_paths) > 3000
    assert ours == hugo_paths


def _index_pages(public: Path) -> set[str]:
    found = set()
    for path in public.rglob("index.html"):
        rel = path.parent.relative_to(public).as_posix()
        found.add("/" if rel == "." else f"/{rel}/")
    return found
