"""The build cache in .cache/hnmatome/build/: what the last builds made, so the next one
renders only what changed.

- `files.pickle`: the digest of every input file by its path in the project, with its stat
  stamp (site/sources.py).
- `pages.pickle`: parsed front matter of every page, by the file's digest (site/content.py).
- `bodies.pickle` and `bodies/*.pack`: rendered bodies by content (incremental/bodies.py).
- `out-<name>.pickle`, one manifest per output directory: for every output file, what it read
  (incremental/reads.py), the digest of its bytes and the stat stamp of the file the build
  left; and the digest of every answer those reads got. A build whose inputs all match the
  manifest's does nothing at all.
- `search.pickle`: the searchable text of every post page, by the page's digest
  (site/search/); the index shards themselves are in .cache/hnmatome/search/.
- `jinja/`: compiled templates (Jinja's bytecode cache).

Everything is keyed by content and by paths inside the project, never by absolute paths or
times, so a cache restored on a fresh checkout (every mtime new, another folder) is still
good. The cache belongs to one version of the code (`code`): another version starts afresh.
A missing, damaged or foreign cache costs only time."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import filelock

from hnmatome.core.writer import replace_file
from hnmatome.site.incremental.bodies import BodyRecord, BodyStore
from hnmatome.site.incremental.reads import Key

FORMAT = 1
BODY_LIFETIME = 14 * 24 * 3600  # seconds a body unused by any build is kept
COMPACT_ABOVE = 64 * 1024 * 1024  # rewrite the packs once dead bodies take this much room
# Libraries whose behaviour shapes the output: a new version may render differently.
RENDERING_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins",
                       "linkify-it-py", "pygments", "nh3", "pyyaml", "selectolax",
                       "pagefind", "pagefind-bin-extended")
Stamp = tuple[int, int, int]


def stamp_of(path: Path | str) -> Stamp:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


@dataclass(frozen=True)
class OutputRecord:
    """One output of the last build (a manifest holds ~9,000: a plain dataclass, which pickle
    writes and reads without calling back into Python, unlike a NamedTuple)."""

    output: tuple[Any, ...]  # the planned Output it was made as
    reads: tuple[Key, ...]  # what it read (the answers are in Manifest.answers)
    content: bytes  # digest of its bytes
    stamp: Stamp  # size, mtime_ns, inode of the file the build left

    def on_disk(self, path: str) -> bool:
        """The file is the one the build left (by its stamp: a stat call)."""
        try:
            return stamp_of(path) == self.stamp
        except OSError:
            return False

    def found_at(self, path: str) -> Stamp | None:
        """The stamp of the file at `path` if it holds what the build wrote: the same stamp,
        or, in a copied or restored folder where every stamp is new, the same bytes."""
        try:
            stamp = stamp_of(path)
            if stamp == self.stamp:
                return stamp
            if stamp[0] != self.stamp[0]:
                return None  # another size
            with open(path, "rb") as handle:
                same = hashlib.blake2b(handle.read(), digest_size=16).digest() == self.content
        except OSError:
            return None
        return stamp if same else None


@dataclass
class Manifest:
    """What the last successful build left in one output directory."""

    inputs: bytes = b""  # digest of every input of that build
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    # the digest of every answer an output read, as that build saw it: every output reading
    # a query was made (or kept) with this answer, so one digest per query is enough
    answers: dict[Key, bytes] = field(default_factory=dict)
    pages: int = 0  # posts and pages it built
    warnings: tuple[str, ...] = ()

    def intact(self, out_dir: Path) -> bool:
        """Every output is still the file that build wrote (stat calls only)."""
        root = f"{out_dir}{os.sep}"
        return bool(self.outputs) and all(record.on_disk(root + path)
                                          for path, record in self.outputs.items())


@functools.cache
def code_fingerprint() -> str:
    """The hnmatome source, the Python version and the versions of the rendering libraries:
    a new release (or a local edit of the code) never reuses what the old code made."""
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".md", ".js") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in RENDERING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "none"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


class BuildCache:
    """Open with `BuildCache.open`, use during a build, `save` after it. `serve` keeps one
    open across its rebuilds."""

    def __init__(self, directory: Path | None, *, clean: bool = False) -> None:
        """`directory` None: a cache that lives only in memory. `clean`: start empty."""
        self.directory = directory
        self.body_store = BodyStore(directory / "bodies") if directory else None
        self.problems: list[str] = []  # why what was on disk could not be used
        self._fresh = clean or directory is None or not self._same_code()
        self._loaded: dict[str, Any] = {}
        self._stamps: dict[str, Stamp | None] = {}  # of files as loaded
        self._manifests: dict[str, Manifest | None] = {}
        self._changed: set[str] = set()
        self._opened = time.time()
        self._emptied = False
        # the last views built into each output directory, in memory only (serve's quick
        # path renders an edited post from them)
        self.views: dict[str, Any] = {}

    @classmethod
    def open(cls, cache_dir: Path, *, clean: bool = False) -> BuildCache:
        return cls(cache_dir / "build", clean=clean)

    @property
    def compiled_dir(self) -> Path | None:
        if self.directory is None:
            return None
        folder = self.directory / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None  # templates are compiled afresh
        return folder

    def _same_code(self) -> bool:
        assert self.directory is not None
        try:
            return (self.directory / "code").read_text() == f"{FORMAT} {code_fingerprint()}"
        except OSError:
            return False

    @contextlib.contextmanager
    def locked(self, waiting: Callable[[], object] = lambda: None) -> Iterator[None]:
        """One build at a time per project: another build, or `serve`'s, holds the lock while
        it reads and writes the cache and its output. `waiting` is called if this one must
        wait."""
        if self.directory is None:
            yield
            return
        lock = filelock.FileLock(self.directory.parent / "build.lock")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock.acquire(timeout=0)
        except filelock.Timeout:
            waiting()
            lock.acquire()
        except OSError as exc:  # a cache folder that cannot be written: build without it
            self.problems.append(f"the build cache in {self.directory} cannot be written "
                                 f"({exc.strerror or exc}); every build is a full one until "
                                 "it can")
            self.directory = None
            yield
            return
        try:
            if self._fresh and not self._emptied:
                self._empty()  # what another version of the code (or --clean) left
                self._emptied = True
            yield
        finally:
            lock.release()

    # -- tables ---------------------------------------------------------------------------

    def _table(self, name: str) -> Any:
        if name not in self._loaded:
            found = None if self._fresh else self._read(f"{name}.pickle")
            self._loaded[name] = found if isinstance(found, dict) else {}
        return self._loaded[name]

    @property
    def file_digests(self) -> dict[str, Any]:
        self._changed.add("files")
        return self._table("files")

    @property
    def pages(self) -> dict[str, Any]:
        self._changed.add("pages")
        return self._table("pages")

    @property
    def bodies(self) -> dict[bytes, BodyRecord]:
        self._changed.add("bodies")
        return self._table("bodies")

    @property
    def search_texts(self) -> dict[bytes, Any]:
        """The searchable text of post pages by the digest of the page (site/search/)."""
        self._changed.add("search")
        return self._table("search")

    def manifest(self, name: str) -> Manifest | None:
        if name not in self._manifests:
            found = None if self._fresh else self._read(f"out-{_safe(name)}.pickle")
            self._manifests[name] = found if isinstance(found, Manifest) else None
        return self._manifests[name]

    def set_manifest(self, name: str, manifest: Manifest) -> None:
        self._manifests[name] = manifest
        self._changed.add(f"out-{_safe(name)}")

    def _read(self, name: str) -> Any:
        assert self.directory is not None
        path = self.directory / name
        try:
            self._stamps[name] = stamp_of(path)
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            self._stamps[name] = None
            return None
        except Exception as exc:  # a damaged cache file (any unpickling error): start afresh
            self.problems.append(f"the build cache file {path} could not be read ({exc}); "
                                 "it is made again")
            return None

    # -- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Write what this build loaded or changed (call it holding `locked`). Bodies no build
        used for BODY_LIFETIME are dropped, then packs nothing points to. A cache that cannot
        be written only costs time: the problem is noted in `problems`."""
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name in sorted(self._changed):
                if name.startswith("out-"):
                    key = next(k for k in self._manifests if f"out-{_safe(k)}" == name)
                    self._write(f"{name}.pickle", self._manifests[key])
                elif name == "bodies":
                    self._save_bodies()
                else:
                    self._write(f"{name}.pickle", self._table(name))
            replace_file(self.directory / "code", f"{FORMAT} {code_fingerprint()}".encode())
        except OSError as exc:
            self.problems.append(f"the build cache in {self.directory} could not be written "
                                 f"({exc.strerror or exc}); the next build starts afresh")
        self._changed.clear()
        self._fresh = False

    def _write(self, name: str, value: Any) -> None:
        assert self.directory is not None
        replace_file(self.directory / name, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self._stamps[name] = stamp_of(self.directory / name)

    def _empty(self) -> None:
        assert self.directory is not None
        for path in self.directory.iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def _save_bodies(self) -> None:
        assert self.directory is not None and self.body_store is not None
        bodies = self._table("bodies")
        name = "bodies.pickle"
        if not self._fresh and self._stamps.get(name, "unread") != self._on_disk_stamp(name):
            # another process (serve, or a build beside it) saved bodies since: keep theirs too
            theirs = self._read(name)
            if isinstance(theirs, dict):
                bodies.update({key: record for key, record in theirs.items()
                               if key not in bodies or record.used > bodies[key].used})
        limit = time.time() - BODY_LIFETIME
        for key in [key for key, record in bodies.items()
                    if record.used < limit or not record.pack]:  # old, or never stored
            del bodies[key]
        self._compact(bodies)
        self._write(name, bodies)
        self._drop_unused_packs(bodies)

    def _compact(self, bodies: dict[bytes, BodyRecord]) -> None:
        """Copy the live bodies into a fresh pack once dead ones (replaced by newer versions)
        take too much room; the old packs then go with the unused ones."""
        assert self.body_store is not None
        live: dict[str, int] = {}
        for record in bodies.values():
            live[record.pack] = live.get(record.pack, 0) + record.length
        dead = 0
        for pack in self.body_store.packs():
            with contextlib.suppress(OSError):
                dead += pack.stat().st_size - live.get(pack.name, 0)
        if dead < COMPACT_ABOVE:
            return
        writer = self.body_store.pack_writer()
        for key, record in list(bodies.items()):
            data = self.body_store.read_bytes(record)
            if data is None:
                del bodies[key]
                continue
            pack, offset, length = writer.add(data)
            bodies[key] = dataclasses.replace(record, pack=pack, offset=offset, length=length)
        writer.close()
        self._opened = time.time()  # the old packs may go now

    def _on_disk_stamp(self, name: str) -> Stamp | None:
        assert self.directory is not None
        try:
            return stamp_of(self.directory / name)
        except OSError:
            return None

    def _drop_unused_packs(self, bodies: dict[bytes, BodyRecord]) -> None:
        """Delete packs no record points to, but not those written since this cache was
        opened (another process may be about to point to them)."""
        assert self.body_store is not None
        used = {record.pack for record in bodies.values()}
        for pack in self.body_store.packs():
            with contextlib.suppress(OSError):
                if pack.name not in used and pack.stat().st_mtime < self._opened:
                    pack.unlink()


def _safe(name: str) -> str:
    """A file name for an output directory's manifest."""
    return hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
