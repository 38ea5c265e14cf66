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
from pathlib import Path
from typing import Any

from . import thread_yaml
from .errors import UserError, UserErrors
from .http_retry import RetryPolicy
from .llm_client import (
    AnswerError,
    EndpointError,
    LLMClient,
    RejectedRequest,
    Sleep,
)
from .llm_contract import (
    COMMENTS_SCHEMA,
    TITLE_SCHEMA,
    CommentSource,
    ContractError,
    comments_messages,
    parse_comments_answer,
    parse_title_answer,
    prefer_existing_tags,
    reask_messages,
    title_messages,
)
from .project import Project
from .prompts import load_prompt
from .site_tags import site_tags
from .translate_plan import (
    ThreadPlan,
    TranslateOptions,
    apply_comment_answers,
    apply_title_answer,
    plan_thread,
    split_chunk,
)
from .translate_report import Failure, Tally, TranslateSummary

COMMENT_ASKS = 2  # the first ask and one re-ask, then the chunk is split
TITLE_ASKS = 3  # a title cannot be split, so it gets one more re-ask

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


def plan_threads(project: Project, thread_ids: list[int],
                 options: TranslateOptions) -> list[PlannedThread]:
    """Plans for every selected thread; all unreadable files are reported together, before
    anything is sent."""
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


@dataclass
class _Run:
    """One run's shared state: the client, prompts, tags, and the running tally."""

    client: LLMClient
    prompts: Prompts
    existing_tags: tuple[str, ...]
    report: Report
    tally: Tally = field(default_factory=Tally)

    async def thread(self, item: PlannedThread) -> None:
        async with asyncio.TaskGroup() as group:
            if item.plan.title_fields:
                group.create_task(self.title(item))
            for chunk in item.plan.chunks:
                group.create_task(self.chunk(item, chunk))

    async def chunk(self, item: PlannedThread, chunk: tuple[CommentSource, ...]) -> None:
        messages = comments_messages(self.prompts.comments, item.plan.context, chunk)
        reason = "no answer"
        for ask in range(COMMENT_ASKS):
            if ask:
                self.tally.reasks += 1
            try:
                answer = await self.client.chat(messages, "comments", COMMENTS_SCHEMA)
                self.save_comments(item, chunk, parse_comments_answer(answer.content, chunk))
                return
            except RejectedRequest as exc:
                reason = str(exc)
                break
            except AnswerError as exc:
                reason = str(exc)
            except ContractError as exc:
                reason = str(exc)
                messages = reask_messages(messages, answer.content, self.prompts.reask, reason)
            self.report(f"{item.plan.thread_id}: answer rejected ({reason})")
        if len(chunk) == 1:
            self.tally.failures.append(Failure(item.plan.thread_id, chunk[0].id, reason))
            return
        self.tally.splits += 1
        async with asyncio.TaskGroup() as group:
            for half in split_chunk(chunk):
                group.create_task(self.chunk(item, half))

    def save_comments(self, item: PlannedThread, chunk: tuple[CommentSource, ...],
                      answers: tuple[Any, ...]) -> None:
        # Synchronous from load to save: no other task of this loop can interleave, so saves of
        # one thread's chunks never race and none of them undoes another.
        thread = thread_yaml.load(item.path)
        applied = apply_comment_answers(thread, answers, chunk)
        if applied.written:
            thread_yaml.save(item.path, thread)
        self.tally.comments += len(applied.written)
        self.tally.skipped_changed += len(applied.skipped)
        self.report(f"{item.plan.thread_id}: {len(applied.written)} comments saved"
                    + (f", {len(applied.skipped)} changed on disk meanwhile, left alone"
                       if applied.skipped else ""))

    async def title(self, item: PlannedThread) -> None:
        plan = item.plan
        messages = title_messages(self.prompts.title, plan.context, self.existing_tags)
        reason = "no answer"
        for ask in range(TITLE_ASKS):
            if ask:
                self.tally.reasks += 1
            try:
                answer = await self.client.chat(messages, "title", TITLE_SCHEMA)
                parsed = parse_title_answer(answer.content, plan.context)
            except RejectedRequest as exc:
                reason = str(exc)
                break
            except AnswerError as exc:
                reason = str(exc)
                self.report(f"{plan.thread_id}: title rejected ({reason})")
                continue
            except ContractError as exc:
                reason = str(exc)
                messages = reask_messages(messages, answer.content, self.prompts.reask, reason)
                self.report(f"{plan.thread_id}: title rejected ({reason})")
                continue
            tags = prefer_existing_tags(parsed.tags, self.existing_tags)
            thread = thread_yaml.load(item.path)
            written = apply_title_answer(thread, replace(parsed, tags=tags), plan.title_fields)
            if written:
                thread_yaml.save(item.path, thread)
            self.tally.titles += 1 if written else 0
            self.report(f"{plan.thread_id}: {' and '.join(written) or 'nothing'} saved")
            return
        self.tally.failures.append(Failure(plan.thread_id, None, reason))


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
