"""The build cache in .cache/hnmatome/build/: what the last builds made, so the next one
renders only what changed.

- `out-<hash>.pickle`, one manifest per output directory: for every output file, the
  fingerprint of what it was made from, the digest of its bytes and the file's stat stamp. An
  output is kept only when its fingerprint is unchanged and the file on disk is still the one
  the build wrote. A build whose inputs all match the manifest's does nothing at all.
- `files.pickle`: the digest of every input file by its stat stamp (build_inputs.FileDigests).
- `state.pickle`: parsed front matter of every content file (keyed by the file's bytes) and
  rendered bodies, keyed by everything a body is made from (page file, shortcode templates,
  settings, code, drafts option). A body also records every question it asked the site
  (`ref` targets, latest posts) with the answer, and is reused only while every answer is the
  same (body_answers.py). Bodies themselves are stored in pack files under bodies/.
- `model.pickle`: the last site model and its planned outputs (reused while no front matter,
  static file or setting changed); `dependents.pickle`: which outputs read which posts in
  that model (body_edits.py).

Each file holds only builtin types except state.pickle, and is loaded when first needed, so a
build with nothing to do reads two small files. Everything is checked when used: a lost,
corrupt or outdated cache costs only time."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hnmatome import cache_lock
from hnmatome.body_packs import BodyStore
from hnmatome.core.writer import remove_cache_files, replace_file
from hnmatome.fingerprint import code_fingerprint, digest_bytes

if TYPE_CHECKING:
    from hnmatome.body_answers import Answers
    from hnmatome.content import SourcePage
    from hnmatome.site import BodyStats

FORMAT = 10
COMPACT_ABOVE = 64 * 1024 * 1024  # rewrite the packs once dead bodies take this much room
Stamp = tuple[int, int, int]


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def stamp_of(path: Path | str) -> Stamp:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class OutputRecord(NamedTuple):
    """A tuple: a manifest holds ~9,000 of them, and tuples load several times quicker."""

    fingerprint: bytes  # of everything the output is made from
    content: bytes  # digest of its bytes
    stamp: Stamp  # size, mtime_ns, inode of the file the build left
    quick: str | None = None  # its quick key (context_keys.py)

    def on_disk(self, path: Path | str) -> bool:
        try:
            return stamp_of(path) == self.stamp
        except OSError:
            return False


@dataclass
class Manifest:
    """What the last successful build left in one output directory."""

    inputs: bytes = b""  # fingerprint of every input of that build
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    pages: int = 0  # posts and pages it built
    warnings: tuple[str, ...] = ()
    # fingerprint of every input but the page bodies (build_steps.body_edit_frame)
    frame: bytes = b""
    sources: dict[str, str] = field(default_factory=dict)  # page rel -> file digest
    groups: dict[str, str] = field(default_factory=dict)  # term group -> digest (term_groups.py)

    def intact(self, out_dir: Path) -> bool:
        """Every output is still the file that build wrote (stat calls only)."""
        root = str(out_dir) + os.sep
        return bool(self.outputs) and all(record.on_disk(root + rel)
                                          for rel, record in self.outputs.items())

    def to_data(self) -> tuple[Any, ...]:
        outputs = {rel: tuple(record) for rel, record in self.outputs.items()}
        return (self.inputs, outputs, self.pages, self.warnings, self.frame, self.sources,
                self.groups)

    @classmethod
    def from_data(cls, data: tuple[Any, ...]) -> Manifest:
        inputs, outputs, pages, warnings, frame, sources, groups = data
        make = OutputRecord._make
        return cls(inputs, {rel: make(record) for rel, record in outputs.items()},
                   pages, warnings, frame, sources, groups)


@dataclass(frozen=True)
class BodyRecord:
    digest: bytes  # of the stored body (html, text, first comment)
    stats: BodyStats
    # every question the body asked the site while rendering: (question, argument, answer)
    asked: tuple[tuple[str, Any, str], ...]
    pack: str
    offset: int
    length: int
    # the limits of its late `list` shortcodes (late_shortcodes.py): the page shows the
    # newest posts, which the body does not hold
    late: tuple[int, ...] = ()


# --------------------------------------------------------------------------- the cache


def _load(path: Path, label: bytes = b"") -> Any:
    """The payload `_save` wrote, or None when missing, damaged, made by another version of
    hnmatome or saved under another label (then only the small header is read)."""
    try:
        with open(path, "rb") as handle:
            code, version, saved_label = pickle.load(handle)
            if code != code_fingerprint() or version != FORMAT or saved_label != label:
                return None
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError):
        return None


def _save(path: Path, payload: Any, label: bytes = b"") -> None:
    """A header (code fingerprint, format, label) and the payload, as two pickles."""
    header = pickle.dumps((code_fingerprint(), FORMAT, label), protocol=pickle.HIGHEST_PROTOCOL)
    replace_file(path, header + pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


class BuildCache:
    """Open with `BuildCache.open`, use during a build, `save` after it. A `serve` process
    keeps one open across rebuilds, so nothing is read from disk again."""

    def __init__(self, directory: Path | None) -> None:
        """`directory` None: a cache that lives only in memory."""
        self.directory = directory
        self.bodies = BodyStore(directory / "bodies") if directory else None
        self._clean = directory is None
        self._file_digests: dict[str, tuple[Stamp, str]] | None = None
        self._state: dict[str, Any] | None = None
        self._manifests: dict[str, Manifest | None] = {}
        self._dirty_manifests: set[str] = set()
        self._model: tuple[bytes, Any] | None = None
        self._model_changed = False
        self._dependents: tuple[bytes, Any] | None = None
        self._dependents_changed = False
        self._used_bodies: set[bytes] = set()
        self._waited = False
        self._started = time.time()
        # the last site model built into each output directory, in memory only (serve renders
        # an edited post from it before the full rebuild: quick_render.py)
        self.models: dict[str, Any] = {}

    @classmethod
    def open(cls, cache_dir: Path, *, clean: bool = False) -> BuildCache:
        """`clean`: start empty (what is found on disk is ignored, then replaced on save)."""
        cache = cls(cache_dir / "build")
        cache._clean = clean
        return cache

    def _read(self, name: str, label: bytes = b"") -> Any:
        if self._clean or self.directory is None:
            return None
        if not self._waited:  # for a detached writer of the last build (cache_lock.py)
            cache_lock.wait_for_writer(self.directory)
            self._waited = True
        return _load(self.directory / name, label)

    @property
    def file_digests(self) -> dict[str, tuple[Stamp, str]]:
        if self._file_digests is None:
            found = self._read("files.pickle")
            self._file_digests = found if isinstance(found, dict) else {}
        return self._file_digests

    @property
    def pages(self) -> dict[str, tuple[str, bytes, SourcePage]]:
        return self._loaded_state()["pages"]

    @property
    def body_records(self) -> dict[bytes, BodyRecord]:
        return self._loaded_state()["bodies"]

    def site_model(self, key: bytes) -> Any:
        """The last site model and its planned outputs, if they came from `key`."""
        if self._model is None:
            found = self._read("model.pickle", key)  # read whole only when it is `key`'s
            self._model = (key, found) if found is not None else (b"", None)
            found = self._read("dependents.pickle", key)
            self._dependents = (key, found) if found is not None else None
        return self._model[1] if self._model[0] == key else None

    def remember_site_model(self, key: bytes, model: Any) -> None:
        self._model = (key, model)
        self._dependents = None
        self._model_changed = True

    def dependents(self, key: bytes) -> Any:
        """body_edits.Dependents of the site model `key`, if known."""
        self.site_model(key)
        if not (self._dependents and self._dependents[0] == key):
            return None
        if callable(self._dependents[1]):
            self._dependents = (key, self._dependents[1]())
        return self._dependents[1]

    def remember_dependents(self, key: bytes, dependents: Any) -> None:
        """`dependents`: body_edits.Dependents, or a function that works them out when they
        are first needed: by the next build, or when the cache is saved (which a command-line
        build leaves to a process of its own: cache_lock.py)."""
        self._dependents = (key, dependents)
        self._dependents_changed = True

    @property
    def template_uses(self) -> dict[str, Any]:
        """Template analyses (template_deps.TemplateAnalysis.known), by templates/ digest."""
        return self._loaded_state()["templates"]

    @property
    def feed_contents(self) -> dict[tuple[bytes, str], bytes]:
        """Bodies as the site feeds carry them (feeds.feed_content), by body digest and
        site address; a save keeps those the build used."""
        return self._loaded_state()["feeds"]

    def syntax_css_version(self, make: Callable[[], str]) -> str:
        """The version of the generated css/syntax.css: made by `make` once per version of
        the code (and of Pygments, which the code fingerprint names), which the cache is
        dropped with."""
        known = self._loaded_state()["syntax"]
        if "version" not in known:
            known["version"] = make()
        return known["version"]

    def _loaded_state(self) -> dict[str, Any]:
        if self._state is None:
            found = self._read("state.pickle")
            empty: dict[str, Any] = {"pages": {}, "bodies": {}, "templates": {}, "feeds": {},
                                     "syntax": {}}
            self._state = found if isinstance(found, dict) and found.keys() == empty.keys() \
                else empty
        return self._state

    # -- bodies ---------------------------------------------------------------------------

    def body(self, key: bytes, answers: Answers) -> BodyRecord | None:
        """The cached body for `key` if every question it asked still has the same answer."""
        record = self.body_records.get(key)
        if record is None or not all(answers.same(question) for question in record.asked):
            return None
        return record

    def add_body(self, key: bytes, record: BodyRecord) -> None:
        self.body_records[key] = record

    def use_bodies(self, keys: Iterable[bytes]) -> None:
        self._used_bodies.update(keys)

    # -- manifests --------------------------------------------------------------------------

    def _manifest_name(self, out_dir: Path) -> str:
        return f"out-{hashlib.blake2b(str(out_dir).encode(), digest_size=8).hexdigest()}.pickle"

    def manifest(self, out_dir: Path) -> Manifest | None:
        key = str(out_dir)
        if key not in self._manifests:
            found = self._read(self._manifest_name(out_dir))
            with contextlib.suppress(TypeError, ValueError):
                self._manifests[key] = Manifest.from_data(found) if found else None
        return self._manifests.get(key)

    def set_manifest(self, out_dir: Path, manifest: Manifest) -> None:
        self._manifests[str(out_dir)] = manifest
        self._dirty_manifests.add(str(out_dir))

    # -- saving -----------------------------------------------------------------------------

    def save(self, *, detached: bool = False) -> None:
        """Write what this build loaded or changed. Bodies no build of this cache used are
        dropped, then packs nothing points to (a pack another process wrote since this cache
        was opened is left alone). A cache that cannot be written only costs time.
        `detached`: in a child process that outlives this one, where it can (cache_lock.py)."""
        if self.directory is None:
            return
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            if detached and cache_lock.write_detached(self.directory, self._save_all):
                return
            with cache_lock.writing(self.directory):
                self._save_all()

    def _save_all(self) -> None:
        assert self.directory is not None
        if self._file_digests is not None:
            _save(self.directory / "files.pickle", self._file_digests)
        for key in sorted(self._dirty_manifests):
            manifest = self._manifests[key]
            if manifest is not None:
                _save(self.directory / self._manifest_name(Path(key)), manifest.to_data())
        self._dirty_manifests.clear()
        self._save_model()
        if self._state is not None:
            bodies = self._state["bodies"]
            self._state["bodies"] = {key: record for key, record in bodies.items()
                                     if key in self._used_bodies}
            live = {record.digest for record in self._state["bodies"].values()}
            self._state["feeds"] = {key: content for key, content in self._state["feeds"].items()
                                    if key[0] in live}
            self._compact()
            _save(self.directory / "state.pickle", self._state)
            self._drop_unused_packs()
            self._used_bodies = set(self.body_records)
        self._clean = False

    def save_model(self) -> None:
        """Write the site model and its dependents now if they changed (a full build does it
        while its workers render, instead of after)."""
        with contextlib.suppress(OSError):
            if self.directory is not None:
                self.directory.mkdir(parents=True, exist_ok=True)
                with cache_lock.writing(self.directory):
                    self._save_model()

    def _save_model(self) -> None:
        assert self.directory is not None
        if self._model_changed and self._model is not None:
            _save(self.directory / "model.pickle", self._model[1], self._model[0])
            self._model_changed = False
        if self._dependents_changed and self._dependents is not None:
            key = self._dependents[0]
            _save(self.directory / "dependents.pickle", self.dependents(key), key)
            self._dependents_changed = False

    def _drop_unused_packs(self) -> None:
        assert self.bodies is not None
        used = {record.pack for record in self.body_records.values()}
        stale = []
        for pack in self.bodies.packs():
            with contextlib.suppress(OSError):
                if pack.name not in used and pack.stat().st_mtime < self._started:
                    stale.append(pack)
        remove_cache_files(stale)

    def _compact(self) -> None:
        """Copy the live bodies into fresh packs once dead ones take too much room (the old
        packs are deleted with the unused ones)."""
        if self.bodies is None:
            return
        live: dict[str, int] = {}
        for record in self.body_records.values():
            live[record.pack] = live.get(record.pack, 0) + record.length
        dead = 0  # in packs that still hold live bodies (the others are simply deleted)
        for pack in self.bodies.packs():
            if pack.name in live:
                with contextlib.suppress(OSError):
                    dead += pack.stat().st_size - live[pack.name]
        if dead < COMPACT_ABOVE:
            return
        writer = self.bodies.pack_writer()
        moved = {}
        for key, record in self.body_records.items():
            body = self.bodies.read(record)
            if body is not None:
                pack, offset, length = writer.add(body)
                moved[key] = BodyRecord(record.digest, record.stats, record.asked, pack,
                                        offset, length, record.late)
        writer.close()
        self._loaded_state()["bodies"] = moved
        self._started = time.time()


def body_key(environment: bytes, page: SourcePage) -> bytes:
    """`environment`: digest of the code, shortcode templates, settings and build options."""
    return digest_bytes(environment, str(page.path).encode("utf-8", "surrogatepass"),
                        page.source_hash.encode())
