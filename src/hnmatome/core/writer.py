"""The one module that writes files. Every write is atomic: a temp file beside the target, then
`os.replace`, so a crash or a full disk never leaves a half-written file where a good one was."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome.core.errors import UserError

if TYPE_CHECKING:
    import subprocess


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
        _remove_later(retired)
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


# --------------------------------------------------------------------------- site output


class OutputTree:
    """The files of one site build under `root`, a fresh staging directory nobody else reads
    until it is moved into place as a whole: that move is the atomic step, so files are
    written straight to their place, without a temp file and a rename each. Every path is
    claimed once: a second claim on the same path is an error naming both claimants, never a
    silent overwrite."""

    def __init__(self, root: Path, *, flat: bool = False) -> None:
        """`flat`: every file straight in `root` under its staged_name (the staging directory
        of an incremental build: its files are moved into place one by one)."""
        self.root = root
        self.flat = flat
        self._base = str(root)
        self._claims: dict[str, str] = {}
        # Folders (relative to root) known to exist: a cold build makes ~9,000 of them, one
        # mkdir each, and a disk's mkdir is slow enough to show in the build time.
        self._folders: set[str] = {""}
        self.files_written = 0

    def _folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        self._folder(folder.rpartition("/")[0])
        # FileExistsError: another worker made it, or a file is in the way (open says so)
        with contextlib.suppress(FileExistsError):
            os.mkdir(f"{self._base}/{folder}")
        self._folders.add(folder)

    def _claim(self, rel: str, source: str) -> str:
        parts = rel.split("/")
        if "" in parts or "." in parts or ".." in parts:
            raise UserError(f"{source} would write outside the output directory: {rel}")
        first = self._claims.setdefault(rel, source)
        if first != source:
            raise UserError(f"{source} and {first} both want to write {rel}",
                            hint="rename one of them so their URLs differ")
        return f"{self._base}/{staged_name(rel) if self.flat else rel}"

    def write(self, rel: str, data: bytes, source: str) -> str:
        """Returns the file written (under root)."""
        target = self._claim(rel, source)
        try:
            if not self.flat:
                self._folder(rel.rpartition("/")[0])
            _write_new(target, data)
        except (IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            raise self._clash(rel, source) from exc
        self.files_written += 1
        return target

    def copy(self, rel: str, src: Path, source: str) -> str:
        """Returns the file written (under root)."""
        target = self._claim(rel, source)
        try:
            if not self.flat:
                self._folder(rel.rpartition("/")[0])
            shutil.copyfile(src, target)
        except (IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            raise self._clash(rel, source) from exc
        self.files_written += 1
        return target

    def _clash(self, rel: str, source: str) -> UserError:
        """A file where a directory must be (or the reverse): name who wrote the other one."""
        parts = rel.split("/")
        prefixes = {"/".join(parts[:n]) for n in range(1, len(parts))}
        others = [s for r, s in self._claims.items()
                  if r != rel and (r in prefixes or r.startswith(rel + "/"))]
        other = others[0] if others else "another output"
        return UserError(f"{source} and {other} both want {rel} (one as a file, one as a folder)",
                         hint="rename one of them so their URLs differ")


def staged_name(rel: str) -> str:
    """The name of an output file in the flat staging directory of an incremental build."""
    return hashlib.blake2b(rel.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _write_new(path: str, data: bytes) -> None:
    """Write a file of a staging directory: a raw descriptor, no buffer to copy through."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _protect(target: Path, guarded: tuple[Path, ...]) -> None:
    resolved = target.resolve()
    for path in guarded:
        guard = path.resolve()
        if resolved == guard or guard.is_relative_to(resolved) or resolved.is_relative_to(guard):
            raise UserError(f"refusing to replace {target}: it is or holds {path}",
                            hint="choose an output directory of its own, such as public/")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / "index.html").exists():
        raise UserError(f"refusing to replace {target}: it is not empty and holds no built site",
                        hint="empty it yourself or choose another output directory")


@contextlib.contextmanager
def staged_directory(target: Path, guarded: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Build into a fresh directory beside `target`; on success it replaces `target`, on any
    error it is removed and `target` (the last good site) is left exactly as it was.
    `guarded` paths (the project, its content) may never be replaced."""
    _protect(target, guarded)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_later(*_leftovers(target))
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; a site is public
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    if target.exists():
        os.replace(target, retired / target.name)
    os.replace(staging, target)
    _remove_later(retired)


def _leftovers(target: Path) -> list[Path]:
    """Staging and retired trees an interrupted earlier build left beside `target`."""
    prefixes = (f".{target.name}.staging-", f".{target.name}.old-")
    return [p for p in target.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir()]


_cleanups: list[subprocess.Popen[bytes]] = []  # started by _remove_later
_REMOVE_TREES = "import shutil, sys\nfor path in sys.argv[1:]:\n    shutil.rmtree(path, True)\n"


def _remove_later(*paths: Path) -> None:
    """Delete trees in a process of their own, which outlives this one: removing the ~17,000
    files and folders of a big site's old output took 13 s on a slow disk, and neither the
    build nor the command's exit needs to wait for it. (An interrupted removal is finished
    by the next build: see _leftovers.)"""
    if not paths:
        return
    if not sys.executable:  # embedded without an interpreter to start: delete here
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
        return
    import subprocess  # only here: ~4 ms of every build's start otherwise

    _cleanups[:] = [process for process in _cleanups if process.poll() is None]  # reaped
    _cleanups.append(subprocess.Popen(
        [sys.executable, "-c", _REMOVE_TREES, *map(str, paths)], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))


def wait_for_cleanups() -> None:
    """Block until old output trees are deleted (tests and benchmarks use this)."""
    while _cleanups:
        _cleanups.pop().wait()


def open_lock_file(path: Path) -> int:
    """A descriptor of `path`, created empty when missing: a file only ever locked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# --------------------------------------------------------------------------- build cache and
# incremental builds


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


def remove_cache_files(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class StagedChanges:
    """The files an incremental build changes, written beside the output directory first.
    `commit` moves each into place (an atomic rename per file) and deletes the outputs the
    site no longer has; until then the output directory is untouched."""

    def __init__(self, target: Path, staging: Path) -> None:
        self.target = target
        self.root = staging
        self.written: list[str] = []  # staged files, relative to both roots
        self.removed: list[str] = []  # outputs of the last build that are gone

    def commit(self) -> None:
        """The old files go to `replaced/` in the staging directory first (a hard link, or a
        rename for deleted outputs), which is deleted later in a process of its own: freeing
        a big file's blocks took 3 ms of a rename over it on a disk with `discard`."""
        replaced = self.root / "replaced"
        replaced.mkdir()
        for rel in sorted(self.removed, reverse=True):
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.target / rel, replaced / staged_name(rel))
            remove_file(self.target / rel, prune_up_to=self.target)
        for rel in self.written:
            destination = self.target / rel
            with contextlib.suppress(OSError):  # none yet, or a folder (said below)
                os.link(destination, replaced / staged_name(rel))
            try:
                os.replace(self.root / staged_name(rel), destination)
            except FileNotFoundError:  # a new folder
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.root / staged_name(rel), destination)
            except IsADirectoryError as exc:
                raise UserError(f"cannot write {destination}: a folder is in the way",
                                hint="delete the folder, or build with --clean") from exc


@contextlib.contextmanager
def staged_changes(target: Path, guarded: tuple[Path, ...] = ()) -> Iterator[StagedChanges]:
    """A staging directory for the changed files of an incremental build of `target` (which
    must hold a built site). The staging directory is removed whatever happens; the changes
    reach `target` only when the block ends without an error and calls nothing else."""
    _protect(target, guarded)
    if not (target / "index.html").exists():
        raise UserError(f"{target} holds no built site", hint="build with --clean")
    _remove_later(*_leftovers(target))
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    changes = StagedChanges(target, staging)
    try:
        yield changes
        changes.commit()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if any((staging / "replaced").iterdir()):
        _remove_later(staging)  # what the site no longer has (see StagedChanges.commit)
    else:
        shutil.rmtree(staging, ignore_errors=True)
