"""`hnmatome translate`: fill the Japanese parts of fetched threads with an LLM.

Per thread: one title request (title_ja + tags) and comment chunks, all in flight together up to
the client's concurrency. A chunk whose answer breaks the contract is re-asked once, then split
in half (down to single comments), then reported as failed; a failure is never written. Every
accepted chunk is merged into the file as it is on disk at that moment and saved, so a killed run
loses at most the chunks in flight and a person editing the file meanwhile loses nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.core.writer import replace_if_unchanged
from hnmatome.translate.llm_client import (
    AnswerError,
    EndpointError,
    LLMClient,
    RejectedRequest,
    Sleep,
)
from hnmatome.translate.llm_contract import (
    COMMENTS_SCHEMA,
    TITLE_SCHEMA,
    CommentAnswer,
    CommentSource,
    ContractError,
    comments_messages,
    parse_comments_answer,
    parse_title_answer,
    prefer_existing_tags,
    reask_messages,
    title_messages,
)
from hnmatome.translate.plan import (
    Applied,
    ThreadPlan,
    TranslateOptions,
    apply_comment_answers,
    apply_title_answer,
    plan_thread,
    split_chunk,
)
from hnmatome.translate.prompts import load_prompt
from hnmatome.translate.report import Failure, Tally, TranslateSummary
from hnmatome.translate.site_tags import site_tags

T = TypeVar("T")

COMMENT_ASKS = 2  # the first ask and one re-ask, then the chunk is split
TITLE_ASKS = 3  # a title cannot be split, so it gets one more re-ask
MERGE_TRIES = 5  # re-merges when a person keeps saving the file while we save it

Report = Callable[[str], None]


@dataclass(frozen=True)
class Prompts:
    comments: str
    title: str
    reask: str


def load_prompts(project: Project) -> Prompts:
    override = project.root / "prompts"
    return Prompts(*(load_prompt(name, override) for name in ("comments", "title", "reask")))


@dataclass(frozen=True)
class PlannedThread:
    path: Path
    plan: ThreadPlan


def thread_paths(project: Project, thread_ids: list[int]) -> list[Path]:
    if thread_ids:
        return [project.thread_path(item_id) for item_id in thread_ids]
    if not project.threads_dir.is_dir():
        return []
    return sorted(project.threads_dir.glob("*.yaml"), key=lambda p: (len(p.stem), p.stem))


def check_llm_settings(project: Project) -> None:
    llm = project.settings.llm
    limits = {"chunk_size": (llm.chunk_size, 1), "concurrency": (llm.concurrency, 1),
              "requests_per_minute": (llm.requests_per_minute, 0),
              "max_retries": (llm.max_retries, 0), "context_comments": (llm.context_comments, 0),
              "existing_tags": (llm.existing_tags, 0), "timeout": (llm.timeout, 0.001)}
    for key, (value, lowest) in limits.items():
        if value < lowest:
            raise UserError(f"[tool.hnmatome.llm] {key} = {value} is too small",
                            project.root / "pyproject.toml",
                            hint=f"use {lowest:g} or more (or delete the line for the default)")
    if not llm.base_url.startswith(("http://", "https://")):
        raise UserError(f"the LLM base URL {llm.base_url!r} is not an http(s) URL",
                        project.root / "pyproject.toml",
                        hint="set HNMATOME_LLM_BASE_URL, e.g. https://api.openai.com/v1")


def plan_threads(project: Project, thread_ids: list[int],
                 options: TranslateOptions) -> list[PlannedThread]:
    """Plans for every selected thread; all unreadable files are reported together, before
    anything is sent."""
    check_llm_settings(project)
    llm = project.settings.llm
    planned: list[PlannedThread] = []
    errors: list[UserError] = []
    for path in thread_paths(project, thread_ids):
        try:
            thread = thread_yaml.load(path)
        except UserError as exc:
            errors.append(exc)
            continue
        planned.append(PlannedThread(
            path, plan_thread(thread, options, llm.chunk_size, llm.context_comments)))
    if errors:
        raise errors[0] if len(errors) == 1 else UserErrors(errors)
    if options.only:
        unknown = set(options.only).intersection(*(set(p.plan.unknown_only) for p in planned))
        if unknown or not planned:
            raise UserError(f"--only: no comment {sorted(unknown or options.only)} in the "
                            "selected threads", hint="use comment ids from the thread YAML")
    return planned


Change = Callable[[dict[str, Any]], Any]


class ThreadFile:
    """Read-merge-write of one thread file, serialised, batched and off the event loop.

    Each change is applied to the file as it is on disk at that moment, so what a person saved
    meanwhile is kept. Changes that arrive while a save is running all go into the next save,
    so a slow disk or a big file never holds up the requests in flight."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()
        self._pending: list[tuple[Change, asyncio.Future[Any]]] = []

    async def apply(self, change: Change) -> Any:
        """Apply `change` (it returns what it did, and a falsy value if it changed nothing)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((change, future))
        await self.flush()
        return await future

    async def flush(self) -> None:
        """Save every change still waiting. A run that stops early calls this too: a chunk
        cancelled while it waited for the lock has had its answer accepted, and must not lose it."""
        async with self._lock:
            batch, self._pending = self._pending, []
            try:
                if batch:
                    results = await asyncio.to_thread(self._merge, [c for c, _ in batch])
                    for (_, waiting), result in zip(batch, results, strict=True):
                        if not waiting.done():
                            waiting.set_result(result)
            except Exception as exc:
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.set_exception(exc)
            finally:
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.cancel()

    def _merge(self, changes: list[Change]) -> list[Any]:
        for _ in range(MERGE_TRIES):
            before = self._read()
            thread = thread_yaml.loads(before.decode("utf-8"), self.path)
            results = [change(thread) for change in changes]
            if not any(results):
                return results
            # Someone saved between our read and our write: merge again into their version.
            if replace_if_unchanged(self.path, before, thread_yaml.dumps(thread).encode("utf-8")):
                return results
        raise UserError("the thread file kept changing while translate tried to save it",
                        self.path, hint="run `hnmatome translate` again once it is saved")

    def _read(self) -> bytes:
        try:
            data = self.path.read_bytes()
            data.decode("utf-8")
        except FileNotFoundError as exc:
            raise UserError("the thread file disappeared during the run", self.path,
                            hint="fetch it again with `hnmatome fetch <id>`") from exc
        except UnicodeDecodeError as exc:
            raise UserError("thread file is not UTF-8", self.path) from exc
        return data


@dataclass
class _Run:
    """One run's shared state: the client, prompts, tags, and the running tally."""

    client: LLMClient
    prompts: Prompts
    existing_tags: tuple[str, ...]
    report: Report
    tally: Tally = field(default_factory=Tally)

    async def thread(self, item: PlannedThread) -> None:
        file = ThreadFile(item.path)
        try:
            async with asyncio.TaskGroup() as group:
                if item.plan.title_fields:
                    group.create_task(self.title(item, file))
                for chunk in item.plan.chunks:
                    group.create_task(self.chunk(item, file, chunk))
        finally:
            await file.flush()

    async def ask(self, messages: list[dict[str, str]], kind: str, schema: dict[str, Any],
                  parse: Callable[[str], T], asks: int, label: str) -> tuple[T | None, str]:
        """(parsed answer, '') or (None, why): re-asks (with the reason) when an answer breaks
        the contract, gives up at once when the endpoint rejects the request itself."""
        reason = "no answer"
        for attempt in range(asks):
            if attempt:
                self.tally.reasks += 1
            try:
                answer = await self.client.chat(messages, kind, schema)
                return parse(answer.content), ""
            except RejectedRequest as exc:
                return None, str(exc)
            except AnswerError as exc:
                reason = str(exc)
            except ContractError as exc:
                reason = str(exc)
                messages = reask_messages(messages, answer.content, self.prompts.reask, reason)
            self.report(f"{label} rejected ({reason})")
        return None, reason

    async def chunk(self, item: PlannedThread, file: ThreadFile,
                    chunk: tuple[CommentSource, ...]) -> None:
        messages = comments_messages(self.prompts.comments, item.plan.context, chunk)
        answers, reason = await self.ask(
            messages, "comments", COMMENTS_SCHEMA,
            lambda content: parse_comments_answer(content, chunk), COMMENT_ASKS,
            f"{item.plan.thread_id}: answer")
        if answers is not None:
            await self.save_comments(item, file, chunk, answers)
            return
        if len(chunk) == 1:
            self.tally.failures.append(Failure(item.plan.thread_id, chunk[0].id, reason))
            return
        self.tally.splits += 1
        async with asyncio.TaskGroup() as group:
            for half in split_chunk(chunk):
                group.create_task(self.chunk(item, file, half))

    async def save_comments(self, item: PlannedThread, file: ThreadFile,
                            chunk: tuple[CommentSource, ...],
                            answers: tuple[CommentAnswer, ...]) -> None:
        applied: Applied = await file.apply(
            partial(apply_comment_answers, answers=answers, sent=chunk))
        self.tally.comments += len(applied.written)
        self.tally.skipped_changed += len(applied.skipped)
        self.report(f"{item.plan.thread_id}: {len(applied.written)} comments saved"
                    + (f", {len(applied.skipped)} changed on disk meanwhile, left alone"
                       if applied.skipped else ""))

    async def title(self, item: PlannedThread, file: ThreadFile) -> None:
        plan = item.plan
        messages = title_messages(self.prompts.title, plan.context, self.existing_tags)
        parsed, reason = await self.ask(
            messages, "title", TITLE_SCHEMA,
            lambda content: parse_title_answer(content, plan.context),
            TITLE_ASKS, f"{plan.thread_id}: title")
        if parsed is None:
            self.tally.failures.append(Failure(plan.thread_id, None, reason))
            return
        final = replace(parsed, tags=prefer_existing_tags(parsed.tags, self.existing_tags))
        written: tuple[str, ...] = await file.apply(
            partial(apply_title_answer, answer=final, fields=plan.title_fields))
        self.tally.titles += 1 if written else 0
        self.report(f"{plan.thread_id}: {' and '.join(written) or 'nothing'} saved")


def _first_leaf(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def _translate(run: _Run, planned: list[PlannedThread]) -> str | None:
    """Runs every thread; returns why the run stopped early, if it did."""
    stopped: str | None = None
    try:
        async with asyncio.TaskGroup() as group:
            for item in planned:
                group.create_task(run.thread(item))
    except* (EndpointError, UserError) as group:
        error = _first_leaf(group)
        hint = getattr(error, "hint", "") if isinstance(error, EndpointError) else ""
        stopped = str(error) + (f"\n  hint: {hint}" if hint else "")
    return stopped


def translate_project(
    project: Project,
    planned: list[PlannedThread],
    *,
    report: Report = lambda line: None,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    policy: RetryPolicy | None = None,
) -> TranslateSummary:
    """Translate what `planned` asks for. Network faults end in the summary, not an exception."""
    started = time.monotonic()
    work = [item for item in planned if not item.plan.empty]
    prompts = load_prompts(project)
    llm = project.settings.llm
    tags = site_tags(project, llm.existing_tags) if any(
        item.plan.title_fields for item in work) else ()

    async def main() -> tuple[_Run, str | None]:
        async with LLMClient(llm, policy=policy, sleep=sleep, clock=clock,
                             on_retry=lambda message: report(f"retrying: {message}")) as client:
            run = _Run(client, prompts, tags, report)
            return run, await _translate(run, work)

    run, stopped = asyncio.run(main()) if work else (None, None)
    return TranslateSummary.build(
        planned, run.tally if run else Tally(), run.client.usage if run else None,
        stopped, time.monotonic() - started,
    )
