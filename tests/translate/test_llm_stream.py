"""Streamed answers: a short silence timeout and long answers together; endpoints that stall
part-way are retried; endpoints that do not stream still work; a streamed answer passes the
same checks as a whole one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from fake_llm import (
    COMPLETION_TOKENS,
    PROMPT_TOKENS,
    FakeLLM,
    RawStream,
    Slow,
    Stall,
    Trickle,
)
from translate_support import FAST_POLICY, MESSAGES, SleepRecorder, llm_settings

from hnmatome.core.settings import LLMSettings
from hnmatome.translate.llm_client import AnswerError, EndpointError, LLMClient
from hnmatome.translate.llm_contract import COMMENTS_SCHEMA


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def chats(llm: LLMSettings, count: int = 1) -> tuple[list[str], LLMClient]:
    async def main() -> tuple[list[str], LLMClient]:
        async with LLMClient(llm, policy=FAST_POLICY, sleep=SleepRecorder()) as client:
            answers = [await client.chat(MESSAGES, "comments", COMMENTS_SCHEMA)
                       for _ in range(count)]
            return [answer.content for answer in answers], client
    return asyncio.run(main())


def chunk(delta: dict, finish: str | None = None) -> str:
    return json.dumps({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})


GOOD = json.dumps({"comments": [{"id": 7, "ja": "やあだよ", "score": 5}]}, ensure_ascii=False)


def test_answers_are_streamed_with_usage(fake: FakeLLM) -> None:
    [content], client = chats(llm_settings(fake.url))
    assert json.loads(content)["comments"][0]["id"] == 7
    body = fake.seen[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert client.usage.prompt_tokens == PROMPT_TOKENS
    assert client.usage.completion_tokens == COMPLETION_TOKENS
    assert client.usage.unreported == 0


def test_a_long_steady_answer_outlasts_the_silence_timeout(fake: FakeLLM) -> None:
    fake.add(Trickle(0.15))  # about 0.9 s in all, never silent for 0.4 s
    [content], client = chats(llm_settings(fake.url, timeout=0.4))
    assert json.loads(content)["comments"][0]["ja"]
    assert client.usage.retries == 0 and len(fake.seen) == 1


def test_a_stream_that_stalls_part_way_is_retried(fake: FakeLLM) -> None:
    fake.add(Stall(1.0, after=2))
    [content], client = chats(llm_settings(fake.url, timeout=0.2))
    assert json.loads(content)["comments"][0]["id"] == 7
    assert client.usage.retries == 1 and [s.stream for s in fake.seen] == [True, True]


def test_an_endpoint_that_sends_nothing_is_given_up_with_a_hint(fake: FakeLLM) -> None:
    fake.add(Slow(1.0), times=None)
    with pytest.raises(EndpointError) as caught:
        chats(llm_settings(fake.url, timeout=0.2, max_retries=1))
    assert "ReadTimeout" in str(caught.value)
    assert "timeout = 0.2" in caught.value.hint and "sent nothing" in caught.value.hint


def test_an_endpoint_that_does_not_stream(fake: FakeLLM) -> None:
    fake.streams = False  # it ignores "stream" and answers one JSON completion
    contents, client = chats(llm_settings(fake.url), count=2)
    assert all(json.loads(content)["comments"] for content in contents)
    assert [s.stream for s in fake.seen] == [True, False]  # asked once, then not any more
    assert client.usage.prompt_tokens == 2 * PROMPT_TOKENS


def test_a_whole_answer_past_the_timeout_names_the_setting(fake: FakeLLM) -> None:
    fake.streams = False
    fake.add(Slow(0.01))  # the first answer teaches the client that this endpoint does not stream
    fake.add(Slow(1.0), times=None)
    with pytest.raises(EndpointError) as caught:
        chats(llm_settings(fake.url, timeout=0.3, max_retries=0), count=2)
    assert "does not stream" in caught.value.hint and "timeout = 0.3" in caught.value.hint


@pytest.mark.parametrize("refused, sent", [
    ("stream", [(True, True), (False, False)]),
    ("stream_options", [(True, True), (True, False)]),
])
def test_an_endpoint_refusing_stream_fields_is_asked_without_them(
    fake: FakeLLM, refused: str, sent: list[tuple[bool, bool]]
) -> None:
    fake.refused_fields.add(refused)
    contents, client = chats(llm_settings(fake.url), count=2)
    assert all(json.loads(content)["comments"] for content in contents)
    assert [(s.stream, "stream_options" in s.body) for s in fake.seen] == [*sent, sent[-1]]
    assert client.mode == "json_schema"  # a refused stream field is not a refused format
    assert client.usage.retries == 0


@pytest.mark.parametrize("events, message", [
    ((chunk({"content": '{"comments": ['}, "length"), "[DONE]"), "cut off"),
    ((chunk({"role": "assistant"}), chunk({}, "stop"), "[DONE]"), "empty"),
    (("[DONE]",), "no choices"),
    ((json.dumps({"error": {"message": "the model is overloaded"}}),), "overloaded"),
    (("this is not json", "[DONE]"), "not JSON"),
])
def test_streamed_answers_pass_the_same_checks(fake: FakeLLM, events: tuple[str, ...],
                                               message: str) -> None:
    fake.add(RawStream(events))
    with pytest.raises(AnswerError, match=message):
        chats(llm_settings(fake.url))


def test_a_stream_that_ends_early_is_retried(fake: FakeLLM) -> None:
    fake.add(RawStream((chunk({"role": "assistant", "content": '{"comm'}),)))
    [content], client = chats(llm_settings(fake.url))
    assert json.loads(content)["comments"][0]["id"] == 7
    assert client.usage.retries == 1


def test_keep_alive_comments_are_skipped(fake: FakeLLM) -> None:
    half = len(GOOD) // 2
    fake.add(RawStream((": keep-alive", chunk({"role": "assistant", "content": GOOD[:half]}),
                        ": keep-alive", chunk({"content": GOOD[half:]}, "stop"), "[DONE]")))
    [content], _ = chats(llm_settings(fake.url))
    assert content == GOOD
