"""`status`: every thread on its way from the queue to a published post, in one table.

Two things are shown of each thread, and the summary line counts both as the table shows them:
its *state*, how far along the pipeline it is (queued, fetched, draft, published: exactly one),
and how much of it is *translated* (a thread counts as translated when its title and every
comment that can be shown have `ja`, whatever its state: a draft can be translated or not).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hnmatome.convert.post_index import ExistingPost, scan_posts, written_by_convert_unchanged
from hnmatome.convert.run import thread_fingerprint
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.project import Project
from hnmatome.core.stat_cache import StatCache
from hnmatome.hn.queue_file import read_ids

CACHE_NAME = "status.json"
SUMMARY_KIND = "summary2"  # a new name when _Summary changes, so older entries are not read
STATES = ("queued", "fetched", "draft", "published")


@dataclass(frozen=True)
class ThreadStatus:
    id: int
    title: str
    state: str  # one of STATES
    comments: int  # comments that can be shown (not dead or gone)
    translated: int  # of those, how many have `ja`
    post: Path | None
    notes: tuple[str, ...]
    title_translated: bool = False

    @property
    def fully_translated(self) -> bool:
        """The title and every comment that can be shown have `ja` (never a queued thread)."""
        return (self.state != "queued" and self.title_translated
                and self.translated == self.comments)


def collect_status(project: Project) -> list[ThreadStatus]:
    """Queued ids first (queue order), then the fetched threads by id."""
    cache = StatCache(project.cache_dir / CACHE_NAME)
    index = scan_posts(project.posts_dir, cache)
    rows: list[ThreadStatus] = []
    fetched = _thread_ids(project)
    for item_id in read_ids(project.queue_path):
        if item_id not in fetched:
            rows.append(ThreadStatus(item_id, "", "queued", 0, 0, None, ()))
    for item_id in fetched:
        rows.append(_thread_status(project, item_id, index.for_thread(item_id), cache))
    cache.save()
    return rows


def _thread_ids(project: Project) -> list[int]:
    if not project.threads_dir.is_dir():
        return []
    return sorted(int(p.stem) for p in project.threads_dir.glob("*.yaml") if p.stem.isdigit())


@dataclass(frozen=True)
class _Summary:
    """What status needs from a thread file (kept in the StatCache: parsing every thread file
    on each `status` would take seconds on a big blog)."""

    title: str
    comments: int
    translated: int
    review: int
    title_translated: bool
    problem: str = ""
    no_text: int = 0  # comments without `text` that are not `include: false` (convert warns)


def _summary(path: Path, data: bytes) -> _Summary:
    try:
        thread = thread_yaml.loads(data.decode("utf-8"), path)
    except (UserError, UnicodeDecodeError) as exc:
        return _Summary("", 0, 0, 0, False, f"unreadable: {exc}")
    shown = [c for c in thread["comments"] if not (c.get("dead") or c.get("gone"))]
    translated = sum(1 for c in shown if _filled(c.get("ja")))
    title = str(thread.get("title_ja") or thread.get("title") or "")
    no_text = sum(1 for c in thread["comments"]
                  if c.get("text") is None and c.get("include") is not False)
    return _Summary(" ".join(title.split()), len(shown), translated,
                    sum(1 for c in shown if c.get("needs_review")),
                    _filled(thread.get("title_ja")), no_text=no_text)


def _thread_status(project: Project, item_id: int, posts: list[ExistingPost],
                   cache: StatCache) -> ThreadStatus:
    path = project.thread_path(item_id)
    summary = _Summary(**cache.get(SUMMARY_KIND, path, lambda p: dataclasses.asdict(
        _summary(p, p.read_bytes()))))
    notes: list[str] = [summary.problem] if summary.problem else []
    if summary.review:
        notes.append(f"{summary.review} to review (source changed after translation)")
    if summary.no_text:
        notes.append(f"{summary.no_text} comment{'s' if summary.no_text > 1 else ''} "
                     "without `text`")
    post = posts[0] if len(posts) == 1 else None
    if len(posts) > 1:
        notes.append(f"{len(posts)} posts say hnid = {item_id}")
    if post is not None:
        unedited = cache.get("unedited", post.path, lambda _: written_by_convert_unchanged(post))
        fingerprint = thread_fingerprint(path, project.settings, cache)
        notes.extend(_post_notes(post, unedited, fingerprint))
        state = "draft" if post.draft else "published"
    else:
        state = "fetched"
    return ThreadStatus(item_id, summary.title, state, summary.comments, summary.translated,
                        post.path if post else None, tuple(notes), summary.title_translated)


def _post_notes(post: ExistingPost, unedited: bool, fingerprint: str) -> list[str]:
    notes = []
    if not unedited:
        notes.append("post edited by hand")
    elif post.convert_input != fingerprint:
        notes.append("YAML changed since convert")
    return notes


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def count_states(rows: list[ThreadStatus]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def translated_cell(row: ThreadStatus) -> str:
    """The table's Translated column: 'title + 3/3' when the title is translated too, so a
    row counts as translated in the summary exactly when it shows 'title + n/n'."""
    if row.state == "queued":
        return ""
    counts = f"{row.translated}/{row.comments}"
    return f"title + {counts}" if row.title_translated else counts


def summary_line(rows: list[ThreadStatus]) -> str:
    """'1 queued, 2 fetched, 3 draft, 4 published; 8 of 9 translated': the State column
    counted, then the rows whose Translated column shows everything translated."""
    states = ", ".join(f"{n} {state}" for state, n in count_states(rows).items())
    fetched = [row for row in rows if row.state != "queued"]
    done = sum(1 for row in fetched if row.fully_translated)
    return f"{states}; {done} of {len(fetched)} translated"
