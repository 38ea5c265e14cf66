from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from fake_hn import FakeHN, display_order, shared_thread, synthetic_thread

from hnmatome.core.errors import UserError
from hnmatome.core.http_retry import RetryError, RetryPolicy
from hnmatome.hn.api import HNApi
from hnmatome.hn.fetch import FetchOptions, make_pool
from hnmatome.hn.thread import FetchedThread

FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005)


def call(base: str, job: Callable[[HNApi], Awaitable[Any]], *, timeout: float = 2.0,
         concurrency: int = 8, policy: RetryPolicy = FAST,
         sleeps: list[float] | None = None) -> Any:
    async def fake_sleep(seconds: float) -> None:
        assert sleeps is not None
        sleeps.append(seconds)

    async def main() -> Any:
        options = FetchOptions(api_base=base, timeout=timeout, concurrency=concurrency)
        async with make_pool(options) as pool:
            api = HNApi(pool, base, policy,
                        sleep=fake_sleep if sleeps is not None else asyncio.sleep)
            return await job(api)

    return asyncio.run(main())


def thread_of(base: str, story_id: int, **kwargs: Any) -> FetchedThread:
    return call(base, lambda api: api.thread(story_id), **kwargs)


def test_tree_comes_back_in_hn_display_order() -> None:
    items = synthetic_thread(1000, comments=60, seed=2)
    with FakeHN(items) as hn:
        fetched = thread_of(hn.api_base, 1000)
        assert hn.count("/v0/item/1031.json") == 1
        assert len(hn.stats.paths) == 61  # one request per item, none twice
    assert [(c.id, c.depth) for c in fetched.comments] == display_order(items, 1000)
    assert fetched.story.title == "Story 1000 & friends"
    assert fetched.story.time == "2025-01-27T17:46:40Z"


@pytest.mark.shared
def test_real_thread_keeps_the_page_order(shared_dir: Path) -> None:
    story_id, items = shared_thread(shared_dir)
    with FakeHN(items) as hn:
        fetched = thread_of(hn.api_base, story_id)
    page_order = [item["id"] for item in items.values()][1:]
    assert [c.id for c in fetched.comments] == page_order
    assert len(fetched.comments) == 124


def test_concurrency_is_bounded_and_connections_reused() -> None:
    items = synthetic_thread(2000, comments=40, seed=3)
    with FakeHN(items, latency=0.02) as hn:
        fetched = thread_of(hn.api_base, 2000, concurrency=4)
        assert 2 <= hn.stats.max_in_flight <= 4
        assert len(hn.stats.connections) <= 4  # 41 requests over at most 4 connections
    assert len(fetched.comments) == 40


def test_429_waits_as_long_as_retry_after_says() -> None:
    items = synthetic_thread(3000, comments=5, seed=1)
    sleeps: list[float] = []
    with FakeHN(items) as hn:
        hn.fail("/v0/item/3000.json", "429", retry_after="7")
        fetched = thread_of(hn.api_base, 3000, sleeps=sleeps)
        assert hn.count("/v0/item/3000.json") == 2
    assert sleeps == [7.0]
    assert len(fetched.comments) == 5


@pytest.mark.parametrize("fault", ["500", "503", "truncate", "close", "timeout"])
def test_transient_faults_are_retried(fault: str) -> None:
    items = synthetic_thread(4000, comments=6, seed=1)
    kid = items[4000]["kids"][0]
    with FakeHN(items) as hn:
        hn.fail(f"/v0/item/{kid}.json", fault, stall=1.5)
        fetched = thread_of(hn.api_base, 4000, timeout=0.3 if fault == "timeout" else 5.0)
        assert hn.count(f"/v0/item/{kid}.json") >= 2
    assert [(c.id, c.depth) for c in fetched.comments] == display_order(items, 4000)


def test_gives_up_after_the_last_try_with_the_reason() -> None:
    items = synthetic_thread(5000, comments=6, seed=1)
    kid = items[5000]["kids"][-1]
    with FakeHN(items) as hn:
        hn.fail(f"/v0/item/{kid}.json", "500", always=True)
        with pytest.raises(RetryError, match=r"gave up after 3 tries: HTTP 500"):
            thread_of(hn.api_base, 5000)
        assert hn.count(f"/v0/item/{kid}.json") == 3


def test_truncated_json_every_time_is_a_clear_failure() -> None:
    with FakeHN({1: {"id": 1, "type": "story", "title": "t", "time": 1}}) as hn:
        hn.fail("/v0/item/1.json", "truncate", always=True)
        with pytest.raises(RetryError, match=r"invalid JSON"):
            thread_of(hn.api_base, 1)


def test_a_retry_after_beyond_the_limit_is_not_waited_for() -> None:
    with FakeHN({1: {"id": 1, "type": "story", "title": "t", "time": 1}}) as hn:
        hn.fail("/v0/item/1.json", "429", retry_after="3600")
        with pytest.raises(RetryError, match=r"Retry-After 3600s is too long"):
            thread_of(hn.api_base, 1, sleeps=[])


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (None, "item 7 does not exist on Hacker News"),
        ({"id": 7, "deleted": True, "time": 1, "type": "story"}, "item 7 was deleted"),
        ({"id": 7, "type": "comment", "parent": 3, "text": "x", "time": 1},
         r"item 7 is a comment, not a story \(its parent is 3\)"),
        ({"id": 7, "type": "story", "dead": True, "title": "t", "time": 1},
         "story 7 is dead"),
    ],
)
def test_items_that_are_not_fetchable_stories(item: dict | None, message: str) -> None:
    with FakeHN({7: item}) as hn, pytest.raises(UserError, match=message):
        thread_of(hn.api_base, 7)


def test_missing_comments_are_skipped_and_cycles_do_not_loop() -> None:
    items: dict[int, Any] = {
        1: {"id": 1, "type": "story", "title": "t", "time": 1, "kids": [2, 3, 4]},
        2: {"id": 2, "type": "comment", "parent": 1, "text": "a", "time": 2, "kids": [5, 1]},
        3: None,
        5: {"id": 5, "type": "comment", "parent": 2, "text": "b", "time": 3, "kids": [2]},
    }
    with FakeHN(items) as hn:
        fetched = thread_of(hn.api_base, 1)
        assert len(hn.stats.paths) == 5  # 1, 2, 3, 4, 5: each once, the cycle not followed
    assert [(c.id, c.depth) for c in fetched.comments] == [(2, 0), (5, 1)]


def test_unreachable_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RetryError, match="gave up after 3 tries: ConnectError"):
        thread_of(f"http://127.0.0.1:{port}/v0", 1)


def test_top_stories() -> None:
    with FakeHN() as hn:
        hn.topstories = [5, 4, 3, 2, 1]
        assert call(hn.api_base, lambda api: api.top_story_ids()) == [5, 4, 3, 2, 1]
