"""The official HN API (`<base>/item/<id>.json`): one request per item, so a thread's tree is
fetched concurrently, bounded by a semaphore shared by everything this client does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

from .errors import UserError
from .hn_thread import FetchedThread, HNComment, HNStory, iso_utc
from .http_retry import RetryPolicy, Sleep, send_with_retries

DEFAULT_API_BASE = "https://hacker-news.firebaseio.com/v0"
DEFAULT_CONCURRENCY = 32
# A guard against a runaway (or hostile) server inventing kids forever; HN's biggest threads
# are a few thousand comments.
MAX_ITEMS = 50_000
STORY_TYPES = frozenset({"story", "job", "poll"})

Item = dict[str, Any]


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
        client: httpx.AsyncClient,
        base: str = DEFAULT_API_BASE,
        policy: RetryPolicy | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        sleep: Sleep = asyncio.sleep,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.base = base.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.gate = asyncio.Semaphore(max(1, concurrency))
        self.sleep = sleep
        self.on_retry = on_retry

    async def get_json(self, path: str) -> Any:
        request = self.client.build_request("GET", f"{self.base}/{path}")
        async with self.gate:
            response = await send_with_retries(
                self.client, request, self.policy, sleep=self.sleep, on_retry=self.on_retry,
                retry_if=_json_problem,
            )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise UserError(f"{request.url} answered HTTP {response.status_code}",
                            hint="check --api-base (or HNMATOME_HN_API)")
        return json.loads(response.content)

    async def item(self, item_id: int) -> Item | None:
        """The item, or None when HN has no such item (the API answers `null`)."""
        data = await self.get_json(f"item/{item_id}.json")
        return data if isinstance(data, dict) else None

    async def top_story_ids(self) -> list[int]:
        data = await self.get_json("topstories.json")
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
                   ) -> dict[int, Item | None]:
        """Every item below `root`, fetched concurrently; keys are ids, None where HN has none."""
        items: dict[int, Item | None] = {}
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
                if on_item:
                    on_item()
                spawn(_kids(item))

            spawn(_kids(root))
        return items

    async def thread(self, story_id: int, *, keep_dead: bool = False,
                     on_start: Callable[[int], None] | None = None,
                     on_item: Callable[[], None] | None = None) -> FetchedThread:
        root = await self.story(story_id, keep_dead)
        if on_start:
            on_start(int(root.get("descendants") or 0))
        try:
            items = await self.tree(root, on_item)
        except* Exception as group:
            # the first failure says why; the rest were cancelled or failed the same way
            raise group.exceptions[0] from None
        return FetchedThread(story_from_item(root), tuple(display_order(root, items)), "api")


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
        text_html=str(item.get("text") or ""),
    )


def display_order(root: Item, items: dict[int, Item | None]) -> list[HNComment]:
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
            text_html=str(item.get("text") or ""),
            deleted=bool(item.get("deleted")), dead=bool(item.get("dead")),
        ))
        stack.extend((kid, depth + 1) for kid in reversed(_kids(item)))
    return out
