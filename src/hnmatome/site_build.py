"""A whole build: scan inputs -> load content -> assemble the site -> plan outputs -> render
(in parallel, only what changed) -> write.

Disk is read at the start and written at the end through the writer; rendering between is
pure. With no usable cache (the first build, `--clean`, a new output directory) the site is
built into a staging directory that replaces the output directory at the end. Otherwise only
changed files are staged and moved into place after every output rendered. Either way a
failed build leaves the last good site exactly as it was.

The build cache (build_cache.py) makes a build whose inputs did not change a few stat calls,
and a changed one render only the outputs whose fingerprints (build_fingerprints.py) changed."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome.build_cache import BuildCache
from hnmatome.build_inputs import FileDigests, SourceFiles, scan_sources, settings_digest
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.fingerprint import Digester, code_fingerprint, digest_bytes

if TYPE_CHECKING:
    from hnmatome.search_index import SearchReport


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None
    search: bool = True  # build the Pagefind search index (search_index.py)
    clean: bool = False  # ignore the build cache: render everything, replace the output
    jobs: int | None = None  # worker processes; None: one per core
    # the process ends with this build (the command line): its cache is written by a process
    # that outlives it (cache_lock.py), and the garbage collector is left as builds want it
    one_shot: bool = False


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int  # posts and pages in the site
    files: int  # files written, static copies included
    seconds: float
    warnings: tuple[str, ...]
    search: SearchReport | None = None  # None when the search step was skipped
    rendered: int = 0  # outputs rendered (the others were kept from the last build)
    changed: tuple[str, ...] = ()  # output files written or deleted, relative to out_dir
    mode: str = "full"  # "full", "incremental" or "unchanged"


@dataclass(frozen=True)
class BuildPlan:
    settings: Settings
    out_dir: Path
    files: SourceFiles
    inputs: bytes  # fingerprint of every input: equal means nothing to do
    bodies: bytes  # what every body depends on besides its page (see build_cache.body_key)


def plan_build(project: Project, options: BuildOptions, cache: BuildCache) -> BuildPlan:
    settings = project.settings.with_overrides(base_url=options.base_url)
    out_dir = (options.out_dir or project.public_dir).absolute()
    files = scan_sources(project, FileDigests(cache.file_digests))
    shortcodes = {rel: digest for rel, digest in files.templates.items()
                  if rel.startswith("shortcodes/")}
    environment = Digester().of((settings_digest(settings), options.drafts, shortcodes))
    bodies = digest_bytes(code_fingerprint(), environment)
    inputs = digest_bytes(bodies, files.fingerprint(), str(out_dir).encode(),
                          repr((options.drafts, options.search)).encode())
    return BuildPlan(settings, out_dir, files, inputs, bodies)


YOUNG_OBJECTS = 50_000  # allocations between two collections of the youngest objects


@contextlib.contextmanager
def collector_tuned_for_builds(restore: bool = True) -> Iterator[None]:
    """A build loads the cache and the site model, which live through it and hold most of
    its objects: frozen (gc.freeze, by build_steps), the garbage collector does not walk
    them again and again, and forked workers do not touch their pages. It also makes many
    short-lived objects (contexts, strings, tuples): collected every YOUNG_OBJECTS
    allocations instead of 700, most are gone before a collection sees them. Together that
    took the collector's time in a one-post rebuild from ~0.1 s to ~0.01 s. `restore`: undone
    at the end, for a process that goes on (serve); which then soon walks every object once
    (~20 ms for a big site), what a process about to end spares itself."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_OBJECTS), *thresholds[1:])
    gc.freeze()
    try:
        yield
    finally:
        if restore:
            gc.unfreeze()
            gc.set_threshold(*thresholds)


def build_site(project: Project, options: BuildOptions | None = None,
               cache: BuildCache | None = None) -> BuildReport:
    """Build the site. `cache`: one kept open across builds (serve); by default the cache in
    .cache/hnmatome/ is loaded and saved again."""
    options = options or BuildOptions()
    with collector_tuned_for_builds(restore=not options.one_shot):
        return _build_site(project, options, cache)


def _build_site(project: Project, options: BuildOptions | None,
                cache: BuildCache | None) -> BuildReport:
    options = options or BuildOptions()
    started = time.perf_counter()
    own_cache = cache is None
    if cache is None:
        cache = BuildCache.open(project.cache_dir, clean=options.clean)
    plan = plan_build(project, options, cache)
    previous = None if options.clean else cache.manifest(plan.out_dir)
    if previous and previous.inputs == plan.inputs and previous.intact(plan.out_dir):
        return BuildReport(plan.out_dir, previous.pages, 0, time.perf_counter() - started,
                           previous.warnings, mode="unchanged")
    from hnmatome.build_steps import build_changed  # the renderer's imports: only when needed

    try:
        report = build_changed(project, options, cache, plan, previous)
    finally:
        if own_cache:
            cache.save(detached=options.one_shot)
    return dataclasses.replace(report, seconds=time.perf_counter() - started)


