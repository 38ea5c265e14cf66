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
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.translate.endpoint import check_llm_settings, require_api_key
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
from hnmatome.translate.progress import Progress, QuietProgress, ThreadDone
from hnmatome.translate.prompts import load_prompt
from hnmatome.translate.report import Failure, Tally, TranslateSummary
from hnmatome.translate.site_tags import site_tags
from hnmatome.translate.thread_file import ThreadFile

T = TypeVar("T")

COMMENT_ASKS = 2  # the first ask and one re-ask, then the chunk is split
TITLE_ASKS = 3  # a title cannot be split, so it gets one more re-ask
# Seconds between "still waiting for thread 42, comments 11–20 (30 s)…" while an answer is late.
WAIT_EVERY = 30.0

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
    check_llm_settings(llm, project.root / "pyproject.toml")
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


def _span(numbers: list[int]) -> str:
    first, last = min(numbers), max(numbers)
    return f"comment {first}" if first == last else f"comments {first}–{last}"


@dataclass
class _Thread:
    """One thread's part of a run: its file, and what was written to it so far."""

    item: PlannedThread
    file: ThreadFile
    numbers: dict[int, int]  # comment id -> its place among the comments this run sends
    comments: int = 0
    fields: tuple[str, ...] = ()
    failed: int = 0
    left_alone: int = 0

    @property
    def id(self) -> int:
        return self.item.plan.thread_id

    def label(self, chunk: tuple[CommentSource, ...] | None = None) -> str:
        """'thread 42, comments 11–20', or 'thread 42, title_ja and tags' for the title."""
        if chunk is None:
            return f"thread {self.id}, " + " and ".join(
                key for key in ("title_ja", "tags") if key in self.item.plan.title_fields)
        return f"thread {self.id}, {_span([self.numbers[c.id] for c in chunk])}"

    def done(self) -> ThreadDone:
        return ThreadDone(self.id, self.item.plan.context.title, self.item.path, self.comments,
                          self.fields, self.failed, self.left_alone)


@dataclass
class _Run:
    """One run's shared state: the client, prompts, tags, and the running tally."""

    client: LLMClient
    prompts: Prompts
    existing_tags: tuple[str, ...]
    report: Report
    progress: Progress
    tally: Tally = field(default_factory=Tally)

    async def thread(self, item: PlannedThread) -> None:
        plan = item.plan
        numbers = {c.id: n for n, c in enumerate(chain.from_iterable(plan.chunks), start=1)}
        state = _Thread(item, ThreadFile(item.path), numbers)
        self.progress.start(plan.thread_id, plan.comment_count + (1 if plan.title_fields else 0))
        try:
            async with asyncio.TaskGroup() as group:
                if plan.title_fields:
                    group.create_task(self.title(state))
                for chunk in plan.chunks:
                    group.create_task(self.chunk(state, chunk))
        finally:
            await state.file.flush()
        self.progress.finish(state.done())

    async def ask(self, messages: list[dict[str, str]], kind: str, schema: dict[str, Any],
                  parse: Callable[[str], T], asks: int, label: str) -> tuple[T | None, str]:
        def reasked() -> None:
            self.tally.reasks += 1

        return await ask_until_valid(self.client, messages, kind, schema, parse, asks, label,
                                     self.prompts.reask, self.report, reasked)

    async def chunk(self, state: _Thread, chunk: tuple[CommentSource, ...]) -> None:
        messages = comments_messages(self.prompts.comments, state.item.plan.context, chunk)
        answers, reason = await self.ask(
            messages, "comments", COMMENTS_SCHEMA,
            lambda content: parse_comments_answer(content, chunk), COMMENT_ASKS,
            state.label(chunk))
        if answers is not None:
            await self.save_comments(state, chunk, answers)
            return
        if len(chunk) == 1:
            self.tally.failures.append(Failure(state.id, chunk[0].id, reason))
            state.failed += 1
            self.progress.advance(state.id, 1)
            return
        self.tally.splits += 1
        async with asyncio.TaskGroup() as group:
            for half in split_chunk(chunk):
                group.create_task(self.chunk(state, half))

    async def save_comments(self, state: _Thread, chunk: tuple[CommentSource, ...],
                            answers: tuple[CommentAnswer, ...]) -> None:
        applied: Applied = await state.file.apply(
            partial(apply_comment_answers, answers=answers, sent=chunk))
        self.tally.comments += len(applied.written)
        self.tally.skipped_changed += len(applied.skipped)
        state.comments += len(applied.written)
        state.left_alone += len(applied.skipped)
        self.progress.advance(state.id, len(chunk))

    async def title(self, state: _Thread) -> None:
        plan = state.item.plan
        messages = title_messages(self.prompts.title, plan.context, self.existing_tags)
        parsed, reason = await self.ask(
            messages, "title", TITLE_SCHEMA,
            lambda content: parse_title_answer(content, plan.context),
            TITLE_ASKS, state.label())
        if parsed is None:
            self.tally.failures.append(Failure(plan.thread_id, None, reason))
            state.failed += 1
        else:
            final = replace(parsed, tags=prefer_existing_tags(parsed.tags, self.existing_tags))
            written: tuple[str, ...] = await state.file.apply(
                partial(apply_title_answer, answer=final, fields=plan.title_fields))
            self.tally.titles += int("title_ja" in written)
            self.tally.tags += int("tags" in written)
            state.fields = tuple(key for key in ("title_ja", "tags") if key in written)
        self.progress.advance(plan.thread_id, 1)


async def ask_until_valid(client: LLMClient, messages: list[dict[str, str]], kind: str,
                          schema: dict[str, Any], parse: Callable[[str], T], asks: int,
                          label: str, reask_prompt: str, report: Report,
                          reasked: Callable[[], None] = lambda: None) -> tuple[T | None, str]:
    """(parsed answer, '') or (None, why): re-asks (with the reason) when an answer breaks the
    contract, gives up at once when the endpoint rejects the request itself."""
    reason = "no answer"
    for attempt in range(asks):
        if attempt:
            reasked()
        try:
            answer = await client.chat(messages, kind, schema, label)
            return parse(answer.content), ""
        except RejectedRequest as exc:
            return None, str(exc)
        except AnswerError as exc:
            reason = str(exc)
        except ContractError as exc:
            reason = str(exc)
            messages = reask_messages(messages, answer.content, reask_prompt, reason)
        report(f"{label}: answer rejected ({reason})")
    return None, reason


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
    progress: Progress | None = None,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    policy: RetryPolicy | None = None,
    wait_every: float | None = None,
) -> TranslateSummary:
    """Translate what `planned` asks for. Network faults end in the summary, not an exception;
    a remote endpoint without a key is refused (a UserError) before anything is sent. `report`
    gets what is worth saying as it happens (an answer rejected, a retry, a request still
    waiting after `wait_every` seconds); `progress` the work done, thread by thread."""
    started = time.monotonic()
    work = [item for item in planned if not item.plan.empty]
    llm = project.settings.llm
    if work:
        require_api_key(llm)
    prompts = load_prompts(project)
    tags = site_tags(project, llm.existing_tags) if any(
        item.plan.title_fields for item in work) else ()
    every = WAIT_EVERY if wait_every is None else wait_every

    async def main() -> tuple[_Run, str | None]:
        async with LLMClient(llm, policy=policy, sleep=sleep, clock=clock,
                             on_retry=lambda message: report(f"retrying: {message}"),
                             on_wait=report, wait_every=every) as client:
            run = _Run(client, prompts, tags, report, progress or QuietProgress())
            return run, await _translate(run, work)

    run, stopped = asyncio.run(main()) if work else (None, None)
    return TranslateSummary.build(
        planned, run.tally if run else Tally(), run.client.usage if run else None,
        stopped, time.monotonic() - started,
    )
