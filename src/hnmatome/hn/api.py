"""The official HN API (`<base>/item/<id>.json`): one request per item, so a thread's tree is
fetched concurrently through a `ClientPool` shared by everything one run does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from hnmatome.core.errors import UserError
from hnmatome.core.http_retry import RetryPolicy, Sleep, WaitWatch, send_with_retries
from hnmatome.hn.comment_text import html_to_text
from hnmatome.hn.thread import FetchedThread, HNComment, HNStory, iso_utc

DEFAULT_API_BASE = "https://hacker-news.firebaseio.com/v0"
DEFAULT_CONCURRENCY = 32
# A guard against a runaway (or hostile) server inventing kids forever; HN's biggest threads
# are a few thousand comments.
MAX_ITEMS = 50_000
STORY_TYPES = frozenset({"story", "job", "poll"})

Item = dict[str, Any]
ClientFactory = Callable[[], httpx.AsyncClient]


class ClientPool:
    """Up to `size` httpx clients of one keep-alive connection each, lent out one request at a
    time; waiting for a free one is the concurrency bound.

    Why not one client with `size` connections: httpcore re-checks every pooled connection for
    every queued request on each pool event, so its cost grows with size squared. Measured
    (benchmarks/bench_fetch.py, 1,000 requests, 32 in flight, 50 ms latency): one client took
    15 s and 7 s of CPU, this pool 2.4 s and 2 s of CPU."""

    def __init__(self, size: int, factory: ClientFactory) -> None:
        self.size = max(1, size)
        self.factory = factory
        self.clients: list[httpx.AsyncClient] = []
        self.idle: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[httpx.AsyncClient]:
        if self.idle.empty() and len(self.clients) < self.size:
            self.clients.append(self.factory())  # opened lazily: a small thread needs few
            client = self.clients[-1]
        else:
            client = await self.idle.get()
        try:
            yield client
        finally:
            self.idle.put_nowait(client)

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self.clients))
        self.clients.clear()

    async def __aenter__(self) -> ClientPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _json_problem(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return None
    try:
        json.loads(response.content)
    except ValueError:
        return f"invalid JSON ({len(response.content)} bytes, cut short?)"
    return None


def _kids(item: Item | None) -> list[int]:
    kids = (item or {}).get("kids") or []
    if not isinstance(kids, list):
        return []
    return [kid for kid in kids if isinstance(kid, int) and not isinstance(kid, bool)]


class HNApi:
    def __init__(
        self,
        pool: ClientPool,
        base: str = DEFAULT_API_BASE,
        policy: RetryPolicy | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        on_retry: Callable[[str], None] | None = None,
        waits: WaitWatch | None = None,
    ) -> None:
        self.pool = pool
        self.base = base.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.on_retry = on_retry
        self.waits = waits or WaitWatch(None, 0)

    async def get_json(self, path: str, label: str) -> Any:
        """The JSON at `<base>/<path>`; `label` names it in retry and still-waiting messages."""
        async with self.pool.borrow() as client:
            request = client.build_request("GET", f"{self.base}/{path}")
            with self.waits.waiting(label):
                response = await send_with_retries(
                    client, request, self.policy, sleep=self.sleep, on_retry=self.on_retry,
                    retry_if=_json_problem, label=label,
                )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise UserError(f"{request.url} answered HTTP {response.status_code}",
                            hint="check --api-base (or HNMATOME_HN_API)")
        return json.loads(response.content)

    async def item(self, item_id: int) -> Item | None:
        """The item, or None when HN has no such item (the API answers `null`)."""
        data = await self.get_json(f"item/{item_id}.json", f"HN item {item_id}")
        return data if isinstance(data, dict) else None

    async def top_story_ids(self) -> list[int]:
        data = await self.get_json("topstories.json", "the HN top stories")
        if not isinstance(data, list):
            raise UserError(f"{self.base}/topstories.json did not return a list of ids")
        return [i for i in data if isinstance(i, int) and not isinstance(i, bool)]

    async def story(self, item_id: int, keep_dead: bool = False) -> Item:
        item = await self.item(item_id)
        if item is None:
            raise UserError(f"item {item_id} does not exist on Hacker News",
                            hint="check the id (the API answered null)")
        if item.get("deleted"):
            raise UserError(f"item {item_id} was deleted on Hacker News; there is nothing to fetch")
        if item.get("type") not in STORY_TYPES:
            root = f" (its parent is {item['parent']})" if item.get("parent") else ""
            raise UserError(f"item {item_id} is a {item.get('type', 'non-story item')}, "
                            f"not a story{root}",
                            hint="fetch the story the comment belongs to")
        if item.get("dead") and not keep_dead:
            raise UserError(f"story {item_id} is dead (killed or flagged) on Hacker News",
                            hint="use --keep-dead to fetch it anyway")
        return item

    async def tree(self, root: Item, on_item: Callable[[], None] | None = None,
                   ) -> tuple[dict[int, Item | None], dict[int, str]]:
        """Every item below `root`, fetched concurrently (None where HN has none), and each
        one's text converted while the other requests are in flight."""
        items: dict[int, Item | None] = {}
        texts: dict[int, str] = {}
        seen: set[int] = {root["id"]}

        async with asyncio.TaskGroup() as group:
            def spawn(kids: list[int]) -> None:
                for kid in kids:
                    if kid not in seen and len(seen) < MAX_ITEMS:
                        seen.add(kid)
                        group.create_task(fetch(kid))

            async def fetch(item_id: int) -> None:
                item = await self.item(item_id)
                items[item_id] = item
                if item and item.get("text"):
                    texts[item_id] = html_to_text(str(item["text"]))
                if on_item:
                    on_item()
                spawn(_kids(item))

            spawn(_kids(root))
        return items, texts

    async def thread(self, story_id: int, *, keep_dead: bool = False,
                     on_start: Callable[[int], None] | None = None,
                     on_item: Callable[[], None] | None = None) -> FetchedThread:
        root = await self.story(story_id, keep_dead)
        if on_start:
            on_start(int(root.get("descendants") or 0))
        try:
            items, texts = await self.tree(root, on_item)
        except* Exception as group:
            # the first failure says why; the rest were cancelled or failed the same way
            raise group.exceptions[0] from None
        return FetchedThread(story_from_item(root), tuple(display_order(root, items, texts)), "api")


def story_from_item(item: Item) -> HNStory:
    descendants = item.get("descendants")
    return HNStory(
        id=int(item["id"]),
        type=str(item.get("type") or "story"),
        title=str(item.get("title") or ""),
        url=str(item.get("url") or ""),
        by=str(item.get("by") or ""),
        time=iso_utc(item["time"]) if isinstance(item.get("time"), int) else "",
        score=int(item.get("score") or 0),
        descendants=descendants if isinstance(descendants, int) else None,
        text=html_to_text(str(item.get("text") or "")),
    )


def display_order(root: Item, items: dict[int, Item | None],
                  texts: dict[int, str]) -> list[HNComment]:
    """Depth-first in `kids` order, which is HN's ranked display order. Iterative, and each item
    is visited once, so neither a deep thread nor a cycle in bad data can run away."""
    out: list[HNComment] = []
    visited: set[int] = set()
    stack = [(kid, 0) for kid in reversed(_kids(root))]
    while stack:
        item_id, depth = stack.pop()
        item = items.get(item_id)
        if item is None or item_id in visited:
            continue
        visited.add(item_id)
        out.append(HNComment(
            id=item_id, depth=depth, by=str(item.get("by") or ""),
            time=iso_utc(item["time"]) if isinstance(item.get("time"), int) else "",
            text=texts.get(item_id, ""),
            deleted=bool(item.get("deleted")), dead=bool(item.get("dead")),
        ))
        stack.extend((kid, depth + 1) for kid in reversed(_kids(item)))
    return out
