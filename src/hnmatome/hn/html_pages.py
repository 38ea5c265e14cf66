"""HN item pages (`/item?id=<id>`) parsed with selectolax, for `fetch --source html`.

Two markups are understood: the current one (`td.ind[indent]`, `span.age[title]`,
`div.commtext`) and the 2021 one (`span.commtext`, depth only from the indent spacer image,
ages only as '3 days ago'). Long threads continue on further pages behind a `More` link.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from hnmatome.core.errors import UserError
from hnmatome.core.http_retry import RetryPolicy, Sleep, WaitWatch, send_with_retries
from hnmatome.hn.api import ClientPool
from hnmatome.hn.comment_text import html_to_text
from hnmatome.hn.thread import FetchedThread, HNComment, HNStory, iso_utc

DEFAULT_WEB_BASE = "https://news.ycombinator.com"
INDENT_PX = 40  # the spacer image is 40px wide per level
MAX_PAGES = 200

_NUMBER = re.compile(r"\d+")
_AGE = re.compile(r"(\d+)\s+(second|minute|hour|day|week|month|year)s?\s+ago")
_AGE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
              "month": 30 * 86400, "year": 365 * 86400}
_PLACEHOLDERS = {"[deleted]": "deleted", "[flagged]": "dead", "[dead]": "dead"}


@dataclass(frozen=True)
class ItemPage:
    story: HNStory
    comments: tuple[HNComment, ...]
    next_url: str | None


def _attr(node: LexborNode | None, name: str) -> str:
    if node is None:
        return ""
    return (node.attributes.get(name) or "").strip()


def _text(node: LexborNode | None) -> str:
    return node.text(deep=True).strip() if node is not None else ""


def _int(text: str) -> int | None:
    match = _NUMBER.search(text.replace(",", ""))
    return int(match.group()) if match else None


def page_time(age: LexborNode | None, now: datetime) -> str:
    """The exact time from `title="2026-05-31T22:59:50 1780268390"`; old pages only say
    '3 days ago', which is counted back from `now` (the time the page was fetched)."""
    parts = _attr(age, "title").split()
    if len(parts) > 1 and parts[1].isdigit():
        return iso_utc(int(parts[1]))
    if parts:
        try:
            return iso_utc(datetime.fromisoformat(parts[0]))
        except ValueError:
            pass
    match = _AGE.search(_text(age))
    if match:
        return iso_utc(now - timedelta(seconds=int(match.group(1)) * _AGE_UNITS[match.group(2)]))
    return iso_utc(now) if age is not None else ""


def _comment_depth(row: LexborNode) -> int:
    ind = row.css_first("td.ind")
    indent = _attr(ind, "indent")
    if indent.isdigit():
        return int(indent)
    width = _attr(ind.css_first("img") if ind is not None else None, "width")
    return int(width) // INDENT_PX if width.isdigit() else 0


def _body_html(row: LexborNode) -> tuple[str, str]:
    """(html of the comment text, placeholder state: '', 'deleted' or 'dead')."""
    body = row.css_first(".commtext")
    if body is None:
        shown = _text(row.css_first("div.comment"))
        return "", _PLACEHOLDERS.get(shown, "deleted")
    for reply in body.css(".reply"):
        reply.decompose()  # very old markup nests the reply link inside the text
    text = _text(body)
    if text in _PLACEHOLDERS:
        return "", _PLACEHOLDERS[text]
    return body.inner_html or "", ""


def parse_comment(row: LexborNode, now: datetime) -> HNComment:
    html, state = _body_html(row)
    head = _text(row.css_first(".comhead"))
    dead = state == "dead" or "[dead]" in head or "[flagged]" in head
    return HNComment(
        id=int(_attr(row, "id")),
        depth=_comment_depth(row),
        by=_text(row.css_first("a.hnuser")),
        time=page_time(row.css_first("span.age"), now),
        text=html_to_text(html),
        deleted=state == "deleted",
        dead=dead,
    )


def _item_link_id(href: str) -> int | None:
    parts = urlsplit(href)
    if not parts.path.endswith("item"):
        return None
    values = parse_qs(parts.query).get("id", [])
    return int(values[0]) if values and values[0].isdigit() else None


def _refuse_non_story(fat: LexborNode, item_id: int) -> None:
    if fat.css_first(".commtext") is None or fat.css_first(".titleline, .storylink"):
        return
    story = _item_link_id(_attr(fat.css_first(".onstory a"), "href"))
    on = f" on story {story}" if story else ""
    raise UserError(f"item {item_id} is a comment{on}, not a story",
                    hint="fetch the story the comment belongs to")


def _descendants(subtext: LexborNode | None) -> int | None:
    for link in subtext.css("a") if subtext is not None else []:
        label = _text(link).replace("\xa0", " ")
        if label == "discuss":
            return 0
        if label.endswith(("comments", "comment")):
            return _int(label)
    return None


def parse_story(tree: LexborHTMLParser, now: datetime, wanted: int | None = None) -> HNStory:
    fat = tree.css_first("table.fatitem")
    if fat is None:
        if "No such item" in _text(tree.body):
            raise UserError(f"item {wanted} does not exist on Hacker News", hint="check the id")
        raise UserError("the page is not a Hacker News item page",
                        hint="check --web-base (or HNMATOME_HN_WEB)")
    row = fat.css_first("tr.athing")
    item_id = int(_attr(row, "id")) if _attr(row, "id").isdigit() else 0
    _refuse_non_story(fat, item_id)
    link = fat.css_first(".titleline > a, a.storylink, td.title > a")
    title = _text(link)
    if link is None or title == "[deleted]":
        raise UserError(f"item {item_id} was deleted on Hacker News; there is nothing to fetch")
    href = _attr(link, "href")
    subtext = fat.css_first("td.subtext")
    return HNStory(
        id=item_id,
        type="story" if subtext is not None and subtext.css_first("a.hnuser") else "job",
        title=title,
        url="" if _item_link_id(href) == item_id else urljoin(DEFAULT_WEB_BASE + "/", href),
        by=_text(subtext.css_first("a.hnuser")) if subtext is not None else "",
        time=page_time(subtext.css_first("span.age") if subtext is not None else None, now),
        score=_int(_text(fat.css_first("span.score"))) or 0,
        descendants=_descendants(subtext),
        text=html_to_text(_inner_html(fat.css_first("div.toptext"))),
    )


def _inner_html(node: LexborNode | None) -> str:
    return (node.inner_html or "") if node is not None else ""


def _next_url(tree: LexborHTMLParser, page_url: str, item_id: int) -> str | None:
    for link in tree.css("a.morelink, a[rel='next']"):
        href = urljoin(page_url, _attr(link, "href"))
        if _item_link_id(href) == item_id:
            return href
    return None


def parse_item_page(html: str, page_url: str, now: datetime) -> ItemPage:
    """One item page: the story, its comments in display order, and the `More` link if any."""
    tree = LexborHTMLParser(html)
    story = parse_story(tree, now, _item_link_id(page_url))
    comments = tuple(parse_comment(row, now) for row in tree.css("tr.athing.comtr")
                     if _attr(row, "id").isdigit())
    return ItemPage(story, comments, _next_url(tree, page_url, story.id))


async def fetch_html_thread(
    pool: ClientPool,
    item_id: int,
    now: datetime,
    *,
    base: str = DEFAULT_WEB_BASE,
    policy: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    on_retry: Callable[[str], None] | None = None,
    on_page: Callable[[int], None] | None = None,
    waits: WaitWatch | None = None,
) -> FetchedThread:
    """Every page of the thread, one after another (each `More` link is on the page before)."""
    waits = waits or WaitWatch(None, 0)
    url: str | None = f"{base.rstrip('/')}/item?id={item_id}"
    story: HNStory | None = None
    comments: list[HNComment] = []
    visited: set[str] = set()
    while url and url not in visited and len(visited) < MAX_PAGES:
        visited.add(url)
        async with pool.borrow() as client:
            request = client.build_request("GET", url)
            with waits.waiting(f"HN page {url}"):
                response = await send_with_retries(client, request, policy or RetryPolicy(),
                                                   sleep=sleep, on_retry=on_retry,
                                                   label=f"HN page {url}")
        if response.status_code != 200:
            raise UserError(f"{url} answered HTTP {response.status_code}",
                            hint="check --web-base (or HNMATOME_HN_WEB)")
        page = parse_item_page(response.text, url, now)
        if page.story.id != item_id:
            raise UserError(f"{url} shows item {page.story.id}, not {item_id}")
        story = story or page.story
        comments.extend(page.comments)
        if on_page:
            on_page(len(page.comments))
        url = page.next_url
    assert story is not None  # the loop ran at least once
    return FetchedThread(story, tuple(comments), "html")
