"""Share cards of posts: which posts get one, and `hnmatome cards`, which makes or refreshes them
for posts that exist already (`convert` makes the card of each post it writes).

A post's card is `card.png` in its bundle folder, named by its `featureimage`. A post keeps an
image someone chose (anything but one of the automatic `thumbnails/` gradients or the card,
when it exists); a post that is not a bundle (`posts/foo.md`) has no folder for a card.
"""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hnmatome.convert.post_format import INPUT_HASH_KEY, rehash_output
from hnmatome.convert.post_index import read_post, scan_posts, written_by_convert_unchanged
from hnmatome.core.errors import UserError
from hnmatome.core.feature_images import CARD_NAME, is_automatic_image
from hnmatome.core.frontmatter import parse_front_matter, with_key
from hnmatome.core.project import Project
from hnmatome.core.writer import write_if_changed

BUNDLE_INDEX = "index.md"
PARALLEL_FROM = 24  # fewer cards than this are quicker drawn in-process than starting workers


def has_own_image(post_path: Path, value: str, static_dir: Path) -> bool:
    """A featureimage someone chose that the site can show: a URL, a bundle file, a static file."""
    image = value.strip()
    if is_automatic_image(image):
        return False
    if "://" in image or image.startswith("//"):
        return True
    relative = posixpath.normpath(image.lstrip("/"))
    if post_path.name == BUNDLE_INDEX and (post_path.parent / relative).is_file():
        return True
    return (static_dir / relative).is_file()


def card_path(post_path: Path) -> Path | None:
    """Where the card of the post at `post_path` goes; None when it is not a bundle."""
    return post_path.parent / CARD_NAME if post_path.name == BUNDLE_INDEX else None


def card_for(title: str, tags: Sequence[Any], site_name: str, old: Path | None = None) -> bytes:
    """The card's PNG bytes: those of the card at `old` when it was drawn from the same title,
    tags and site name (a read instead of a drawing), else drawn (Pillow and BudouX are
    imported on the first card, not before)."""
    from hnmatome.convert.share_card import card_key, render_card, stored_key

    shown = [str(t) for t in tags if str(t).strip()]
    if old is not None:
        try:
            data = old.read_bytes()
        except OSError:
            data = b""
        if data and stored_key(data) == card_key(title, site_name, shown):
            return data
    return render_card(title, site_name, shown)


# --------------------------------------------------------------------------- hnmatome cards


@dataclass
class CardsReport:
    written: list[Path] = field(default_factory=list)  # cards made or changed
    unchanged: list[Path] = field(default_factory=list)  # cards already up to date
    linked: list[Path] = field(default_factory=list)  # posts whose featureimage now names it
    own_image: list[Path] = field(default_factory=list)  # posts that keep an image of their own
    not_bundle: list[Path] = field(default_factory=list)  # posts/foo.md: no folder for a card
    errors: list[UserError] = field(default_factory=list)


def refresh_cards(project: Project, ids: Sequence[int] = (), paths: Sequence[Path] = (), *,
                  every: bool = False, redraw: bool = False) -> CardsReport:
    """Make or refresh the cards of the posts of threads `ids`, of the posts at `paths` (a post
    file or its folder), or of every post (`every`). A card drawn from the same title, tags and
    site name is left as it is, unless `redraw`; unchanged bytes are never rewritten."""
    report = CardsReport()
    posts: list[Path] = []
    index = scan_posts(project.posts_dir)
    if every:
        posts.extend(p.path for p in index.posts)
        posts.extend(index.unreadable)
    for item_id in ids:
        found = index.for_thread(item_id)
        if not found:
            report.errors.append(UserError(
                f"no post says `hnid = {item_id}`", project.posts_dir,
                hint=f"run `hnmatome convert {item_id}` first (it makes the card too)"))
        posts.extend(p.path for p in found)
    for path in paths:
        post = path / BUNDLE_INDEX if path.is_dir() else path
        if not post.is_file():
            report.errors.append(UserError("no post here", path,
                                           hint="name a post's index.md or its folder"))
        else:
            posts.append(post)
    jobs: list[_CardJob] = []
    for post in dict.fromkeys(posts):
        try:
            job = _plan(project, post, report, redraw)
        except (UserError, OSError, UnicodeDecodeError) as exc:
            report.errors.append(exc if isinstance(exc, UserError) else UserError(
                f"cannot read the post: {exc}", post, hint="check the file is readable UTF-8"))
            continue
        if job is not None:
            jobs.append(job)
    if jobs:
        _check_font(jobs[0].post)
    for job, data in zip(jobs, _draw_all(jobs), strict=True):
        target = job.post.parent / CARD_NAME
        (report.written if write_if_changed(target, data) else report.unchanged).append(target)
        if job.link:
            try:
                _link_card(job.post, job.text)
            except (UserError, OSError) as exc:
                report.errors.append(exc if isinstance(exc, UserError) else UserError(
                    f"cannot write the post: {exc}", job.post))
            else:
                report.linked.append(job.post)
    return report


def _check_font(post: Path) -> None:
    """Say which post could not get its card when the font is missing, before any worker."""
    from hnmatome.convert.share_card import font_path

    try:
        font_path()
    except UserError as exc:
        raise UserError(f"no card drawn: {exc.message}", exc.path or post, hint=exc.hint) from exc


@dataclass(frozen=True)
class _CardJob:
    post: Path
    text: str
    title: str
    tags: tuple[str, ...]
    site_name: str
    link: bool  # its featureimage does not name the card yet
    old: Path | None  # the card there is, reused when drawn from the same input


def _plan(project: Project, post: Path, report: CardsReport,
          redraw: bool) -> _CardJob | None:
    text = post.read_text(encoding="utf-8")
    meta, _, _ = parse_front_matter(text, post)
    fields = {str(k).lower(): v for k, v in meta.items()}
    image = str(fields.get("featureimage") or "")
    if has_own_image(post, image, project.static_dir):
        report.own_image.append(post)
        return None
    if card_path(post) is None:
        report.not_bundle.append(post)
        return None
    tags = fields.get("tags")
    return _CardJob(post, text, str(fields.get("title") or ""),
                    tuple(str(t) for t in tags) if isinstance(tags, list) else (),
                    project.settings.title, image.strip() != CARD_NAME,
                    None if redraw else card_path(post))


def _draw(job: _CardJob) -> bytes:
    return card_for(job.title, job.tags, job.site_name, job.old)


def _draw_all(jobs: list[_CardJob]) -> list[bytes]:
    """The cards in job order; many are drawn by worker processes (as convert renders posts)."""
    if (len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2
            or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [_draw(job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 8), mp_context=context) as pool:
        return list(pool.map(_draw, jobs, chunksize=16))


def _link_card(post: Path, text: str) -> None:
    """Set the post's featureimage to the card, by a line edit that leaves the rest as it was;
    a post convert wrote and nobody edited gets its hash updated, so it still counts as such."""
    untouched = INPUT_HASH_KEY in text and written_by_convert_unchanged(read_post(post))
    new = with_key(text, "featureimage", CARD_NAME)
    if untouched:
        new = rehash_output(new)
    meta, _, _ = parse_front_matter(new, post)
    if meta.get("featureimage") != CARD_NAME:
        raise UserError("could not set `featureimage` in the front matter", post,
                        hint=f"set featureimage = '{CARD_NAME}' by hand")
    write_if_changed(post, new.encode("utf-8"))
