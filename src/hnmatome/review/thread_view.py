"""What the studio shows of one thread: its fields, its comments as HN's tree with whether the
post shows each and, if not, why, and the problems the checks found. Plain JSON-ready dicts,
made from the thread file as it is on disk (no state of its own)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hnmatome.convert.curation import (
    Comment,
    CurationRules,
    parse_comments,
    rules_for,
    select_comments,
)
from hnmatome.convert.safe_markdown import normalize_text
from hnmatome.core.settings import Settings
from hnmatome.review.checks import Problem
from hnmatome.review.thread_edit import file_digest

HN_ITEM = "https://news.ycombinator.com/item?id={}"
LIMITS = ("max_comments", "max_replies", "min_score", "highlight_score")
UNLIMITED = 1 << 30


@dataclass(frozen=True)
class ViewContext:
    """What a thread view needs besides the thread file."""

    settings: Settings
    root: Path  # the project folder (files are named relative to it)
    tag_counts: Mapping[str, int]  # the site's tags, with how many posts carry each
    preview: str | None  # the post's address in the served site, if it has a post
    can_translate: bool


def thread_view(data: bytes, thread: Mapping[str, Any], path: Path, problems: Sequence[Problem],
                context: ViewContext) -> dict[str, Any]:
    """The thread view of the API (see studio_api.py) for the file `path` holding `data`."""
    rules = rules_for(thread, context.settings, path)
    comments = parse_comments(thread.get("comments") or [], path)
    shown, colors = _shown(comments, rules)
    reasons = _reasons(comments, rules, shown)
    by_comment: dict[int, list[dict[str, str]]] = {}
    for problem in problems:
        if problem.comment_id is not None:
            by_comment.setdefault(problem.comment_id, []).append(
                {"level": problem.level, "message": problem.message})
    raw = thread.get("comments") or []
    views = [_comment(item, comment, comment.id in shown, colors.get(comment.id, ""),
                      reasons.get(comment.id, ""), by_comment.get(comment.id, []))
             for item, comment in zip(raw, comments, strict=True)]
    return {
        "id": thread["id"], "digest": file_digest(data), "file": _relative(path, context.root),
        "state": thread_state(thread),
        "title": _text(thread.get("title")), "title_ja": _optional(thread.get("title_ja")),
        "url": _text(thread.get("url")), "hn_url": HN_ITEM.format(thread["id"]),
        "by": _text(thread.get("by")), "time": _text(thread.get("time")),
        "text": _text(thread.get("text")),
        "tags": [str(tag) for tag in thread.get("tags") or []],
        "date": _optional(thread.get("date")), "draft": thread.get("draft") is not False,
        "limits": {key: {"value": thread.get(key), "effective": getattr(rules, key)}
                   for key in LIMITS},
        "tag_suggestions": [{"name": name, "count": count} for name, count in sorted(
            context.tag_counts.items(), key=lambda item: (-item[1], item[0]))],
        "palette": list(context.settings.palette),
        "preview": context.preview,
        "counts": {"total": len(views), "shown": len(shown),
                   "translated": sum(1 for view in views if view["ja"])},
        "comments": views,
        "checks": [problem_view(problem) for problem in problems],
        "can_translate": context.can_translate,
    }


def thread_state(thread: Mapping[str, Any]) -> str:
    """'published' (draft: false), 'draft' (title and every comment that can be shown
    translated), 'translated' (some of it), or 'fetched' (none of it)."""
    if thread.get("draft") is False:
        return "published"
    texts = [c for c in thread.get("comments") or []
             if _text(c.get("text")).strip() and not (c.get("dead") or c.get("gone"))]
    done = sum(1 for c in texts if _text(c.get("ja")).strip())
    titled = bool(_text(thread.get("title_ja")).strip())
    if titled and done == len(texts):
        return "draft"
    return "translated" if titled or done else "fetched"


def problem_view(problem: Problem) -> dict[str, Any]:
    return {"level": problem.level, "message": problem.message, "hint": problem.hint,
            "comment_id": problem.comment_id, "field": problem.field}


def shown_comment_ids(thread: Mapping[str, Any], settings: Settings, path: Path) -> list[int]:
    """The comments the post shows, in its order (the preview's edit links follow it)."""
    rules = rules_for(thread, settings, path)
    comments = parse_comments(thread.get("comments") or [], path)
    return [selected.comment.id for selected in select_comments(comments, rules)]


def _shown(comments: Sequence[Comment], rules: CurationRules) -> tuple[set[int], dict[int, str]]:
    selected = select_comments(comments, rules)
    return ({s.comment.id for s in selected}, {s.comment.id: s.color for s in selected})


def _reasons(comments: Sequence[Comment], rules: CurationRules, shown: set[int]
             ) -> dict[int, str]:
    """Why each comment the post leaves out is left out. The limits are told apart by
    selecting again without the total limit: what that keeps fell to the total."""
    without_total = {s.comment.id for s in select_comments(
        comments, CurationRules(UNLIMITED, rules.max_replies, rules.min_score,
                                rules.highlight_score, rules.palette))}
    reasons = {}
    for comment in comments:
        if comment.id not in shown:
            reasons[comment.id] = _reason(comment, rules, comment.id in without_total)
    return reasons


def _reason(comment: Comment, rules: CurationRules, fell_to_total: bool) -> str:
    if comment.include is False:
        return "hidden by you"
    if not normalize_text(comment.body):
        return "no text"
    if comment.include is not True and comment.hidden_upstream:
        return "dead or deleted on Hacker News"
    if comment.include is not True and comment.score is not None \
            and comment.score < rules.min_score:
        return f"score {comment.score:g} is below {rules.min_score}"
    if fell_to_total:
        return f"over the limit of {rules.max_comments} comments"
    return f"over the limit of {rules.max_replies} replies under its top comment"


def _comment(raw: Mapping[str, Any], comment: Comment, shown: bool, color: str, reason: str,
             problems: list[dict[str, str]]) -> dict[str, Any]:
    depth = raw.get("depth")
    return {
        "id": comment.id, "parent": comment.parent,
        "depth": depth if isinstance(depth, int) and not isinstance(depth, bool) else 0,
        "by": comment.by, "time": comment.time,
        "text": _text(raw.get("text")), "ja": _optional(raw.get("ja")),
        "score": comment.score, "color": comment.color, "shown_color": color if shown else "",
        "include": comment.include, "shown": shown, "reason": reason,
        "edited": raw.get("edited") is True, "reviewed": raw.get("reviewed") is True,
        "dead": bool(raw.get("dead") or raw.get("gone")), "problems": problems,
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
