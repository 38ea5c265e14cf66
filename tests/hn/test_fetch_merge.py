from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fake_hn import FakeHN, display_order, synthetic_thread

from hnmatome.core import thread_yaml
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.hn.fetch import FetchOptions, run_fetch
from hnmatome.hn.merge import merge_thread

FAST = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.005)


def comment(item_id: int, parent: int, depth: int, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "parent": parent, "depth": depth, "by": "u", "time": "t",
            "replies": 0, "text": text, **extra}


def thread(*comments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": 1, "title": "T", "url": "", "by": "a", "time": "t", "score": 1,
            "descendants": len(comments), "text": "", "fetched_at": "old", "source": "api",
            "title_ja": "", "tags": [], **extra, "comments": list(comments)}


def test_curated_fields_survive_and_upstream_fields_update() -> None:
    old = thread(comment(10, 1, 0, "hello", ja="こんにちは", score=80, color="#ff5c5c",
                         include=True, edited=True, mine={"note": [1, 2]}, _tool={"h": "x"}),
                 title_ja="題名", tags=["AI"], draft=False, my_key="kept")
    new = thread(comment(10, 1, 0, "hello", by="renamed"), title="New title", score=99,
                 fetched_at="now")
    merged, stats = merge_thread(copy.deepcopy(old), new)
    assert merged["title"] == "New title" and merged["score"] == 99
    assert merged["fetched_at"] == "now"
    assert (merged["title_ja"], merged["tags"], merged["draft"], merged["my_key"]) == (
        "題名", ["AI"], False, "kept")
    [entry] = merged["comments"]
    assert entry["by"] == "renamed"
    for key in ("ja", "score", "color", "include", "edited", "mine", "_tool"):
        assert entry[key] == old["comments"][0][key]
    assert "needs_review" not in entry
    assert (stats.added, stats.changed, stats.needs_review, stats.gone) == (0, 0, 0, 0)


def test_changed_text_updates_and_flags_a_translation_for_review() -> None:
    old = thread(comment(10, 1, 0, "old", ja="古い"), comment(11, 1, 0, "old too"))
    new = thread(comment(10, 1, 0, "new"), comment(11, 1, 0, "new too"))
    merged, stats = merge_thread(old, new)
    first, second = merged["comments"]
    assert (first["text"], first["ja"], first["needs_review"]) == ("new", "古い", True)
    assert second["text"] == "new too" and "needs_review" not in second
    assert (stats.changed, stats.needs_review) == (2, 1)


def test_new_comments_are_inserted_in_display_order() -> None:
    old = thread(comment(10, 1, 0, "a", ja="A"), comment(12, 1, 0, "c", ja="C"))
    new = thread(comment(10, 1, 0, "a"), comment(11, 10, 1, "b"), comment(12, 1, 0, "c"),
                 comment(13, 1, 0, "d"))
    merged, stats = merge_thread(old, new)
    assert [c["id"] for c in merged["comments"]] == [10, 11, 12, 13]
    assert stats.added == 2


def test_vanished_comments_stay_flagged_after_what_they_followed() -> None:
    old = thread(comment(10, 1, 0, "a"), comment(11, 10, 1, "gone reply", ja="訳"),
                 comment(12, 1, 0, "gone top"), comment(13, 1, 0, "d"))
    new = thread(comment(10, 1, 0, "a"), comment(14, 10, 1, "new reply"),
                 comment(13, 1, 0, "d"))
    merged, stats = merge_thread(old, new)
    assert [(c["id"], c.get("gone", False)) for c in merged["comments"]] == [
        (10, False), (11, True), (14, False), (12, True), (13, False)]
    assert merged["comments"][1]["ja"] == "訳"
    assert stats.gone == 2
    # and it comes back: the flag goes, the curated fields stay
    again, _ = merge_thread(merged, thread(comment(10, 1, 0, "a"), comment(11, 10, 1, "back")))
    back = next(c for c in again["comments"] if c["id"] == 11)
    assert "gone" not in back and back["ja"] == "訳" and back["needs_review"] is True


def test_a_vanished_comment_never_adopts_someone_elses_replies() -> None:
    old = thread(comment(10, 1, 0, "a"), comment(20, 1, 0, "b"))
    new = thread(comment(10, 1, 0, "a"), comment(11, 10, 1, "reply to a"),
                 comment(12, 11, 2, "deeper"))
    merged, _ = merge_thread(old, new)
    assert [c["id"] for c in merged["comments"]] == [10, 11, 12, 20]


def test_dead_flag_follows_upstream() -> None:
    old = thread(comment(10, 1, 0, "a", dead=True, ja="x"))
    merged, _ = merge_thread(old, thread(comment(10, 1, 0, "a")))
    assert "dead" not in merged["comments"][0]
    merged, _ = merge_thread(merged, thread(comment(10, 1, 0, "a", dead=True)))
    assert merged["comments"][0]["dead"] is True


# -- end to end: a curator edits the YAML, HN changes, we fetch again -----------------------------

CURATED_BLOCK = """  ja: |-
    最初の行です。
    二行目：「引用」{TRAILING}
      字下げ付き
  score: 87
  color: '#785bff'
  include: true
  edited: true
  my_note: 'yes: keep # this'
  _tool:
    ja_hash: abc123
""".format(TRAILING="  ")  # trailing spaces a curator left: kept as they are


def _fetch(project: Project, hn: FakeHN, when: datetime) -> None:
    options = FetchOptions(api_base=hn.api_base, policy=FAST, timeout=2.0, concurrency=8)
    [result] = run_fetch(project, [100], options, clock=lambda: when)
    assert result.ok, result.error


def _curate(path: Path, comment_id: int) -> str:
    text = path.read_text(encoding="utf-8")
    text = text.replace("title_ja: ''\n", "title_ja: 'すごい話'\ncurator_memo: |\n  keep me\n")
    text = text.replace("tags: []\n", "tags:\n- AI\n- 'C++'\n")
    anchor = f"- id: {comment_id}\n"
    start = text.index(anchor)
    end = text.index("\n- id:", start) + 1 if "\n- id:" in text[start + 1:] else len(text)
    path.write_text(text[:end] + CURATED_BLOCK + text[end:], encoding="utf-8")
    return path.read_text(encoding="utf-8")


CURATED_KEYS = ("ja", "score", "color", "include", "edited", "my_note", "_tool")


def _curated(data: dict[str, Any]) -> dict[str, Any]:
    """Every value a person (or the translator) wrote, by where it lives."""
    top = {k: data[k] for k in ("title_ja", "tags", "curator_memo")}
    per_comment = {(c["id"], k): c[k] for c in data["comments"] for k in CURATED_KEYS if k in c}
    return {**top, **{f"{i}.{k}": v for (i, k), v in per_comment.items()}}


def test_refetch_keeps_the_curators_work_byte_for_byte(tmp_path: Path) -> None:
    project = Project(tmp_path, Settings())
    items = synthetic_thread(100, comments=12, seed=11)
    order = [i for i, _ in display_order(items, 100)]
    curated, changed, vanished = order[0], order[1], order[-1]
    with FakeHN(items) as hn:
        _fetch(project, hn, datetime(2025, 3, 1, tzinfo=UTC))
        path = project.thread_path(100)
        _curate(path, curated)
        hand_written = thread_yaml.loads(_curate(path, changed))
        before = _curated(hand_written)
        assert len(before) == 3 + 2 * len(CURATED_KEYS)
        # nothing upstream changed: the file is the canonical dump, only fetched_at moves
        _fetch(project, hn, datetime(2025, 3, 2, tzinfo=UTC))
        expected = thread_yaml.dumps({**hand_written, "fetched_at": "2025-03-02T00:00:00Z"})
        assert path.read_text(encoding="utf-8") == expected
        # HN changes: a new reply, an edited comment, a deleted one
        served = hn.items
        served[changed] = {**items[changed], "text": "Edited upstream"}
        new_id = 100 + 500
        served[new_id] = {"id": new_id, "by": "late", "parent": curated, "text": "late reply",
                          "time": 1_738_100_000, "type": "comment"}
        served[curated] = {**items[curated], "kids": [new_id, *items[curated].get("kids", [])]}
        served[vanished] = {**items[vanished], "deleted": True}
        _fetch(project, hn, datetime(2025, 3, 3, tzinfo=UTC))
    after = path.read_text(encoding="utf-8")
    data = thread_yaml.loads(after)
    assert _curated(data) == before  # equal strings: the same bytes, whitespace and all
    assert data["comments"][0]["ja"] == "最初の行です。\n二行目：「引用」  \n  字下げ付き"
    ids = [c["id"] for c in data["comments"]]
    assert ids[:2] == [curated, new_id]  # the new reply sits where HN shows it
    by_id = {c["id"]: c for c in data["comments"]}
    assert by_id[changed]["text"] == "Edited upstream" and by_id[changed]["needs_review"]
    assert "needs_review" not in by_id[curated]
    assert by_id[vanished]["gone"] is True and ids[-1] == vanished
    assert data["fetched_at"] == "2025-03-03T00:00:00Z"
