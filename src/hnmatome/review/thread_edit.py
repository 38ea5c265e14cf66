"""Edits to a thread file made the way a person makes them: the studio's saves (hide or show a
comment, recolour it, fix its Japanese, mark it reviewed; the thread's title_ja, tags, date and
limits) all come through `edit_thread`.

The YAML stays the single source of truth and a file a person edits by hand, so only the keys
that change are touched, in the text (`core/thread_text.py`): other lines, `# comments`, blank
lines and key order survive. The result is loaded again and must equal the intended data; when
the layout is too unusual for that (a flow mapping, anchors), the whole file is written by
`thread_yaml.dumps` instead, which keeps every value but not the comments.

Never lose an edit: a save names the digest of the file version it was based on, and is refused
(`StaleThread`, carrying what is on disk now) when the file changed meanwhile — by an editor, a
fetch or a translate — up to the last moment: `replace_if_unchanged` compares the bytes just
before its atomic rename.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hnmatome.convert.curation import normalize_tags, parse_comments
from hnmatome.convert.post_format import post_date
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.thread_text import edited
from hnmatome.core.writer import replace_if_unchanged

LIMIT_KEYS = ("max_comments", "max_replies", "min_score", "highlight_score")


def file_digest(data: bytes) -> str:
    """The version of a file's bytes that a save names as the one it was based on."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class ThreadChanges:
    """Keys to set, per thread and per comment id; a value of None deletes the key (for
    `include`, `color`, the limits, `date`: back to automatic)."""

    thread: Mapping[str, Any] = field(default_factory=dict)
    comments: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)


class StaleThread(UserError):
    """The file on disk is not the version the edit was based on; nothing was written."""

    def __init__(self, path: Path | str, current: bytes | None) -> None:
        gone = current is None
        super().__init__(
            "the thread file is gone" if gone else
            "the thread file changed on disk since it was loaded (an editor, fetch or "
            "translate saved it); this edit was not saved",
            path, hint="reload the thread to see the current version, then make the edit again")
        self.current = current or b""  # what is on disk now (b'' when the file is gone)
        self.gone = gone

    @classmethod
    def of(cls, path: Path | str, current: bytes | None) -> StaleThread:
        return cls(path, current)

    @property
    def current_digest(self) -> str:
        return file_digest(self.current)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, None if self.gone else self.current))


def edit_thread(path: Path, base_digest: str, changes: ThreadChanges) -> str:
    """Make `changes` to the thread file at `path` if it is still the version `base_digest`;
    returns the digest of the file now. Raises StaleThread when the file changed (also when it
    changes while this runs), UserError for an unknown comment or a value of the wrong shape."""
    old = _read(path)
    if old is None or file_digest(old) != base_digest:
        raise StaleThread(path, old)
    if not changes.thread and not changes.comments:
        return base_digest
    try:
        text = old.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError("thread file is not UTF-8", path,
                        hint="save it as UTF-8 in your editor, then reload") from exc
    edited = apply_changes(text, changes, path)
    if edited == text:
        return base_digest
    data = edited.encode("utf-8")
    if not replace_if_unchanged(path, old, data):
        raise StaleThread(path, _read(path))
    return file_digest(data)


def apply_changes(text: str, changes: ThreadChanges, path: Path | str = "<string>") -> str:
    """The thread file `text` with `changes` made (pure: nothing is read or written). A key set
    to the value it already has is not touched; `edited: true` comes with a changed `ja` unless
    the changes say otherwise."""
    before = thread_yaml.loads(text, path)
    thread = _effective(before, {key: _thread_value(key, value, path, text)
                                 for key, value in changes.thread.items()})
    positions = {comment["id"]: index for index, comment in enumerate(before["comments"])}
    comments: dict[int, dict[str, Any]] = {}
    for cid, values in changes.comments.items():
        if cid not in positions:
            raise UserError(f"there is no comment {cid} in this thread", path,
                            hint="reload the thread: it may have been fetched again")
        current = before["comments"][positions[cid]]
        wanted = {key: _comment_value(cid, key, value, path, text)
                  for key, value in values.items()}
        if "ja" in wanted and "edited" not in wanted and wanted["ja"] != current.get("ja"):
            wanted["edited"] = True  # a person's Japanese: translate never overwrites it
        effective = _effective(current, wanted)
        if effective:
            comments[positions[cid]] = effective
    if not thread and not comments:
        return text
    expected = copy.deepcopy(before)
    _set_keys(expected, thread)
    for index, values in comments.items():
        _set_keys(expected["comments"][index], values)
    return edited(text, thread, comments, expected, path)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _same(a: Any, b: Any) -> bool:
    # `include: 1` is not `include: true`: a change of type is a change
    return type(a) is type(b) and a == b


def _effective(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in wanted.items()
            if not _same(current.get(key), value)}


def _set_keys(target: dict[str, Any], values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def _key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith(f"{key}:"):
            return number
    return None


def _one_text(value: str) -> str:
    # A browser's form sends CR LF; in YAML a lone CR would force an escaped, quoted string.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _thread_value(key: str, value: Any, path: Path | str, text: str) -> Any:
    def wrong(what: str, hint: str) -> UserError:
        return UserError(f"`{key}: {value!r}` {what}", path, _key_line(text, key), hint=hint)

    if value is None or key.startswith("_"):
        return value
    if key == "title_ja":
        if not isinstance(value, str):
            raise wrong("should be text", "write the Japanese title")
        return _one_text(value)
    if key == "tags":
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple) \
                or not all(isinstance(tag, str) for tag in value):
            raise wrong("should be a list of tags", "give each tag as text, e.g. ['AI', 'LLM']")
        return normalize_tags(value, {})
    if key == "date":
        if not isinstance(value, str):
            raise wrong("should be text", "write it as 2025-02-10 or 2025-02-10T09:30:00")
        if not value.strip():
            return None  # blank is the same as no date: the post takes the thread's day
        post_date({"date": value}, ZoneInfo("UTC"), path)  # checked exactly as convert reads it
        return value.strip()
    if key in LIMIT_KEYS:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise wrong("should be a whole number (0 or more)",
                        f"give a number, or none to use the setting ({key})")
        return value
    if key == "draft":
        if not isinstance(value, bool):
            raise wrong("should be true or false", "publish with `hnmatome publish`")
        return value
    raise UserError(f"`{key}` of the thread cannot be changed this way", path,
                    hint="edit it in the thread file by hand")


def _comment_value(cid: int, key: str, value: Any, path: Path | str, text: str) -> Any:
    def wrong(what: str, hint: str) -> UserError:
        return UserError(f"comment {cid}: `{key}: {value!r}` {what}", path,
                         thread_yaml.comment_line(text, cid), hint=hint)

    if key == "ja":
        if not isinstance(value, str):
            raise wrong("should be text", "write the Japanese (an empty text shows the original)")
        return _one_text(value)
    if value is None or key.startswith("_"):
        return value
    if key in ("include", "reviewed", "edited"):
        if not isinstance(value, bool):
            raise wrong("should be true or false", f"give true, false or none for `{key}`")
        return value
    if key == "color":
        if not isinstance(value, str):
            raise wrong("should be a colour", "use #rgb, #rrggbb or a CSS colour name, or ''")
        try:
            parse_comments([{"id": cid, "color": value}], Path(path))  # convert's own check
        except UserError as exc:
            raise UserError(exc.message, path, thread_yaml.comment_line(text, cid),
                            hint=exc.hint) from None
        return value.strip()
    if key == "score":
        if not isinstance(value, int | float) or isinstance(value, bool) \
                or not 0 <= value <= 100:
            raise wrong("should be a number from 0 to 100", "give a score, or none")
        return value
    raise UserError(f"comment {cid}: `{key}` cannot be changed this way", path,
                    thread_yaml.comment_line(text, cid), hint="edit it in the thread file by hand")
