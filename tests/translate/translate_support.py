"""Helpers for the translation tests: a small project on disk pointed at a FakeLLM."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from hnmatome.core import thread_yaml
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.core.settings import LLMSettings, load_settings
from hnmatome.translate.plan import TranslateOptions
from hnmatome.translate.report import TranslateSummary
from hnmatome.translate.run import plan_threads, translate_project

THREAD_ID = 4242
API_KEY = "test-key"
FAST_POLICY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
# one chat request, as the client tests send it
MESSAGES = [{"role": "system", "content": "answer in JSON"},
            {"role": "user", "content": json.dumps({"comments": [{"id": 7, "text": "hi"}]})}]


def llm_settings(url: str, **changes: object) -> LLMSettings:
    """Client settings for the fake endpoint at `url`: quick timeouts and two retries."""
    base = {"base_url": url, "model": "m", "api_key": "k", "requests_per_minute": 0,
            "timeout": 2.0, "max_retries": 2}
    return LLMSettings(**{**base, **changes})  # type: ignore[arg-type]


def comment_text(comment_id: int) -> str:
    return f"Comment number {comment_id} says something about Rust and databases."


def sample_thread(thread_id: int = THREAD_ID, comments: int = 6) -> dict[str, Any]:
    return {
        "id": thread_id, "title": "Show HN: A tiny database in Rust", "url": "https://example.com/db",
        "by": "alice", "time": "2025-02-10T08:38:56Z", "score": 120, "descendants": comments,
        "text": "", "fetched_at": "2025-02-10T09:00:00Z", "source": "api",
        "title_ja": "", "tags": [], "draft": True,
        "comments": [
            {"id": thread_id + n, "parent": thread_id, "depth": 0, "by": f"user{n}",
             "time": "2025-02-10T08:40:00Z", "replies": 0, "text": comment_text(thread_id + n)}
            for n in range(1, comments + 1)
        ],
    }


def comment_ids(thread_id: int = THREAD_ID, comments: int = 6) -> list[int]:
    return [thread_id + n for n in range(1, comments + 1)]


def make_project(root: Path, base_url: str, *, threads: list[dict[str, Any]] | None = None,
                 **llm: Any) -> Project:
    settings = {"base_url": base_url, "model": "fake-model", "chunk_size": 3, "concurrency": 1,
                "requests_per_minute": 0, "timeout": 2.0, "max_retries": 2, **llm}
    lines = ["[tool.hnmatome.llm]"]
    lines += [f"{key} = {value!r}".replace("'", '"') for key, value in settings.items()]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for thread in threads if threads is not None else [sample_thread()]:
        thread_yaml.save(root / "content" / "threads" / f"{thread['id']}.yaml", thread)
    return Project(root, load_settings(root, env={"HNMATOME_LLM_API_KEY": API_KEY}))


class SleepRecorder:
    """An injected sleep: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def run(project: Project, ids: list[int] | None = None, *, force: bool = False,
        only: frozenset[int] = frozenset(), sleep: SleepRecorder | None = None,
        lines: list[str] | None = None, wait_every: float | None = None) -> TranslateSummary:
    """Translate with fast retries; `lines` collects what the run says (rejections, retries,
    requests still waiting, reported every `wait_every` seconds)."""
    planned = plan_threads(project, ids or [], TranslateOptions(force=force, only=only))
    report = lines.append if lines is not None else (lambda line: None)
    return translate_project(project, planned, sleep=sleep or SleepRecorder(),
                             policy=FAST_POLICY, report=report, wait_every=wait_every)


def load(project: Project, thread_id: int = THREAD_ID) -> dict[str, Any]:
    return thread_yaml.load(project.thread_path(thread_id))


def comments_by_id(project: Project, thread_id: int = THREAD_ID) -> dict[int, dict[str, Any]]:
    return {c["id"]: c for c in load(project, thread_id)["comments"]}
