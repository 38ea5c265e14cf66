"""Where a build's files go: a staging folder beside the output directory, moved into place
only when every output rendered, so a failed build leaves the last good site exactly as it
was.

A full build (no usable last build, `--clean`) stages the whole site in a fresh folder that
replaces the output directory. An incremental one stages only the files that changed, flat
under hashed names, and `commit` renames each into place and deletes the outputs the site no
longer has."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from hnmatome.core.errors import UserError
from hnmatome.core.writer import copy_new, remove_file, write_new


class OutputTree:
    """The files of one build under a staging folder. Every path is claimed once: a second
    claim on a path is an error naming both claimants, never a silent overwrite."""

    def __init__(self, root: Path, *, flat: bool) -> None:
        """`flat`: every file straight in `root` under its staged_name (an incremental
        build's files are moved into place one by one)."""
        self.root = root
        self.flat = flat
        self._base = str(root)
        self._claims: dict[str, str] = {}
        self._folders: set[str] = {""}  # relative to root, known to exist

    def write(self, rel: str, data: bytes, source: str) -> str:
        """Returns the file written (under root)."""
        target = self._prepare(rel, source)
        self._guarded(rel, source, lambda: write_new(target, data))
        return target

    def copy(self, rel: str, src: Path, source: str) -> str:
        target = self._prepare(rel, source)
        self._guarded(rel, source, lambda: copy_new(src, target))
        return target

    def _prepare(self, rel: str, source: str) -> str:
        parts = rel.split("/")
        if "" in parts or "." in parts or ".." in parts:
            raise UserError(f"{source} would write outside the output directory: {rel}")
        first = self._claims.setdefault(rel, source)
        if first != source:
            raise UserError(f"{source} and {first} both want to write {rel}",
                            hint="rename one of them so their URLs differ")
        if self.flat:
            return f"{self._base}/{staged_name(rel)}"
        self._guarded(rel, source, lambda: self._folder(rel.rpartition("/")[0]))
        return f"{self._base}/{rel}"

    def _folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        self._folder(folder.rpartition("/")[0])
        with contextlib.suppress(FileExistsError):  # another worker made it
            os.mkdir(f"{self._base}/{folder}")
        self._folders.add(folder)

    def _guarded(self, rel: str, source: str, write: object) -> None:
        try:
            write()  # type: ignore[operator]
        except (IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            raise self._clash(rel, source) from exc
        except OSError as exc:
            raise OutputUnwritable(f"cannot write {rel} into {self.root}: "
                                   f"{exc.strerror or exc}",
                                   hint="check that the output folder is writable and has "
                                        "room") from exc

    def _clash(self, rel: str, source: str) -> UserError:
        """A file where a folder must be (or the reverse): name who wrote the other one."""
        parts = rel.split("/")
        prefixes = {"/".join(parts[:n]) for n in range(1, len(parts))}
        others = [s for r, s in self._claims.items()
                  if r != rel and (r in prefixes or r.startswith(rel + "/"))]
        other = others[0] if others else "another output"
        return UserError(f"{source} and {other} both want {rel} (one as a file, one as a folder)",
                         hint="rename one of them so their URLs differ")


class OutputUnwritable(UserError):
    """The output folder refused a file: the build stops at once (every other file would
    fail alike)."""


def staged_name(rel: str) -> str:
    """The name of an output file in the flat staging folder of an incremental build."""
    return hashlib.blake2b(rel.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class Stage:
    """The staging folder of one build of `target`. Open it with `Stage.whole` or
    `Stage.changes`, write through `tree`, then `commit` or `discard`."""

    def __init__(self, target: Path, *, whole: bool, guarded: tuple[Path, ...]) -> None:
        _protect(target, guarded)
        if not whole and not (target / "index.html").exists():
            raise UserError(f"{target} holds no built site", hint="build with --clean")
        self.target = target
        self.whole = whole
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            for leftover in _leftovers(target):  # of a build that was interrupted
                shutil.rmtree(leftover, ignore_errors=True)
            self.root = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-",
                                              dir=target.parent))
            os.chmod(self.root, 0o777 & ~_umask())  # mkdtemp's folder is private; a site is not
        except OSError as exc:
            raise UserError(f"cannot write the site next to {target}: {exc.strerror or exc}",
                            hint="check that the folder is writable, or choose another "
                                 "with --out") from exc
        self.tree = OutputTree(self.root, flat=not whole)

    @classmethod
    def full(cls, target: Path, guarded: tuple[Path, ...] = ()) -> Stage:
        return cls(target, whole=True, guarded=guarded)

    @classmethod
    def changes(cls, target: Path, guarded: tuple[Path, ...] = ()) -> Stage:
        return cls(target, whole=False, guarded=guarded)

    def commit(self, written: list[str], removed: list[str]) -> None:
        """Move the staged files into place: the whole folder, or each of `written`, and
        delete `removed` (outputs of the last build the site no longer has)."""
        try:
            if self.whole:
                self._replace_target()
            else:
                self._move_changes(written, removed)
        except OSError as exc:
            raise UserError(f"cannot update {self.target}: {exc.strerror or exc}",
                            hint="check that the output folder is writable") from exc
        finally:
            self.discard()  # what is left of it (all of it, if something failed)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _replace_target(self) -> None:
        if self.target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-",
                                            dir=self.target.parent))
            os.replace(self.target, retired / self.target.name)
            os.replace(self.root, self.target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(self.root, self.target)

    def _move_changes(self, written: list[str], removed: list[str]) -> None:
        for rel in sorted(removed, reverse=True):
            remove_file(self.target / rel, prune_up_to=self.target)
        for rel in written:
            destination = self.target / rel
            try:
                os.replace(self.root / staged_name(rel), destination)
            except FileNotFoundError:  # a new folder
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.root / staged_name(rel), destination)
            except IsADirectoryError as exc:
                raise UserError(f"cannot write {destination}: a folder is in the way",
                                hint="delete the folder, or build with --clean") from exc


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


def _leftovers(target: Path) -> list[Path]:
    """Staging and retired folders an interrupted earlier build left beside `target`."""
    prefixes = (f".{target.name}.staging-", f".{target.name}.old-")
    return [p for p in target.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir()]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
