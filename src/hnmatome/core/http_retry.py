"""Shared HTTP retry policy for the HN fetcher and the LLM client.

Retries network errors, timeouts, 429 (honouring `Retry-After`) and 5xx with exponential backoff
and full jitter, and fails clearly after the last try. `WaitWatch` says which request is still
waiting, and for how long, so a stalled server is never silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import itertools
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType

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
    label: str = "",
) -> httpx.Response:
    """Send `request`, retrying what is worth retrying. Returns the first final response
    (2xx, or a 4xx other than 429) with its body read; raises RetryError after the last try.

    `retry_if` may inspect a final response and return a reason to retry it anyway (a 200 whose
    body was cut short by a proxy is as transient as a 503), or None to accept it. `label` names
    what is fetched ("HN item 42") in the messages given to `on_retry`."""
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
            what = f"{label}: " if label else ""
            on_retry(f"{what}{reason}; retry {attempt}/{policy.attempts - 1} in {wait:.2f}s")
        await sleep(wait)
    raise RetryError(url, policy.attempts, reason)


@dataclass(frozen=True)
class _Wait:
    label: str
    started: float


class WaitWatch:
    """What is being waited for, and since when. While it runs (`async with`), at most every
    `every` seconds it reports the request that has waited longest, if that is `every` seconds
    or more, and how many others have waited that long too: "still waiting for HN item 42
    (20 s)…". Use `waiting(label)` around the wait for one answer, retries included (not the
    wait for a free connection)."""

    def __init__(self, report: Callable[[str], None] | None, every: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.report = report
        self.every = every
        self.clock = clock
        self._waits: dict[int, _Wait] = {}
        self._ids = itertools.count()
        self._reported: float | None = None
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def waiting(self, label: str) -> Iterator[None]:
        key = next(self._ids)
        self._waits[key] = _Wait(label, self.clock())
        try:
            yield
        finally:
            del self._waits[key]

    def check(self) -> None:
        """Report now, if something has waited long enough and nothing was said lately."""
        now = self.clock()
        if self.report is None or (self._reported is not None
                                   and now - self._reported < self.every):
            return
        long = [wait for wait in self._waits.values() if now - wait.started >= self.every]
        if not long:
            return
        self._reported = now
        oldest = min(long, key=lambda wait: wait.started)
        others = len(long) - 1
        more = f" and {others} other request{'s' if others > 1 else ''}" if others else ""
        self.report(f"still waiting for {oldest.label} ({now - oldest.started:.0f} s){more}…")

    async def _watch(self) -> None:
        step = max(0.01, min(1.0, self.every / 4))
        while True:
            await asyncio.sleep(step)
            self.check()

    async def __aenter__(self) -> WaitWatch:
        if self.report is not None and self.every > 0:
            self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
