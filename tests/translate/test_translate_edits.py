"""Human edits win, options pick what is sent, and concurrent chunks never lose each other's
work; each against the fake server, asserting the YAML afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import GOOD_TITLE, FakeLLM, Rewrite, Seen, Status, good_ja
from translate_support import (
    THREAD_ID,
    comment_ids,
    comments_by_id,
    load,
    make_project,
    run,
    sample_thread,
)

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.translate.plan import JA_SHA, TAGS_SHA, fingerprint

IDS = comment_ids()


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def retranslate_as(text: str) -> Rewrite:
    def make(answer: dict) -> str:
        for item in answer["comments"]:
            item["ja"] = f"{text}{item['id']}"
        return json.dumps(answer, ensure_ascii=False)
    return Rewrite(make)


def test_force_replaces_the_tools_words_and_keeps_a_persons(tmp_path: Path, fake: FakeLLM) -> None:
    project = make_project(tmp_path, fake.url)
    run(project)
    thread = load(project)
    thread["comments"][0]["ja"] = "人が直した訳だよ"          # changed by hand
    thread["comments"][1].update(ja="人が書いた訳", edited=True)
    thread["title_ja"] = "人が付けたタイトル"
    thread_yaml.save(project.thread_path(THREAD_ID), thread)
    fake.seen.clear()
    fake.add(retranslate_as("新しい訳"), kind="comments", times=None)
    fake.add(Rewrite(lambda a: json.dumps({"title": "新タイトルだよ", "tags": ["新タグ"]})),
             kind="title")

    summary = run(project, force=True)

    assert summary.ok and summary.kept_for_person == 2
    comments = comments_by_id(project)
    assert comments[IDS[0]]["ja"] == "人が直した訳だよ"
    assert comments[IDS[1]]["ja"] == "人が書いた訳" and comments[IDS[1]]["edited"] is True
    assert [comments[i]["ja"] for i in IDS[2:]] == [f"新しい訳{i}" for i in IDS[2:]]
    assert sorted(fake.sent_ids()) == IDS[2:]
    after = load(project)
    assert after["title_ja"] == "人が付けたタイトル"  # a person's title stays
    assert after["tags"] == ["新タグ"] and after[TAGS_SHA] == fingerprint(["新タグ"])


def titled_thread() -> dict:
    """A thread whose title is done, so only comment requests run (one at a time, with
    concurrency 1) and the simulated person never saves while the tool is saving."""
    thread = sample_thread()
    thread.update(title_ja="人が付けたタイトル", tags=["AI"])
    return thread


def test_edits_made_during_the_run_survive(tmp_path: Path, fake: FakeLLM) -> None:
    project = make_project(tmp_path, fake.url, threads=[titled_thread()])
    path = project.thread_path(THREAD_ID)

    def person_edits(seen: Seen) -> None:
        if seen.kind == "comments" and IDS[0] in seen.ids:
            thread = thread_yaml.load(path)
            thread["comments"][0]["ja"] = "待ちきれずに自分で訳した"
            thread["draft"] = False
            thread["note"] = "curator's own key"
            thread_yaml.save(path, thread)

    fake.on_request = person_edits
    summary = run(project)
    thread = load(project)
    assert thread["comments"][0]["ja"] == "待ちきれずに自分で訳した"
    assert JA_SHA not in thread["comments"][0]
    assert thread["draft"] is False and thread["note"] == "curator's own key"
    assert [c["ja"] for c in thread["comments"][1:]] == [good_ja(i) for i in IDS[1:]]
    assert summary.skipped_changed == 1 and summary.comments == 5


def test_refetched_text_during_the_run_is_not_given_a_stale_translation(
    tmp_path: Path, fake: FakeLLM
) -> None:
    project = make_project(tmp_path, fake.url, chunk_size=6, threads=[titled_thread()])
    path = project.thread_path(THREAD_ID)

    def upstream_edit(seen: Seen) -> None:
        if seen.kind == "comments":
            thread = thread_yaml.load(path)
            thread["comments"][2]["text"] = "Edited upstream: a completely new opinion."
            thread_yaml.save(path, thread)

    fake.on_request = upstream_edit
    run(project)
    fake.on_request = None
    assert "ja" not in comments_by_id(project)[IDS[2]]
    fake.seen.clear()
    run(project)
    assert fake.sent_ids() == [IDS[2]]


def test_needs_review_retranslates_the_tools_words_only(tmp_path: Path, fake: FakeLLM) -> None:
    project = make_project(tmp_path, fake.url)
    run(project)
    thread = load(project)
    thread["comments"][0]["needs_review"] = True                      # the tool's
    thread["comments"][1].update(ja="人の訳", needs_review=True)       # a person's
    thread_yaml.save(project.thread_path(THREAD_ID), thread)
    fake.seen.clear()
    fake.add(retranslate_as("更新した訳"), kind="comments", times=None)
    summary = run(project)
    comments = comments_by_id(project)
    assert fake.sent_ids() == [IDS[0]]
    assert comments[IDS[0]]["ja"] == f"更新した訳{IDS[0]}"
    assert "needs_review" not in comments[IDS[0]]
    assert comments[IDS[1]]["ja"] == "人の訳" and comments[IDS[1]]["needs_review"] is True
    assert summary.kept_for_person == 1


def test_only_sends_just_those_comments(tmp_path: Path, fake: FakeLLM) -> None:
    project = make_project(tmp_path, fake.url)
    run(project, only=frozenset({IDS[4], IDS[1]}))
    assert fake.sent_ids() == [IDS[1], IDS[4]]
    assert [s.kind for s in fake.seen] == ["comments"]
    comments = comments_by_id(project)
    assert {i for i in IDS if "ja" in comments[i]} == {IDS[1], IDS[4]}
    assert load(project)["title_ja"] == ""
    with pytest.raises(UserError, match="--only"):
        run(project, only=frozenset({12345}))


def test_title_kept_when_a_person_wrote_it_but_tags_filled(tmp_path: Path, fake: FakeLLM) -> None:
    thread = sample_thread()
    thread["title_ja"] = "人が付けたタイトル"
    project = make_project(tmp_path, fake.url, threads=[thread])
    run(project)
    after = load(project)
    assert after["title_ja"] == "人が付けたタイトル" and after["tags"] == ["AI", "テスト"]


def test_failed_title_is_reported_and_not_stored(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Rewrite(lambda a: json.dumps({"title": "【速報】すごいDB", "tags": ["AI"]},
                                          ensure_ascii=False)), kind="title", times=None)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert [(f.comment_id, "brackets" in f.reason) for f in summary.failures] == [(None, True)]
    assert summary.reasks == 2
    after = load(project)
    assert after["title_ja"] == "" and after["tags"] == []
    assert all("ja" in c for c in after["comments"])


def test_request_rejected_as_too_long_is_split(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Status(400, message="maximum context length exceeded"), comment_id=IDS[0],
             times=None)
    project = make_project(tmp_path, fake.url)
    summary = run(project)
    assert [f.comment_id for f in summary.failures] == [IDS[0]]
    assert "ja" not in comments_by_id(project)[IDS[0]]
    assert all("ja" in comments_by_id(project)[i] for i in IDS[1:])


def test_concurrent_chunks_all_land_in_the_file(tmp_path: Path, fake: FakeLLM) -> None:
    fake.latency = 0.03
    ids = comment_ids(comments=12)
    project = make_project(tmp_path, fake.url, threads=[sample_thread(comments=12)],
                           chunk_size=1, concurrency=3)
    summary = run(project)
    assert summary.ok and summary.comments == 12
    assert fake.max_in_flight == 3
    comments = comments_by_id(project)
    assert [comments[i]["ja"] for i in ids] == [good_ja(i) for i in ids]


def test_many_threads_in_one_run(tmp_path: Path, fake: FakeLLM) -> None:
    threads = [sample_thread(thread_id=t, comments=2) for t in (100, 200, 300)]
    project = make_project(tmp_path, fake.url, threads=threads, concurrency=2)
    summary = run(project)
    assert summary.ok and summary.threads == 3 and summary.titles == 3
    for t in (100, 200, 300):
        thread = load(project, t)
        assert thread["title_ja"] == GOOD_TITLE
        assert [c["ja"] for c in thread["comments"]] == [good_ja(t + 1), good_ja(t + 2)]
    fake.seen.clear()
    run(project, ids=[200], force=True)
    assert {s.kind for s in fake.seen} == {"title", "comments"}
    assert fake.sent_ids() == [201, 202]


def test_prompt_override_and_existing_tags(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Rewrite(lambda a: json.dumps({"title": "DBの話だよ", "tags": ["database", "ai"]})),
             kind="title")
    project = make_project(tmp_path, fake.url)
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "comments.md").write_text("MY COMMENTS PROMPT\n", encoding="utf-8")
    for n, tags in enumerate((["AI", "Database"], ["AI"], ["Rust"])):
        post = tmp_path / "content" / "posts" / "2025_02" / f"p{n}" / "index.md"
        post.parent.mkdir(parents=True)
        post.write_text(f"+++\ntitle = 'x'\ntags = {json.dumps(tags)}\n+++\nbody\n",
                        encoding="utf-8")
    run(project)
    system = {s.kind: s.body["messages"][0]["content"] for s in fake.seen}
    assert system["comments"] == "MY COMMENTS PROMPT"
    assert "existing_tags" in system["title"]  # the packaged title prompt
    title_request = next(s for s in fake.seen if s.kind == "title")
    sent = json.loads(title_request.body["messages"][1]["content"])
    assert sent["existing_tags"] == ["AI", "Database", "Rust"]
    assert load(project)["tags"] == ["Database", "AI"]  # spelled as the site spells them


def test_a_save_by_someone_else_during_the_merge_is_merged_not_lost(tmp_path: Path) -> None:
    import asyncio

    from hnmatome.translate.run import ThreadFile

    path = tmp_path / "t.yaml"
    thread_yaml.save(path, sample_thread(comments=1))
    calls = []

    def change(thread: dict) -> bool:
        calls.append(1)
        if len(calls) == 1:  # a person saves while our merged copy is being written
            theirs = thread_yaml.load(path)
            theirs["title_ja"] = "人が保存したタイトル"
            thread_yaml.save(path, theirs)
        thread["comments"][0]["ja"] = "ツールの訳だよ"
        return True

    assert asyncio.run(ThreadFile(path).apply(change)) is True
    after = thread_yaml.load(path)
    assert len(calls) == 2
    assert after["title_ja"] == "人が保存したタイトル"
    assert after["comments"][0]["ja"] == "ツールの訳だよ"
