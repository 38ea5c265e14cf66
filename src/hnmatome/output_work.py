"""One output of a build: decide whether the last build's file is still right (`check`), and
if not, render it and write it when its bytes differ (`produce`).

An output is kept when its quick key (context_keys.py) — or, for feeds and other outputs
Python makes, its fingerprint (build_fingerprints.py) — is unchanged and the file on disk is
still the one the last build wrote. A post or page also needs its rendered body: taken from
the body cache while every question it asked the site still has the same answer, rendered
otherwise."""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hnmatome import build_fingerprints as fingerprints
from hnmatome.body_answers import Answers, RecordingContext
from hnmatome.body_packs import PackWriter
from hnmatome.build_cache import (
    BodyRecord,
    BuildCache,
    Manifest,
    OutputRecord,
    body_key,
    content_digest,
    stamp_of,
)
from hnmatome.build_inputs import LoadedPages, with_body
from hnmatome.content import SourcePage
from hnmatome.context_keys import SiteKeys
from hnmatome.core.settings import Settings
from hnmatome.core.writer import OutputTree
from hnmatome.feeds import Body, feed_content, full_content_rels
from hnmatome.fingerprint import Digester
from hnmatome.late_shortcodes import LateShortcodes
from hnmatome.plan import PAGE_KINDS, Output
from hnmatome.render import CODE_RENDERED, render_output
from hnmatome.rendered_body import RenderedBody
from hnmatome.site import Site, stats_of
from hnmatome.template_deps import TemplateAnalysis
from hnmatome.templating import Templates
from hnmatome.term_groups import TermGroups

if TYPE_CHECKING:  # the markdown stack loads only when a body is rendered
    from hnmatome.shortcodes import PageRenderer

COPIED = frozenset({"static", "resource"})


@dataclass
class Work:
    """Everything rendering needs; forked workers inherit it."""

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
    flat_stage: bool = False  # changed outputs written under writer.staged_name (incremental)
    # entry digests (context_keys.SiteKeys.digests), shared by the Works of one build
    entry_digests: dict[Any, str] = field(default_factory=dict)
    digester: Digester = field(default_factory=Digester)
    # render even the outputs whose quick keys match, and report any whose bytes changed
    check: bool = False
    late: LateShortcodes | None = None  # made when a body with late shortcodes is read
    entry_bases: Mapping[str, str] = field(default_factory=dict)  # context_keys.entry_base
    # when not None: what each computed key read, by output path (context_keys.SiteKeys)
    reads: dict[str, frozenset[str]] | None = None
    pages: Mapping[str, SourcePage] = field(init=False)
    keys: SiteKeys = field(init=False)
    groups: TermGroups = field(init=False)

    def body_key(self, page: SourcePage) -> bytes:
        """build_cache.body_key of a page (asked twice for each post a build keeps)."""
        found = self._body_keys.get(page.rel)
        if found is None:
            found = self._body_keys[page.rel] = body_key(self.body_environment, page)
        return found

    def __post_init__(self) -> None:
        self._body_keys: dict[str, bytes] = {}
        self.pages = {page.rel: page for page in self.loaded.pages}
        self.keys = SiteKeys(self.site, self.digester, self.analysis, self.entry_bases,
                             self.reads, self.answers)
        self.keys.digests = self.entry_digests
        self.groups = TermGroups(self.keys, self.outputs, self.body_environment)


class Outcome(NamedTuple):
    """What became of one output (a tuple: a build makes one per output, ~9,000)."""

    path: str
    record: OutputRecord
    written: bool  # False: the file the last build left is still right
    rendered: bool
    body: tuple[str, bytes, BodyRecord, bool] | None = None  # rel, key, record, newly rendered


class Todo(NamedTuple):
    """An output `check` could not keep, with what it found out on the way."""

    number: int
    quick: str | None = None
    fingerprint: bytes | None = None
    body: BodyRecord | None = None  # a valid cached body (posts and pages)


# --------------------------------------------------------------------------- check


def check(work: Work, number: int, missed: list[str]) -> Outcome | Todo:
    output = work.outputs[number]
    if output.kind in COPIED:
        fingerprint = fingerprints.of_copy(output, _copy_source(work, output)[1])
        return _kept(work, output, fingerprint, None) or Todo(number, None, fingerprint)
    body = None
    if output.is_page:
        page = work.pages[output.key]
        body = work.cache.body(work.body_key(page), work.answers)
        if body is None:
            return Todo(number)
    quick = work.keys.key(output, body)
    kept = _kept_by_key(work, output, quick, missed, body)
    if kept:
        return _with_body(kept, work, output, body, fresh=False)
    fingerprint = _fingerprint(work, output)
    kept = _kept(work, output, fingerprint, quick)
    if kept:
        return _with_body(kept, work, output, body, fresh=False)
    return Todo(number, quick, fingerprint, body)


def keep_all(work: Work, numbers: Iterable[int], missed: list[str]
             ) -> tuple[list[Outcome], list[int]]:
    """The last build's outputs, for outputs no edit can have reached (body_edits.py): kept
    without a key while each file is the one that build wrote. Also returns the numbers of
    those that cannot be kept so (check them as usual). A loop of its own: it runs for
    nearly every output of a rebuild after an edit."""
    kept: list[Outcome] = []
    others: list[int] = []
    outputs, records, root = work.outputs, work.previous.outputs, f"{work.out_dir}/"
    stat = os.stat
    for number in numbers:
        output = outputs[number]
        record = records.get(output.path)
        try:
            found = stat(root + output.path)
        except OSError:
            found = None
        if record is None or found is None or \
                (found.st_size, found.st_mtime_ns, found.st_ino) != record.stamp:
            others.append(number)
            continue
        outcome = Outcome(output.path, record, False, False)
        if output.kind in PAGE_KINDS:
            outcome = _kept_page(work, output, outcome)
            if outcome is None:
                others.append(number)
                continue
        if work.check and output.kind not in COPIED and content_digest(_render_now(
                work, output, outcome.body and outcome.body[2])) != record.content:
            missed.append(output.path)
        kept.append(outcome)
    return kept, others


def _kept_page(work: Work, output: Output, outcome: Outcome) -> Outcome | None:
    page = work.pages[output.key]
    key = work.body_key(page)
    body = work.cache.body(key, work.answers)
    return None if body is None else outcome._replace(body=(page.rel, key, body, False))


def _with_body(outcome: Outcome, work: Work, output: Output, body: BodyRecord | None,
               fresh: bool) -> Outcome:
    if body is None:
        return outcome
    page = work.pages[output.key]
    return Outcome(outcome.path, outcome.record, outcome.written, outcome.rendered,
                   (page.rel, work.body_key(page), body, fresh))


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
        page = work.pages[output.key]
        rendered = read_body(work, body, page) or render_body(work, page, None)[0]
    bodies = feed_bodies(work) if fingerprints.takes_bodies(output) else None
    return render_output(output, work.site, work.templates, rendered, bodies=bodies)


def _fingerprint(work: Work, output: Output) -> bytes:
    """The fingerprint of a feed or another output Python makes (b'' for template outputs:
    their quick key decides)."""
    return fingerprints.of_code_rendered(work, output) if output.kind in CODE_RENDERED else b""


def _kept(work: Work, output: Output, fingerprint: bytes, quick: str | None) -> Outcome | None:
    record = work.previous.outputs.get(output.path)
    if fingerprint and record and record.fingerprint == fingerprint and record.on_disk(
            f"{work.out_dir}/{output.path}"):
        kept = OutputRecord(record.fingerprint, record.content, record.stamp, quick)
        return Outcome(output.path, kept, written=False, rendered=False)
    return None


# --------------------------------------------------------------------------- produce


def produce(work: Work, todo: Todo, tree: OutputTree, packs: PackWriter | None) -> Outcome:
    output = work.outputs[todo.number]
    if output.kind in COPIED:
        return _copy(work, output, tree, todo.fingerprint or b"")
    if output.is_page:
        return _produce_page(work, output, todo, tree, packs)
    quick = todo.quick if todo.fingerprint is not None else work.keys.key(output)
    fingerprint = todo.fingerprint
    if fingerprint is None:
        fingerprint = _fingerprint(work, output)
    bodies = feed_bodies(work) if fingerprints.takes_bodies(output) else None
    data = render_output(output, work.site, work.templates, bodies=bodies)
    return _store(work, output, fingerprint, quick, data, tree)


def _produce_page(work: Work, output: Output, todo: Todo, tree: OutputTree,
                  packs: PackWriter | None) -> Outcome:
    page = work.pages[output.key]
    key = work.body_key(page)
    record, fresh = todo.body, False
    body = read_body(work, record, page) if record is not None else None
    if body is None or record is None:  # not cached, or its pack is gone
        body, record = render_body(work, page, packs)
        fresh = True
    quick = todo.quick if todo.quick is not None and not fresh else work.keys.key(output, record)
    data = render_output(output, work.site, work.templates, body)
    done = _store(work, output, b"", quick, data, tree)
    return done._replace(body=(page.rel, key, record, fresh))


def _store(work: Work, output: Output, fingerprint: bytes, quick: str | None, data: bytes,
           tree: OutputTree) -> Outcome:
    """Write `data` unless the file on disk already holds exactly these bytes."""
    content = content_digest(data)
    record = work.previous.outputs.get(output.path)
    if record and record.content == content and record.on_disk(f"{work.out_dir}/{output.path}"):
        return Outcome(output.path, OutputRecord(fingerprint, content, record.stamp, quick),
                       written=False, rendered=True)
    stamp = stamp_of(tree.write(output.path, data, output.source))
    return Outcome(output.path, OutputRecord(fingerprint, content, stamp, quick), written=True,
                   rendered=True)


def _copy_source(work: Work, output: Output) -> tuple[Path, str]:
    return work.static[output.key] if output.kind == "static" else work.resources[output.path]


def _copy(work: Work, output: Output, tree: OutputTree, fingerprint: bytes) -> Outcome:
    source, digest = _copy_source(work, output)
    fingerprint = fingerprint or fingerprints.of_copy(output, digest)
    written = tree.copy(output.path, source, output.source)
    return Outcome(output.path, OutputRecord(fingerprint, bytes.fromhex(digest),
                                             stamp_of(written)),
                   written=True, rendered=True)


# --------------------------------------------------------------------------- bodies


def render_body(work: Work, page: SourcePage,
                packs: PackWriter | None) -> tuple[RenderedBody, BodyRecord]:
    """The page's body, complete, and its record; what is stored leaves late shortcodes
    (late_shortcodes.py) as markers, so the body stays valid when the newest posts change."""
    page = with_body(page, work.loaded, work.content_dir, work.settings)
    from hnmatome.shortcodes import PageRenderer

    if work.renderer is None:
        work.renderer = PageRenderer(work.templates.directory, work.settings,
                                     work.templates.compiled_dir)
    context = RecordingContext(work.answers)
    body = work.renderer.render(page, context, late=True)
    complete = _resolved(work, page, body)
    if complete is None:  # a marker did not survive: everything inside the body after all
        context = RecordingContext(work.answers)
        body = complete = work.renderer.render(page, context)
    stored = pickle.dumps((body.html, body.text, body.first_comment, body.late),
                          protocol=pickle.HIGHEST_PROTOCOL)
    pack, offset, length = packs.add(stored) if packs else ("", 0, 0)
    record = BodyRecord(digest=content_digest(stored), stats=stats_of(complete),
                        asked=tuple(context.asked), pack=pack, offset=offset, length=length,
                        late=tuple(call.limit for call in body.late))
    return complete, record


def read_body(work: Work, record: BodyRecord | None, page: SourcePage) -> RenderedBody | None:
    """The stored body of `page`, complete; None when it is gone (render it again)."""
    if record is None or work.cache.bodies is None or not record.pack:
        return None
    stored = work.cache.bodies.read(record)
    if stored is None:
        return None
    html, text, first_comment, late = pickle.loads(stored)
    return _resolved(work, page, RenderedBody(html, text, record.stats.comment_count,
                                              first_comment, late))


def _resolved(work: Work, page: SourcePage, body: RenderedBody) -> RenderedBody | None:
    """`body` with its late shortcodes' output in place (None: a marker is missing)."""
    if not body.late:
        return body
    if work.late is None:
        work.late = LateShortcodes(work.templates.directory)
    html = work.late.resolve(body.html, body.late, page, work.answers.links)
    return None if html is None else dataclasses.replace(body, html=html, late=())


_feed_html: dict[str, Body] | None = None


def feed_bodies(work: Work) -> Mapping[str, Body]:
    """The posts the site feeds carry in full (read once per process): each as the feeds
    write it (feeds.feed_content), kept in the cache by its body's digest and the site's
    address, which is all it is made from; or as HTML, when its body has late shortcodes
    (their lists change without the body)."""
    global _feed_html
    if _feed_html is None:
        origin, kept = work.site.links.origin, work.cache.feed_contents
        found: dict[str, Body] = {}
        for rel in full_content_rels(work.site):
            record = work.bodies.get(rel)
            key = (record.digest, origin) if record is not None and not record.late else None
            content = kept.get(key) if key is not None else None
            if content is None:
                body = read_body(work, record, work.pages[rel])
                if body is None:
                    body, _ = render_body(work, work.pages[rel], None)
                content = body.html if key is None else feed_content(body.html, origin)
            if key is not None:
                kept[key] = content  # type: ignore[assignment]
            found[rel] = content
        _feed_html = found
    return _feed_html


def forget_feed_bodies() -> None:
    """Forget what belongs to one build (a serve process builds many times)."""
    global _feed_html
    _feed_html = None
