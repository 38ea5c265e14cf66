"""Re-fetching a thread that already has a YAML: take what HN says now, keep what people wrote.

Upstream fields (FETCHED_KEYS, COMMENT_FETCHED_KEYS) are replaced by the new fetch. Every other
key — `title_ja`, `tags`, `ja`, `score`, `color`, `include`, `edited`, `_tool`, anything a curator
added — is carried over as the very object that was loaded, so it dumps to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FETCHED_KEYS = ("id", "title", "url", "by", "time", "score", "descendants", "text",
                "fetched_at", "source")
COMMENT_FETCHED_KEYS = ("id", "parent", "depth", "by", "time", "replies", "text")
# Flags that describe upstream state; they follow the new fetch rather than the old file.
UPSTREAM_FLAGS = ("dead", "gone")


@dataclass(frozen=True)
class MergeStats:
    added: int
    changed: int  # upstream text changed
    needs_review: int  # ... of a comment that already had a translation
    gone: int  # kept, but no longer upstream


def _is_translated(comment: dict[str, Any]) -> bool:
    ja = comment.get("ja")
    return isinstance(ja, str) and bool(ja.strip())


def merge_comment(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The old comment with upstream fields from `new`; also whether the text changed."""
    merged = dict(old)
    for key in UPSTREAM_FLAGS:
        merged.pop(key, None)
    merged.update((k, new[k]) for k in COMMENT_FETCHED_KEYS if k in new)
    merged.update((k, new[k]) for k in UPSTREAM_FLAGS if k in new)
    changed = old.get("text") != new.get("text")
    if changed and _is_translated(old):
        merged["needs_review"] = True
    return merged, changed


def _insert_gone(merged: list[dict[str, Any]], comment: dict[str, Any],
                 anchor: int | None) -> int:
    """Put a vanished comment back after the comment it followed before, past that one's
    deeper replies, so no reply ends up looking like a reply to it. Returns its index."""
    position = 0
    if anchor is not None:
        position = next(i for i, c in enumerate(merged) if c["id"] == anchor) + 1
    depth = comment.get("depth", 0)
    while position < len(merged) and merged[position].get("depth", 0) > depth:
        position += 1
    merged.insert(position, comment)
    return position


def merge_comments(old: list[dict[str, Any]], new: list[dict[str, Any]],
                   ) -> tuple[list[dict[str, Any]], MergeStats]:
    old_by_id = {c["id"]: c for c in old}
    new_ids = {c["id"] for c in new}
    merged: list[dict[str, Any]] = []
    added = changed = review = 0
    for comment in new:
        previous = old_by_id.get(comment["id"])
        if previous is None:
            merged.append(dict(comment))
            added += 1
            continue
        entry, text_changed = merge_comment(previous, comment)
        changed += text_changed
        review += text_changed and _is_translated(previous)
        merged.append(entry)
    gone = 0
    anchor: int | None = None
    for comment in old:
        if comment["id"] not in new_ids:
            entry = {**comment, "gone": True}
            _insert_gone(merged, entry, anchor)
            gone += 1
        anchor = comment["id"]
    return merged, MergeStats(added, changed, review, gone)


def merge_thread(old: dict[str, Any], new: dict[str, Any],
                 ) -> tuple[dict[str, Any], MergeStats]:
    """`new` (a fresh fetch) merged into `old` (the YAML on disk)."""
    merged = {k: v for k, v in old.items() if k != "comments"}
    merged.update((k, new[k]) for k in FETCHED_KEYS if k in new)
    for key, value in new.items():
        merged.setdefault(key, value)  # e.g. a curated placeholder the old file lacked
    merged.pop("comments", None)
    comments, stats = merge_comments(old.get("comments") or [], new.get("comments") or [])
    merged["comments"] = comments
    return merged, stats
