"""Golden files: representative threads and the exact posts the converter writes for them.

Regenerate after an intended format change with
    HNMATOME_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_convert_golden.py
and review the diff of tests/golden/*.md before committing it.
"""

from __future__ import annotations

import os

import pytest
from convert_support import (
    COUNT_CASES,
    FILE_CASES,
    GOLDEN,
    convert_case,
    fold_layout,
    quote_count,
)

REGENERATE = os.environ.get("HNMATOME_REGEN_GOLDEN") == "1"


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
    from hnmatome.convert.post_format import output_hash
    from hnmatome.core.frontmatter import parse_front_matter

    for path in sorted(GOLDEN.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta, _, _ = parse_front_matter(text, path)
        assert meta["convert_output"] == output_hash(text), path.name
