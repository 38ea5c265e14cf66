"""The LLM defaults: no client-side rate limit (429 and Retry-After are honoured instead, as the
official SDKs do) and a short silence timeout (answers are streamed); the shipped
pyproject.toml states the defaults it says it states."""

from __future__ import annotations

import asyncio
import dataclasses
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import FakeLLM
from translate_support import FAST_POLICY, MESSAGES, SleepRecorder

from hnmatome.core.settings import LLMSettings
from hnmatome.translate.llm_client import LLMClient
from hnmatome.translate.llm_contract import COMMENTS_SCHEMA


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def test_no_client_side_rate_limit_by_default(fake: FakeLLM) -> None:
    assert LLMSettings().requests_per_minute == 0
    llm = dataclasses.replace(LLMSettings(), base_url=fake.url, api_key="k")
    sleep = SleepRecorder()

    async def many() -> None:
        async with LLMClient(llm, policy=FAST_POLICY, sleep=sleep) as client:
            await asyncio.gather(*(client.chat(MESSAGES, "c", COMMENTS_SCHEMA) for _ in range(8)))

    asyncio.run(many())
    assert len(fake.seen) == 8
    assert sleep.delays == []  # nobody waited for a slot


def test_the_silence_timeout_is_short_by_default() -> None:
    assert LLMSettings().timeout == 30.0


def test_the_shipped_pyproject_states_the_defaults(repo_root: Path) -> None:
    data = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["tool"]["hnmatome"]["llm"]
    defaults = LLMSettings()
    assert table["requests_per_minute"] == 0
    assert {key: getattr(defaults, key) for key in table} == table
