"""An httpx client for any OpenAI-compatible `POST <base>/chat/completions` endpoint.

It asks for a JSON-schema answer and falls back to JSON mode, then to plain text (the contract
parser also reads fenced JSON), when the endpoint rejects `response_format`. Answers are
streamed (see llm_stream), so `timeout` bounds how long the endpoint may stay silent, not how
long an answer may take; an endpoint that refuses or ignores streaming gets whole-answer
requests. At most `concurrency` calls are in flight; an optional requests-per-minute limit
(off by default: 429 and Retry-After are honoured instead) spaces every attempt, retries
included; `usage` from each answer is added up for the run summary; a request still waiting
after `wait_every` seconds is reported by name.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from hnmatome.core.http_retry import RetryError, RetryPolicy, WaitWatch, send_with_retries
from hnmatome.core.settings import LLMSettings
from hnmatome.translate.llm_contract import RESPONSE_MODES, ResponseMode, chat_payload
from hnmatome.translate.llm_stream import (
    StreamError,
    StreamMode,
    completion_from_stream,
    ended_early,
    is_event_stream,
    refused_stream_field,
    step_down,
    with_stream,
)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

# Rejections in a row (no answer in between) that mean the endpoint refuses every request, say
# for a setting the model does not support, rather than a few requests that are too long.
MAX_REJECTIONS_IN_A_ROW = 8

# Words an endpoint uses when it refuses the response_format we asked for.
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "structured", "format")


class LLMError(Exception):
    """Base of the client's errors."""


class EndpointError(LLMError):
    """The endpoint is unusable for this run (retries exhausted, key refused, wrong URL or
    model): the run stops and reports; finished chunks are already saved."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class RejectedRequest(LLMError):
    """The endpoint refused this one request (e.g. too long); a smaller one may pass."""


class AnswerError(LLMError):
    """The HTTP answer is not a usable chat completion (no content, cut off, not JSON)."""


@dataclass
class Usage:
    """Running totals for the summary (a mutable accumulator owned by one client)."""

    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    unreported: int = 0  # answers that carried no `usage`

    def add(self, usage: Any) -> None:
        if not isinstance(usage, dict):
            self.unreported += 1
            return
        self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        self.completion_tokens += int(usage.get("completion_tokens") or 0)


class RateLimiter:
    """Spaces request starts at least 60/per_minute seconds apart (0 = no limit)."""

    def __init__(self, per_minute: int, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def wait(self) -> None:
        if self.interval <= 0:
            return
        now = self._clock()
        # Reserve the slot before sleeping so concurrent callers queue up behind each other.
        start = max(now, self._next)
        self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)


def default_policy(settings: LLMSettings) -> RetryPolicy:
    return RetryPolicy(attempts=max(1, settings.max_retries + 1), base_delay=1.0, max_delay=60.0)


def _mentions_format(response: httpx.Response) -> bool:
    body = response.text.lower()
    return any(word in body for word in _FORMAT_WORDS)


def _error_detail(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (json.JSONDecodeError, AttributeError):
        error = None
    message = error.get("message") if isinstance(error, dict) else error
    text = str(message) if message else response.text
    return " ".join(text.split())[:300]


@dataclass(frozen=True)
class ChatAnswer:
    content: str
    mode: ResponseMode


class LLMClient:
    """Use as `async with LLMClient(settings) as client: await client.chat(...)`."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        on_retry: Callable[[str], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        wait_every: float = 30.0,
    ) -> None:
        self.settings = settings
        self.policy = policy or default_policy(settings)
        self.usage = Usage()
        self.mode: ResponseMode = "json_schema"
        self.stream: StreamMode = "usage"
        self.waits = WaitWatch(on_wait, wait_every)
        self._rejections_in_a_row = 0
        self._sleep = sleep
        self._on_retry = on_retry
        self._limiter = RateLimiter(settings.requests_per_minute, clock, sleep)
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        headers = {"Content-Type": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._http = httpx.AsyncClient(
            base_url=settings.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=max(1, settings.concurrency)),
            event_hooks={"request": [self._before_request]},
        )

    async def __aenter__(self) -> LLMClient:
        await self.waits.__aenter__()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.waits.__aexit__(kind, exc, tb)
        await self._http.aclose()

    async def _before_request(self, request: httpx.Request) -> None:
        # An event hook, so every attempt (retries too) is rate limited and counted.
        await self._limiter.wait()
        self.usage.requests += 1

    def _retried(self, message: str) -> None:
        self.usage.retries += 1
        if self._on_retry:
            self._on_retry(message)

    async def chat(self, messages: list[dict[str, str]], schema_name: str,
                   schema: dict[str, Any], label: str = "") -> ChatAnswer:
        """One chat completion; its `content` is returned unparsed (the contract parses it).
        `label` names the request in retry and still-waiting messages."""
        label = label or "an answer from the LLM endpoint"
        async with self._slots:
            with self.waits.waiting(label):
                while True:
                    mode, stream = self.mode, self.stream
                    payload = with_stream(chat_payload(
                        self.settings.model, self.settings.temperature, messages, mode,
                        schema_name, schema), stream)
                    response = await self._send(payload, label)
                    if response.is_success:
                        self._rejections_in_a_row = 0
                        return ChatAnswer(self._content(response), mode)
                    self._raise_or_downgrade(response, mode, stream)

    async def _send(self, payload: dict[str, Any], label: str) -> httpx.Response:
        request = self._http.build_request(
            "POST", "chat/completions", content=json.dumps(payload, ensure_ascii=False)
        )
        try:
            return await send_with_retries(self._http, request, self.policy, sleep=self._sleep,
                                           on_retry=self._retried, retry_if=ended_early,
                                           label=label)
        except RetryError as exc:
            raise EndpointError(f"the LLM endpoint failed: {exc}", self._hint(exc)) from exc

    def _hint(self, error: RetryError) -> str:
        if "Timeout" not in error.reason:
            return "check the endpoint and run again: finished chunks are saved"
        setting = f"[tool.hnmatome.llm] timeout = {self.settings.timeout:g}s"
        if self.stream == "off":
            return (f"this endpoint does not stream its answers, so each whole answer must come "
                    f"within {setting}: raise it or lower chunk_size")
        return (f"the endpoint sent nothing for {setting}: check that it is running and not "
                "overloaded; a model that is slow to start (loading, or reading a long prompt "
                "on a CPU) needs a higher timeout")

    def _raise_or_downgrade(self, response: httpx.Response, mode: ResponseMode,
                            stream: StreamMode) -> None:
        status = response.status_code
        refused = refused_stream_field(response.text) if status in (400, 422) else None
        if refused and stream != "off":
            if self.stream == stream:  # another task may already have stepped down
                self.stream = step_down(stream, refused)
            return
        if status in (400, 422) and mode != "text" and _mentions_format(response):
            if self.mode == mode:  # another task may already have stepped down
                self.mode = RESPONSE_MODES[RESPONSE_MODES.index(mode) + 1]
            return
        detail = _error_detail(response)
        if status in (401, 403):
            raise EndpointError(f"the LLM endpoint refused the request (HTTP {status}): {detail}",
                                "export HNMATOME_LLM_API_KEY with a valid key")
        if status == 404:
            raise EndpointError(
                f"the LLM endpoint answered HTTP 404 for {response.request.url}: {detail}",
                "check HNMATOME_LLM_BASE_URL (it usually ends in /v1) and HNMATOME_LLM_MODEL")
        self._rejections_in_a_row += 1
        if self._rejections_in_a_row >= MAX_REJECTIONS_IN_A_ROW:
            raise EndpointError(
                f"the LLM endpoint rejected {self._rejections_in_a_row} requests in a row "
                f"(HTTP {status}: {detail})",
                "check [tool.hnmatome.llm] (model, temperature) against what the endpoint accepts")
        raise RejectedRequest(f"HTTP {status}: {detail}")

    def _content(self, response: httpx.Response) -> str:
        if is_event_stream(response):
            try:
                body = completion_from_stream(response.content)
            except StreamError as exc:
                self.usage.unreported += 1
                raise AnswerError(str(exc)) from exc
            return self._checked(body)
        self.stream = "off"  # asked to stream, it sent one whole answer: it does not stream
        try:
            body = response.json()
        except json.JSONDecodeError as exc:
            self.usage.unreported += 1
            raise AnswerError("the endpoint's reply is not JSON") from exc
        return self._checked(body)

    def _checked(self, body: Any) -> str:
        """The answer's content, if the completion is usable (the same checks whether it came
        whole or streamed)."""
        if not isinstance(body, dict):
            raise AnswerError("the endpoint's reply is not a chat completion")
        self.usage.add(body.get("usage"))
        try:
            choice = body["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise AnswerError("the reply has no choices[0].message.content") from exc
        if choice.get("finish_reason") == "length":
            raise AnswerError("the answer was cut off (finish_reason=length)")
        if not isinstance(content, str) or not content.strip():
            raise AnswerError("the answer is empty")
        return content
