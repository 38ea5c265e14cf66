"""What a translate run did (the summary) and what it would send (the dry run)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hnmatome.core.settings import LLMSettings
from hnmatome.translate.endpoint import KEY_ENV, is_local_endpoint
from hnmatome.translate.llm_client import Usage
from hnmatome.translate.llm_contract import (
    COMMENTS_SCHEMA,
    TITLE_SCHEMA,
    chat_payload,
    comments_messages,
    estimate_answer_tokens,
    estimate_tokens,
    title_messages,
)
from hnmatome.translate.llm_stream import with_stream

if TYPE_CHECKING:
    from hnmatome.translate.run import PlannedThread, Prompts

TITLE_ANSWER_TOKENS = 60


@dataclass(frozen=True)
class Failure:
    thread_id: int
    comment_id: int | None  # None: the title request
    reason: str

    def describe(self) -> str:
        what = f"comment {self.comment_id}" if self.comment_id is not None else "title and tags"
        return f"{self.thread_id} {what}: {self.reason.removeprefix(f'{what}: ')}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def _fields(fields: frozenset[str]) -> str:
    return " and ".join(key for key in ("title_ja", "tags") if key in fields) or "no title"


@dataclass
class Tally:
    """Counts kept while a run is going (mutable; becomes part of the frozen summary)."""

    comments: int = 0  # comments written
    titles: int = 0  # title_ja written
    tags: int = 0  # tag lists written
    reasks: int = 0
    splits: int = 0
    skipped_changed: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class TranslateSummary:
    threads: int
    planned_comments: int
    comments: int
    titles: int
    tags: int
    failures: tuple[Failure, ...]
    kept_for_person: int
    skipped_changed: int
    requests: int
    retries: int
    reasks: int
    splits: int
    prompt_tokens: int
    completion_tokens: int
    usage_unreported: int
    seconds: float
    stopped: str | None

    @property
    def ok(self) -> bool:
        return not self.failures and self.stopped is None

    @property
    def left(self) -> int:
        """Comments still untranslated that this run meant to translate."""
        failed = sum(1 for f in self.failures if f.comment_id is not None)
        return max(0, self.planned_comments - self.comments - self.skipped_changed - failed)

    @classmethod
    def build(cls, planned: list[PlannedThread], tally: Tally, usage: Usage | None,
              stopped: str | None, seconds: float) -> TranslateSummary:
        usage = usage or Usage()
        return cls(
            threads=sum(1 for item in planned if not item.plan.empty),
            planned_comments=sum(item.plan.comment_count for item in planned),
            comments=tally.comments,
            titles=tally.titles,
            tags=tally.tags,
            failures=tuple(tally.failures),
            kept_for_person=sum(len(item.plan.kept_for_person) for item in planned),
            skipped_changed=tally.skipped_changed,
            requests=usage.requests,
            retries=usage.retries,
            reasks=tally.reasks,
            splits=tally.splits,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            usage_unreported=usage.unreported,
            seconds=seconds,
            stopped=stopped,
        )

    def lines(self) -> list[str]:
        if not self.threads and not self.kept_for_person:
            return ["nothing to translate: every selected thread is complete"]
        out = [
            f"translated: {_count(self.comments, 'comment')}, {_count(self.titles, 'title')} "
            f"and {_count(self.tags, 'tag list')} in {_count(self.threads, 'thread')} "
            f"({self.seconds:.1f} s)",
            f"requests: {self.requests} (retries {self.retries}, re-asks {self.reasks}, "
            f"splits {self.splits}); tokens: {self.prompt_tokens:,} prompt + "
            f"{self.completion_tokens:,} completion"
            + (f" ({self.usage_unreported} answers without usage)"
               if self.usage_unreported else ""),
        ]
        if self.kept_for_person:
            out.append(f"kept: {_count(self.kept_for_person, 'comment')} a person wrote or "
                       "edited")
        if self.skipped_changed:
            out.append(f"left alone: {_count(self.skipped_changed, 'comment')} changed on disk "
                       "during the run")
        if self.failures:
            out.append(f"failed: {len(self.failures)} (left untranslated)")
            out.extend(f"  {failure.describe()}" for failure in self.failures)
        if self.left:
            out.append(f"not done: {_count(self.left, 'comment')}; run `hnmatome translate` "
                       "again to send only what is still missing")
        if self.stopped:
            out.append(f"stopped early: {self.stopped}")
        return out


def dry_run_lines(planned: list[PlannedThread], prompts: Prompts, llm: LLMSettings,
                  tags: tuple[str, ...], verbose: bool = False) -> list[str]:
    """What a run would send, with rough token estimates; nothing is sent."""
    out = [f"dry run (nothing is sent): {llm.base_url} model {llm.model}, "
           f"{llm.chunk_size} comments per request"]
    if not llm.api_key and not is_local_endpoint(llm.base_url):
        out.append(f"note: {KEY_ENV} is not set, and this endpoint is not local: a real run "
                   "would stop before sending anything")
    totals = [0, 0, 0]  # requests, prompt tokens, answer tokens
    for item in planned:
        plan = item.plan
        if plan.empty:
            continue
        requests: list[tuple[list[dict[str, str]], int, str]] = []
        if plan.title_fields:
            requests.append((title_messages(prompts.title, plan.context, tags),
                             TITLE_ANSWER_TOKENS, "title"))
        for chunk in plan.chunks:
            requests.append((comments_messages(prompts.comments, plan.context, chunk),
                             estimate_answer_tokens(chunk), "comments"))
        prompt = sum(estimate_tokens(m["content"]) for msgs, _, _ in requests for m in msgs)
        answer = sum(tokens for _, tokens, _ in requests)
        totals = [totals[0] + len(requests), totals[1] + prompt, totals[2] + answer]
        out.append(f"{plan.thread_id}: {_fields(plan.title_fields)}, "
                   f"{_count(plan.comment_count, 'comment')} in "
                   f"{_count(len(plan.chunks), 'chunk')}: {_count(len(requests), 'request')}, "
                   f"~{prompt:,} prompt tokens, ~{answer:,} answer tokens")
        if verbose:
            for messages, _, name in requests:
                schema = TITLE_SCHEMA if name == "title" else COMMENTS_SCHEMA
                payload = with_stream(chat_payload(llm.model, llm.temperature, messages,
                                                   "json_schema", name, schema), "usage")
                out.append(json.dumps(payload, ensure_ascii=False, indent=1))
    out.append(f"total: {totals[0]} requests, ~{totals[1]:,} prompt tokens, "
               f"~{totals[2]:,} answer tokens")
    return out
