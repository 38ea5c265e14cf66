"""`hnmatome fetch`: for each id, fetch the thread, merge it into any YAML already on disk, save it
atomically, and only then take the id off the queue. One id failing never stops the others."""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from hnmatome import __version__
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.http_retry import RetryError, RetryPolicy, Sleep, WaitWatch
from hnmatome.core.project import Project
from hnmatome.hn import queue_file
from hnmatome.hn.api import DEFAULT_API_BASE, DEFAULT_CONCURRENCY, ClientPool, HNApi
from hnmatome.hn.html_pages import DEFAULT_WEB_BASE, fetch_html_thread
from hnmatome.hn.merge import MergeStats, merge_thread
from hnmatome.hn.thread import FetchedThread, thread_dict

USER_AGENT = f"hnmatome/{__version__} (static site generator; +https://pypi.org/project/hnmatome/)"
API_ENV = "HNMATOME_HN_API"
WEB_ENV = "HNMATOME_HN_WEB"
# Threads fetched at once from the API; they share the request limit, so this only keeps a long
# queue from holding every tree in memory together.
THREADS_AT_ONCE = 4
# An HN answer is small and usually takes well under a second: a server silent for this long
# has stalled, and the try is given up and retried.
DEFAULT_TIMEOUT = 10.0
# Seconds between "still waiting for HN item 42 (20 s)…" while an answer is late.
WAIT_EVERY = 10.0


@dataclass(frozen=True)
class FetchOptions:
    source: str = "api"  # "api" or "html"
    api_base: str = DEFAULT_API_BASE
    web_base: str = DEFAULT_WEB_BASE
    concurrency: int = DEFAULT_CONCURRENCY
    keep_dead: bool = False
    timeout: float = DEFAULT_TIMEOUT  # seconds the server may stay silent, per try
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    wait_every: float = WAIT_EVERY


@dataclass(frozen=True)
class ThreadResult:
    item_id: int
    path: Path
    comments: int = 0
    title: str = ""
    stats: MergeStats | None = None  # None when the file is new
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class Progress(Protocol):
    def start(self, item_id: int, total: int) -> None: ...
    def advance(self, item_id: int, count: int) -> None: ...
    def finish(self, result: ThreadResult) -> None: ...
    def retry(self, message: str) -> None: ...
    def wait(self, message: str) -> None: ...  # "still waiting for HN item 42 (20 s)…"


class QuietProgress:
    def start(self, item_id: int, total: int) -> None:
        pass

    def advance(self, item_id: int, count: int) -> None:
        pass

    def finish(self, result: ThreadResult) -> None:
        pass

    def retry(self, message: str) -> None:
        pass

    def wait(self, message: str) -> None:
        pass


def base_url(given: str | None, env: str, default: str, flag: str) -> str:
    """The option, else the environment variable, else the default; checked before any use."""
    url = given or os.environ.get(env) or default
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        where = flag if given else f"${env}"
        raise UserError(f"{where} {url!r} is not an http(s) URL",
                        hint=f"for example {default}")
    return url


def environment_options() -> FetchOptions:
    """What `hnmatome fetch` uses without options (the environment variables included)."""
    return FetchOptions(api_base=base_url(None, API_ENV, DEFAULT_API_BASE, "--api-base"),
                        web_base=base_url(None, WEB_ENV, DEFAULT_WEB_BASE, "--web-base"))


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # built once per process: loading the CA bundle costs ~0.1 s, and every client can share it
    return httpx.create_ssl_context()


def make_pool(options: FetchOptions) -> ClientPool:
    tls = _tls_context()

    def client() -> httpx.AsyncClient:
        return httpx.AsyncClient(
            verify=tls, timeout=httpx.Timeout(options.timeout),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"User-Agent": USER_AGENT}, follow_redirects=True,
        )

    return ClientPool(options.concurrency, client)


def _describe(item_id: int, exc: Exception, options: FetchOptions) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    base = options.api_base if options.source == "api" else options.web_base
    if isinstance(exc, RetryError):
        return (f"item {item_id}: could not fetch {exc.url} ({exc.reason}, {exc.attempts} tries)"
                f"\n  hint: check the network connection and the server ({base})")
    return f"item {item_id}: {exc}"


@dataclass(frozen=True)
class OnDisk:
    """A thread file as loaded, and how it looked then (to notice edits made meanwhile)."""

    thread: dict[str, Any]
    stamp: tuple[int, int]


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@dataclass
class Fetcher:
    project: Project
    options: FetchOptions
    pool: ClientPool
    progress: Progress = field(default_factory=QuietProgress)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    sleep: Sleep = asyncio.sleep
    waits: WaitWatch = field(default_factory=lambda: WaitWatch(None, 0))

    def __post_init__(self) -> None:
        self.api = HNApi(self.pool, self.options.api_base, self.options.policy,
                         sleep=self.sleep, on_retry=self.progress.retry, waits=self.waits)

    async def download(self, item_id: int) -> FetchedThread:
        if self.options.source == "html":
            self.progress.start(item_id, 0)
            return await fetch_html_thread(
                self.pool, item_id, self.clock(), base=self.options.web_base,
                policy=self.options.policy, sleep=self.sleep, on_retry=self.progress.retry,
                on_page=lambda count: self.progress.advance(item_id, count), waits=self.waits)
        return await self.api.thread(
            item_id, keep_dead=self.options.keep_dead,
            on_start=lambda total: self.progress.start(item_id, total),
            on_item=lambda: self.progress.advance(item_id, 1))

    def load_existing(self, path: Path, item_id: int) -> OnDisk | None:
        if not path.exists():
            return None
        stamp = _stamp(path)
        existing = thread_yaml.load(path)
        if existing["id"] != item_id:
            raise UserError(f"the file says `id: {existing['id']}`, not {item_id}", path,
                            hint="fix the id or rename the file to <id>.yaml")
        return OnDisk(existing, stamp)

    def save(self, path: Path, fresh: dict[str, Any],
             on_disk: OnDisk | None) -> tuple[dict[str, Any], MergeStats | None]:
        # someone may have saved an edit during the download; writing now would lose it
        now = _stamp(path) if path.exists() else None
        if now != (on_disk.stamp if on_disk else None):
            raise UserError("the file changed while the thread was being fetched; "
                            "nothing was written", path, hint="fetch it again")
        if on_disk is None:
            thread_yaml.save(path, fresh)
            return fresh, None
        thread, stats = merge_thread(on_disk.thread, fresh)
        thread_yaml.save(path, thread)
        return thread, stats

    async def fetch_one(self, item_id: int) -> ThreadResult:
        path = self.project.thread_path(item_id)
        try:
            # a broken YAML is reported before any request: it must never be overwritten
            existing = self.load_existing(path, item_id)
            fetched = await self.download(item_id)
            fresh = thread_dict(fetched, self.clock(), self.options.keep_dead)
            thread, stats = self.save(path, fresh, existing)
        except (UserError, RetryError, httpx.HTTPError, OSError) as exc:
            result = ThreadResult(item_id, path, error=_describe(item_id, exc, self.options))
        else:
            result = ThreadResult(item_id, path, len(thread["comments"]), thread["title"], stats,
                                  error=self.dequeue(item_id))
        self.progress.finish(result)
        return result

    def dequeue(self, item_id: int) -> str | None:
        """Take the id off the queue, now that its YAML is on disk; a problem with the queue
        is reported for this id rather than stopping the others."""
        if not self.project.queue_path.exists():
            return None
        try:
            queue_file.remove_ids(self.project.queue_path, [item_id])
        except (UserError, OSError) as exc:
            return f"item {item_id}: saved, but the queue could not be updated: {exc}"
        return None

    async def fetch_all(self, ids: list[int]) -> list[ThreadResult]:
        gate = asyncio.Semaphore(1 if self.options.source == "html" else THREADS_AT_ONCE)

        async def guarded(item_id: int) -> ThreadResult:
            async with gate:
                return await self.fetch_one(item_id)

        return list(await asyncio.gather(*(guarded(item_id) for item_id in ids)))


async def fetch_threads(project: Project, ids: list[int], options: FetchOptions,
                        progress: Progress | None = None,
                        clock: Callable[[], datetime] | None = None,
                        sleep: Sleep = asyncio.sleep) -> list[ThreadResult]:
    progress = progress or QuietProgress()
    async with make_pool(options) as pool, WaitWatch(progress.wait, options.wait_every) as waits:
        fetcher = Fetcher(project, options, pool, progress,
                          clock or (lambda: datetime.now(UTC)), sleep, waits)
        return await fetcher.fetch_all(ids)


def run_fetch(project: Project, ids: list[int], options: FetchOptions,
              progress: Progress | None = None,
              clock: Callable[[], datetime] | None = None) -> list[ThreadResult]:
    return asyncio.run(fetch_threads(project, ids, options, progress, clock))


async def top_story_ids(options: FetchOptions, limit: int) -> list[int]:
    async with make_pool(options) as pool:
        api = HNApi(pool, options.api_base, options.policy)
        try:
            ids = await api.top_story_ids()
        except RetryError as exc:
            raise UserError(f"could not read the top stories: {exc}",
                            hint=f"check the network connection and --api-base / ${API_ENV}",
                            ) from exc
        return ids[:limit]
