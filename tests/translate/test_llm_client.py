"""The OpenAI-compatible client against the fake server: headers, fallbacks, errors, limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from fake_llm import PROMPT_TOKENS, FakeLLM, RawBody, Status
from translate_support import FAST_POLICY, MESSAGES, SleepRecorder, llm_settings

from hnmatome.core.settings import LLMSettings
from hnmatome.translate.llm_client import (
    AnswerError,
    EndpointError,
    LLMClient,
    RateLimiter,
    RejectedRequest,
)
from hnmatome.translate.llm_contract import COMMENTS_SCHEMA


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def chat(llm: LLMSettings, sleep: SleepRecorder | None = None,
         clock: object = None) -> tuple[str, LLMClient]:
    async def main() -> tuple[str, LLMClient]:
        extra = {"clock": clock} if clock else {}
        async with LLMClient(llm, policy=FAST_POLICY, sleep=sleep or SleepRecorder(),
                             **extra) as client:
            answer = await client.chat(MESSAGES, "comments", COMMENTS_SCHEMA)
            return answer.content, client
    return asyncio.run(main())


def test_sends_model_messages_schema_and_key(fake: FakeLLM) -> None:
    content, client = chat(llm_settings(fake.url, temperature=0.7))
    assert json.loads(content)["comments"][0]["id"] == 7
    body = fake.seen[0].body
    assert body["model"] == "m" and body["temperature"] == 0.7 and body["messages"] == MESSAGES
    assert body["response_format"]["json_schema"]["schema"] == COMMENTS_SCHEMA
    assert fake.seen[0].headers["Authorization"] == "Bearer k"
    assert client.usage.requests == 1 and client.usage.prompt_tokens == PROMPT_TOKENS


def test_no_key_sends_no_authorization_header(fake: FakeLLM) -> None:
    chat(llm_settings(fake.url, api_key=""))
    assert "Authorization" not in fake.seen[0].headers


def test_base_url_with_trailing_slash(fake: FakeLLM) -> None:
    chat(llm_settings(fake.url, base_url=fake.url + "/"))
    assert len(fake.seen) == 1


def test_json_object_mode_when_schema_refused(fake: FakeLLM) -> None:
    fake.refused_formats.add("json_schema")
    _, client = chat(llm_settings(fake.url))
    assert [s.response_format for s in fake.seen] == ["json_schema", "json_object"]
    assert client.mode == "json_object"


def test_404_is_an_endpoint_error_naming_the_settings(fake: FakeLLM) -> None:
    with pytest.raises(EndpointError) as caught:
        chat(llm_settings(fake.url, base_url=fake.url.removesuffix("/v1") + "/nope"))
    assert "404" in str(caught.value) and "HNMATOME_LLM_BASE_URL" in caught.value.hint


def test_400_not_about_the_format_rejects_just_this_request(fake: FakeLLM) -> None:
    fake.add(Status(400, message="maximum context length is 8192 tokens"))
    with pytest.raises(RejectedRequest, match="context length"):
        chat(llm_settings(fake.url))
    assert len(fake.seen) == 1


def test_retries_exhausted_is_an_endpoint_error(fake: FakeLLM) -> None:
    fake.add(Status(503), times=None)
    sleep = SleepRecorder()
    with pytest.raises(EndpointError, match="HTTP 503"):
        chat(llm_settings(fake.url), sleep)
    assert len(fake.seen) == FAST_POLICY.attempts
    assert len(sleep.delays) == FAST_POLICY.attempts - 1


@pytest.mark.parametrize("body, message", [
    (b"<html>oops</html>", "not JSON"),
    (b'{"choices": []}', "no choices"),
    (b'{"choices": [{"message": {"content": null}}]}', "empty"),
    (b'{"choices": [{"message": {"content": "{\\"co"}, "finish_reason": "length"}]}', "cut off"),
])
def test_unusable_completions_are_answer_errors(fake: FakeLLM, body: bytes, message: str) -> None:
    fake.add(RawBody(body))
    with pytest.raises(AnswerError, match=message):
        chat(llm_settings(fake.url))


def test_answers_without_usage_are_counted(fake: FakeLLM) -> None:
    fake.add(RawBody(b'{"choices": [{"message": {"content": "{}"}, "finish_reason": "stop"}]}'))
    _, client = chat(llm_settings(fake.url))
    assert client.usage.unreported == 1 and client.usage.prompt_tokens == 0


def test_rate_limiter_spaces_requests() -> None:
    sleep = SleepRecorder()
    limiter = RateLimiter(60, clock=lambda: 100.0, sleep=sleep)

    async def three() -> None:
        for _ in range(3):
            await limiter.wait()

    asyncio.run(three())
    assert sleep.delays == [1.0, 2.0]


def test_rate_limit_applies_to_retries_too(fake: FakeLLM) -> None:
    fake.add(Status(500))
    sleep = SleepRecorder()
    _, client = chat(llm_settings(fake.url, requests_per_minute=30), sleep, clock=lambda: 5.0)
    assert client.usage.requests == 2 and client.usage.retries == 1
    assert 2.0 in sleep.delays  # the retry waited for its slot


def test_concurrency_is_bounded(fake: FakeLLM) -> None:
    fake.latency = 0.05

    async def many() -> None:
        async with LLMClient(llm_settings(fake.url, concurrency=2), policy=FAST_POLICY) as client:
            await asyncio.gather(*(client.chat(MESSAGES, "c", COMMENTS_SCHEMA) for _ in range(6)))

    asyncio.run(many())
    assert len(fake.seen) == 6 and fake.max_in_flight == 2


def test_an_endpoint_rejecting_everything_stops_the_run(fake: FakeLLM) -> None:
    fake.add(Status(400, message="temperature is not supported with this model"), times=None)

    async def many() -> list[BaseException | object]:
        async with LLMClient(llm_settings(fake.url), policy=FAST_POLICY) as client:
            calls = [client.chat(MESSAGES, "c", COMMENTS_SCHEMA) for _ in range(8)]
            return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = asyncio.run(many())
    # Requests run concurrently, so whichever is rejected eighth (not the last one listed)
    # is the one that stops the run.
    kinds = [type(o) for o in outcomes]
    assert kinds.count(RejectedRequest) == 7 and kinds.count(EndpointError) == 1
    stopper = next(o for o in outcomes if isinstance(o, EndpointError))
    assert "8 requests in a row" in str(stopper)
