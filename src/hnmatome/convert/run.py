"""`convert`: thread YAML files become posts under content/posts/. The IO edge of the converter.

Only threads whose YAML (or the converter settings) changed since their post was written are
redone: the post records a fingerprint of its inputs (`convert_input`). A post that was edited
by hand since `convert` wrote it (its `convert_output` hash no longer matches) is left alone and
reported; `force` overwrites it after saving a `.bak`. Posts without `hnid` are never looked at.

A post stays where it is once published, so its URL never changes; a draft follows its date and
slug (it moves when the curator changes `date`).

Each post gets its share card (`card.png` beside `index.md`, convert/cards.py) as its
`featureimage`, unless it has an image someone chose.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hnmatome.convert.cards import BUNDLE_INDEX, CARD_NAME, card_for, card_path, has_own_image
from hnmatome.convert.notices import Notice
from hnmatome.convert.post_format import Post, content_digest, format_post, input_fingerprint
from hnmatome.convert.post_index import (
    ExistingPost,
    PostIndex,
    scan_posts,
    written_by_convert_unchanged,
)
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.core.stat_cache import StatCache
from hnmatome.core.writer import backup_file, remove_file, write_if_changed

THUMBNAIL_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif")
THUMBNAIL_DIR = "thumbnails"
CACHE_NAME = "convert.json"
PARALLEL_FROM = 24  # fewer posts than this are quicker in-process than starting workers


@dataclass(frozen=True)
class ConvertReport:
    written: tuple[Path, ...] = ()  # posts created or changed
    unchanged: tuple[int, ...] = ()  # threads whose post was already up to date
    moved: tuple[tuple[Path, Path], ...] = ()  # drafts that followed a new date or slug
    edited: tuple[Path, ...] = ()  # posts edited by hand, left alone
    backups: tuple[Path, ...] = ()  # `.bak` files written before --force overwrote an edit
    errors: tuple[UserError, ...] = ()
    warnings: tuple[Notice, ...] = ()  # about threads converted this time (the post written)
    cards: tuple[Path, ...] = ()  # share cards made or changed

    def raise_for_errors(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise UserErrors(list(self.errors))


@dataclass
class _Run:
    project: Project
    index: PostIndex
    thumbnails: tuple[str, ...]
    force: bool
    cache: StatCache
    claimed: set[Path] = field(default_factory=set)
    written: list[Path] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    edited: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    errors: list[UserError] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    cards: list[Path] = field(default_factory=list)

    def report(self) -> ConvertReport:
        return ConvertReport(tuple(self.written), tuple(self.unchanged), tuple(self.moved),
                             tuple(self.edited), tuple(self.backups), tuple(self.errors),
                             tuple(self.warnings), tuple(self.cards))


def convert_changed(project: Project, ids: Sequence[int] | None = None, *,
                    force: bool = False) -> ConvertReport:
    """Convert the given threads (always re-rendered), or every thread whose YAML changed since
    its post was written. Errors in one thread do not stop the others; they are in the report
    (call `report.raise_for_errors()`)."""
    cache = StatCache(project.cache_dir / CACHE_NAME)
    run = _Run(project, scan_posts(project.posts_dir, cache),
               list_thumbnails(project.static_dir), force, cache)
    pending: list[tuple[_Job, ExistingPost | None]] = []
    for item_id, path in _thread_files(project, ids, run):
        try:
            job = _plan_thread(run, item_id, path, explicit=ids is not None)
        except UserError as exc:
            run.errors.append(exc)
            continue
        if job is not None:
            pending.append(job)
    for (_, existing), rendered in zip(pending, _render_all([j for j, _ in pending]),
                                       strict=True):
        if isinstance(rendered, Post):
            run.warnings.extend(rendered.warnings)
            _write(run, rendered, existing)
        else:
            run.errors.append(UserError(*rendered))
    cache.save(prune=ids is None)
    return run.report()


def _thread_files(project: Project, ids: Sequence[int] | None,
                  run: _Run) -> Iterable[tuple[int, Path]]:
    if ids is not None:
        for item_id in dict.fromkeys(ids):
            path = project.thread_path(item_id)
            if path.exists():
                yield item_id, path
            else:
                run.errors.append(UserError(f"no thread file for {item_id}", path,
                                            hint=f"run `hnmatome fetch {item_id}` first"))
        return
    if not project.threads_dir.is_dir():
        return
    found = [(int(p.stem), p) for p in project.threads_dir.glob("*.yaml") if p.stem.isdigit()]
    yield from sorted(found)


@dataclass(frozen=True)
class _Job:
    """Everything rendering one post needs, picklable for a worker process."""

    item_id: int
    path: Path
    data: bytes
    fingerprint: str
    settings: Settings
    featureimage: str
    draft: bool | None  # the post's current state, None for a new post
    old_card: Path | None  # the post's card now, reused when its title and tags are the same


def _plan_thread(run: _Run, item_id: int, path: Path,
                 explicit: bool) -> tuple[_Job, ExistingPost | None] | None:
    """The job for a thread that needs its post written, or None (up to date, or edited by
    hand and not forced)."""
    existing = _existing_post(run.index, item_id, path)
    fingerprint = thread_fingerprint(path, run.project.settings, run.cache)
    if (existing and existing.convert_input == fingerprint and not (explicit or run.force)
            and not _card_missing(existing)):
        run.unchanged.append(item_id)
        return None
    if existing and not written_by_convert_unchanged(existing):
        if not run.force:
            run.edited.append(existing.path)
            return None
        run.backups.append(backup_file(existing.path))
    job = _Job(item_id, path, path.read_bytes(), fingerprint, run.project.settings,
               _featureimage(run, item_id, existing), existing.draft if existing else None,
               card_path(existing.path) if existing else None)
    return job, existing


def thread_fingerprint(path: Path, settings: Settings, cache: StatCache) -> str:
    """The `convert_input` a post made now from the thread file at `path` would record."""
    digest = cache.get("thread", path, lambda p: content_digest(p.read_bytes()))
    return input_fingerprint(digest, settings)


def _render_all(jobs: list[_Job]) -> list[Post | tuple[Any, ...]]:
    """Posts (or UserError arguments) in job order; many jobs are shared among processes."""
    # Forking a process that runs other threads (a dev server) can deadlock the children, and
    # spawn would re-run the caller's __main__: only a single-threaded caller gets workers.
    if (len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2
            or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [render_job(job) for job in jobs]
    workers = min(os.cpu_count() or 1, 8)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(render_job, jobs, chunksize=8))


def render_job(job: _Job) -> Post | tuple[Any, ...]:
    """Parse and format one thread: pure, so it can run in a worker. A UserError comes back as
    its arguments (an exception with extra fields does not survive pickling)."""
    try:
        text = _decode(job.data, job.path)
        thread = thread_yaml.loads(text, job.path)
        if thread["id"] != job.item_id:
            raise UserError(f"the file says `id: {thread['id']}` but is named {job.path.name}",
                            job.path, hint=f"rename it to {thread['id']}.yaml or fix the id")
        post = format_post(thread, job.settings, path=job.path, input_hash=job.fingerprint,
                           featureimage=job.featureimage, draft=_draft(thread, job))
        card = _card(post, job)
        return dataclasses.replace(post, card=card, warnings=tuple(
            dataclasses.replace(n, line=thread_yaml.comment_line(text, n.comment_id))
            if n.comment_id is not None else n for n in post.warnings))
    except UserError as exc:
        return (exc.message, exc.path, exc.line, exc.hint)


def _card(post: Post, job: _Job) -> bytes:
    if job.featureimage != CARD_NAME:
        return b""
    try:
        return card_for(post.title, post.tags, job.settings.title, job.old_card)
    except UserError as exc:  # the font is missing: say which thread could not get its card
        raise UserError(exc.message, exc.path or job.path, hint=exc.hint) from exc


def _card_missing(existing: ExistingPost) -> bool:
    target = card_path(existing.path)
    return existing.featureimage == CARD_NAME and target is not None and not target.is_file()


def _existing_post(index: PostIndex, item_id: int, path: Path) -> ExistingPost | None:
    posts = index.for_thread(item_id)
    if len(posts) > 1:
        names = ", ".join(str(p.path) for p in posts)
        raise UserError(f"several posts say `hnid = {item_id}`: {names}", path,
                        hint="delete the extra posts (or their hnid line) so one remains")
    return posts[0] if posts else None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError("thread file is not UTF-8", path) from exc


def _draft(thread: dict[str, Any], job: _Job) -> bool:
    """The YAML's `draft` (kept in step by `publish`), else the post's current state, else the
    `new_posts_draft` setting."""
    value = thread.get("draft")
    if value is None:
        return job.draft if job.draft is not None else job.settings.new_posts_draft
    if not isinstance(value, bool):
        raise UserError(f"`draft: {value!r}` should be true or false", job.path)
    return value


def _write(run: _Run, post: Post, existing: ExistingPost | None) -> None:
    posts_dir = run.project.posts_dir
    target = _target_path(run, post, existing)
    run.claimed.add(target.parent)
    if post.card and write_if_changed(target.parent / CARD_NAME, post.card):
        run.cards.append(target.parent / CARD_NAME)
    if write_if_changed(target, post.text.encode("utf-8")):
        run.written.append(target)
    elif existing is None or existing.path == target:
        run.unchanged.append(post.hnid)
    if existing and existing.path != target:
        old_card = card_path(existing.path)
        if old_card is not None:
            remove_file(old_card)
        remove_file(existing.path, prune_up_to=posts_dir)
        run.moved.append((existing.path, target))


def _target_path(run: _Run, post: Post, existing: ExistingPost | None) -> Path:
    posts_dir = run.project.posts_dir
    if existing and not _may_move(existing):
        return existing.path
    target = posts_dir / post.rel_path
    own = existing.path if existing else None
    if target != own and _occupied(run, target.parent):
        target = target.parent.with_name(f"{post.folder}_{post.hnid}") / target.name
        if target != own and _occupied(run, target.parent):
            raise UserError(f"the post folder {target.parent} is taken by another post",
                            run.project.thread_path(post.hnid),
                            hint="set a different `slug:` in the thread file")
    return target


def _may_move(existing: ExistingPost) -> bool:
    """A draft that is alone in its bundle folder may follow its date and slug."""
    if not existing.draft or existing.path.name != BUNDLE_INDEX:
        return False
    return all(p.name in (BUNDLE_INDEX, CARD_NAME) for p in existing.path.parent.iterdir())


def _occupied(run: _Run, folder: Path) -> bool:
    return folder in run.claimed or (folder.exists() and any(folder.iterdir()))


def list_thumbnails(static_dir: Path) -> tuple[str, ...]:
    folder = static_dir / THUMBNAIL_DIR
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name for p in folder.iterdir()
                        if p.is_file() and p.suffix.lower() in THUMBNAIL_SUFFIXES))


def choose_thumbnail(item_id: int, names: Sequence[str]) -> str:
    """The same picture for the same id as long as the set of pictures is the same."""
    return f"{THUMBNAIL_DIR}/{names[item_id % len(names)]}" if names else ""


def _featureimage(run: _Run, item_id: int, existing: ExistingPost | None) -> str:
    """An image someone chose, else the share card; a post that is not a bundle (no folder for
    a card) keeps its thumbnail while it exists, so adding thumbnails changes no old post."""
    static = run.project.static_dir
    if existing and has_own_image(existing.path, existing.featureimage, static):
        return existing.featureimage
    if existing is None or card_path(existing.path) is not None:
        return CARD_NAME
    if existing.featureimage and (static / existing.featureimage).is_file():
        return existing.featureimage
    return choose_thumbnail(item_id, run.thumbnails)
