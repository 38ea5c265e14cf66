"""What gets sent, and who owns what: the pure planning and merging rules."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from translate_support import sample_thread

from hnmatome.core import thread_yaml
from hnmatome.translate.llm_contract import CommentAnswer, CommentSource, TitleAnswer
from hnmatome.translate.plan import (
    JA_SHA,
    TITLE_SHA,
    TranslateOptions,
    apply_comment_answers,
    apply_title_answer,
    comment_owner,
    fingerprint,
    plan_thread,
    split_chunk,
)


def tool_written(comment: dict[str, Any], ja: str = "ツールの訳だよ", score: int = 40) -> None:
    comment.update(ja=ja, score=score)
    comment[JA_SHA] = fingerprint([ja, score])


def ids(plan: Any) -> list[int]:
    return [c.id for chunk in plan.chunks for c in chunk]


def make_thread() -> dict[str, Any]:
    thread = sample_thread(comments=8)
    c = thread["comments"]
    tool_written(c[0])                                          # 4243: the tool's, current
    tool_written(c[1])
    c[1]["ja"] = "人が直した訳"                                  # 4244: a person changed it
    c[2].update(ja="人が書いた訳", edited=True)                  # 4245: marked edited
    c[3].update(ja="どこから来たか分からない訳", score=10)        # 4246: no fingerprint: a person's
    c[4]["text"] = "   "                                        # 4247: nothing to translate
    tool_written(c[5])
    c[5]["needs_review"] = True                                 # 4248: upstream text changed
    c[6].update(edited=True)                                    # 4249: edited, ja deleted
    return thread                                               # 4250: untranslated


def test_owners() -> None:
    c = make_thread()["comments"]
    assert [comment_owner(x) for x in c] == [
        "tool", "person", "person", "person", "missing", "tool", "person", "missing"]


def test_default_plan_sends_only_what_is_missing_or_under_review() -> None:
    plan = plan_thread(make_thread(), TranslateOptions(), chunk_size=10, first_comments=2)
    assert ids(plan) == [4248, 4250]
    assert plan.title_fields == {"title_ja", "tags"}
    assert plan.kept_for_person == ()
    assert plan.context.first_comments == (make_thread()["comments"][0]["text"],
                                           make_thread()["comments"][1]["text"])


def test_force_retranslates_the_tools_work_but_never_a_persons() -> None:
    thread = make_thread()
    thread["title_ja"] = "人のタイトル"
    plan = plan_thread(thread, TranslateOptions(force=True), chunk_size=10, first_comments=0)
    assert ids(plan) == [4243, 4248, 4250]
    assert plan.kept_for_person == (4244, 4245, 4246, 4249)
    assert plan.title_fields == {"tags"}


def test_only_picks_comments_and_skips_the_title() -> None:
    options = TranslateOptions(only=frozenset({4243, 4244, 4250, 1}))
    plan = plan_thread(make_thread(), options, chunk_size=10, first_comments=0)
    assert ids(plan) == [4243, 4250]
    assert plan.kept_for_person == (4244,)
    assert plan.title_fields == frozenset()
    assert plan.unknown_only == (1,)


def test_chunks_and_halves() -> None:
    thread = sample_thread(comments=7)
    plan = plan_thread(thread, TranslateOptions(), chunk_size=3, first_comments=0)
    assert [len(chunk) for chunk in plan.chunks] == [3, 3, 1]
    first, second = split_chunk(plan.chunks[0])
    assert [len(first), len(second)] == [2, 1]


def test_answers_are_written_only_where_nobody_wrote_meanwhile() -> None:
    thread = make_thread()
    sent = tuple(CommentSource(c["id"], c["text"]) for c in thread["comments"])
    # meanwhile: a person translates 4250, and a re-fetch changes 4243's text
    thread["comments"][7]["ja"] = "人が先に訳した"
    thread["comments"][0]["text"] = "edited upstream"
    answers = tuple(CommentAnswer(i, f"新しい訳{i}", 77) for i in (4243, 4248, 4250, 9999))
    applied = apply_comment_answers(thread, answers, sent)
    assert applied.written == (4248,)
    assert applied.skipped == (4243, 4250, 9999)
    by_id = {c["id"]: c for c in thread["comments"]}
    assert by_id[4248]["ja"] == "新しい訳4248" and "needs_review" not in by_id[4248]
    assert by_id[4250]["ja"] == "人が先に訳した"
    assert comment_owner(by_id[4248]) == "tool"


def test_title_answer_respects_a_person() -> None:
    thread = sample_thread()
    thread["title_ja"] = "人のタイトル"
    written = apply_title_answer(thread, TitleAnswer("新しい", ("AI",)),
                                 frozenset({"title_ja", "tags"}))
    assert written == ("tags",)
    assert thread["title_ja"] == "人のタイトル" and thread["tags"] == ["AI"]
    assert TITLE_SHA not in thread


@settings(max_examples=60, deadline=None)
@given(ja=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1),
       score=st.integers(0, 100))
def test_ownership_survives_the_yaml_round_trip(ja: str, score: int) -> None:
    thread = sample_thread(comments=1)
    sent = (CommentSource(4243, thread["comments"][0]["text"]),)
    apply_comment_answers(thread, (CommentAnswer(4243, ja, score),), sent)
    reloaded = thread_yaml.loads(thread_yaml.dumps(thread))
    comment = reloaded["comments"][0]
    if ja.strip():
        assert comment["ja"] == ja
        assert comment_owner(comment) == "tool"
