"""Which comments a post shows, in which colour, and which tags it carries. Pure functions.

Selection follows the reference pipeline: at most `max_comments` in all; under each top-level
comment at most `max_replies`, keeping the replies that drew the most replies themselves, shown in
display order. `include: false` hides a comment, `include: true` shows it whatever the limits and
the score say. Comments the LLM scored under `min_score` are dropped; those at or above
`highlight_score` get a palette colour picked from their id (an explicit `color` wins).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hnmatome.convert.safe_markdown import normalize_text
from hnmatome.core.errors import UserError
from hnmatome.core.settings import Settings

_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]+")


@dataclass(frozen=True)
class CurationRules:
    max_comments: int
    max_replies: int
    min_score: int
    highlight_score: int
    palette: tuple[str, ...]


@dataclass(frozen=True)
class Comment:
    """One comment of the thread YAML, checked and typed."""

    id: int
    parent: int | None
    by: str
    time: str
    replies: int
    body: str  # `ja` when translated, else the original `text`
    score: int | None
    color: str | None  # None: not set in the YAML
    include: bool | None
    hidden_upstream: bool  # dead or gone
    has_text: bool = True  # False: no `text` key, or `text:` left blank (fetch writes one)


@dataclass(frozen=True)
class SelectedComment:
    comment: Comment
    depth: int  # how many of its ancestors are shown too
    color: str


def rules_for(thread: Mapping[str, Any], settings: Settings, path: Path) -> CurationRules:
    """The settings, overridden by the thread's own `max_comments`, … keys."""
    def pick(key: str) -> int:
        value = thread.get(key)
        if value is None:
            return int(getattr(settings, key))
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UserError(f"`{key}: {value!r}` should be a whole number (0 or more)", path,
                            hint=f"fix it or delete the line to use the setting ({key})")
        return value

    return CurationRules(
        max_comments=pick("max_comments"), max_replies=pick("max_replies"),
        min_score=pick("min_score"), highlight_score=pick("highlight_score"),
        palette=tuple(settings.palette),
    )


def parse_comments(raw: Sequence[Mapping[str, Any]], path: Path) -> list[Comment]:
    """Typed comments; a comment without `parent` gets the nearest one above it that is one
    level shallower (`depth`), so a hand-made thread without parents still nests."""
    comments: list[Comment] = []
    last_at_depth: dict[int, int] = {}
    for item in raw:
        comment = _parse_comment(item, path)
        depth = item.get("depth")
        if isinstance(depth, int) and not isinstance(depth, bool) and depth >= 0:
            if comment.parent is None and depth > 0 and depth - 1 in last_at_depth:
                comment = dataclasses.replace(comment, parent=last_at_depth[depth - 1])
            last_at_depth = {d: i for d, i in last_at_depth.items() if d < depth}
            last_at_depth[depth] = comment.id
        comments.append(comment)
    return comments


def _parse_comment(raw: Mapping[str, Any], path: Path) -> Comment:
    cid = raw["id"]

    def typed(key: str, kinds: tuple[type, ...], what: str) -> Any:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise UserError(f"comment {cid}: `{key}: {value!r}` should be {what}", path,
                            hint=f"fix or delete `{key}` of comment {cid}")
        return value

    ja = typed("ja", (str,), "text")
    text = typed("text", (str,), "text (quote it: text: '42')")
    color = typed("color", (str,), "a colour such as '#ff5c5c' (or '' for none)")
    if color and not _COLOR.fullmatch(color.strip()):
        raise UserError(f"comment {cid}: `color: {color!r}` is not a colour", path,
                        hint="use #rgb, #rrggbb or a CSS colour name, or '' for none")
    return Comment(
        id=cid,
        parent=typed("parent", (int,), "a comment id"),
        by=str(raw.get("by") or ""),
        time=str(raw.get("time") or ""),
        replies=typed("replies", (int,), "a number") or 0,
        body=ja if ja and ja.strip() else text or "",
        score=typed("score", (int, float), "a number from 0 to 100"),
        color=color.strip() if color is not None else None,
        include=typed("include", (bool,), "true or false"),
        hidden_upstream=bool(raw.get("dead") or raw.get("gone")),
        has_text=text is not None,
    )


def select_comments(comments: Sequence[Comment], rules: CurationRules) -> list[SelectedComment]:
    """The comments to show, in display order, with their display depth and colour."""
    order = {c.id: index for index, c in enumerate(comments)}
    parents = {c.id: c.parent for c in comments}
    eligible = [c for c in comments if _eligible(c, rules)]
    kept: set[int] = set()
    for root, members in _groups_by_root(eligible, parents, order).items():
        kept.update(c.id for c in members if c.id == root or c.include is True)
        replies = [c for c in members if c.id != root and c.include is not True]
        forced = sum(1 for c in members if c.id != root and c.include is True)
        slots = max(0, rules.max_replies - forced)
        ranked = sorted(replies, key=lambda c: (-c.replies, order[c.id]))
        kept.update(c.id for c in ranked[:slots])
    shown = _cap_total([c for c in comments if c.id in kept], rules.max_comments)
    shown_ids = {c.id for c in shown}
    return [SelectedComment(c, _depth(c, parents, shown_ids), comment_color(c, rules))
            for c in shown]


def _eligible(comment: Comment, rules: CurationRules) -> bool:
    if not normalize_text(comment.body) or comment.include is False:
        return False
    if comment.include is True:
        return True
    if comment.hidden_upstream:
        return False
    return comment.score is None or comment.score >= rules.min_score


def _root(cid: int, parents: Mapping[int, int | None]) -> int:
    seen = {cid}
    while (parent := parents.get(cid)) in parents and parent not in seen:
        seen.add(parent)
        cid = parent  # type: ignore[assignment]
    return cid


def _groups_by_root(comments: Iterable[Comment], parents: Mapping[int, int | None],
                    order: Mapping[int, int]) -> dict[int, list[Comment]]:
    groups: dict[int, list[Comment]] = {}
    for comment in sorted(comments, key=lambda c: order[c.id]):
        groups.setdefault(_root(comment.id, parents), []).append(comment)
    return groups


def _cap_total(comments: list[Comment], max_comments: int) -> list[Comment]:
    budget = max_comments - sum(1 for c in comments if c.include is True)
    shown: list[Comment] = []
    for comment in comments:
        if comment.include is True:
            shown.append(comment)
        elif budget > 0:
            shown.append(comment)
            budget -= 1
    return shown


def _depth(comment: Comment, parents: Mapping[int, int | None], shown: set[int]) -> int:
    depth = 0
    seen = {comment.id}
    cid: int | None = comment.parent
    while cid is not None and cid in parents and cid not in seen:
        seen.add(cid)
        depth += cid in shown
        cid = parents[cid]
    return depth


def comment_color(comment: Comment, rules: CurationRules) -> str:
    if comment.color is not None:
        return comment.color
    if comment.score is not None and comment.score >= rules.highlight_score and rules.palette:
        return rules.palette[comment.id % len(rules.palette)]
    return ""


def normalize_tags(tags: Iterable[Any], aliases: Mapping[str, str]) -> list[str]:
    """Tags through the alias table, deduplicated case-insensitively (first spelling wins, or
    the alias table's spelling when it names the tag)."""
    canonical = {_tag_key(target): _clean_tag(target) for target in aliases.values()}
    canonical.update({_tag_key(alias): _clean_tag(target) for alias, target in aliases.items()})
    out: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        tag = _clean_tag(str(raw))
        tag = canonical.get(_tag_key(tag), tag)
        if tag and _tag_key(tag) not in seen:
            seen.add(_tag_key(tag))
            out.append(tag)
    return out


def _clean_tag(tag: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", tag).split())


def _tag_key(tag: str) -> str:
    return _clean_tag(tag).casefold()
