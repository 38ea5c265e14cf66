"""End-to-end translation against a fake OpenAI-compatible server, one injected fault per test;
each test asserts what the thread YAML holds afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_llm import (
    COMPLETION_TOKENS,
    GOOD_TAGS,
    GOOD_TITLE,
    PROMPT_TOKENS,
    Drop,
    FakeLLM,
    Rewrite,
    Slow,
    Status,
    cyrillic_for,
    extra_id,
    fenced_json,
    good_ja,
    good_score,
    invalid_json,
    missing_last_id,
)
from translate_support import (
    API_KEY,
    SleepRecorder,
    comment_ids,
    comments_by_id,
    load,
    make_project,
    run,
)

from hnmatome.translate.plan import JA_SHA, TAGS_SHA, TITLE_SHA, fingerprint

IDS = comment_ids()


@pytest.fixture
def fake() -> FakeLLM:
    with FakeLLM() as server:
        yield server


def assert_all_translated(project, ids=IDS) -> None:
    comments = comments_by_id(project)
    for comment_id in ids:
        comment = comments[comment_id]
        assert comment["ja"] == good_ja(comment_id)
        assert comment["score"] == good_score(comment_id)
        assert comment[JA_SHA] == fingerprint([comment["ja"], comment["score"]])


def assert_untranslated(project, ids) -> None:
    comments = comments_by_id(project)
    for comment_id in ids:
        assert "ja" not in comments[comment_id]
        assert "score" not in comments[comment_id]
        assert JA_SHA not in comments[comment_id]


def test_normal_answers_fill_title_tags_and_every_comment(tmp_path: Path, fake: FakeLLM) -> None:
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    thread = load(project)
    assert thread["title_ja"] == GOOD_TITLE
    assert thread["tags"] == GOOD_TAGS
    assert thread[TITLE_SHA] == fingerprint(GOOD_TITLE)
    assert thread[TAGS_SHA] == fingerprint(GOOD_TAGS)
    assert_all_translated(project)
    assert summary.ok and summary.comments == 6 and summary.titles == 1
    # one title request + two chunks of three, each with the key and the JSON schema
    assert [s.kind for s in fake.seen].count("comments") == 2
    assert summary.requests == 3
    assert all(s.headers.get("Authorization") == f"Bearer {API_KEY}" for s in fake.seen)
    assert all(s.response_format == "json_schema" for s in fake.seen)
    assert summary.prompt_tokens == 3 * PROMPT_TOKENS
    assert summary.completion_tokens == 3 * COMPLETION_TOKENS
    # the title and the first comments go with every request as context
    for seen in fake.seen:
        user = seen.body["messages"][1]["content"]
        assert "A tiny database in Rust" in user
        assert "Comment number 4243" in user


def test_second_run_sends_nothing(tmp_path: Path, fake: FakeLLM) -> None:
    project = make_project(tmp_path, fake.url)
    run(project)
    before = project.thread_path(4242).read_bytes()
    summary = run(project)
    assert len(fake.seen) == 3
    assert summary.ok and summary.requests == 0
    assert project.thread_path(4242).read_bytes() == before


def test_429_honours_retry_after(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Status(429, retry_after="1"), kind="comments")
    project = make_project(tmp_path, fake.url)
    sleep = SleepRecorder()
    summary = run(project, sleep=sleep)
    assert 1.0 in sleep.delays
    assert summary.ok and summary.retries == 1
    assert_all_translated(project)


def test_500_is_retried(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Status(500), kind="comments", times=2)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.ok and summary.retries == 2
    assert_all_translated(project)


def test_invalid_json_is_reasked_with_the_reason(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Rewrite(invalid_json), comment_id=IDS[0])
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.ok and summary.reasks == 1
    reask = [s for s in fake.seen if IDS[0] in s.ids][-1].body["messages"]
    assert [m["role"] for m in reask] == ["system", "user", "assistant", "user"]
    assert "not valid JSON" in reask[-1]["content"]
    assert_all_translated(project)


def test_fenced_json_is_accepted(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Rewrite(fenced_json), kind="comments", times=None)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.ok and summary.reasks == 0
    assert_all_translated(project)


def test_missing_id_is_reasked(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Rewrite(missing_last_id), comment_id=IDS[0])
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.ok and summary.reasks == 1
    reask = [s for s in fake.seen if IDS[0] in s.ids][-1].body["messages"]
    assert f"not answered: [{IDS[2]}]" in reask[-1]["content"]
    assert_all_translated(project)


def test_extra_id_is_reasked_and_never_stored(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Rewrite(extra_id), comment_id=IDS[0])
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.ok and summary.reasks == 1
    assert_all_translated(project)
    assert 999_999_999 not in comments_by_id(project)


def test_persistent_cyrillic_splits_then_fails_only_that_comment(
    tmp_path: Path, fake: FakeLLM
) -> None:
    bad = IDS[1]
    fake.add(Rewrite(cyrillic_for(bad)), comment_id=bad, times=None)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert not summary.ok
    assert [(f.comment_id, "CYRILLIC" in f.reason) for f in summary.failures] == [(bad, True)]
    assert summary.splits == 2  # [a, bad, c] -> [a, bad] + [c] -> [a] + [bad]
    assert_untranslated(project, [bad])
    assert_all_translated(project, [i for i in IDS if i != bad])
    # the next run sends only the failed comment (and succeeds once the model behaves)
    fake.rules.clear()
    fake.seen.clear()
    summary = run(project)
    assert summary.ok and fake.sent_ids() == [bad]
    assert_all_translated(project)


def test_english_copied_or_empty_is_never_stored(tmp_path: Path, fake: FakeLLM) -> None:
    def copy_source(answer):
        for item in answer["comments"]:
            item["ja"] = f"Comment number {item['id']} says something about Rust and databases."
        return json.dumps(answer)

    def empty(answer):
        for item in answer["comments"]:
            item["ja"] = " "
        return json.dumps(answer)

    fake.add(Rewrite(copy_source), comment_id=IDS[0], times=None)
    fake.add(Rewrite(empty), comment_id=IDS[3], times=None)
    project = make_project(tmp_path, fake.url, chunk_size=1)
    summary = run(project)
    assert sorted(f.comment_id for f in summary.failures) == [IDS[0], IDS[3]]
    assert_untranslated(project, [IDS[0], IDS[3]])
    assert_all_translated(project, [IDS[1], IDS[2], IDS[4], IDS[5]])


def test_slow_answer_past_timeout_is_retried(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Slow(1.0), comment_id=IDS[0])
    project = make_project(tmp_path, fake.url, timeout=0.2)
    summary = run(project)
    assert summary.ok and summary.retries == 1
    assert_all_translated(project)


def test_always_slow_stops_the_run_and_keeps_what_was_done(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Slow(1.0), comment_id=IDS[3], times=None)
    project = make_project(tmp_path, fake.url, timeout=0.2)
    summary = run(project)
    assert summary.stopped and "timeout" in summary.stopped
    assert summary.left == 3
    assert_all_translated(project, IDS[:3])
    assert_untranslated(project, IDS[3:])


def test_connection_drop_mid_run_then_resumed_run(tmp_path: Path, fake: FakeLLM) -> None:
    later = IDS[3:]
    fake.add(Drop(), comment_id=later[0], times=None)  # the server "goes away" for chunk two
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert not summary.ok and summary.stopped
    assert "RemoteProtocolError" in summary.stopped or "disconnected" in summary.stopped
    assert load(project)["title_ja"] == GOOD_TITLE
    assert_all_translated(project, IDS[:3])
    assert_untranslated(project, later)

    fake.rules.clear()
    fake.seen.clear()
    summary = run(project)
    assert summary.ok
    assert fake.sent_ids() == later  # only what was missing, and no title request
    assert [s.kind for s in fake.seen] == ["comments"]
    assert_all_translated(project)


def test_schema_refused_falls_back_to_json_mode_then_text(tmp_path: Path, fake: FakeLLM) -> None:
    fake.refused_formats.update({"json_schema", "json_object"})
    fake.add(Rewrite(fenced_json), kind="comments", times=None)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.ok
    formats = [s.response_format for s in fake.seen]
    assert formats[:3] == ["json_schema", "json_object", None]
    assert formats[3:] == [None] * (len(formats) - 3)  # the client remembers
    assert_all_translated(project)


def test_unauthorised_stops_with_a_hint(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Status(401, message="invalid api key"), times=None)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert summary.stopped and "HNMATOME_LLM_API_KEY" in summary.stopped
    assert len(fake.seen) == 1  # no retries, nothing else sent
    assert_untranslated(project, IDS)
    assert load(project)["title_ja"] == ""


def test_killed_run_keeps_finished_chunks_and_the_next_run_resumes(
    tmp_path: Path, fake: FakeLLM
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    fake.latency = 0.25  # the remaining chunks need a second more: time to kill the run
    project = make_project(tmp_path, fake.url, chunk_size=1, timeout=5.0)
    path = project.thread_path(4242)
    env = {**os.environ, "HNMATOME_LLM_BASE_URL": fake.url, "HNMATOME_LLM_API_KEY": API_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "hnmatome.cli", "-C", str(tmp_path), "translate", "-q"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    marker = f"  {JA_SHA}:"  # a comment's, not the thread's _title_ja_sha
    while path.read_text(encoding="utf-8").count(marker) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()

    saved = [i for i, c in comments_by_id(project).items() if "ja" in c]  # still valid YAML
    assert 2 <= len(saved) < len(IDS)
    assert_all_translated(project, saved)
    fake.latency = 0
    fake.seen.clear()
    summary = run(project)
    assert summary.ok and sorted(fake.sent_ids()) == [i for i in IDS if i not in saved]
    assert_all_translated(project)
