from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_hn import display_order, item_pages, synthetic_thread

from hnmatome.core.errors import UserError
from hnmatome.hn.comment_text import html_to_text
from hnmatome.hn.html_pages import parse_item_page
from hnmatome.hn.thread import FetchedThread, comment_dicts

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PAGE_URL = "https://news.ycombinator.com/item?id={}"
_TOGG = re.compile(r'<tr class=.athing comtr. id=.(\d+).*?class="togg[^"]*"[^>]*?n="(\d+)"',
                   re.S)


def _page(shared_dir: Path, name: str) -> str:
    return (shared_dir / "hn" / name).read_text(encoding="utf-8")


def _hn_reply_counts(page_html: str) -> dict[int, int]:
    """HN's own count: the collapse toggle says n = 1 + descendants."""
    counts: dict[int, int] = {}
    for row in page_html.split("<tr class")[1:]:
        match = _TOGG.search("<tr class" + row)
        if match:
            counts[int(match[1])] = int(match[2]) - 1
    return counts


@pytest.mark.shared
def test_current_markup(shared_dir: Path) -> None:
    page_html = _page(shared_dir, "hn_item_page_48350598_2026.html")
    page = parse_item_page(page_html, PAGE_URL.format(48350598), NOW)
    story = page.story
    assert (story.id, story.title, story.by, story.score, story.descendants) == (
        48350598, "Chuwi Minibook X", "thcipriani", 148, 124)
    assert story.url == "https://tylercipriani.com/blog/2026/05/28/chuwi-minibook-x/"
    assert story.time == "2026-05-31T22:59:50Z"
    assert len(page.comments) == 124 and page.next_url is None
    first = page.comments[0]
    assert (first.id, first.depth, first.by, first.time) == (
        48351450, 0, "winter_blue", "2026-06-01T00:51:16Z")
    assert first.text.startswith("Used laptops are such a good deal")
    assert "can't justify" in first.text and "\n\nOr really buy" in first.text
    assert max(c.depth for c in page.comments) == 7
    _assert_replies_match_hn(page_html, page.comments, story.id)


@pytest.mark.shared
def test_2021_markup_depth_from_spacer_and_relative_ages(shared_dir: Path) -> None:
    page_html = _page(shared_dir, "hn_item_page_27145911_2021_loggedin.html")
    page = parse_item_page(page_html, PAGE_URL.format(27145911), NOW)
    story = page.story
    assert story.id == 27145911 and story.by == "danpinto" and story.score == 463
    assert story.title.startswith("Vulnerability allows cross-browser tracking")
    assert story.url == "https://fingerprintjs.com/blog/external-protocol-flooding/"
    assert story.time == (NOW - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(page.comments) == 200
    assert {c.depth for c in page.comments} == {0, 1, 2, 3, 4, 5}
    assert page.comments[0].id == 27148500 and page.comments[0].by == "akersten"
    assert page.comments[1].depth == 1
    assert all(c.text and not c.deleted for c in page.comments)
    _assert_replies_match_hn(page_html, page.comments, story.id)


def _assert_replies_match_hn(page_html: str, comments: tuple, story_id: int) -> None:
    ours = {c["id"]: c["replies"] for c in comment_dicts(comments, story_id, keep_dead=False)}
    theirs = _hn_reply_counts(page_html)
    assert len(theirs) == len(ours)
    assert ours == theirs  # depths parsed right, or the subtree sizes would differ


@pytest.mark.shared
def test_a_comment_permalink_is_refused(shared_dir: Path) -> None:
    page_html = _page(shared_dir, "hn_comment_permalink_page_48351450_2026.html")
    with pytest.raises(UserError, match="item 48351450 is a comment on story 48350598"):
        parse_item_page(page_html, PAGE_URL.format(48351450), NOW)


@pytest.mark.parametrize("markup", ["2026", "2021"])
def test_generated_pages_in_both_markups(markup: str) -> None:
    items = synthetic_thread(500, comments=25, seed=4)
    [page_html] = item_pages(items, 500, markup=markup)
    page = parse_item_page(page_html, PAGE_URL.format(500), NOW)
    assert [(c.id, c.depth) for c in page.comments] == display_order(items, 500)
    for comment in page.comments:
        assert comment.text == html_to_text(items[comment.id]["text"])
        assert comment.by == items[comment.id]["by"]
    if markup == "2026":
        assert page.comments[0].time == datetime.fromtimestamp(
            items[page.comments[0].id]["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        assert page.comments[0].time == "2025-03-01T10:00:00Z"  # '2 hours ago'


def test_more_link_is_followed_to_an_absolute_url() -> None:
    items = synthetic_thread(600, comments=40, seed=5)
    pages = item_pages(items, 600, per_page=5)
    assert len(pages) > 2
    first = parse_item_page(pages[0], "http://127.0.0.1:9/item?id=600", NOW)
    assert first.next_url == "http://127.0.0.1:9/item?id=600&p=2"
    last = parse_item_page(pages[-1], "http://127.0.0.1:9/item?id=600&p=9", NOW)
    assert last.next_url is None


def test_deleted_and_dead_placeholders_are_flagged() -> None:
    items = synthetic_thread(700, comments=12, seed=6)
    parent = next(i for i, item in items.items() if i != 700 and item.get("kids"))
    items[parent] = {"id": parent, "deleted": True, "kids": items[parent]["kids"],
                     "parent": items[parent]["parent"], "time": 1, "type": "comment"}
    dead = next(i for i, item in items.items() if i not in (700, parent) and "kids" not in item)
    items[dead]["dead"] = True
    [page_html] = item_pages(items, 700)
    page = parse_item_page(page_html, PAGE_URL.format(700), NOW)
    flags = {c.id: (c.deleted, c.dead) for c in page.comments}
    assert flags[parent] == (True, False)
    assert flags[dead] == (False, True)
    assert sum(d or x for d, x in flags.values()) == 2


def test_dropping_a_deleted_comment_reattaches_its_replies() -> None:
    items = synthetic_thread(800, comments=12, seed=6)
    parent = next(i for i, item in items.items()
                  if i != 800 and item.get("kids") and item["parent"] == 800)
    items[parent] = {**items[parent], "deleted": True}
    [page_html] = item_pages(items, 800)
    page = parse_item_page(page_html, PAGE_URL.format(800), NOW)
    comments = comment_dicts(FetchedThread(page.story, page.comments, "html").comments, 800,
                             keep_dead=False)
    ids = [c["id"] for c in comments]
    assert parent not in ids
    for kid in items[parent]["kids"]:
        entry = comments[ids.index(kid)]
        assert entry["parent"] == 800 and entry["depth"] == 0  # moved up to where HN shows it


def test_no_such_item_and_foreign_pages() -> None:
    with pytest.raises(UserError, match="item 5 does not exist"):
        parse_item_page("<html><body>No such item.</body></html>", PAGE_URL.format(5), NOW)
    with pytest.raises(UserError, match="not a Hacker News item page"):
        parse_item_page("<html><body><h1>Welcome to nginx</h1></body></html>",
                        PAGE_URL.format(5), NOW)


def test_a_deleted_story_is_refused() -> None:
    items = {900: {"id": 900, "type": "story", "title": "[deleted]", "by": "", "time": 1}}
    [page_html] = item_pages(items, 900)
    with pytest.raises(UserError, match="item 900 was deleted"):
        parse_item_page(page_html, PAGE_URL.format(900), NOW)
