"""What the studio's API answers with: the inbox and the thread view, read from the project as
it is on disk at the moment of the request."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.project import Project
from hnmatome.hn.queue_file import read_ids
from hnmatome.review.checks import Problem, SiteFacts, check_project, site_facts
from hnmatome.review.thread_view import (
    HN_ITEM,
    ViewContext,
    problem_view,
    shown_comment_ids,
    thread_state,
    thread_view,
)
from hnmatome.translate.endpoint import has_credentials


class StudioData:
    def __init__(self, project: Project, previews: Mapping[int, str]) -> None:
        self.project = project
        self.previews = previews

    @cached_property
    def facts(self) -> SiteFacts:
        return site_facts(self.project)

    def thread_ids(self) -> list[int]:
        folder = self.project.threads_dir
        if not folder.is_dir():
            return []
        return sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit())

    def thread(self, item_id: int) -> dict[str, Any]:
        path = self.project.thread_path(item_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UserError(f"no thread file for {item_id}", path,
                            hint="fetch it first (the inbox's fetch button)") from None
        thread = thread_yaml.loads(data.decode("utf-8", "replace"), path)
        problems = check_project(self.project, [item_id], self.facts).get(item_id, [])
        context = ViewContext(self.project.settings, self.project.root, self.facts.tag_counts,
                              self.previews.get(item_id),
                              has_credentials(self.project.settings.llm))
        return thread_view(data, thread, path, problems, context)

    def inbox(self) -> dict[str, Any]:
        fetched = self.thread_ids()
        problems = check_project(self.project, fetched, self.facts) if fetched else {}
        rows = [self._queued(item_id) for item_id in read_ids(self.project.queue_path)
                if item_id not in fetched]
        rows += [self._row(item_id, problems.get(item_id, [])) for item_id in fetched]
        return {"threads": rows}

    def problem(self, problem: Problem) -> dict[str, Any]:
        return problem_view(problem)

    def _queued(self, item_id: int) -> dict[str, Any]:
        return {"id": item_id, "state": "queued", "title": None, "title_ja": None,
                "comments_total": 0, "comments_shown": 0, "comments_translated": 0,
                "errors": 0, "warnings": 0, "preview": None, "hn_url": HN_ITEM.format(item_id)}

    def _row(self, item_id: int, problems: list[Problem]) -> dict[str, Any]:
        path = self.project.thread_path(item_id)
        row = self._queued(item_id)
        try:
            thread = thread_yaml.load(path)
            shown = shown_comment_ids(thread, self.project.settings, path)
        except UserError as exc:  # a broken file is listed with its error
            return {**row, "state": "fetched", "title": path.name, "errors": 1,
                    "problem": str(exc)}
        comments = thread.get("comments") or []
        return {**row, "state": thread_state(thread), "title": thread.get("title"),
                "title_ja": thread.get("title_ja") or None,
                "comments_total": len(comments), "comments_shown": len(shown),
                "comments_translated": sum(1 for c in comments if c.get("ja")),
                "errors": sum(1 for p in problems if p.level == "error"),
                "warnings": sum(1 for p in problems if p.level == "warning"),
                "preview": self.previews.get(item_id)}
