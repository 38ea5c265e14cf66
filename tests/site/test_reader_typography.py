"""Japanese typography in the built pages: titles, card titles and the site description break
between BudouX phrases (<wbr>, never in <title>, meta tags, feeds or JSON), hostile titles
stay escaped, and every page writes dates the same way."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from reader_support import RANSOM, RANSOM_TITLE, public_file, typography_site
from site_support import build, parse_html

INJECT = "/posts/2025_03/inject/"
INJECT_TITLE = 'タイトル</script><script>alert(1)</script> "引用"'
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = typography_site(tmp_path_factory.mktemp("typography") / "site")
    build(root, search=False)
    return root


def raw(root: Path, site_path: str) -> str:
    return public_file(root, site_path).read_text(encoding="utf-8")


def phrases_in(node: Any) -> list[str]:
    """The text of `node` cut where it has <wbr>."""
    return [html.unescape(re.sub(r"<[^>]+>", "", piece))
            for piece in node.html.split("<wbr>")]


def test_the_post_title_breaks_between_phrases_never_inside_a_word(site: Path) -> None:
    h1 = parse_html(public_file(site, RANSOM)).css_first("h1.post-title")
    assert h1.text() == RANSOM_TITLE
    cut = phrases_in(h1)
    assert len(cut) >= 3
    for word in ("ランサムウェア", "エンジニアリング"):
        assert any(word in piece for piece in cut), cut
    assert "phrased" in h1.attributes["class"]  # the CSS that breaks only at <wbr>


def test_cards_rows_related_posts_and_the_description_are_phrased(site: Path) -> None:
    where = {
        "/": ".card-title", "/posts/": ".row-title", "/tags/セキュリティ/": ".row-title",
        "/months/2025/04/": ".row-title", "/404.html": ".related-title",
    }
    for site_path, selector in where.items():
        doc = parse_html(public_file(site, site_path))
        titles = {node.text(): node for node in doc.css(selector)}
        assert RANSOM_TITLE in titles, site_path
        assert "<wbr>" in titles[RANSOM_TITLE].html, site_path
    related = parse_html(public_file(site, RANSOM)).css(".related-title")
    assert [node.text() for node in related] == [INJECT_TITLE]
    assert "<wbr>" in related[0].html
    intro = parse_html(public_file(site, "/")).css_first(".intro-text")
    assert intro.text() == "海外の反応まとめ" and "<wbr>" in intro.html


def test_a_hostile_title_stays_escaped_wherever_it_is_phrased(site: Path) -> None:
    for site_path in (INJECT, "/", "/posts/", "/tags/セキュリティ/", RANSOM):
        text = raw(site, site_path)
        assert "<script>alert(1)</script>" not in text, site_path
        assert text.count("</script>") == text.count("<script"), site_path
    h1 = parse_html(public_file(site, INJECT)).css_first("h1")
    assert h1.text() == INJECT_TITLE
    assert "&lt;script&gt;" in h1.html


def test_no_break_marks_in_titles_meta_feeds_or_json(site: Path) -> None:
    doc = parse_html(public_file(site, RANSOM))
    assert doc.css_first("title").text() == f"{RANSOM_TITLE} | 海外テックの反応まとめ"
    for node in doc.css("meta"):
        assert "wbr" not in node.attributes.get("content", "")
    ld = json.loads(doc.css_first('script[type="application/ld+json"]').text())
    assert ld["headline"] == RANSOM_TITLE
    home = parse_html(public_file(site, "/"))
    assert "wbr" not in home.css_first('meta[name="description"]').attributes["content"]
    for rel in ("index.xml", "atom.xml", "posts/index.xml", "tags/セキュリティ/index.xml",
                "sitemap.xml"):
        assert "wbr" not in (site / "public" / rel).read_text(encoding="utf-8"), rel


def test_every_page_writes_dates_the_same_way(site: Path) -> None:
    where = {RANSOM: ".post-meta time", "/": ".card-meta time", "/posts/": ".row-meta time",
             "/tags/セキュリティ/": ".row-meta time", "/months/2025/04/": ".row-meta time",
             INJECT: ".related-date", "/404.html": ".related-date"}
    for site_path, selector in where.items():
        times = parse_html(public_file(site, site_path)).css(selector)
        assert times, site_path
        for node in times:
            found = DATE.fullmatch(node.text())
            assert found, (site_path, node.text())
            year, month, day = map(int, found.groups())
            assert node.attributes["datetime"][:10] == f"{year:04d}-{month:02d}-{day:02d}"
    post = parse_html(public_file(site, RANSOM)).css_first(".post-meta time")
    assert post.text() == "2025年4月1日"
    assert post.attributes["datetime"].startswith("2025-04-01T00:00:00")
