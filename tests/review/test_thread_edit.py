"""review/thread_edit.py: the studio's saves edit the thread YAML as a person would (only the
changed lines, comments and order kept), validate what they write, and never lose an edit made
on disk meanwhile — not even one landing between the read and the rename."""

from __future__ import annotations

import contextlib
import difflib
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from convert_support import make_thread
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hnmatome.core import thread_yaml, writer
from hnmatome.core.errors import UserError
from hnmatome.review import thread_edit
from hnmatome.review.thread_edit import (
    StaleThread,
    ThreadChanges,
    apply_changes,
    edit_thread,
    file_digest,
)

# A file as a curator leaves it: comments everywhere, blank lines, the comment list indented
# by two more than fetch writes it, a flow list, `|-` and `>` blocks, trailing comments.
HAND_WRITTEN = """\
# Thread 4242: picked by hand for the February matome.
id: 4242
title: 'Ask HN: What are you reading?'   # the HN title
url: ''
by: someone
time: '2025-02-10T08:38:56Z'
score: 120
descendants: 3
text: ''
fetched_at: '2025-02-11T01:00:00Z'
source: api
title_ja: 最近何読んでる？   # my wording
tags: [読書, 本]

# limits for this one
max_comments: 40
comments:
  - id: 4301
    parent: 4242
    depth: 0
    by: alice
    time: '2025-02-10T09:01:12Z'
    replies: 1
    text: |-
      I am reading *Dune*.

      > a quote: with # hash
    ja: |-
      『デューン』を読んでる。

      > 引用: # 付き
    score: 80

    # reviewed later
  - id: 4302
    parent: 4301
    depth: 1
    by: bob
    time: '2025-02-10T09:30:00Z'
    replies: 0
    text: Same here
    ja: 同じく
    color: '#ff5c5c'   # stands out
    include: true
  - id: 4303
    parent: 4242
    depth: 0
    by: carol
    time: '2025-02-10T10:00:00Z'
    replies: 0
    text: >
      folded text
      goes here
"""


def line_changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines removed from `old` and the lines added in `new`, in order."""
    a, b = old.splitlines(), new.splitlines()
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def write(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "4242.yaml"
    path.write_bytes(text.encode("utf-8"))
    return path, file_digest(path.read_bytes())


def edit(tmp_path: Path, text: str, **changes: Any) -> str:
    path, digest = write(tmp_path, text)
    new_digest = edit_thread(path, digest, ThreadChanges(**changes))
    data = path.read_bytes()
    assert new_digest == file_digest(data)
    return data.decode("utf-8")


def comment(text: str, cid: int) -> dict[str, Any]:
    return next(c for c in thread_yaml.loads(text)["comments"] if c["id"] == cid)


# ------------------------------------------------------------------ thread keys


def test_thread_keys_change_only_their_lines(tmp_path: Path) -> None:
    new = edit(tmp_path, HAND_WRITTEN, thread={
        "title_ja": "最近読んでる本: #1", "tags": ["読書", "SF", "本", "sf"],
        "date": "2025-02-12", "max_comments": 10, "min_score": 0})
    assert line_changes(HAND_WRITTEN, new) == (
        ["title_ja: 最近何読んでる？   # my wording", "tags: [読書, 本]",
         "max_comments: 40"],
        ["title_ja: '最近読んでる本: #1'   # my wording", "tags:", "- 読書", "- SF", "- 本",
         "date: '2025-02-12'",  # after `tags`: the comment above `max_comments` stays with it
         "max_comments: 10", "min_score: 0"])
    data = thread_yaml.loads(new)
    assert data["tags"] == ["読書", "SF", "本"]  # deduplicated like convert's tags
    assert (data["date"], data["max_comments"], data["min_score"]) == ("2025-02-12", 10, 0)
    assert "\n\n# limits for this one\nmax_comments: 10\nmin_score: 0\n" in new


def test_none_deletes_a_thread_key_with_all_its_lines(tmp_path: Path) -> None:
    new = edit(tmp_path, HAND_WRITTEN, thread={"max_comments": None, "tags": None,
                                                "highlight_score": None})
    assert line_changes(HAND_WRITTEN, new) == (["tags: [読書, 本]", "max_comments: 40"], [])
    assert "tags" not in thread_yaml.loads(new) and "max_comments" not in thread_yaml.loads(new)


def test_a_block_list_of_tags_is_replaced_whole(tmp_path: Path) -> None:
    text = HAND_WRITTEN.replace("tags: [読書, 本]\n", "tags:  # from translate\n- 読書\n\n- 本\n")
    new = edit(tmp_path, text, thread={"tags": []})
    assert line_changes(text, new) == (["tags:  # from translate", "- 読書", "", "- 本"],
                                       ["tags: []  # from translate"])


# ------------------------------------------------------------------ comment keys


def test_comment_keys_go_where_they_belong_and_ja_marks_the_comment_edited(
        tmp_path: Path) -> None:
    new = edit(tmp_path, HAND_WRITTEN, comments={
        4301: {"ja": "『デューン』読んでる\n二行目: # も", "color": "", "reviewed": True},
        4302: {"include": False, "color": "red", "reviewed": False},
    })
    assert line_changes(HAND_WRITTEN, new) == (
        ["      『デューン』を読んでる。", "", "      > 引用: # 付き",
         "    color: '#ff5c5c'   # stands out", "    include: true"],
        ["      『デューン』読んでる", "      二行目: # も",
         "    color: ''", "    edited: true", "    reviewed: true",
         "    color: red   # stands out", "    include: false", "    reviewed: false"])
    # the keys land after `score`, before the blank line and the comment closing the block
    assert "    score: 80\n    color: ''\n    edited: true\n    reviewed: true\n\n" \
           "    # reviewed later\n" in new
    first, second = comment(new, 4301), comment(new, 4302)
    assert first["ja"] == "『デューン』読んでる\n二行目: # も" and first["edited"] is True
    assert second["include"] is False and second["color"] == "red"
    assert "edited" not in second  # only a changed `ja` marks a comment edited


def test_a_key_missing_from_a_comment_is_inserted_in_canonical_order(tmp_path: Path) -> None:
    new = edit(tmp_path, HAND_WRITTEN, comments={4303: {"include": False, "ja": "畳まれた"}})
    assert new.endswith("    text: >\n      folded text\n      goes here\n"
                        "    ja: 畳まれた\n    include: false\n    edited: true\n")
    assert line_changes(HAND_WRITTEN, new)[0] == []


def test_none_deletes_comment_keys(tmp_path: Path) -> None:
    new = edit(tmp_path, HAND_WRITTEN, comments={4302: {"color": None, "include": None},
                                                  4303: {"include": None}})
    assert line_changes(HAND_WRITTEN, new) == (
        ["    color: '#ff5c5c'   # stands out", "    include: true"], [])


def test_a_changed_value_of_the_same_shape_leaves_the_layout_as_it_was(tmp_path: Path) -> None:
    """Setting a key to what it already says writes nothing, so the studio may send it all."""
    path, digest = write(tmp_path, HAND_WRITTEN)
    same = ThreadChanges(thread={"title_ja": "最近何読んでる？", "tags": ["読書", "本"]},
                         comments={4302: {"ja": "同じく", "include": True, "color": "#ff5c5c"}})
    inode = path.stat().st_ino
    assert edit_thread(path, digest, same) == digest
    assert path.stat().st_ino == inode and path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_an_empty_change_set_writes_nothing(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)

    def no_write(*args: object) -> bool:
        raise AssertionError("nothing should be written")

    monkeypatch.setattr(thread_edit, "replace_if_unchanged", no_write)
    assert edit_thread(path, digest, ThreadChanges()) == digest


def test_a_machine_translation_can_say_it_is_not_a_persons(tmp_path: Path) -> None:
    """The studio's "translate again" writes the model's `ja` with `edited: None`."""
    text = HAND_WRITTEN.replace("    ja: 同じく\n", "    ja: 同じく\n    edited: true\n")
    new = edit(tmp_path, text, comments={4302: {"ja": "私も", "score": 55, "edited": None,
                                                "_ja_sha": "abc123"}})
    second = comment(new, 4302)
    assert second["ja"] == "私も" and second["score"] == 55 and second["_ja_sha"] == "abc123"
    assert "edited" not in second
    assert line_changes(text, new) == (
        ["    ja: 同じく", "    edited: true"],
        ["    ja: 私も", "    score: 55", "    _ja_sha: abc123"])


def test_a_file_written_by_fetch_stays_what_fetch_would_write(tmp_path: Path) -> None:
    """On a file in the canonical layout, a line edit gives exactly the canonical dump."""
    thread = make_thread(12, item_id=4242)
    text = thread_yaml.dumps(thread)
    changes = ThreadChanges(
        thread={"title_ja": "新しい題", "tags": ["Rust"], "date": "2025-03-01T09:30:00",
                "highlight_score": 70},
        comments={4243: {"ja": "一行", "reviewed": True}, 4250: {"include": False,
                                                                 "color": "#abc"}})
    new = edit(tmp_path, text, thread=changes.thread, comments=changes.comments)
    thread.update(title_ja="新しい題", tags=["Rust"], date="2025-03-01T09:30:00",
                  highlight_score=70)
    by_id = {c["id"]: c for c in thread["comments"]}
    by_id[4243].update(ja="一行", edited=True, reviewed=True)
    by_id[4250].update(include=False, color="#abc")
    assert new == thread_yaml.dumps(thread)


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    text = HAND_WRITTEN.replace("\n", "\r\n")
    new = edit(tmp_path, text, thread={"date": "2025-02-12"},
               comments={4301: {"ja": "a\nb"}, 4302: {"include": None}})
    assert "\n" not in new.replace("\r\n", "")
    assert "date: '2025-02-12'\r\n" in new and "    ja: |-\r\n      a\r\n      b\r\n" in new
    assert comment(new, 4301)["ja"] == "a\nb" and "include" not in comment(new, 4302)


def test_a_browsers_line_breaks_are_stored_as_plain_newlines(tmp_path: Path) -> None:
    new = edit(tmp_path, HAND_WRITTEN, comments={4302: {"ja": "一\r\n二"}})
    assert comment(new, 4302)["ja"] == "一\n二"
    assert "    ja: |-\n      一\n      二\n" in new


def test_an_unusual_layout_is_written_whole_without_losing_a_value(tmp_path: Path) -> None:
    text = ("id: 4242\ntitle: x  # a note\ncomments:\n"
            "- {id: 4301, text: hi, ja: やあ}\n- id: 4302\n  text: yo\n")
    new = edit(tmp_path, text, comments={4301: {"ja": "こんにちは"}, 4302: {"include": False}})
    assert new == thread_yaml.dumps({
        "id": 4242, "title": "x", "comments": [
            {"id": 4301, "text": "hi", "ja": "こんにちは", "edited": True},
            {"id": 4302, "text": "yo", "include": False}]})


def test_a_key_on_the_line_of_the_list_dash_is_replaced_in_place() -> None:
    text = "id: 1\ncomments:\n- include: false\n  id: 2\n  text: t\n"
    new = apply_changes(text, ThreadChanges(comments={2: {"include": True}}))
    assert new == "id: 1\ncomments:\n- include: true\n  id: 2\n  text: t\n"


# ------------------------------------------------------------------ values the studio may not write


@pytest.mark.parametrize(("key", "value", "words"), [
    ("title_ja", 12, "`title_ja: 12` should be text"),
    ("tags", "AI", "should be a list of tags"),
    ("tags", ["AI", 3], "should be a list of tags"),
    ("date", "next tuesday", "`date: 'next tuesday'` is not a date"),
    ("date", "2025-02-30", "is not a date"),
    ("max_comments", -1, "`max_comments: -1` should be a whole number"),
    ("min_score", 2.5, "should be a whole number"),
    ("highlight_score", True, "should be a whole number"),
    ("comments", [], "`comments` of the thread cannot be changed"),
])
def test_a_bad_thread_value_is_refused_and_nothing_is_written(
        tmp_path: Path, key: str, value: Any, words: str) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)
    with pytest.raises(UserError) as caught:
        edit_thread(path, digest, ThreadChanges(thread={key: value}))
    assert words in caught.value.message and caught.value.path == path
    assert caught.value.hint
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_bad_thread_value_names_the_line_of_its_key(tmp_path: Path) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)
    with pytest.raises(UserError) as caught:
        edit_thread(path, digest, ThreadChanges(thread={"max_comments": "many"}))
    assert caught.value.line == HAND_WRITTEN.splitlines().index("max_comments: 40") + 1


@pytest.mark.parametrize(("key", "value", "words"), [
    ("include", "yes", "comment 4302: `include: 'yes'` should be true or false"),
    ("reviewed", 1, "`reviewed: 1` should be true or false"),
    ("color", "not a colour!", "comment 4302: `color: 'not a colour!'` is not a colour"),
    ("color", 255, "should be a colour"),
    ("ja", None, "`ja: None` should be text"),
    ("ja", ["x"], "should be text"),
    ("score", 101, "should be a number from 0 to 100"),
    ("text", "the original", "comment 4302: `text` cannot be changed"),
])
def test_a_bad_comment_value_is_refused_naming_the_comment_and_its_line(
        tmp_path: Path, key: str, value: Any, words: str) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)
    with pytest.raises(UserError) as caught:
        edit_thread(path, digest, ThreadChanges(comments={4302: {key: value}}))
    assert words in caught.value.message and caught.value.hint
    assert caught.value.line == HAND_WRITTEN.splitlines().index("  - id: 4302") + 1
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_an_unknown_comment_is_refused(tmp_path: Path) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)
    with pytest.raises(UserError, match="there is no comment 999 in this thread") as caught:
        edit_thread(path, digest, ThreadChanges(comments={999: {"include": False}}))
    assert caught.value.path == path and "reload" in (caught.value.hint or "")
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


# ------------------------------------------------------------------ never lose an edit


def test_a_save_based_on_an_older_version_is_refused(tmp_path: Path) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)
    by_hand = HAND_WRITTEN.replace("ja: 同じく", "ja: 同じく！")
    path.write_text(by_hand, encoding="utf-8")
    for changes in (ThreadChanges(comments={4302: {"include": False}}), ThreadChanges()):
        with pytest.raises(StaleThread) as caught:
            edit_thread(path, digest, changes)
        assert caught.value.current == by_hand.encode("utf-8")
        assert caught.value.current_digest == file_digest(by_hand.encode("utf-8"))
        assert "reload" in (caught.value.hint or "") and caught.value.path == path
    assert path.read_text(encoding="utf-8") == by_hand


def test_a_save_to_a_file_that_is_gone_is_refused(tmp_path: Path) -> None:
    path, digest = write(tmp_path, HAND_WRITTEN)
    path.unlink()
    with pytest.raises(StaleThread, match="gone") as caught:
        edit_thread(path, digest, ThreadChanges(thread={"max_comments": 1}))
    assert caught.value.current == b"" and not path.exists()


def test_a_write_landing_between_the_read_and_the_rename_survives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """THE RACE: the studio reads version D and is writing its temp file when another writer
    (an editor, translate) saves; the other writer's bytes survive and the save is refused."""
    path, digest = write(tmp_path, HAND_WRITTEN)
    theirs = HAND_WRITTEN.replace("ja: 同じく", "ja: 翻訳し直した").encode("utf-8")
    real_temp = writer._synced_temp
    landed: list[bool] = []

    @contextlib.contextmanager
    def temp_then_another_writer(target: Path, data: bytes) -> Iterator[str]:
        with real_temp(target, data) as tmp:
            target.write_bytes(theirs)  # after our read and our temp file, before our rename
            landed.append(True)
            yield tmp

    monkeypatch.setattr(writer, "_synced_temp", temp_then_another_writer)
    with pytest.raises(StaleThread) as caught:
        edit_thread(path, digest, ThreadChanges(comments={4301: {"include": False}}))
    assert landed == [True]
    assert path.read_bytes() == theirs and caught.value.current == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["4242.yaml"]  # no temp file left


def test_the_save_goes_through_when_nobody_interferes(tmp_path: Path) -> None:
    """The race test's control: the same save, without the other writer, is written."""
    path, digest = write(tmp_path, HAND_WRITTEN)
    new_digest = edit_thread(path, digest, ThreadChanges(comments={4301: {"include": False}}))
    assert new_digest != digest and comment(path.read_text(encoding="utf-8"),
                                            4301)["include"] is False
    with pytest.raises(StaleThread):  # the old digest no longer names the file
        edit_thread(path, digest, ThreadChanges(comments={4301: {"include": True}}))
    edit_thread(path, new_digest, ThreadChanges(comments={4301: {"include": True}}))


def test_stale_thread_survives_pickling_for_a_worker_process(tmp_path: Path) -> None:
    error = StaleThread(tmp_path / "1.yaml", b"now")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.current, copy.path, copy.gone, str(copy)) == (b"now", error.path, False,
                                                                str(error))
    assert StaleThread.of(error.path, None).gone


def test_file_digest_is_a_128_bit_blake2b() -> None:
    assert len(file_digest(b"x")) == 32 and file_digest(b"x") != file_digest(b"y")


# ------------------------------------------------------------------ any text round-trips

TRICKY = st.text(
    alphabet=st.one_of(st.sampled_from(list("\n :#|>-'\"\\\t{}[]&*!%@`,?")),
                       st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")),
    max_size=60)


# `ja` of 4301 right before a blank line: where a `|+` block would swallow that line
BEFORE_A_BLANK = HAND_WRITTEN.replace("    score: 80\n", "")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ja=TRICKY, title=TRICKY)
def test_any_text_round_trips_exactly_and_the_layout_stays(ja: str, title: str) -> None:
    new = apply_changes(BEFORE_A_BLANK, ThreadChanges(thread={"title_ja": title},
                                                      comments={4301: {"ja": ja}}))
    data = thread_yaml.loads(new)
    assert data["title_ja"] == title and data["comments"][0]["ja"] == ja
    # the line edit held, whatever the text: every comment and blank line is still there
    for kept in ("# Thread 4242: picked by hand for the February matome.",
                 "# limits for this one", "\n\n    # reviewed later\n",
                 "   # my wording", "    color: '#ff5c5c'   # stands out",
                 "tags: [読書, 本]\n\n"):
        assert kept in new
    removed, _ = line_changes(BEFORE_A_BLANK, new)
    assert all(line.startswith(("title_ja:", "    ja:", "      ")) or line == ""
               for line in removed)


def test_a_value_keeping_its_final_blank_lines_does_not_swallow_the_next_one() -> None:
    new = apply_changes(BEFORE_A_BLANK, ThreadChanges(comments={4301: {"ja": "x\n\n"}}))
    assert comment(new, 4301)["ja"] == "x\n\n"
    data = thread_yaml.loads(new)
    assert [c["id"] for c in data["comments"]] == [4301, 4302, 4303]
    assert data["comments"][0]["edited"] is True and "include" not in data["comments"][0]
    assert "\n\n    # reviewed later\n  - id: 4302" in new
