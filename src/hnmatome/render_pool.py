"""Rendering outputs across processes, each output only when what it is made from changed.

The parent builds the site model, then forks workers that inherit it (nothing big is pickled):
a job is a list of output numbers, a result a list of small records. Each output is
fingerprinted (build_fingerprints.py); one whose fingerprint and file on disk are what the
last build left is kept. Otherwise it is rendered, and written only when its bytes differ.

Workers write the files themselves, through the writer (the one module that writes): shipping
~130 MB of HTML back through pipes would cost more than the rendering saves, and two
processes writing overlap the slow disk with the other's CPU. They write into a staging
directory that the parent moves into place only after every output succeeded."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import build_fingerprints as fingerprints
from .build_cache import (
    Answers,
    BodyRecord,
    BuildCache,
    Manifest,
    OutputRecord,
    PackWriter,
    RecordingContext,
    body_key,
    content_digest,
    stamp_of,
)
from .build_inputs import LoadedPages, with_body
from .content import SourcePage
from .context_keys import SiteKeys
from .errors import UserError, UserErrors
from .feeds import full_content_rels
from .fingerprint import Digester
from .plan import Output
from .render import render_output
from .settings import Settings
from .shortcodes import PageRenderer, RenderedBody
from .site import BodyStats, Site, stats_of
from .template_deps import TemplateAnalysis
from .templating import Templates
from .writer import OutputTree

MAX_REPORTED_ERRORS = 50
PARALLEL_FROM = 400  # fewer outputs than this are quicker in one process than with workers
ErrorTuple = tuple[str, str | None, int | None, str | None]


@dataclass
class Work:
    """Everything rendering needs. Set as the module's `_work` before the workers fork."""

    site: Site
    outputs: Sequence[Output]
    loaded: LoadedPages
    content_dir: Path
    settings: Settings
    renderer: PageRenderer | None  # None: made when the first body needs rendering
    templates: Templates
    analysis: TemplateAnalysis
    cache: BuildCache
    answers: Answers
    body_environment: bytes  # code, shortcode templates, settings, options (see body_key)
    previous: Manifest  # empty on a full build: nothing is kept
    out_dir: Path  # where kept outputs are
    stage: Path  # where changed outputs are written
    static: Mapping[str, tuple[Path, str]]  # static rel -> (file, digest)
    resources: Mapping[str, tuple[Path, str]]  # output path -> (bundle file, digest)
    bodies: Mapping[str, BodyRecord] = field(default_factory=dict)  # by rel, for feeds
    digester: Digester = field(default_factory=Digester)
    # render even the outputs whose quick keys match, and report any whose bytes changed
    check: bool = False
    pages: Mapping[str, SourcePage] = field(init=False)
    keys: SiteKeys = field(init=False)

    def __post_init__(self) -> None:
        self.pages = {page.rel: page for page in self.loaded.pages}
        self.keys = SiteKeys(self.site, self.digester, self.analysis)


@dataclass(frozen=True)
class Outcome:
    path: str
    record: OutputRecord
    written: bool  # False: the file the last build left is still right
    rendered: bool  # the output was rendered (its fingerprint changed)
    body: tuple[str, bytes, BodyRecord, bool] | None = None  # rel, key, record, newly rendered


@dataclass
class ChunkResult:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[ErrorTuple] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # outputs whose quick key missed a change


_work: Work | None = None


def run(work: Work, numbers: Sequence[int], jobs: int, chunk: int) -> ChunkResult:
    """Make outputs[n] for every n in `numbers`; errors come back as data (UserErrors are
    raised by the caller, after every worker stopped)."""
    global _work
    _work = work
    reset_process_state()
    total = ChunkResult()
    try:
        if jobs <= 1 or len(numbers) < PARALLEL_FROM:
            _merge(total, run_chunk(list(numbers)))
        else:
            chunks = [list(numbers[i:i + chunk]) for i in range(0, len(numbers), chunk)]
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for result in pool.imap_unordered(run_chunk, chunks):
                    _merge(total, result)
                    if len(total.errors) >= MAX_REPORTED_ERRORS:
                        pool.terminate()
                        break
    finally:
        _work = None
    return total


def _merge(total: ChunkResult, part: ChunkResult) -> None:
    total.outcomes.extend(part.outcomes)
    total.errors.extend(part.errors)
    total.missed.extend(part.missed)


def raise_errors(errors: list[ErrorTuple]) -> None:
    found = [UserError(message, path, line, hint) for message, path, line, hint in errors]
    found.sort(key=lambda error: (str(error.path), error.line or 0))
    if len(found) == 1:
        raise found[0]
    if found:
        raise UserErrors(found[:MAX_REPORTED_ERRORS])


def run_chunk(numbers: list[int]) -> ChunkResult:
    work = _work
    assert work is not None, "render_pool.run sets the work before any chunk runs"
    result = ChunkResult()
    packs = work.cache.bodies.pack_writer() if work.cache.bodies else None
    tree = OutputTree(work.stage)
    try:
        for number in numbers:
            try:
                result.outcomes.append(_make(work, work.outputs[number], tree, packs,
                                             result.missed))
            except UserErrors as exc:
                result.errors.extend(_as_tuple(error) for error in exc.errors)
            except UserError as exc:
                result.errors.append(_as_tuple(exc))
            if len(result.errors) >= MAX_REPORTED_ERRORS:
                break
    finally:
        if packs is not None:
            packs.close()
    return result


def _as_tuple(error: UserError) -> ErrorTuple:
    return (error.message, str(error.path) if error.path else None, error.line, error.hint)


# --------------------------------------------------------------------------- one output


def _make(work: Work, output: Output, tree: OutputTree, packs: PackWriter | None,
          missed: list[str]) -> Outcome:
    if output.is_page:
        return _make_page(work, output, tree, packs, missed)
    if output.kind in ("static", "resource"):
        return _copy(work, output, tree)
    quick = work.keys.key(output)
    kept = _kept_by_key(work, output, quick, missed)
    if kept:
        return kept
    fingerprint = _fingerprint(work, output, quick)
    kept = _kept(work, output, fingerprint, quick)
    if kept:
        return kept
    bodies = _feed_bodies(work) if fingerprints.takes_bodies(output) else None
    data = render_output(output, work.site, work.templates, bodies=bodies)
    return _store(work, output, fingerprint, quick, data, tree)


def _kept_by_key(work: Work, output: Output, quick: str | None, missed: list[str],
                 body: BodyRecord | None = None) -> Outcome | None:
    """The last build's output, when its quick key is unchanged (no context is built)."""
    record = work.previous.outputs.get(output.path)
    if not (quick and record and record.quick == quick
            and record.on_disk(f"{work.out_dir}/{output.path}")):
        return None
    if work.check and content_digest(_render_now(work, output, body)) != record.content:
        missed.append(output.path)
    return Outcome(output.path, record, written=False, rendered=False)


def _render_now(work: Work, output: Output, body: BodyRecord | None) -> bytes:
    """The output's bytes, rendered regardless of any cache (the check mode's evidence)."""
    rendered = None
    if body is not None:
        rendered = _read_body(work, body) or _render_body(work, work.pages[output.key], None)[0]
    bodies = _feed_bodies(work) if fingerprints.takes_bodies(output) else None
    return render_output(output, work.site, work.templates, rendered, bodies=bodies)


def _fingerprint(work: Work, output: Output, quick: str | None,
                 body: BodyRecord | None = None) -> bytes:
    """The output's fingerprint; b'' (unknown) on a full build, where nothing is kept and the
    quick key is enough for the next build (computing it for every output would cost a
    fifth of the build)."""
    if not work.previous.outputs and quick is not None and not work.check:
        return b""
    if body is not None:
        return fingerprints.of_page(work, output, body)
    return fingerprints.of_output(work, output)


def _kept(work: Work, output: Output, fingerprint: bytes, quick: str | None) -> Outcome | None:
    record = work.previous.outputs.get(output.path)
    if fingerprint and record and record.fingerprint == fingerprint and record.on_disk(
            f"{work.out_dir}/{output.path}"):
        return Outcome(output.path, dataclasses.replace(record, quick=quick), written=False,
                       rendered=False)
    return None


def _store(work: Work, output: Output, fingerprint: bytes, quick: str | None, data: bytes,
           tree: OutputTree) -> Outcome:
    """Write `data` unless the file on disk already holds exactly these bytes."""
    content = content_digest(data)
    record = work.previous.outputs.get(output.path)
    if record and record.content == content and record.on_disk(f"{work.out_dir}/{output.path}"):
        return Outcome(output.path, OutputRecord(fingerprint, content, record.stamp, quick),
                       written=False, rendered=True)
    tree.write(output.path, data, output.source)
    stamp = stamp_of(work.stage / output.path)
    return Outcome(output.path, OutputRecord(fingerprint, content, stamp, quick), written=True,
                   rendered=True)


def _copy(work: Work, output: Output, tree: OutputTree) -> Outcome:
    source, digest = (work.static[output.key] if output.kind == "static"
                      else work.resources[output.path])
    fingerprint = fingerprints.of_copy(output, digest)
    kept = _kept(work, output, fingerprint, None)
    if kept:
        return kept
    tree.copy(output.path, source, output.source)
    content = bytes.fromhex(digest)
    return Outcome(output.path, OutputRecord(fingerprint, content,
                                             stamp_of(work.stage / output.path)),
                   written=True, rendered=True)


def _make_page(work: Work, output: Output, tree: OutputTree, packs: PackWriter | None,
               missed: list[str]) -> Outcome:
    page = work.pages[output.key]
    key = body_key(work.body_environment, page)
    record = work.cache.body(key, work.answers)
    if record is not None:
        quick = work.keys.key(output, record)
        kept = _kept_by_key(work, output, quick, missed, record)
        if kept:
            return dataclasses.replace(kept, body=(page.rel, key, record, False))
    body: RenderedBody | None = None
    fresh = record is None
    if record is None:
        body, record = _render_body(work, page, packs)
    quick = work.keys.key(output, record)
    fingerprint = _fingerprint(work, output, quick, record)
    kept = _kept(work, output, fingerprint, quick)
    if kept:
        return dataclasses.replace(kept, body=(page.rel, key, record, fresh))
    if body is None:
        body = _read_body(work, record)
        if body is None:  # its pack is gone: render it again
            body, record = _render_body(work, page, packs)
            fresh = True
    data = render_output(output, work.site, work.templates, body)
    done = _store(work, output, fingerprint, quick, data, tree)
    return dataclasses.replace(done, body=(page.rel, key, record, fresh))


def _render_body(work: Work, page: SourcePage,
                 packs: PackWriter | None) -> tuple[RenderedBody, BodyRecord]:
    page = with_body(page, work.loaded, work.content_dir, work.settings)
    context = RecordingContext(work.answers)
    if work.renderer is None:
        work.renderer = PageRenderer(work.templates.directory, work.settings)
    body = work.renderer.render(page, context)
    stored = pickle.dumps((body.html, body.text, body.first_comment),
                          protocol=pickle.HIGHEST_PROTOCOL)
    pack, offset, length = packs.add(stored) if packs else ("", 0, 0)
    record = BodyRecord(digest=content_digest(stored), stats=stats_of(body),
                        asked=tuple(context.asked), pack=pack, offset=offset, length=length)
    return body, record


def _read_body(work: Work, record: BodyRecord) -> RenderedBody | None:
    if work.cache.bodies is None or not record.pack:
        return None
    stored = work.cache.bodies.read(record)
    if stored is None:
        return None
    html, text, first_comment = pickle.loads(stored)
    return RenderedBody(html, text, record.stats.comment_count, first_comment)


_feed_html: dict[str, str] | None = None


def _feed_bodies(work: Work) -> Mapping[str, str]:
    """The HTML of the posts the site feeds carry in full (read once per process)."""
    global _feed_html
    if _feed_html is None:
        found = {}
        for rel in full_content_rels(work.site):
            record = work.bodies.get(rel)
            body = _read_body(work, record) if record else None
            if body is None:
                body, _ = _render_body(work, work.pages[rel], None)
            found[rel] = body.html
        _feed_html = found
    return _feed_html


def reset_process_state() -> None:
    """Forget what belongs to one build (a serve process builds many times)."""
    global _feed_html
    _feed_html = None


def stats_by_rel(outcomes: list[Outcome]) -> dict[str, BodyStats]:
    return {outcome.body[0]: outcome.body[2].stats for outcome in outcomes if outcome.body}


def outcome_bodies(outcomes: list[Outcome]) -> Iterator[tuple[str, bytes, BodyRecord, bool]]:
    return (outcome.body for outcome in outcomes if outcome.body)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
