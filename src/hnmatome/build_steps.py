"""The steps of a build that has something to do: load content -> assemble the site -> plan
outputs -> render (in parallel, only what changed) -> stage -> move into place.

With no usable manifest (the first build, `--clean`, a new output directory) the whole site is
built into a staging directory that replaces the output directory at the end. Otherwise only
changed files are staged, and moved into place after every output rendered. Either way a
failed build leaves the last good site exactly as it was."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome import body_edits, render_pool
from hnmatome.body_answers import Answers
from hnmatome.build_cache import BuildCache, Manifest
from hnmatome.build_inputs import (
    LoadedPages,
    asset_versions,
    bundle_resources,
    head_digest,
    load_pages,
    settings_digest,
)
from hnmatome.core.project import Project
from hnmatome.core.writer import StagedChanges, staged_changes, staged_directory
from hnmatome.fingerprint import Digester
from hnmatome.output_work import COPIED, Outcome, Work
from hnmatome.plan import Output, plan_outputs
from hnmatome.render import CODE_RENDERED, syntax_css, template_name
from hnmatome.search_sink import SearchSink
from hnmatome.serve.quick import SiteModel
from hnmatome.site import ShortcodeLinks, Site, assemble, entry_source_digest
from hnmatome.site_build import BuildOptions, BuildPlan, BuildReport
from hnmatome.template_deps import TemplateAnalysis
from hnmatome.templating import Templates

if TYPE_CHECKING:
    from hnmatome.search_index import SearchReport
    from hnmatome.shortcodes import PageRenderer

CHECK_VARIABLE = "HNMATOME_CHECK_CACHE"  # set: verify every quick key (tests)

PAGE_CHUNK = 8  # posts per job: bodies differ a lot in size, small jobs balance the workers
OTHER_CHUNK = 128


def _assemble(options: BuildOptions, plan: BuildPlan, loaded: LoadedPages,
              cache: BuildCache) -> Site:
    files = plan.files
    versions = asset_versions(files, {})
    # the generated stylesheet's version, without importing Pygments to make it again
    versions["css/syntax.css"] = cache.syntax_css_version(
        lambda: asset_versions(files, {"css/syntax.css": syntax_css()})["css/syntax.css"])
    return assemble(loaded.pages, plan.settings, drafts=options.drafts,
                    static_files=frozenset(files.static),
                    resources=bundle_resources(files, loaded.pages),
                    asset_versions=versions, search=options.search)


def _site_and_outputs(options: BuildOptions, plan: BuildPlan, loaded: LoadedPages,
                      cache: BuildCache) -> tuple[bytes, Site, tuple[Output, ...], dict[str, str]]:
    """The site model, its outputs and its entries' context_keys.entry_base. Assembling and
    planning cost a third of a second on the corpus; when no front matter, bundle file,
    static file or setting changed (a post's text was edited), they are the last build's,
    kept in the cache."""
    heads = [(page.rel, loaded.heads.get(page.rel) or head_digest(page))
             for page in loaded.pages]
    others = {rel: digest for rel, digest in plan.files.content.items()
              if not rel.endswith(".md")}
    key = Digester().of((heads, others, dict(plan.files.static), settings_digest(plan.settings),
                         options.drafts, options.search))
    known = cache.site_model(key)
    if known is not None:
        site, rows, bases = known
        return key, site, tuple(map(Output._make, rows)), bases
    site = _assemble(options, plan, loaded, cache)
    head_of = dict(heads)
    bases = {entry.rel: entry_source_digest(head_of[entry.rel], entry)
             for entry in site.entries()}
    outputs = plan_outputs(site, plan.files.static)
    # plain tuples pickle and load three times quicker than named ones
    cache.remember_site_model(key, (site, tuple(map(tuple, outputs)), bases))
    return key, site, outputs, bases


def _reach(work: Work, plan: BuildPlan, cache: BuildCache, model: bytes,
           frame: bytes) -> frozenset[int] | None:
    """The outputs this build can have changed, when it follows a build of the same site
    model, templates and settings whose only differences are page bodies (body_edits.py);
    None: any output."""
    previous = work.previous
    sources = _sources(plan)
    if not previous.outputs or previous.frame != frame or previous.sources.keys() != sources.keys():
        return None
    dependents = cache.dependents(model)
    if dependents is None:
        dependents = body_edits.find_dependents(work.keys, work.outputs)
        cache.remember_dependents(model, dependents)
    return body_edits.reach(dependents, [rel for rel, digest in sources.items()
                              if previous.sources[rel] != digest])


def _sources(plan: BuildPlan) -> dict[str, str]:
    return {rel: plan.files.content[rel] for rel in plan.files.pages}


def build_changed(project: Project, options: BuildOptions, cache: BuildCache,
                  plan: BuildPlan, previous: Manifest | None) -> BuildReport:
    """(Called with the collector tuned: site_build.collector_tuned_for_builds.)"""
    loaded = load_pages(project, plan.settings, plan.files, cache.pages)
    gc.freeze()  # the cache and the site model live through the build
    model, site, outputs, bases = _site_and_outputs(options, plan, loaded, cache)
    gc.freeze()
    incremental = previous is not None and (plan.out_dir / "index.html").is_file()
    work = _work(project, plan, cache, site, outputs, loaded,
                 previous if incremental and previous else Manifest(), bases)
    frame = Digester().of((model, dict(plan.files.templates), plan.bodies))
    reach = _reach(work, plan, cache, model, frame)
    if cache.dependents(model) is None:
        # a new site model: what its outputs read is learnt while their keys are computed
        # (or, on a full build, while the workers render), for the body edits that follow
        work.reads = {}
        work.keys.reads = work.reads
    guarded = (project.content_dir, project.templates_dir, project.static_dir)
    jobs = options.jobs or render_pool.default_jobs()
    with _staging(plan.out_dir, guarded, incremental) as (stage, changes):
        work.stage, work.flat_stage = stage, incremental
        outcomes, groups = _render(work, outputs, jobs, reach,
                           learnt=lambda found: cache.remember_dependents(model, found),
                           idle=cache.save_model)
        search, sink = None, None
        if not incremental and options.search:
            search, sink = _search(work, stage, stage, staging=True, cache_dir=project.cache_dir)
        if changes is not None:
            changes.written = [o.path for o in outcomes if o.written]
            changes.removed = _removed(work.previous, outputs, search_too=not options.search)
    if incremental and options.search:
        search, sink = _search(work, plan.out_dir, plan.out_dir, staging=False,
                               cache_dir=project.cache_dir)
    records = {o.path: o.record for o in outcomes}
    changed = [o.path for o in outcomes if o.written]
    if sink is not None:
        records.update(sink.records)
        changed += sink.changed
    if changes is not None:
        changed += changes.removed
    cache.models[str(plan.out_dir)] = SiteModel(site, {p.rel: p for p in loaded.pages},
                                                plan.settings, project.templates_dir)
    pages = sum(1 for output in outputs if output.is_page)
    warnings = site.warnings + ((search.warning,) if search and search.warning else ())
    cache.set_manifest(plan.out_dir, Manifest(plan.inputs, records, pages, warnings, frame,
                                              _sources(plan), groups))
    return BuildReport(plan.out_dir, pages, len(changed), 0.0,
                       warnings, search, rendered=sum(o.rendered for o in outcomes),
                       changed=tuple(changed),
                       mode="incremental" if incremental else "full")


def _work(project: Project, plan: BuildPlan, cache: BuildCache, site: Site,
          outputs: tuple[Output, ...], loaded: LoadedPages,
          previous: Manifest, entry_bases: dict[str, str]) -> Work:
    """What the workers need. On a full build the body renderer is made here, once, for the
    forked workers to inherit; an incremental build makes it only if a body changed."""
    templates = Templates(project.templates_dir, _compiled_dir(project))
    digester = Digester()
    files = plan.files
    analysis = _template_analysis(project, plan, cache, templates, outputs)
    static = {rel: (project.static_dir / rel, digest) for rel, digest in files.static.items()}
    resources = {}
    for output in outputs:
        if output.kind == "resource":
            rel = output.key.rsplit("/", 1)[0] + "/" + output.term
            resources[output.path] = (project.content_dir / rel, files.content[rel])
    return Work(
        site=site, outputs=outputs, loaded=loaded, content_dir=project.content_dir,
        settings=plan.settings,
        renderer=None if previous.outputs else _renderer(project, plan),
        templates=templates, analysis=analysis, cache=cache,
        answers=Answers(ShortcodeLinks(site), digester), body_environment=plan.bodies,
        previous=previous, out_dir=plan.out_dir, stage=plan.out_dir, static=static,
        resources=resources, digester=digester, check=bool(os.environ.get(CHECK_VARIABLE)),
        entry_bases=entry_bases)


def _template_analysis(project: Project, plan: BuildPlan, cache: BuildCache,
                       templates: Templates, outputs: tuple[Output, ...]) -> TemplateAnalysis:
    """Analyses of the templates, kept in the cache while templates/ is unchanged; done here
    for every template the outputs use, so forked workers inherit them."""
    key = Digester().of(dict(plan.files.templates)).hex()
    known = cache.template_uses.setdefault(key, {})
    for other in [other for other in cache.template_uses if other != key]:
        del cache.template_uses[other]
    analysis = TemplateAnalysis(project.templates_dir, templates.env, known)
    for name in {template_name(o) for o in outputs if o.kind not in CODE_RENDERED | COPIED}:
        analysis.use(name)
    return analysis


def _render(work: Work, outputs: tuple[Output, ...], jobs: int, reach: frozenset[int] | None,
            learnt: Callable[[body_edits.Dependents | Callable[[], body_edits.Dependents]],
                             object],
            idle: Callable[[], object]) -> tuple[list[Outcome], dict[str, str]]:
    """Posts and pages first (lists need their bodies' stats), then everything else.
    `reach`: the only outputs that can have changed (None: any). When this build is to learn
    what each output reads (`work.reads` is set: body_edits.py), `learnt` is given it, or a
    function that works it out (when no worker left this process idle to do it). `idle`:
    work for this process while workers render the lists. Also returns the term groups'
    digests (term_groups.py)."""
    done: list[bool] = []

    def find() -> body_edits.Dependents:
        return body_edits.find_dependents(work.keys, outputs, work.reads, work.groups)

    def learn() -> None:  # while the workers render the posts, this process is idle
        learnt(find())
        done.append(True)

    pages = [n for n, output in enumerate(outputs) if output.is_page]
    first = render_pool.run(work, pages, jobs, PAGE_CHUNK, reach,
                            idle=learn if work.reads is not None else None)
    for _, key, record, fresh in render_pool.outcome_bodies(first.outcomes):
        if fresh:
            work.cache.add_body(key, record)
        work.cache.use_bodies([key])
    render_pool.raise_errors(first.errors)
    bodies = {rel: record for rel, _, record, _ in render_pool.outcome_bodies(first.outcomes)}
    rest = [n for n, output in enumerate(outputs) if not output.is_page]
    lists = dataclasses.replace(
        work, site=work.site.with_stats(render_pool.stats_by_rel(first.outcomes)),
        bodies=bodies, digester=Digester())
    second = render_pool.run(lists, rest, jobs, OTHER_CHUNK, reach, idle=idle)
    render_pool.raise_errors(second.errors)
    missed = first.missed + second.missed
    if missed:
        raise AssertionError(f"context_keys.py missed changes of {len(missed)} outputs: "
                             + ", ".join(sorted(missed)[:20]))
    if work.reads is not None and not done:
        learnt(find)  # from the reads the keys computed here recorded, when first needed
    return first.outcomes + second.outcomes, _group_digests(lists, reach)


def _group_digests(work: Work, reach: frozenset[int] | None) -> dict[str, str]:
    """Every term group's digest, for the manifest. After body edits (`reach`), the last
    build's for each group none of whose outputs the edits reach: every member of a term is
    on one of its pages, so an edit that changes a group's digest reaches that page."""
    groups = work.groups
    if reach is None or not work.previous.groups:
        return groups.digests()
    found = dict(work.previous.groups)
    found.update(groups.digests({name for name in map(groups.group_of, reach) if name}))
    if work.check and found != groups.digests():
        raise AssertionError("term_groups.py: an edit changed a group it did not reach")
    return found


@contextlib.contextmanager
def _staging(out_dir: Path, guarded: tuple[Path, ...],
             incremental: bool) -> Iterator[tuple[Path, StagedChanges | None]]:
    if incremental:
        with staged_changes(out_dir, guarded) as changes:
            yield changes.root, changes
    else:
        with staged_directory(out_dir, guarded) as root:
            yield root, None


def _removed(previous: Manifest, outputs: tuple[Output, ...], search_too: bool) -> list[str]:
    """Outputs of the last build this one no longer has (search files are the search step's
    business, unless search is off)."""
    planned = {output.path for output in outputs}
    return [path for path in previous.outputs
            if path not in planned and (search_too or not SearchSink.owns(path))]


def _search(work: Work, site_dir: Path, root: Path, *, staging: bool,
            cache_dir: Path) -> tuple[SearchReport, SearchSink]:
    from hnmatome.search_index import (
        add_search_index,  # Pagefind and an HTML parser: only when used
    )

    sink = SearchSink(root, work.previous, staging=staging)
    report = add_search_index(sink, site_dir, work.settings.language, cache_dir)  # type: ignore[arg-type]
    sink.remove_stale()
    return report, sink


def _compiled_dir(project: Project) -> Path:
    """Where compiled page and shortcode templates are kept (templating.py,
    shortcode_templates.py)."""
    return project.cache_dir / "build" / "jinja"


def _renderer(project: Project, plan: BuildPlan) -> PageRenderer:
    from hnmatome.shortcodes import PageRenderer  # the markdown stack: only when bodies render

    return PageRenderer(project.templates_dir, plan.settings, _compiled_dir(project))
