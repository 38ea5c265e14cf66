"""Rendering in worker processes gives the same site as rendering in one, and their errors
reach the user with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from cache_support import assert_same_tree, quotes, small_site
from site_support import build, write_post

from hnmatome.core.errors import UserError
from hnmatome.site import workers as site_workers


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use worker processes even for a small site."""
    monkeypatch.setattr(site_workers, "PARALLEL_FROM", 1)


@pytest.mark.usefixtures("workers")
def test_workers_build_the_same_site_as_one_process(tmp_path: Path) -> None:
    parallel = small_site(tmp_path / "parallel")
    single = small_site(tmp_path / "single")
    assert build(parallel, jobs=2).mode == "full"
    build(single, jobs=1)
    assert_same_tree(parallel / "public", single / "public")
    for root in (parallel, single):  # and incrementally
        write_post(root / "content", "posts/2025_03/eta/index.md", title="イータ",
                   date="2025-03-15", months="2025/03", tags=["Go"], body=quotes("イータ"))
    assert build(parallel, jobs=2).mode == "incremental"
    build(single, jobs=1)
    assert_same_tree(parallel / "public", single / "public")


@pytest.mark.usefixtures("workers")
def test_errors_in_workers_name_file_and_line(tmp_path: Path) -> None:
    project = small_site(tmp_path / "site")
    for name in ("alpha", "gamma"):
        post = project / "content" / "posts" / "2025_02" / name / "index.md"
        post.write_text(post.read_text(encoding="utf-8") + "\n{{< nosuch >}}\n",
                        encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(project, jobs=2)
    message = str(caught.value)
    assert "alpha/index.md:" in message and "gamma/index.md:" in message
    assert "nosuch" in message
    assert not (project / "public").exists()


def test_the_default_is_one_worker_per_core_this_process_may_use(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_workers.os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert site_workers.default_jobs() == 3
    monkeypatch.delattr(site_workers.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(site_workers.os, "cpu_count", lambda: 6)
    assert site_workers.default_jobs() == 6
    monkeypatch.setattr(site_workers.os, "cpu_count", lambda: None)  # unknown: one
    assert site_workers.default_jobs() == 1
