"""Shared HTTP retry policy for the HN fetcher and the LLM client.

Retries network errors, timeouts, 429 (honouring `Retry-After`) and 5xx with exponential backoff
and full jitter, and fails clearly after the last try.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # total tries, including the first
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0  # a server asking for more than this is given up on
    statuses: frozenset[int] = field(default=RETRY_STATUSES)

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter delay before try number `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return (rng or random).uniform(ceiling / 2, ceiling)


class RetryError(Exception):
    """All tries failed; `reason` says why the last one did."""

    def __init__(self, url: str, attempts: int, reason: str) -> None:
        super().__init__(f"{url}: gave up after {attempts} tries: {reason}")
        self.url = url
        self.attempts = attempts
        self.reason = reason


def retry_after_seconds(response: httpx.Response, now: float | None = None) -> float | None:
    """The delay a `Retry-After` header asks for (seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def describe(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc)
    return f"{name}: {text}" if text else name


Sleep = Callable[[float], Awaitable[None]]


async def send_with_retries(
    client: httpx.AsyncClient,
    request: httpx.Request,
    policy: RetryPolicy,
    *,
    sleep: Sleep = asyncio.sleep,
    on_retry: Callable[[str], None] | None = None,
    retry_if: Callable[[httpx.Response], str | None] | None = None,
) -> httpx.Response:
    """Send `request`, retrying what is worth retrying. Returns the first final response
    (2xx, or a 4xx other than 429) with its body read; raises RetryError after the last try.

    `retry_if` may inspect a final response and return a reason to retry it anyway (a 200 whose
    body was cut short by a proxy is as transient as a 503), or None to accept it."""
    url = str(request.url)
    reason = "no attempt made"
    for attempt in range(1, policy.attempts + 1):
        delay: float | None = None
        try:
            response = await client.send(request)
            await response.aread()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            reason = describe(exc)
        else:
            if response.status_code not in policy.statuses:
                why = retry_if(response) if retry_if else None
                if why is None:
                    return response
                reason = why
            else:
                reason = f"HTTP {response.status_code}"
                delay = retry_after_seconds(response)
            if delay is not None and delay > policy.max_retry_after:
                raise RetryError(url, attempt, f"{reason}, Retry-After {delay:.0f}s is too long")
        if attempt == policy.attempts:
            break
        wait = delay if delay is not None else policy.backoff(attempt)
        if on_retry:
            on_retry(f"{reason}; retry {attempt}/{policy.attempts - 1} in {wait:.2f}s")
        await sleep(wait)
    raise RetryError(url, policy.attempts, reason)
