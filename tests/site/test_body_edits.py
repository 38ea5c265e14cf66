"""A rebuild after body-only edits checks only the outputs that read the edited posts
(body_edits.py), and still equals a clean build."""

from __future__ import annotations

from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site, spy_on_checks
from hnmatome.body_edits import Dependents, reach
from site_support import build


@pytest.fixture
def site(tmp_path: Path) -> Path:
    project = small_site(tmp_path / "site")
    build(project)
    return project


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the outputs each build checked (quick key or fingerprint)."""
    return spy_on_checks(monkeypatch)


def _edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / "content" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


GAMMA = "posts/2025_02/gamma/index.md"


def test_a_body_edit_checks_only_what_reads_that_post(site: Path, checked: list[str],
                                                      tmp_path: Path) -> None:
    _edit(site, GAMMA, "ガンマ 0", "ガンマ（直した）0")
    report = build(site)
    assert report.mode == "incremental"
    # its own page needs its new body: rendered straight away (in a forked child, where
    # there is one: render_pool._ahead), not checked first
    assert "posts/2025_02/gamma/index.html" in report.changed
    assert "posts/2025_02/beta/index.html" in checked  # its neighbour shows it
    assert "tags/go/index.html" in checked  # its tag lists it
    assert "tags/rust/index.html" not in checked and "tags/python/index.html" not in checked
    assert len(checked) < len(list((site / "public").rglob("*.html"))) / 2
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))


def test_a_new_comment_reaches_the_lists_that_count_it(site: Path, tmp_path: Path) -> None:
    path = site / "content" / GAMMA
    path.write_text(path.read_text(encoding="utf-8") + quotes("追加", 1), encoding="utf-8")
    report = build(site)
    assert "tags/go/index.html" in report.changed  # コメント3件 now
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))


def test_an_output_out_of_reach_changed_by_hand_is_made_again(site: Path) -> None:
    page = site / "public" / "tags" / "rust" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    _edit(site, GAMMA, "ガンマ 0", "ガンマ改 0")
    build(site)
    assert page.read_bytes() == original


def test_editing_a_standalone_page_checks_everything(site: Path, checked: list[str]) -> None:
    (site / "content" / "about.md").write_text(
        "+++\ntitle = 'このブログについて'\n+++\n少し書き足した。\n", encoding="utf-8")
    build(site)
    assert "tags/rust/index.html" in checked and "tags/python/index.html" in checked


def test_body_edits_in_a_row_stay_equal_to_clean_builds(site: Path, tmp_path: Path) -> None:
    for number in range(3):
        _edit(site, GAMMA, f"ガンマ {number % 2}", f"ガンマ {number % 2}!")
        build(site)
        assert_same_tree(site / "public", clean_build(site, tmp_path / f"clean{number}"))


def test_reach_is_every_output_reading_a_changed_post() -> None:
    dependents = Dependents({"a.md": (1, 2), "b.md": (2, 3)}, frozenset({"about.md"}), (9,))
    assert reach(dependents, ["a.md"]) == {1, 2, 9}
    assert reach(dependents, ["a.md", "b.md"]) == {1, 2, 3, 9}
    assert reach(dependents, ["new.md"]) == {9}
    assert reach(dependents, ["about.md", "a.md"]) is None
