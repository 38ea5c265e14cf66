"""One comment translated again on request (the studio's "translate this one again"): the same
client, prompts, contract and re-asks as `hnmatome translate`, but the answer is returned, not
written: the caller saves it against the version of the file the curator was looking at, so a
failed call changes nothing and a file changed meanwhile is never overwritten."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from hnmatome.core.errors import UserError
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.translate.endpoint import check_llm_settings, require_api_key
from hnmatome.translate.llm_client import EndpointError, LLMClient
from hnmatome.translate.llm_contract import (
    COMMENTS_SCHEMA,
    CommentAnswer,
    CommentSource,
    comments_messages,
    parse_comments_answer,
)
from hnmatome.translate.plan import JA_SHA, fingerprint, thread_context
from hnmatome.translate.run import COMMENT_ASKS, ask_until_valid, load_prompts


def translate_comment(project: Project, thread: Mapping[str, Any], comment_id: int,
                      policy: RetryPolicy | None = None) -> CommentAnswer:
    """A fresh translation of comment `comment_id` of `thread`; UserError when the endpoint
    or the answers fail (nothing is written either way)."""
    llm = project.settings.llm
    check_llm_settings(llm, project.root / "pyproject.toml")
    require_api_key(llm)
    comment = next((c for c in thread.get("comments") or [] if c.get("id") == comment_id), None)
    text = comment.get("text") if comment else None
    if not isinstance(text, str) or not text.strip():
        raise UserError(f"comment {comment_id} has no original text to translate")
    source = (CommentSource(comment_id, text.strip()),)
    prompts = load_prompts(project)
    context = thread_context(dict(thread), llm.context_comments)
    label = f"thread {thread['id']}, comment {comment_id}"

    async def ask() -> tuple[tuple[CommentAnswer, ...] | None, str]:
        async with LLMClient(llm, policy=policy) as client:
            return await ask_until_valid(
                client, comments_messages(prompts.comments, context, source), "comments",
                COMMENTS_SCHEMA, lambda content: parse_comments_answer(content, source),
                COMMENT_ASKS, label, prompts.reask, lambda line: None)

    try:
        answers, reason = asyncio.run(ask())
    except EndpointError as exc:
        raise UserError(f"{label}: {exc}", hint=getattr(exc, "hint", None) or None) from exc
    if not answers:
        raise UserError(f"{label}: the model gave no usable translation ({reason})",
                        hint="try again, or write the Japanese yourself")
    return answers[0]


def machine_fields(answer: CommentAnswer) -> dict[str, Any]:
    """The comment keys a machine translation writes, as `translate` writes them (so the next
    `translate --force` recognises the text as its own, not a person's)."""
    return {"ja": answer.ja, "score": answer.score,
            JA_SHA: fingerprint([answer.ja, answer.score])}
