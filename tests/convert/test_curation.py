"""Comment selection, colours and tags (curation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hnmatome.convert.curation import (
    CurationRules,
    normalize_tags,
    parse_comments,
    rules_for,
    select_comments,
)
from hnmatome.core.errors import UserError
from hnmatome.core.settings import DEFAULT_PALETTE, Settings

STORY = 1000


def rules(**overrides: int) -> CurationRules:
    values = {"max_comments": 90, "max_replies": 30, "min_score": 31, "highlight_score": 80}
    values.update(overrides)
    return CurationRules(palette=DEFAULT_PALETTE, **values)


def comment(cid: int, parent: int = STORY, replies: int = 0, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "parent": parent, "by": f"u{cid}", "time": "2025-02-10T00:00:00Z",
            "replies": replies, "text": f"text {cid}", **extra}


def selected_ids(raw: list[dict[str, Any]], **overrides: int) -> list[int]:
    return [s.comment.id for s in select_comments(parse_comments(raw, Path("t.yaml")),
                                                  rules(**overrides))]


def test_keeps_at_most_max_comments_in_display_order() -> None:
    raw = [comment(i) for i in range(1, 121)]
    assert selected_ids(raw) == list(range(1, 91))
    assert selected_ids(raw, max_comments=5) == [1, 2, 3, 4, 5]


def test_under_each_top_level_comment_keeps_the_replies_with_most_replies() -> None:
    raw = [comment(1, replies=6),
           comment(2, 1, replies=0), comment(3, 1, replies=3), comment(4, 3, replies=1),
           comment(5, 4, replies=0), comment(6, 3, replies=0), comment(7, 1, replies=0),
           comment(8, replies=1), comment(9, 8)]
    # comment 3 (3 replies) and 4 (1) beat the others; ties go to the earlier one (2)
    assert selected_ids(raw, max_replies=3) == [1, 2, 3, 4, 8, 9]
    assert selected_ids(raw, max_replies=0) == [1, 8]


def test_include_false_hides_and_include_true_forces_past_every_limit() -> None:
    raw = [comment(1, replies=3), comment(2, 1, include=False), comment(3, 1, score=5,
                                                                       include=True),
           comment(4, 1), comment(5), comment(6, include=True)]
    assert selected_ids(raw, max_replies=0, max_comments=3) == [1, 3, 6]
    assert selected_ids(raw, max_replies=0, max_comments=2) == [3, 6]  # forced ones count
    assert selected_ids(raw) == [1, 3, 4, 5, 6]


def test_comments_under_min_score_are_dropped_and_unscored_kept() -> None:
    raw = [comment(1, score=30), comment(2, score=31), comment(3), comment(4, score=100)]
    assert selected_ids(raw) == [2, 3, 4]
    assert selected_ids(raw, min_score=0) == [1, 2, 3, 4]


def test_dead_gone_and_empty_comments_are_left_out_unless_forced() -> None:
    raw = [comment(1, dead=True), comment(2, gone=True), comment(3, text=""),
           comment(4, text="\x1b  "), comment(5, gone=True, include=True), comment(6)]
    assert selected_ids(raw) == [5, 6]


def test_depth_counts_only_shown_ancestors() -> None:
    raw = [comment(1, replies=2), comment(2, 1, replies=1, score=0), comment(3, 2)]
    shown = select_comments(parse_comments(raw, Path("t.yaml")), rules())
    assert [(s.comment.id, s.depth) for s in shown] == [(1, 0), (3, 1)]


def test_parents_are_inferred_from_depth_when_missing() -> None:
    raw = [{"id": 1, "depth": 0, "text": "a", "replies": 1},
           {"id": 2, "depth": 1, "text": "b"}, {"id": 3, "depth": 2, "text": "c"},
           {"id": 4, "depth": 1, "text": "d"}, {"id": 5, "depth": 0, "text": "e"}]
    shown = select_comments(parse_comments(raw, Path("t.yaml")), rules())
    assert [(s.comment.id, s.depth) for s in shown] == [(1, 0), (2, 1), (3, 2), (4, 1), (5, 0)]


def test_translation_is_shown_when_present_else_the_original() -> None:
    parsed = parse_comments([comment(1, ja="訳"), comment(2, ja="  "), comment(3)],
                            Path("t.yaml"))
    assert [c.body for c in parsed] == ["訳", "text 2", "text 3"]


def test_high_scores_get_a_palette_colour_chosen_by_id_and_explicit_colour_wins() -> None:
    raw = [comment(6, score=80), comment(7, score=79), comment(8, score=95),
           comment(9, score=99, color="#abcdef"), comment(10, score=99, color="")]
    colours = {s.comment.id: s.color for s in
               select_comments(parse_comments(raw, Path("t.yaml")), rules())}
    assert colours == {6: DEFAULT_PALETTE[0], 7: "", 8: DEFAULT_PALETTE[2], 9: "#abcdef",
                       10: ""}
    again = {s.comment.id: s.color for s in
             select_comments(parse_comments(raw, Path("t.yaml")), rules())}
    assert again == colours


@pytest.mark.parametrize("bad", [{"color": "red; background:url(x)"}, {"score": "high"},
                                 {"include": "yes"}, {"replies": True}])
def test_bad_comment_fields_are_user_errors_naming_the_comment(bad: dict[str, Any]) -> None:
    with pytest.raises(UserError, match="comment 7") as caught:
        parse_comments([comment(7, **bad)], Path("t.yaml"))
    assert caught.value.path == Path("t.yaml")


def test_per_thread_overrides_win_over_settings() -> None:
    settings = Settings(max_comments=90, min_score=31)
    got = rules_for({"max_comments": 10, "highlight_score": 50}, settings, Path("t.yaml"))
    assert (got.max_comments, got.max_replies, got.min_score, got.highlight_score) == \
        (10, 30, 31, 50)
    with pytest.raises(UserError, match="min_score"):
        rules_for({"min_score": -1}, settings, Path("t.yaml"))


def test_tags_are_aliased_and_deduplicated_case_insensitively() -> None:
    aliases = {"生成AI": "AI", "ml": "機械学習"}
    tags = ["ai", "生成AI", "AI", " Rust ", "rust", "ML", "機械学習", "ＬＬＭ", "LLM", "", 42]
    assert normalize_tags(tags, aliases) == ["AI", "Rust", "機械学習", "LLM", "42"]
    assert normalize_tags(["Go", "go lang", "Go  Lang"], {}) == ["Go", "go lang"]
