"""Golden files: representative threads and the exact posts the converter writes for them.

Regenerate after an intended format change with
    HNMATOME_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_convert_golden.py
and review the diff of tests/golden/*.md before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from convert_support import fold_layout, make_thread, quote_count

from hnmatome import thread_yaml
from hnmatome.convert import choose_thumbnail
from hnmatome.post_format import Post, format_post, input_fingerprint
from hnmatome.settings import Settings

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("HNMATOME_REGEN_GOLDEN") == "1"
THUMBNAILS = ("blue.jpg", "blue2.jpg", "green1.jpg")
SETTINGS = Settings(tag_aliases={"生成AI": "AI"})

FILE_CASES = ("short", "untranslated", "curated", "nasty")
COUNT_CASES = {"exactly_30": 30, "exactly_31": 31, "exactly_60": 60, "exactly_61": 61}


def golden_input(case: str) -> tuple[dict[str, Any], bytes, Path]:
    """The thread of a case, the bytes its fingerprint is taken from, and its path."""
    if case in COUNT_CASES:
        thread = make_thread(COUNT_CASES[case], item_id=44000000 + COUNT_CASES[case])
        data = thread_yaml.dumps(thread).encode("utf-8")
        return thread, data, Path(f"{thread['id']}.yaml")
    path = GOLDEN / f"{case}.yaml"
    data = path.read_bytes()
    return thread_yaml.loads(data.decode("utf-8"), path), data, path


def convert_case(case: str) -> Post:
    thread, data, path = golden_input(case)
    # Every fold needs all comments: lift the limits for the count cases.
    settings = SETTINGS.with_overrides(max_comments=1000, max_replies=1000) \
        if case in COUNT_CASES else SETTINGS
    return format_post(thread, settings, path=path,
                       featureimage=choose_thumbnail(thread["id"], THUMBNAILS),
                       draft=thread.get("draft", True),
                       input_hash=input_fingerprint(data, settings))


@pytest.mark.parametrize("case", [*FILE_CASES, *COUNT_CASES])
def test_post_matches_golden_file(case: str) -> None:
    post = convert_case(case)
    expected_path = GOLDEN / f"{case}.md"
    if REGENERATE:
        expected_path.write_text(post.text, encoding="utf-8")
        pytest.skip(f"regenerated {expected_path.name}")
    assert expected_path.exists(), f"run with HNMATOME_REGEN_GOLDEN=1 to create {expected_path}"
    assert post.text == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("case", "layout"), [
    ("exactly_30", [30]), ("exactly_31", [30, 1]), ("exactly_60", [30, 30]),
    ("exactly_61", [30, 30, 1]),
])
def test_golden_count_cases_fold_by_thirty(case: str, layout: list[int]) -> None:
    text = (GOLDEN / f"{case}.md").read_text(encoding="utf-8")
    assert fold_layout(text) == layout
    assert quote_count(text) == sum(layout)


def test_golden_posts_record_their_own_hash() -> None:
    from hnmatome.frontmatter import parse_front_matter
    from hnmatome.post_format import output_hash

    for path in sorted(GOLDEN.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta, _, _ = parse_front_matter(text, path)
        assert meta["convert_output"] == output_hash(text), path.name
