"""A whole build of the site, as a list of stages:

    scan      every input file, with a digest of its bytes        sources.py
    (nothing changed since the last build: done)
    load      the pages, parsed where their bytes changed          content.py
    assemble  the site model: URLs, order, taxonomies, related     model.py
    plan      every file the site has                              plan.py
    bodies    each page's body, rendered where it changed          markup/, workers.py
    decide    which outputs read something that changed            incremental/decide.py
    render    those outputs, into a staging folder                 render/, workers.py
    search    the Pagefind index of the posts                      search/
    write     the staging folder moved into place                  output.py
    save      the build cache, for the next build                  incremental/cache.py

Disk is read at the start and written at the end; a failed build leaves the last good site
exactly as it was. Everything that makes a rebuild cheap is in incremental/: a stage asks it
what it may keep, and it needs nothing from a template or a rule to answer."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.site.content import LoadedPages, load_pages
from hnmatome.site.incremental.bodies import BodyRecord, BodyStore, body_key
from hnmatome.site.incremental.cache import BuildCache, Manifest, OutputRecord
from hnmatome.site.incremental.decide import bodies_to_render, outputs_to_render
from hnmatome.site.incremental.reads import Key, forget_remembered
from hnmatome.site.model import Site, assemble
from hnmatome.site.output import Stage
from hnmatome.site.plan import Output, plan_outputs
from hnmatome.site.sources import (
    SourceFiles,
    asset_versions,
    bundle_resources,
    scan_sources,
    settings_text,
)
from hnmatome.site.view import SiteView, StoredBody

if TYPE_CHECKING:
    from hnmatome.site.render.templates import Templates
    from hnmatome.site.search.index import SearchReport
    from hnmatome.site.workers import BodyJob, Outcome


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None
    search: bool = True  # build the Pagefind search index
    clean: bool = False  # ignore the build cache: render everything, replace the output
    jobs: int | None = None  # worker processes; None: one per core
    log: Callable[[str], object] | None = None  # gets a line per stage with its time
    waiting: Callable[[], object] = lambda: None  # called when another build holds the lock


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int  # posts and pages in the site
    files: int  # files written or deleted
    seconds: float
    warnings: tuple[str, ...]
    search: SearchReport | None = None  # None when the search step was skipped
    rendered: int = 0  # outputs rendered (the others were kept from the last build)
    bodies: int = 0  # page bodies rendered (the others came from the build cache)
    changed: tuple[str, ...] = ()  # output files written or deleted, relative to out_dir
    mode: str = "full"  # "full", "incremental" or "unchanged"


@dataclass
class LastBuild:
    """What `serve` keeps of the last build of an output directory (its quick path renders
    an edited post from it)."""

    site: Site  # with body statistics
    bodies: Mapping[str, BodyRecord]
    loaded: LoadedPages
    settings: Settings


@dataclass
class _Stages:
    """Times the stages of a build (a line each, under -v)."""

    log: Callable[[str], object] | None
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        yield
        if self.log:
            self.log(f"  {name:<9}{time.perf_counter() - began:7.3f} s")


def build_site(project: Project, options: BuildOptions | None = None,
               cache: BuildCache | None = None) -> BuildReport:
    """Build the site. `cache`: one kept open across builds (serve); by default the cache in
    .cache/hnmatome/ is opened, and saved after the build."""
    options = options or BuildOptions()
    own = cache is None
    cache = cache or BuildCache.open(project.cache_dir, clean=options.clean)
    with cache.locked(options.waiting):
        try:
            return _build(project, options, cache)
        finally:
            forget_remembered()
            if own:
                with _Stages(options.log).stage("save"):
                    cache.save()


def _build(project: Project, options: BuildOptions, cache: BuildCache) -> BuildReport:
    stages = _Stages(options.log)
    settings = project.settings.with_overrides(base_url=options.base_url)
    out_dir = (options.out_dir or project.public_dir).absolute()
    name = output_name(project, out_dir)
    with stages.stage("scan"):
        sources = scan_sources(project, cache.file_digests)
        inputs = _inputs_digest(sources, settings, options, name)
        previous = None if options.clean else cache.manifest(name)
        if previous and previous.inputs == inputs and previous.intact(out_dir):
            return BuildReport(out_dir, previous.pages, 0, stages.elapsed(), previous.warnings,
                               mode="unchanged")
    # Something changed: the rendering stack (templates, markdown) is needed from here on.
    from hnmatome.site.render.templates import Templates
    from hnmatome.site.workers import default_jobs

    with stages.stage("load"):
        loaded = load_pages(project.content_dir, settings, sources.content, sources.pages,
                            cache.pages, sources.read)
    with stages.stage("assemble"):
        site = _assemble(loaded, sources, settings, options)
    with stages.stage("plan"):
        outputs = plan_outputs(site, sources.static)
    jobs = options.jobs or default_jobs()
    with stages.stage("bodies"):
        bodies = _bodies(project, settings, sources, loaded, site, cache, jobs)
        site = site.with_stats({rel: record.stats for rel, record in bodies.records.items()})
    view = SiteView(site, files=sources.named(), bodies=bodies)
    templates = Templates(project.templates_dir, cache.compiled_dir, on_load=view.template,
                          phrased={page.title: page.phrased_title for page in loaded.pages})
    if previous is not None and not (out_dir / "index.html").is_file():
        previous = None  # the output is gone: everything is rendered again
    with stages.stage("decide"):
        kept, todo = outputs_to_render(outputs, previous, view, out_dir)
    work = _Renders(view, templates, outputs, kept, todo, previous, out_dir)
    written, removed, records, answers, search = _render_and_write(project, options, cache,
                                                                   stages, work, jobs)
    pages = sum(1 for output in outputs if output.is_page)
    warnings = site.warnings + ((search.warning,) if search and search.warning else ()) \
        + tuple(cache.problems)
    cache.set_manifest(name, Manifest(inputs, records, answers, pages, warnings))
    cache.views[name] = LastBuild(site, bodies.records, loaded, settings)
    return BuildReport(out_dir, pages, len(written) + len(removed), stages.elapsed(), warnings,
                       search, rendered=len(todo), bodies=bodies.fresh,
                       changed=tuple(written + removed),
                       mode="full" if previous is None else "incremental")


@dataclass(frozen=True)
class _Renders:
    """What the render, search and write stages work from."""

    view: SiteView
    templates: Templates
    outputs: tuple[Output, ...]
    kept: dict[str, OutputRecord]  # the last build's outputs that are still right
    todo: list[int]  # the numbers of the outputs to render
    previous: Manifest | None  # the last build's (None: a full build)
    out_dir: Path


def _render_and_write(project: Project, options: BuildOptions, cache: BuildCache,
                      stages: _Stages, work: _Renders, jobs: int
                      ) -> tuple[list[str], list[str], dict[str, OutputRecord],
                                 dict[Key, bytes], SearchReport | None]:
    """The render, search and write stages: into a staging folder, moved into place only
    when all of them succeeded. Returns the files written and removed, the record of every
    output, and the search report."""
    from hnmatome.site.workers import OutputJob, run_all

    outputs, previous, out_dir = work.outputs, work.previous, work.out_dir
    guarded = (project.content_dir, project.templates_dir, project.static_dir)
    stage = Stage.full(out_dir, guarded) if previous is None else Stage.changes(out_dir, guarded)
    try:
        with stages.stage("render"):
            job = OutputJob(outputs, work.view, work.templates, stage.tree,
                            previous or Manifest(), out_dir, _copies(project, outputs),
                            search=options.search)
            outcomes = run_all(job, work.todo, jobs)
        records, answers = _records(work, outcomes)
        written = [outputs[outcome.number].path for outcome in outcomes if outcome.written]
        search = None
        if options.search:
            from hnmatome.site.search.stage import add_search, page_texts

            with stages.stage("search"):
                texts = page_texts(outputs, records,
                                   {outputs[o.number].path: o.search
                                    for o in outcomes if o.search},
                                   cache.search_texts, out_dir)
                search, files = add_search(texts, records, stage.tree, previous, out_dir,
                                           project.cache_dir, jobs)
                written += files
        removed = [path for path in (previous.outputs if previous else {})
                   if path not in records]
        with stages.stage("write"):
            stage.commit(written, removed)
    except BaseException:
        stage.discard()
        raise
    return written, removed, records, answers, search


def _records(work: _Renders, outcomes: list[Outcome]
             ) -> tuple[dict[str, OutputRecord], dict[Key, bytes]]:
    """Every output's record, and the answers they read for the next build: the kept
    outputs' as the last build saw them (they are the same now), the rendered ones' as they
    saw them. A query's key is one object however many records read it (workers send their
    own copies), so the manifest stores it once."""
    answers: dict[Key, bytes] = {}
    before = work.previous.answers if work.previous else {}
    for record in work.kept.values():
        for key in record.reads:
            answers[key] = before[key]
    one: dict[Key, Key] = {key: key for key in answers}
    records = dict(work.kept)
    for outcome in outcomes:
        output = work.outputs[outcome.number]
        reads = tuple(one.setdefault(key, key) for key in outcome.reads)
        answers.update(zip(reads, outcome.digests, strict=True))
        records[output.path] = OutputRecord(tuple(output), reads, outcome.content,
                                            outcome.stamp)
    return records, answers


def output_name(project: Project, out_dir: Path) -> str:
    """The output directory as the cache names it: by its path in the project when it is in
    it (so a moved project keeps its cache), else by its absolute path."""
    try:
        return out_dir.relative_to(project.root.absolute()).as_posix()
    except ValueError:
        return str(out_dir)


def _inputs_digest(sources: SourceFiles, settings: Settings, options: BuildOptions,
                   name: str) -> bytes:
    """Everything a build is made from: equal digests make the same site."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((settings_text(settings), options.drafts, options.search, name))
                  .encode("utf-8", "surrogatepass"))
    for path, file_digest in sorted(sources.named().items()):
        digest.update(f"{path}\0{file_digest}\0".encode("utf-8", "surrogatepass"))
    return digest.digest()


def _assemble(loaded: LoadedPages, sources: SourceFiles, settings: Settings,
              options: BuildOptions) -> Site:
    from hnmatome.site.render.outputs import syntax_css

    bundles = {page.rel.rsplit("/", 1)[0]: page.rel for page in loaded.pages if page.bundle}
    return assemble(loaded.pages, settings, drafts=options.drafts,
                    static_files=frozenset(sources.static),
                    resources=bundle_resources(sources.content, bundles),
                    asset_versions=asset_versions(sources.static,
                                                  {"css/syntax.css": syntax_css()}),
                    search=options.search)


def _bodies(project: Project, settings: Settings, sources: SourceFiles, loaded: LoadedPages,
            site: Site, cache: BuildCache, jobs: int) -> _StoredBodies:
    """Every page's body: from the cache while still good, else rendered now."""
    shortcodes = sorted((path, digest) for path, digest in sources.templates.items()
                        if path.startswith("shortcodes/"))
    environment = hashlib.blake2b(repr((shortcodes, settings_text(settings))).encode(
        "utf-8", "surrogatepass"), digest_size=16).digest()
    pages = {page.rel: page for page in loaded.pages if page.rel in site.positions}
    keys = {rel: body_key(environment, rel, page.source_hash) for rel, page in pages.items()}
    from hnmatome.site.workers import BodyJob, run_all

    view = SiteView(site)  # what bodies read: the site before their statistics are known
    known = cache.bodies
    kept, todo = bodies_to_render(keys, known, view)
    job = BodyJob(pages, loaded, project.content_dir, settings, view, project.templates_dir,
                  cache.compiled_dir, cache.body_store)
    fresh = dict(run_all(job, todo, jobs))
    for rel, record in fresh.items():
        known[keys[rel]] = record
    now = time.time()
    for rel, record in kept.items():
        if now - record.used > 24 * 3600:  # in use: kept a while longer (see cache.py)
            kept[rel] = known[keys[rel]] = dataclasses.replace(record, used=now)
    return _StoredBodies(kept | fresh, cache.body_store, job, fresh=len(fresh))


class _StoredBodies:
    """The bodies outputs read (SiteView.body): from the body cache's packs; a body whose
    pack is lost or damaged is rendered again (a broken cache costs only time)."""

    def __init__(self, records: Mapping[str, BodyRecord], store: BodyStore, job: BodyJob,
                 fresh: int) -> None:
        self.records = records
        self.store = store
        self.job = job
        self.fresh = fresh  # how many were rendered by this build

    def stored_body(self, rel: str, view: SiteView) -> StoredBody:
        record = self.records[rel]
        body = StoredBody(record.digest, record.stats, lambda: self._html(rel, record))
        return body.with_late(self.job.render_late(rel, record.late, view)) if record.late \
            else body

    def _html(self, rel: str, record: BodyRecord) -> str:
        body = self.store.read(record)
        return self.job.render_html(rel) if body is None else body.html


def _copies(project: Project, outputs: tuple[Output, ...]) -> dict[str, Path]:
    found = {}
    for output in outputs:
        if output.kind == "static":
            found[output.path] = project.static_dir / output.key
        elif output.kind == "resource":
            found[output.path] = project.content_dir / output.key.rsplit("/", 1)[0] / output.term
    return found
