"""forked.py: work in one forked child beside this process's; and render_pool's split of a
small batch between them, which must build exactly what one process builds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cache_support import assert_same_tree, clean_build, quotes, small_site
from site_support import build, write_post

from hnmatome import forked, render_pool

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs fork, and no threads")


def test_both_sides_run_and_the_childs_result_comes_back() -> None:
    theirs, mine = forked.run_beside(lambda: ("child", os.getpid()), lambda: os.getpid())
    assert theirs[0] == "child" and theirs[1] != mine == os.getpid()


def test_an_error_in_the_child_comes_back_with_its_traceback() -> None:
    def fail() -> None:
        raise ValueError("broken in the child")

    with pytest.raises(forked.ChildFailed, match="broken in the child"):
        forked.run_beside(fail, lambda: None)


def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(forked.ChildFailed, match="died"):
        forked.run_beside(lambda: os._exit(3), lambda: None)


def test_an_error_here_waits_for_the_child_and_is_raised_as_it_is(tmp_path: Path) -> None:
    marker = tmp_path / "child-done"

    def slow() -> None:
        marker.write_text("done")

    def fail() -> None:
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        forked.run_beside(slow, fail)
    assert marker.read_text() == "done"


def test_split_rebuilds_equal_clean_builds(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding and editing posts with the new bodies and the lists of all posts rendered
    ahead in a forked child, and every other small batch split with one, checked by the
    cache check mode and against a clean build."""
    splits: list[int] = []
    original = forked.start

    def counted(theirs):  # type: ignore[no-untyped-def]
        splits.append(1)
        return original(theirs)

    monkeypatch.setattr(render_pool, "SPLIT_FROM", 0)
    monkeypatch.setattr(forked, "start", counted)
    monkeypatch.setenv("HNMATOME_CHECK_CACHE", "1")
    site = small_site(tmp_path / "site")
    build(site, jobs=2)
    write_post(site / "content", "posts/2025_03/eta/index.md", title="イータ",
               date="2025-03-15", months="2025/03", tags=["Python", "Go"], body=quotes("イータ"))
    build(site, jobs=2)
    post = site / "content" / "posts" / "2025_02" / "alpha" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + quotes("追加", 1), encoding="utf-8")
    build(site, jobs=2)
    assert len(splits) >= 4
    assert_same_tree(site / "public", clean_build(site, tmp_path / "clean"))


def test_a_shortcode_error_in_the_childs_half_is_reported_with_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hnmatome.core.errors import UserError

    monkeypatch.setattr(render_pool, "SPLIT_FROM", 0)
    site = small_site(tmp_path / "site")
    build(site, jobs=2)
    write_post(site / "content", "posts/2025_03/bad/index.md", title="壊れた", date="2025-03-16",
               months="2025/03", tags=["Go"], body="{{< nosuch >}}\n")
    with pytest.raises(UserError) as caught:
        build(site, jobs=2)
    assert "posts/2025_03/bad/index.md" in str(caught.value)
