"""What the studio can do to a project, each through the code the command line uses: edits
through thread_edit (the file's layout kept, a stale version refused), translation through
translate/, fetching through hn/, publishing through convert/publish.py, the queue through
hn/queue_file.py. Each returns the files it changed; problems are UserErrors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hnmatome.convert.publish import publish
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.project import Project
from hnmatome.review.checks import check_project
from hnmatome.review.thread_edit import StaleThread, ThreadChanges, edit_thread, file_digest

THREAD_KEYS = frozenset({"title_ja", "tags", "date", "max_comments", "max_replies",
                         "min_score", "highlight_score"})
COMMENT_KEYS = frozenset({"include", "color", "ja", "reviewed"})


def thread_path(project: Project, item_id: int) -> Path:
    path = project.thread_path(item_id)
    if not path.is_file():
        raise UserError(f"no thread file for {item_id}", path,
                        hint="fetch it first (the inbox's fetch button or `hnmatome fetch`)")
    return path


def save(project: Project, item_id: int, base: str, thread: Mapping[str, Any],
         comments: Mapping[str, Mapping[str, Any]]) -> Path:
    """Apply the curator's changes to the thread file, if it is still version `base`."""
    path = thread_path(project, item_id)
    unknown = set(thread) - THREAD_KEYS
    if unknown:
        raise UserError(f"the studio cannot change {', '.join(sorted(unknown))}", path)
    changes: dict[int, dict[str, Any]] = {}
    for key, values in comments.items():
        if not str(key).isdigit():
            raise UserError(f"{key!r} is not a comment id", path)
        bad = set(values) - COMMENT_KEYS
        if bad:
            raise UserError(f"the studio cannot change {', '.join(sorted(bad))} of a comment",
                            path)
        changes[int(key)] = dict(values)
    edit_thread(path, base, ThreadChanges(thread=dict(thread), comments=changes))
    return path


def translate_one(project: Project, item_id: int, base: str, comment_id: int) -> Path:
    """Translate one comment again; saved only if the file is still version `base` then."""
    from hnmatome.translate.one_comment import machine_fields, translate_comment

    path = thread_path(project, item_id)
    data = path.read_bytes()
    if file_digest(data) != base:
        raise StaleThread.of(path, data)
    thread = thread_yaml.loads(data.decode("utf-8"), path)
    answer = translate_comment(project, thread, comment_id)
    fields = {**machine_fields(answer), "edited": None}
    edit_thread(path, base, ThreadChanges(comments={comment_id: fields}))
    return path


def translate_missing(project: Project, item_id: int) -> Path:
    """Translate what is still missing (title, tags, comments), as `hnmatome translate ID`."""
    from hnmatome.translate.plan import TranslateOptions
    from hnmatome.translate.run import plan_threads, translate_project

    path = thread_path(project, item_id)
    planned = plan_threads(project, [item_id], TranslateOptions())
    summary = translate_project(project, planned)
    if not summary.ok:
        raise UserError("\n".join(summary.lines()), path,
                        hint="what was translated is saved; try again for the rest")
    return path


def fetch_again(project: Project, item_id: int) -> Path:
    """Fetch the thread from Hacker News again, merged into the file (edits are kept)."""
    from hnmatome.hn.fetch import environment_options, run_fetch

    results = run_fetch(project, [item_id], environment_options())
    failed = [result for result in results if not result.ok]
    if failed:
        raise UserError(failed[0].error or f"could not fetch {item_id}",
                        hint="check the network connection; the thread file is unchanged")
    return project.thread_path(item_id)


def set_draft(project: Project, item_id: int, base: str, draft: bool) -> Path:
    """Publish (draft False) or unpublish; publishing is refused while a check finds errors."""
    path = thread_path(project, item_id)
    data = path.read_bytes()
    if file_digest(data) != base:
        raise StaleThread.of(path, data)
    if not draft:
        problems = check_project(project, [item_id]).get(item_id, [])
        errors = [problem for problem in problems if problem.level == "error"]
        if errors:
            raise PublishRefused(errors, path)
    publish(project, [item_id], draft=draft)
    return path


class PublishRefused(UserError):
    def __init__(self, errors: list[Any], path: Path) -> None:
        count = len(errors)
        super().__init__(f"{count} error{'s' if count > 1 else ''} must be fixed before "
                         "publishing", path, hint="each one is listed with its comment")
        self.errors = errors

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors, self.path))


def queue_add(project: Project, text: str) -> list[int]:
    from hnmatome.hn.ids import parse_item_id
    from hnmatome.hn.queue_file import add_ids

    item_id = parse_item_id(text.strip())
    result = add_ids(project.queue_path, [item_id], lambda i: project.thread_path(i).exists())
    if result.already_fetched:
        raise UserError(f"{item_id} is fetched already", project.thread_path(item_id),
                        hint="open it from the inbox; its fetch button fetches it again")
    return list(result.added)


def queue_remove(project: Project, item_id: int) -> None:
    from hnmatome.hn.queue_file import remove_ids

    if not remove_ids(project.queue_path, [item_id]):
        raise UserError(f"{item_id} is not in the queue", project.queue_path)
