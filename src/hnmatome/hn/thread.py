"""A fetched HN thread, whatever the source (API or HTML), turned into the thread YAML dict.

Both sources produce an `HNStory` and `HNComment`s in HN's display order (depth-first, as the
page shows them) with HN's own depths; everything after that is shared and pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class HNStory:
    id: int
    type: str  # story, job, poll (a comment id is refused before this is built)
    title: str
    url: str
    by: str
    time: str  # ISO 8601 UTC
    score: int
    descendants: int | None
    text: str  # already converted from HN's HTML (hn_text)


@dataclass(frozen=True)
class HNComment:
    id: int
    depth: int  # as HN shows it, 0 = top level
    by: str
    time: str
    text: str  # already converted, so it can happen while other requests are in flight
    deleted: bool = False
    dead: bool = False


@dataclass(frozen=True)
class FetchedThread:
    story: HNStory
    comments: tuple[HNComment, ...]
    source: str  # "api" or "html"


def iso_utc(moment: datetime | int | float) -> str:
    """'2025-02-10T08:38:56Z' for a datetime (naive means UTC) or a unix time."""
    if isinstance(moment, int | float):
        moment = datetime.fromtimestamp(moment, UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kept(comments: tuple[HNComment, ...], keep_dead: bool) -> list[tuple[HNComment, int, int]]:
    """(comment, parent id, depth) for each comment shown, in display order.

    A dropped comment (deleted, or dead without --keep-dead) leaves its replies where HN shows
    them; they hang from the nearest ancestor still shown, one level shallower, so the flat
    list stays a well-formed tree."""
    out: list[tuple[HNComment, int, int]] = []
    # HN depth -> (kept id or None, our depth) along the current path from the top
    path: list[tuple[int, int | None, int]] = []
    for comment in comments:
        while path and path[-1][0] >= comment.depth:
            path.pop()
        shown = [(kept, depth) for _, kept, depth in path if kept is not None]
        parent, depth = (shown[-1][0], shown[-1][1] + 1) if shown else (0, 0)
        keep = not comment.deleted and (keep_dead or not comment.dead)
        path.append((comment.depth, comment.id if keep else None, depth))
        if keep:
            out.append((comment, parent, depth))
    return out


def reply_counts(depths: list[int]) -> list[int]:
    """For a depth-first list, how many entries sit below each one."""
    counts = [0] * len(depths)
    open_: list[int] = []
    for index, depth in enumerate(depths):
        while open_ and depths[open_[-1]] >= depth:
            open_.pop()
        for ancestor in open_:
            counts[ancestor] += 1
        open_.append(index)
    return counts


def comment_dicts(comments: tuple[HNComment, ...], story_id: int,
                  keep_dead: bool) -> list[dict[str, Any]]:
    kept = _kept(comments, keep_dead)
    counts = reply_counts([depth for _, _, depth in kept])
    out: list[dict[str, Any]] = []
    for (comment, parent, depth), replies in zip(kept, counts, strict=True):
        entry: dict[str, Any] = {
            "id": comment.id, "parent": parent or story_id, "depth": depth, "by": comment.by,
            "time": comment.time, "replies": replies, "text": comment.text,
        }
        if comment.dead:
            entry["dead"] = True
        out.append(entry)
    return out


def thread_dict(fetched: FetchedThread, fetched_at: datetime,
                keep_dead: bool = False) -> dict[str, Any]:
    """The thread YAML for a fresh fetch; curated fields start empty for the curator."""
    story = fetched.story
    comments = comment_dicts(fetched.comments, story.id, keep_dead)
    return {
        "id": story.id,
        "title": story.title,
        "url": story.url,
        "by": story.by,
        "time": story.time,
        "score": story.score,
        "descendants": story.descendants if story.descendants is not None else len(comments),
        "text": story.text,
        "fetched_at": iso_utc(fetched_at),
        "source": fetched.source,
        "title_ja": "",
        "tags": [],
        "comments": comments,
    }
