"""Rendering bodies and outputs, many at a time: in this process when they are few, else in a
standard process pool forked from this one. Forked workers inherit everything the build made
(the site, its views, the templates), so a job is a list of names and a result a list of
small records; they write their files themselves (output files into the staging folder,
bodies into pack files), so no page travels back through a pipe."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.settings import Settings
from hnmatome.site.content import LoadedPages, SourcePage, with_body
from hnmatome.site.incremental.bodies import BodyRecord, BodyStore, content_digest, encode
from hnmatome.site.incremental.cache import Manifest, Stamp, stamp_of
from hnmatome.site.incremental.reads import Key, recording
from hnmatome.site.markup.shortcode_templates import ShortcodeTemplates, render_late
from hnmatome.site.model import LateShortcode, RenderedBody, stats_of
from hnmatome.site.output import OutputTree, OutputUnwritable
from hnmatome.site.plan import COPIED, Output
from hnmatome.site.render.outputs import render_output
from hnmatome.site.render.templates import Templates
from hnmatome.site.view import SiteView

PARALLEL_FROM = 64  # fewer items than this are rendered here: starting workers costs more
CHUNK = 16  # items per task: bodies differ a lot in size, small tasks balance the workers
MAX_REPORTED_ERRORS = 50
ErrorTuple = tuple[str, str | None, int | None, str | None]
Item = TypeVar("Item")
Result = TypeVar("Result")


class Job(Protocol[Item, Result]):
    def prepare(self, items: Sequence[Item]) -> None:
        """Load what every item needs, once, before workers fork and share it."""

    def run(self, items: Sequence[Item]) -> tuple[list[Result], list[ErrorTuple]]: ...


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_job: Any = None  # the job forked workers run (set before the pool starts)


def _run_in_worker(items: Sequence[Any]) -> tuple[list[Any], list[ErrorTuple]]:
    return _job.run(items)  # type: ignore[no-any-return]


def run_all(job: Job[Item, Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """`job` over every item; raises the UserErrors found (after every worker stopped)."""
    if items:
        job.prepare(items)
    if jobs <= 1 or len(items) < PARALLEL_FROM or not _can_fork():
        results, errors = job.run(items)
    else:
        results, errors = _run_in_pool(job, items, jobs)
    _raise(errors)
    return results


def _run_in_pool(job: Job[Item, Result], items: Sequence[Item], jobs: int
                 ) -> tuple[list[Result], list[ErrorTuple]]:
    # Imported here: a small rebuild never starts a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _job
    results: list[Result] = []
    errors: list[ErrorTuple] = []
    size = max(1, min(CHUNK, -(-len(items) // (4 * jobs))))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _job = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            for found, failed in pool.map(_run_in_worker, chunks):
                results += found
                errors += failed
    finally:
        _job = None
    return results, errors


def _can_fork() -> bool:
    """Forking a process that runs threads (serve's server) could copy a held lock."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _as_tuple(error: UserError) -> ErrorTuple:
    return (error.message, str(error.path) if error.path else None, error.line, error.hint)


def _collect(errors: list[ErrorTuple], exc: UserError) -> None:
    found = exc.errors if isinstance(exc, UserErrors) else [exc]
    errors.extend(_as_tuple(error) for error in found)


def _raise(errors: list[ErrorTuple]) -> None:
    """Raise the errors found, each once: a broken template fails every page that uses it,
    and saying so once per page buries the one thing to fix."""
    counts: dict[ErrorTuple, int] = {}
    for error in errors:
        counts[error] = counts.get(error, 0) + 1
    found = sorted((_once(error, count) for error, count in counts.items()),
                   key=lambda error: (str(error.path), error.line or 0))
    if len(found) == 1:
        raise found[0]
    if found:
        raise UserErrors(found[:MAX_REPORTED_ERRORS])


def _once(error: ErrorTuple, count: int) -> UserError:
    message, path, line, hint = error
    if count > 1:
        message = f"{message} (in {count} pages)"
    return UserError(message, path, line, hint)


# --------------------------------------------------------------------------- bodies


class ShortcodeSite:
    """What shortcodes read of the site (shortcode_templates.ShortcodeContext), as queries."""

    def __init__(self, view: SiteView) -> None:
        self.view = view

    def ref(self, target: str, page: SourcePage) -> str:
        # an absolute target does not depend on the page: one query for every page
        return self.view.ref(target, "" if target.startswith("/") else page.rel)

    def latest_posts(self, limit: int) -> list[dict[str, Any]]:
        links = self.view.links()
        return [{"title": e.title, "url": links.href(e.path), "date": e.date, "path": e.path,
                 "image": links.href(e.image) if e.image else ""}
                for e in self.view.posts(0, max(0, limit))]

    def timezone(self) -> str:
        return self.view.timezone()


@dataclass
class BodyJob:
    """Render page bodies into the body cache's packs."""

    pages: Mapping[str, SourcePage]
    loaded: LoadedPages
    content_dir: Path
    settings: Settings
    view: SiteView  # of the site without body statistics: what bodies read
    templates_dir: Path
    compiled_dir: Path | None
    store: BodyStore
    _renderer: Any = field(default=None, init=False)  # a PageRenderer, made when needed
    _late_templates: ShortcodeTemplates | None = field(default=None, init=False)

    def prepare(self, rels: Sequence[str]) -> None:
        self._page_renderer()

    def run(self, rels: Sequence[str]) -> tuple[list[tuple[str, BodyRecord]], list[ErrorTuple]]:
        found: list[tuple[str, BodyRecord]] = []
        errors: list[ErrorTuple] = []
        packs = self.store.pack_writer()
        for rel in rels:
            try:
                found.append((rel, self._render(rel, packs)))
            except UserError as exc:
                _collect(errors, exc)
        try:
            packs.close()
        except OSError:  # the cache cannot be written: pages render these bodies again
            found = [(rel, dataclasses.replace(record, pack="")) for rel, record in found]
        return found, errors

    def render_html(self, rel: str) -> str:
        """The body of `rel` rendered now, not stored (its stored copy was lost)."""
        return self._render_body(rel).html

    def _page_renderer(self) -> Any:
        if self._renderer is None:
            # the markdown stack loads with the first body a build renders (most rebuilds
            # render none)
            from hnmatome.site.markup.shortcodes import PageRenderer

            self._renderer = PageRenderer(self.templates_dir, self.compiled_dir)
        return self._renderer

    def _render_body(self, rel: str) -> RenderedBody:
        page = with_body(self.pages[rel], self.loaded, self.content_dir, self.settings)
        return self._page_renderer().render(page, ShortcodeSite(self.view))  # type: ignore[no-any-return]

    def _render(self, rel: str, packs: Any) -> BodyRecord:
        with recording() as reads:
            body = self._render_body(rel)
        data = encode(body)
        pack, offset, length = packs.add(data)
        stats = stats_of(body.text, body.html, body.comment_count, body.first_comment)
        return BodyRecord(content_digest(data), stats, tuple(reads.items()), pack, offset,
                          length, used=time.time(), late=body.late)

    def render_late(self, rel: str, late: Sequence[LateShortcode], view: SiteView
                    ) -> dict[str, str]:
        """The shortcodes the body of `rel` left for its page, rendered from `view` (the
        site as pages see it); by their placeholders."""
        if self._late_templates is None:
            self._late_templates = ShortcodeTemplates(self.templates_dir / "shortcodes",
                                                      self.compiled_dir)
        return render_late(self._late_templates, late, self.pages[rel], ShortcodeSite(view))


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one output: only what the parent does not have (it has
    the planned output), as few objects as will do: ~9,000 of these cross a pipe."""

    number: int  # the output's number in the plan
    reads: tuple[Key, ...]  # the queries it read
    digests: tuple[bytes, ...]  # the digest of each answer, in the order of `reads`
    content: bytes  # digest of its bytes
    stamp: Stamp  # of the file it left (in the staging folder, or the last build's)
    written: bool  # False: the file the last build left holds these very bytes
    search: Any = None  # the searchable text of a post page (search/text.SearchRecord)


@dataclass
class OutputJob:
    """Render outputs into the staging folder."""

    outputs: Sequence[Output]
    view: SiteView  # of the complete site
    templates: Templates
    tree: OutputTree
    previous: Manifest
    out_dir: Path
    copies: Mapping[str, Path]  # output path -> the file it copies
    search: bool = False  # read the searchable text of post pages

    def prepare(self, numbers: Sequence[int]) -> None:
        self.templates.load_all()

    def run(self, numbers: Sequence[int]) -> tuple[list[Outcome], list[ErrorTuple]]:
        found: list[Outcome] = []
        errors: list[ErrorTuple] = []
        for number in numbers:
            try:
                found.append(self._produce(number, self.outputs[number]))
            except OutputUnwritable:
                raise
            except UserError as exc:
                _collect(errors, exc)
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
        return found, errors

    def _produce(self, number: int, output: Output) -> Outcome:
        if output.kind in COPIED:
            source = self.copies[output.path]
            with recording() as reads:
                digest = bytes.fromhex(self.view.file(_project_path(output)))
            written = self.tree.copy(output.path, source, output.source)
            return Outcome(number, tuple(reads), tuple(reads.values()), digest,
                           stamp_of(written), True)
        with recording() as reads:
            data = render_output(output, self.view, self.templates)
        content = content_digest(data)
        known = self.previous.outputs.get(output.path)
        stamp = known.found_at(f"{self.out_dir}/{output.path}") \
            if known is not None and known.content == content else None
        if stamp is not None:  # the file there holds these very bytes
            return Outcome(number, tuple(reads), tuple(reads.values()), content, stamp, False)
        text = None
        if self.search and output.kind == "post":  # its searchable text, read while at hand
            from hnmatome.site.search.stage import post_url
            from hnmatome.site.search.text import page_record

            text = page_record(data.decode("utf-8"), post_url(output.path))
        written = self.tree.write(output.path, data, output.source)
        return Outcome(number, tuple(reads), tuple(reads.values()), content, stamp_of(written),
                       True, text)


def _project_path(output: Output) -> str:
    """The file a copy is made from, as SiteView.file names it."""
    if output.kind == "static":
        return f"static/{output.key}"
    return f"content/{output.key.rsplit('/', 1)[0]}/{output.term}"
