"""Warnings about a thread file: the post is still written, and `convert` (and the build's
convert) prints them. Plain data, so they come back from worker processes whole."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hnmatome.convert.curation import Comment
from hnmatome.core.errors import UserError


@dataclass(frozen=True)
class Notice:
    message: str
    path: Path
    line: int | None = None
    hint: str | None = None
    comment_id: int | None = None  # the comment it is about, to find its line

    def __str__(self) -> str:  # as a UserError reads: 'file:line: message' and a hint
        return str(UserError(self.message, self.path, self.line, self.hint))


def missing_text(comments: Iterable[Comment], thread_id: int, path: Path) -> list[Notice]:
    """A comment without `text` (no such key, or `text:` left blank: a hand edit, since `fetch`
    always writes it) is named: without `ja` either it would silently be left out."""
    notices = []
    for comment in comments:
        if comment.has_text or comment.include is False:
            continue
        fetch = f"`hnmatome fetch {thread_id}` gets its text back"
        if comment.body:
            notices.append(Notice(
                f"comment {comment.id} has no `text` (the original); the post shows its `ja`",
                path, hint=f"{fetch} (your `ja` is kept)", comment_id=comment.id))
        else:
            notices.append(Notice(
                f"comment {comment.id} has no `text` (and no `ja`), so the post leaves it out",
                path, hint=f"{fetch}; or write its `ja:`, or set `include: false` to leave it "
                           "out on purpose", comment_id=comment.id))
    return notices
