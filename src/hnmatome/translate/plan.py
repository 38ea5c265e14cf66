"""What to translate in a thread, and how answers go back into it, without ever overwriting a
person's words. Pure functions over the thread dict (see thread_yaml).

Ownership bookkeeping (written by the tool, read back on every run):
- per comment `_ja_sha`: fingerprint of the `ja` and `score` the tool last wrote;
- per thread `_title_ja_sha` and `_tags_sha`: fingerprints of the `title_ja` and `tags` it wrote.
A value whose fingerprint no longer matches (or that has none) was written by a person, as is
any comment marked `edited: true`; the tool never replaces those, not even with --force.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from hnmatome.translate.llm_contract import (
    CommentAnswer,
    CommentSource,
    ThreadContext,
    TitleAnswer,
)

Owner = Literal["missing", "tool", "person"]
JA_SHA = "_ja_sha"
TITLE_SHA = "_title_ja_sha"
TAGS_SHA = "_tags_sha"


def fingerprint(value: Any) -> str:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def comment_owner(comment: dict[str, Any]) -> Owner:
    if comment.get("edited") is True:
        return "person"
    if _blank(comment.get("ja")):
        return "missing"
    mine = fingerprint([comment.get("ja"), comment.get("score")])
    return "tool" if comment.get(JA_SHA) == mine else "person"


def field_owner(thread: dict[str, Any], key: str, sha_key: str) -> Owner:
    value = thread.get(key)
    if _blank(value):
        return "missing"
    return "tool" if thread.get(sha_key) == fingerprint(value) else "person"


@dataclass(frozen=True)
class TranslateOptions:
    force: bool = False  # retranslate what the tool wrote before
    only: frozenset[int] = frozenset()  # just these comments (retranslated), no title


@dataclass(frozen=True)
class ThreadPlan:
    thread_id: int
    context: ThreadContext
    title_fields: frozenset[str]  # subset of {"title_ja", "tags"}
    chunks: tuple[tuple[CommentSource, ...], ...]
    kept_for_person: tuple[int, ...] = ()  # comments asked for but written by a person
    unknown_only: tuple[int, ...] = field(default=())  # --only ids that are not in this thread

    @property
    def comment_count(self) -> int:
        return sum(len(chunk) for chunk in self.chunks)

    @property
    def empty(self) -> bool:
        return not self.title_fields and not self.chunks


def _text(comment: dict[str, Any]) -> str:
    text = comment.get("text")
    return text.strip() if isinstance(text, str) else ""


def thread_context(thread: dict[str, Any], first_comments: int) -> ThreadContext:
    texts = [_text(c) for c in thread.get("comments") or [] if _text(c)]
    return ThreadContext(
        title=str(thread.get("title") or ""),
        url=str(thread.get("url") or ""),
        text=str(thread.get("text") or ""),
        first_comments=tuple(texts[:first_comments]),
    )


def _wanted(owner: Owner, asked: bool) -> bool:
    return owner == "missing" or (owner == "tool" and asked)


def _title_fields(thread: dict[str, Any], options: TranslateOptions) -> frozenset[str]:
    if options.only:
        return frozenset()
    fields = {"title_ja": TITLE_SHA, "tags": TAGS_SHA}
    return frozenset(
        key for key, sha_key in fields.items()
        if _wanted(field_owner(thread, key, sha_key), options.force)
    )


def plan_thread(
    thread: dict[str, Any], options: TranslateOptions, chunk_size: int, first_comments: int
) -> ThreadPlan:
    picked: list[CommentSource] = []
    kept: list[int] = []
    comments = thread.get("comments") or []
    for comment in comments:
        if options.only and comment["id"] not in options.only:
            continue
        text = _text(comment)
        if not text:
            continue
        owner = comment_owner(comment)
        asked = options.force or bool(options.only) or comment.get("needs_review") is True
        if _wanted(owner, asked):
            picked.append(CommentSource(comment["id"], text))
        elif owner == "person" and asked:
            kept.append(comment["id"])
    size = max(1, chunk_size)
    present = {c["id"] for c in comments}
    return ThreadPlan(
        thread_id=int(thread["id"]),
        context=thread_context(thread, first_comments),
        title_fields=_title_fields(thread, options),
        chunks=tuple(tuple(picked[i : i + size]) for i in range(0, len(picked), size)),
        kept_for_person=tuple(kept),
        unknown_only=tuple(sorted(i for i in options.only if i not in present)),
    )


def split_chunk(
    chunk: tuple[CommentSource, ...],
) -> tuple[tuple[CommentSource, ...], tuple[CommentSource, ...]]:
    middle = (len(chunk) + 1) // 2
    return chunk[:middle], chunk[middle:]


@dataclass(frozen=True)
class Applied:
    written: tuple[int, ...]
    skipped: tuple[int, ...]  # changed on disk meanwhile (by a person or a re-fetch), or gone


def apply_comment_answers(
    thread: dict[str, Any], answers: tuple[CommentAnswer, ...], sent: tuple[CommentSource, ...]
) -> Applied:
    """Write answers into `thread` (freshly read from disk), each only if its comment still has
    the text that was sent and still has no translation of a person's."""
    by_id = {c["id"]: c for c in thread.get("comments") or []}
    sent_text = {c.id: c.text for c in sent}
    written: list[int] = []
    skipped: list[int] = []
    for answer in answers:
        comment = by_id.get(answer.id)
        if (comment is None or _text(comment) != sent_text.get(answer.id)
                or comment_owner(comment) == "person"):
            skipped.append(answer.id)
            continue
        comment["ja"] = answer.ja
        comment["score"] = answer.score
        comment[JA_SHA] = fingerprint([answer.ja, answer.score])
        comment.pop("needs_review", None)
        written.append(answer.id)
    return Applied(tuple(written), tuple(skipped))


def apply_title_answer(
    thread: dict[str, Any], answer: TitleAnswer, fields: frozenset[str]
) -> tuple[str, ...]:
    """Write the title and/or tags asked for, unless a person wrote them meanwhile."""
    values: dict[str, Any] = {"title_ja": answer.title, "tags": list(answer.tags)}
    sha_keys = {"title_ja": TITLE_SHA, "tags": TAGS_SHA}
    written = []
    for key in sorted(fields):
        if field_owner(thread, key, sha_keys[key]) == "person":
            continue
        thread[key] = values[key]
        thread[sha_keys[key]] = fingerprint(values[key])
        written.append(key)
    return tuple(written)
