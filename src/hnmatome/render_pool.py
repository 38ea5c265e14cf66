"""Rendering outputs across processes, each output only when what it is made from changed.

First every output is checked in this process (output_work.check: quick keys, fingerprints,
stat calls; no rendering), then the ones that changed are rendered: by worker processes
forked from this one when they are many, which inherit the site model (nothing big is
pickled): a job is a list of output numbers, a result a list of small records. When they are
few, by this process and one forked child (forked.py): the child starts first on what will
surely be rendered (new bodies, the lists of all posts) while this process checks the rest.
A full build skips the check: everything is rendered.

Workers write the files themselves, through the writer (the one module that writes): shipping
~130 MB of HTML back through pipes would cost more than the rendering saves, and two
processes writing overlap the slow disk with the other's CPU. They write into a staging
directory that the parent moves into place only after every output succeeded."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from hnmatome import forked
from hnmatome.build_cache import BodyRecord
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.writer import OutputTree
from hnmatome.output_work import Outcome, Todo, Work, check, forget_feed_bodies, keep_all, produce
from hnmatome.site import BodyStats
from hnmatome.term_groups import GROUPED

MAX_REPORTED_ERRORS = 50
PARALLEL_FROM = 200  # fewer outputs to render than this are quicker without workers (measured)
SPLIT_FROM = 60  # ...but split with one forked child from this much work (ms, see _cost)
FRESH_BODY_COST = 100  # a body to render, the first one importing the markdown stack
# (not the tag and month indexes: this process, with less to render, takes them)
_LISTS_OF_ALL = frozenset({"section", "home", "atom", "sitemap"})
_COSTS = {"post": 3, "page": 3, "section": 3, "home": 3, "taxonomy": 20, "sitemap": 14}
_FAMILIES = {"page": "post", "section": "term", "home": "term"}  # ...their templates and links
ErrorTuple = tuple[str, str | None, int | None, str | None]


@dataclass
class ChunkResult:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[ErrorTuple] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # outputs whose quick key missed a change


_work: Work | None = None


def run(work: Work, numbers: Sequence[int], jobs: int, chunk: int,
        reach: frozenset[int] | None = None,
        idle: Callable[[], object] | None = None) -> ChunkResult:
    """Make outputs[n] for every n in `numbers`; errors come back as data (the caller raises
    them, after every worker stopped). `reach`: the only outputs that can have changed
    (body_edits.py); None: any. `idle`: work for this process while workers render (not
    called when there are none)."""
    global _work
    _work = work
    forget_feed_bodies()
    total = ChunkResult()
    beside = None
    try:
        if work.previous.outputs:
            if jobs > 1 and forked.can_fork():
                ahead, numbers = _ahead(work, numbers, total, reach)
                if ahead:  # rendered while this process checks and renders the others
                    beside = forked.start(lambda: run_chunk(ahead))
            todo = _check_all(work, numbers, total, reach)
        else:
            todo = [Todo(number) for number in numbers]
        if beside is not None and len(todo) < PARALLEL_FROM:
            _merge(total, run_chunk(todo))
        elif jobs <= 1 or len(todo) < PARALLEL_FROM:
            _merge(total, _run_small(work, todo, jobs))
        else:
            # at least two chunks a worker, so a slow chunk does not leave the others idle
            chunk = max(1, min(chunk, -(-len(todo) // (2 * jobs))))
            chunks = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
            import multiprocessing  # only when workers are needed

            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                results = pool.imap_unordered(run_chunk, chunks)
                if idle is not None:
                    idle()
                for result in results:
                    _merge(total, result)
                    if len(total.errors) >= MAX_REPORTED_ERRORS:
                        pool.terminate()
                        break
    finally:
        if beside is not None:
            beside.wait()
        _work = None
    if beside is not None:
        _merge(total, beside.result())
    return total


def _ahead(work: Work, numbers: Sequence[int], total: ChunkResult,
           reach: frozenset[int] | None) -> tuple[list[Todo], list[int]]:
    """The outputs worth starting on in a forked child before checking the others, and the
    others: bodies that must be rendered (none in the cache), and most lists of all posts
    (post list pages, home, site feeds, sitemap) when they changed, which they do whenever a
    post is added. The rest of a one-post rebuild (checking ~9,000 outputs, the pages that
    list the post, the tag and month indexes) is about as much work."""
    ahead: list[Todo] = []
    others: list[int] = []
    outputs = work.outputs
    for number in numbers:
        output = outputs[number]
        if reach is not None and number not in reach:
            others.append(number)
        elif output.is_page:
            # no body in the cache at all (one whose `ref` answers changed is found by the
            # check, and rendered here)
            if work.body_key(work.pages[output.key]) not in work.cache.body_records:
                ahead.append(Todo(number))
            else:
                others.append(number)
        elif output.kind in _LISTS_OF_ALL or (output.kind == "feed" and not output.term):
            found = check(work, number, total.missed)
            if isinstance(found, Todo):
                ahead.append(found)
            else:
                total.outcomes.append(found)
        else:
            others.append(number)
    return ahead, others


def _run_small(work: Work, todo: list[Todo], jobs: int) -> ChunkResult:
    """A batch too small for a pool: in this process, or split with one forked child when
    it holds enough work. A split keeps outputs that warm up the same things together
    (templates, memoised links and dates: each process pays for its own), so in a one-post
    rebuild the new post's body, with the markdown stack's first use, goes one way and the
    ~25 pages that list it the other."""
    families: dict[str, tuple[int, list[Todo]]] = {}
    for item in todo:
        family, cost = _family(work, item)
        total, items = families.get(family, (0, []))
        families[family] = (total + cost, [*items, item])
    if jobs <= 1 or sum(cost for cost, _ in families.values()) < SPLIT_FROM \
            or len(families) < 2 or not forked.can_fork():
        return run_chunk(todo)
    sides: tuple[list[Todo], list[Todo]] = ([], [])
    loads = [0, 0]
    for cost, items in sorted(families.values(), key=lambda family: -family[0]):
        side = 0 if loads[0] <= loads[1] else 1
        sides[side].extend(items)
        loads[side] += cost
    theirs, mine = sides
    result, own = forked.run_beside(lambda: run_chunk(theirs), lambda: run_chunk(mine))
    _merge(result, own)
    return result


def _family(work: Work, item: Todo) -> tuple[str, int]:
    """(what the output warms up, a rough cost of making it in milliseconds, measured on
    the corpus)."""
    output = work.outputs[item.number]
    if output.is_page and item.body is None:
        return f"body {item.number}", FRESH_BODY_COST
    if output.kind in ("feed", "atom"):
        return "feeds", 1 if output.term else 8  # the site feeds carry whole bodies
    return _FAMILIES.get(output.kind, output.kind), _COSTS.get(output.kind, 1)


def _check_all(work: Work, numbers: Sequence[int], total: ChunkResult,
               reach: frozenset[int] | None) -> list[Todo]:
    todo = []
    if reach is not None:
        kept, others = keep_all(work, [n for n in numbers if n not in reach], total.missed)
        total.outcomes.extend(kept)
        numbers = [n for n in numbers if n in reach] + others
    elif work.previous.groups:
        numbers = _kept_groups(work, numbers, total)
    for number in numbers:
        found = check(work, number, total.missed)
        if isinstance(found, Todo):
            todo.append(found)
        else:
            total.outcomes.append(found)
    return todo


def _kept_groups(work: Work, numbers: Sequence[int], total: ChunkResult) -> list[int]:
    """Keeps the outputs of every term group whose digest is the last build's (term_groups.py);
    returns the numbers of the others."""
    groups, previous = work.groups, work.previous.groups
    if not any(work.outputs[number].kind in GROUPED for number in numbers):
        return list(numbers)
    same: set[int] = set()
    for name, members in groups.numbers.items():
        if previous.get(name) == groups.digest(name):
            same.update(members)
    kept, changed = keep_all(work, [n for n in numbers if n in same], total.missed)
    total.outcomes.extend(kept)
    return [n for n in numbers if n not in same] + changed


def _merge(total: ChunkResult, part: ChunkResult) -> None:
    total.outcomes.extend(part.outcomes)
    total.errors.extend(part.errors)
    total.missed.extend(part.missed)


def run_chunk(todo: list[Todo]) -> ChunkResult:
    work = _work
    assert work is not None, "render_pool.run sets the work before any chunk runs"
    result = ChunkResult()
    packs = work.cache.bodies.pack_writer() if work.cache.bodies else None
    tree = OutputTree(work.stage, flat=work.flat_stage)
    try:
        for item in todo:
            try:
                result.outcomes.append(produce(work, item, tree, packs))
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


def raise_errors(errors: list[ErrorTuple]) -> None:
    found = [UserError(message, path, line, hint) for message, path, line, hint in errors]
    found.sort(key=lambda error: (str(error.path), error.line or 0))
    if len(found) == 1:
        raise found[0]
    if found:
        raise UserErrors(found[:MAX_REPORTED_ERRORS])


def stats_by_rel(outcomes: list[Outcome]) -> dict[str, BodyStats]:
    return {outcome.body[0]: outcome.body[2].stats for outcome in outcomes if outcome.body}


def outcome_bodies(outcomes: list[Outcome]) -> Iterator[tuple[str, bytes, BodyRecord, bool]]:
    return (outcome.body for outcome in outcomes if outcome.body)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
