"""`content/queue.txt`: the ids waiting to be fetched, one a line.

Lines are kept byte-for-byte: `#` comments, blank lines and an entry's trailing `# note` survive
every add and remove. Changes happen under a file lock and are written atomically, so two
processes adding at once both land and a reader never sees half a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.writer import atomic_write_text
from hnmatome.hn.ids import ID_HINT, parse_item_id

LOCK_TIMEOUT = 30.0


@dataclass(frozen=True)
class QueueEntry:
    line: int  # 1-based, for error messages
    item_id: int


@dataclass(frozen=True)
class AddResult:
    added: tuple[int, ...]
    already_queued: tuple[int, ...]
    already_fetched: tuple[int, ...]


def lock_path(path: Path) -> Path:
    # beside the queue, not the queue itself: atomic replace swaps the inode a lock would hold
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(lock_path(path), timeout=LOCK_TIMEOUT):
            yield
    except Timeout as exc:
        raise UserError(
            f"the queue stayed locked for {LOCK_TIMEOUT:.0f}s", path,
            hint="another hnmatome command is using the queue; wait for it to finish",
        ) from exc


def _entry_text(line: str) -> str:
    return line.split("#", 1)[0].strip()


def parse_queue(text: str, path: Path) -> list[QueueEntry]:
    """The entries of the queue; every line that is not one is reported, all at once."""
    entries: list[QueueEntry] = []
    errors: list[UserError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = _entry_text(line)
        if not body:
            continue
        try:
            entries.append(QueueEntry(number, parse_item_id(body)))
        except UserError:
            errors.append(UserError(
                f"{body!r} is not an item id or HN item URL", path, number,
                hint=f"{ID_HINT}, or start the line with # to keep it as a note"))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise UserErrors(errors)
    return entries


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as exc:
        raise UserError("the queue is not UTF-8 text", path) from exc


def read_ids(path: Path) -> list[int]:
    """The queued ids in file order, each once; a missing queue is an empty one."""
    ids: list[int] = []
    for entry in parse_queue(_read_text(path), path):
        if entry.item_id not in ids:
            ids.append(entry.item_id)
    return ids


def add_ids(
    path: Path, ids: Iterable[int], is_fetched: Callable[[int], bool] = lambda _id: False,
) -> AddResult:
    """Append the ids that are neither queued nor fetched yet (`is_fetched` says which are)."""
    added: list[int] = []
    queued: list[int] = []
    fetched: list[int] = []
    with locked(path):
        text = _read_text(path)
        present = {entry.item_id for entry in parse_queue(text, path)}
        for item_id in ids:
            if item_id in present:
                queued.append(item_id)
            elif is_fetched(item_id):
                fetched.append(item_id)
            else:
                added.append(item_id)
                present.add(item_id)
        if added:
            if text and not text.endswith("\n"):
                text += "\n"
            text += "".join(f"{item_id}\n" for item_id in added)
            atomic_write_text(path, text)
    return AddResult(tuple(added), tuple(queued), tuple(fetched))


def remove_ids(path: Path, ids: Iterable[int]) -> tuple[int, ...]:
    """Drop every line naming one of `ids`; the ids that were actually queued."""
    wanted = set(ids)
    with locked(path):
        text = _read_text(path)
        parse_queue(text, path)  # refuse to rewrite a queue we cannot read
        kept: list[str] = []
        removed: list[int] = []
        for line in text.splitlines(keepends=True):
            body = _entry_text(line)
            item_id = parse_item_id(body) if body else None
            if item_id in wanted:
                if item_id not in removed:
                    removed.append(item_id)
                continue
            kept.append(line)
        if removed:
            atomic_write_text(path, "".join(kept))
    return tuple(removed)
