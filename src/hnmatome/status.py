"""`status`: every thread on its way from the queue to a published post, in one table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import thread_yaml
from .errors import UserError
from .post_format import input_fingerprint
from .post_index import ExistingPost, scan_posts, written_by_convert_unchanged
from .project import Project
from .queue_file import read_ids

STATES = ("queued", "fetched", "translated", "draft", "published")


@dataclass(frozen=True)
class ThreadStatus:
    id: int
    title: str
    state: str  # one of STATES
    comments: int  # comments that can be shown (not dead or gone)
    translated: int  # of those, how many have `ja`
    post: Path | None
    notes: tuple[str, ...]


def collect_status(project: Project) -> list[ThreadStatus]:
    """Queued ids first (queue order), then the fetched threads by id."""
    index = scan_posts(project.posts_dir)
    rows: list[ThreadStatus] = []
    fetched = _thread_ids(project)
    for item_id in read_ids(project.queue_path):
        if item_id not in fetched:
            rows.append(ThreadStatus(item_id, "", "queued", 0, 0, None, ()))
    for item_id in fetched:
        posts = index.for_thread(item_id)
        rows.append(_thread_status(project, item_id, posts))
    return rows


def _thread_ids(project: Project) -> list[int]:
    if not project.threads_dir.is_dir():
        return []
    return sorted(int(p.stem) for p in project.threads_dir.glob("*.yaml") if p.stem.isdigit())


def _thread_status(project: Project, item_id: int, posts: list[ExistingPost]) -> ThreadStatus:
    path = project.thread_path(item_id)
    data = path.read_bytes()
    try:
        thread = thread_yaml.loads(data.decode("utf-8"), path)
    except (UserError, UnicodeDecodeError) as exc:
        return ThreadStatus(item_id, "", "fetched", 0, 0, None, (f"unreadable: {exc}",))
    shown = [c for c in thread["comments"] if not (c.get("dead") or c.get("gone"))]
    translated = sum(1 for c in shown if _filled(c.get("ja")))
    notes: list[str] = []
    review = sum(1 for c in shown if c.get("needs_review"))
    if review:
        notes.append(f"{review} to review (source changed after translation)")
    post = posts[0] if len(posts) == 1 else None
    if len(posts) > 1:
        notes.append(f"{len(posts)} posts say hnid = {item_id}")
    if post is not None:
        notes.extend(_post_notes(project, post, data))
        state = "draft" if post.draft else "published"
    elif _filled(thread.get("title_ja")) and translated == len(shown):
        state = "translated"
    else:
        state = "fetched"
    title = str(thread.get("title_ja") or thread.get("title") or "")
    return ThreadStatus(item_id, " ".join(title.split()), state, len(shown), translated,
                        post.path if post else None, tuple(notes))


def _post_notes(project: Project, post: ExistingPost, yaml_bytes: bytes) -> list[str]:
    notes = []
    if not written_by_convert_unchanged(post):
        notes.append("post edited by hand")
    elif post.convert_input != input_fingerprint(yaml_bytes, project.settings):
        notes.append("YAML changed since convert")
    return notes


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def count_states(rows: list[ThreadStatus]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts
