"""The post page as a reader sees it: folds in a row shown as one that says how many comments
it holds, comment paragraphs, times as Japanese readers read them, the hero image, the source
link from `hnid` or the `引用元` line, and the title not shown twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from post_support import FIRST_FOLD, HN, LONG, OTHER, TITLE, post_site
from site_support import build, parse_html


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = post_site(tmp_path_factory.mktemp("post") / "site")
    build(root)
    return root / "public"


def page(public: Path, path: str) -> Any:
    return parse_html(public / path.strip("/") / "index.html")


def test_adjacent_comment_folds_show_as_one(site: Path) -> None:
    doc = page(site, LONG)
    folds = doc.css("details.fold")
    assert len(folds) == 1
    fold = folds[0]
    cards = fold.css("article.mq")
    assert len(cards) == 53 and FIRST_FOLD < 53
    assert [c.css_first(".mq-user").text() for c in cards[29:31]] == ["folded1_29", "folded2_0"]
    summary = fold.css_first("summary")
    assert summary.css_first(".fold-more").text() == "残り53件のコメントを表示"
    assert summary.css_first(".fold-less").text() == "残りのコメント（53件）"
    assert "もっとコメント" not in fold.html and "（1）" not in summary.text()
    assert "data-pagefind-ignore" in summary.attributes  # labels are not searched
    # the close button is the fold's last child, hidden until the script shows it
    close = fold.css("button.fold-close")
    assert len(close) == 1 and close[0].parent == fold and close[0].next is None
    assert "hidden" in close[0].attributes and close[0].text() == "コメントを閉じる"


def test_folds_with_their_own_summary_or_apart_are_not_merged(site: Path) -> None:
    folds = page(site, OTHER).css("details.fold")
    assert [f.css_first(".fold-more").text() for f in folds] == [
        "ネタバレ（1件）", "残り1件のコメントを表示", "残り1件のコメントを表示"]
    assert [f.css_first(".fold-less") is None for f in folds] == [True, False, False]
    assert folds[0].css_first(".fold-close").text() == "閉じる"


def test_comment_paragraphs(site: Path) -> None:
    bodies = page(site, LONG).css("article.mq .mq-body")
    # a blank line breaks paragraphs, a single <br> stays a line break in one
    first = bodies[0].css("p")
    assert len(first) == 4
    assert first[0].css("br") and first[0].text().endswith("同じ段落の二行目。")
    assert first[1].text().startswith("二段落目の文。")
    # no blank line (the older corpus): each line a paragraph; the trailing <br> is dropped
    assert [p.text() for p in bodies[1].css("p")] == ["最初の段落。", "次の段落。", "最後の段落。"]
    assert not bodies[1].css("br")


def test_comment_times_read_as_japanese_readers_read_them(site: Path) -> None:
    times = page(site, LONG).css("article.mq time.mq-time")
    # createdAt is UTC in either form; shown in the site timezone (Asia/Tokyo), exact in
    # datetime
    assert (times[0].text(), times[0].attributes["datetime"]) == (
        "6月24日 01:57", "2025-06-23T16:57:00Z")
    assert (times[1].text(), times[1].attributes["datetime"]) == (
        "6月24日 08:05", "2025-06-23T23:05:09Z")


def test_hero_image_is_sized_and_loads_first(site: Path) -> None:
    doc = page(site, LONG)
    hero = doc.css("header.post-header img.post-hero")
    assert len(hero) == 1
    attrs = hero[0].attributes
    assert attrs["src"] == "/posts/2025_06/long_thread/photo.jpg" and attrs["alt"] == ""
    assert (attrs["width"], attrs["height"]) == ("1200", "630")
    # above the fold: the likely LCP element, so fetched eagerly and first
    assert attrs["loading"] == "eager" and attrs["fetchpriority"] == "high"
    # an automatic gradient (or the share card) shows nothing of the post: no hero, but it
    # is still the image a shared link shows
    other = page(site, OTHER)
    assert not other.css("img.post-hero")
    assert other.css_first('meta[property="og:image"]').attributes["content"].endswith(
        "/thumbnails/blue4.jpg")


def test_source_link_from_the_body_and_title_not_shown_twice(site: Path) -> None:
    doc = page(site, LONG)
    links = doc.css("header.post-header .source a")
    assert len(links) == 1
    assert links[0].attributes["href"] == HN
    assert links[0].text() == "Hacker News のスレッド\xa0↗"  # no bare URL to wrap mid-address
    body = doc.css_first(".post-body")
    assert not body.css("blockquote") and "引用元" not in body.text()
    assert next(body.iter()).tag == "article"  # the body opens with the first comment
    assert doc.css_first("h1").text() == TITLE


def test_hnid_wins_and_a_quote_that_is_not_the_title_stays(site: Path) -> None:
    doc = page(site, OTHER)
    link = doc.css_first("header.post-header .source a")
    assert link.attributes["href"] == "https://news.ycombinator.com/item?id=44350001"
    assert doc.css_first(".post-body blockquote").text().strip() == "引用した一文"
