"""The one module that writes files. Every write is atomic: a temp file beside the target, then
`os.replace`, so a crash or a full disk never leaves a half-written file where a good one was."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


@contextlib.contextmanager
def _synced_temp(path: Path, data: bytes) -> Iterator[str]:
    """A synced temp file holding `data` beside `path`, with `path`'s mode; removed unless the
    caller renamed it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, _mode_for(path))
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _synced_temp(path, data) as tmp:
        os.replace(tmp, path)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ; returns whether the file was written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write_bytes(path, data)
    return True


def replace_if_unchanged(path: Path, expected: bytes, data: bytes) -> bool:
    """Atomically write `data` only if `path` still holds `expected` (what the caller read and
    merged into `data`); returns False, writing nothing, when someone changed it meanwhile.
    The check runs after the slow part (writing and syncing the temp file), just before the
    rename, so the window in which a concurrent save could still be lost is tiny."""
    with _synced_temp(path, data) as tmp:
        try:
            unchanged = path.read_bytes() == expected
        except FileNotFoundError:
            unchanged = False
        if unchanged:
            os.replace(tmp, path)
        return unchanged


def backup_file(path: Path) -> Path:
    """Copy `path` to `path.bak` (atomically) before it is overwritten on purpose."""
    backup = path.with_name(path.name + ".bak")
    atomic_write_bytes(backup, path.read_bytes())
    return backup


def copy_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, _mode_for(dst))  # mkstemp's file is private; the copy should not be
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_file(path: Path, prune_up_to: Path | None = None) -> None:
    """Delete `path` (gone already is fine), then each now-empty parent directory below
    `prune_up_to`, so moving a generated file leaves no empty folder behind."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if prune_up_to is None:
        return
    stop = prune_up_to.resolve()
    parent = path.parent.resolve()
    while parent != stop and parent.is_relative_to(stop):
        try:
            parent.rmdir()
        except OSError:  # not empty (or already gone): stop pruning here
            return
        parent = parent.parent


@contextlib.contextmanager
def fresh_directory(target: Path) -> Iterator[Path]:
    """An empty directory for a tool that fills a folder itself (Pagefind): it becomes `target`
    when the block succeeds, replacing an old `target`, and is removed when the block fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield fresh
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, retired / target.name)
        os.replace(fresh, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(fresh, target)


def remove_tree(path: Path) -> None:
    """Delete a generated folder (a stale cache entry); gone already is fine."""
    shutil.rmtree(path, ignore_errors=True)


class ScratchFolder:
    """Files written for another program to read once and then thrown away (the search
    step's input for Pagefind): no fsync, no atomic rename, the whole folder removed after."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@contextlib.contextmanager
def scratch_folder(parent: Path) -> Iterator[ScratchFolder]:
    parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".scratch-", dir=parent))
    try:
        yield ScratchFolder(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------- staged output


def write_new(path: str, data: bytes) -> None:
    """Write a file of a staging directory (site/output.py), which nobody reads until the
    directory or the file is moved into place: that move is the atomic step, so the file is
    written straight, without a temp file of its own."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def copy_new(src: Path, path: str) -> None:
    """`write_new` of a copy of `src`."""
    shutil.copyfile(src, path)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# --------------------------------------------------------------------------- made from sources


def replace_file(path: Path, data: bytes) -> None:
    """Atomic like atomic_write_bytes, but not synced to disk: for files made from sources
    (build cache, site output) that are checked when used and made again when lost; syncing
    thousands of them would cost seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
