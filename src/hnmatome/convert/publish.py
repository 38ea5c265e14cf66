"""`publish`: a reviewed draft goes live (`draft = false`), in its thread YAML and in its post.

The YAML is edited in place, one line (`draft: false`, core/thread_text.py), so the curator's
comments and layout in it survive; the post is then converted again. A post edited by hand is not
rewritten: only its `draft` line changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hnmatome.convert.post_index import scan_posts
from hnmatome.convert.run import ConvertReport, convert_changed
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import with_key
from hnmatome.core.project import Project
from hnmatome.core.thread_text import edited
from hnmatome.core.writer import atomic_write_text


@dataclass(frozen=True)
class PublishReport:
    changed: tuple[int, ...]  # threads whose draft state changed
    unchanged: tuple[int, ...]  # already in that state
    edited_posts: tuple[Path, ...]  # hand-edited posts whose `draft` line was set directly
    convert: ConvertReport


def publish(project: Project, ids: Sequence[int] | None, *, draft: bool = False) -> PublishReport:
    """Set `draft` for the threads `ids` (None: every thread whose post is a draft)."""
    index = scan_posts(project.posts_dir)
    if ids is None:
        ids = sorted(p.hnid for p in index.posts
                     if p.hnid is not None and p.draft != draft
                     and project.thread_path(p.hnid).exists())
    changed: list[int] = []
    unchanged: list[int] = []
    for item_id in dict.fromkeys(ids):
        path = project.thread_path(item_id)
        if not path.exists():
            raise UserError(f"no thread file for {item_id}", path,
                            hint="publish works on fetched threads; see `hnmatome status`")
        posts = index.for_thread(item_id)
        if set_thread_draft(path, draft) or any(p.draft != draft for p in posts):
            changed.append(item_id)
        else:
            unchanged.append(item_id)
    report = convert_changed(project, changed) if changed else ConvertReport()
    edited = [p for p in report.edited if set_post_draft(p, draft)]
    return PublishReport(tuple(changed), tuple(unchanged), tuple(edited), report)


def set_thread_draft(path: Path, draft: bool) -> bool:
    """Write `draft: <draft>` into the thread file; False when it already said so."""
    text = path.read_text(encoding="utf-8")
    before = thread_yaml.loads(text, path)
    if before.get("draft") is draft:
        return False
    atomic_write_text(path, edited(text, {"draft": draft}, {}, {**before, "draft": draft}, path))
    return True


def set_post_draft(path: Path, draft: bool) -> bool:
    """Set the `draft` line of a post's front matter; False when it already said so (or the
    file has no front matter to set it in)."""
    text = path.read_text(encoding="utf-8")
    if not text.lstrip("\ufeff").startswith(("+++", "---")):
        return False
    edited = with_key(text, "draft", draft)
    if edited == text:
        return False
    atomic_write_text(path, edited)
    return True
