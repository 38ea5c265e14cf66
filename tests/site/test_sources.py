"""sources.py: which files under content/ are pages, and file digests by stat stamp."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.site.content import content_files
from hnmatome.site.sources import page_sources, scan_sources


def plain_page_sources(content: Iterable[str]) -> tuple[str, ...]:
    bundles = {rel.rsplit("/", 1)[0] for rel in content if rel.endswith("/index.md")}
    pages = []
    for rel in content:
        parts = rel.split("/")
        name = parts[-1]
        if not name.endswith(".md") or any(part.startswith(".") for part in parts):
            continue
        folders = ["/".join(parts[:depth]) for depth in range(1, len(parts))]
        owner = next((folder for folder in folders if folder in bundles), None)
        if owner is not None:
            if rel == f"{owner}/index.md":
                pages.append(rel)
        elif name != "_index.md":
            pages.append(rel)
    return tuple(sorted(pages))


content_paths = st.lists(st.lists(st.sampled_from(["a", "b", ".h", "index.md", "_index.md",
                                                   "x.md", "x_index.md", "p.png"]),
                                  min_size=1, max_size=4).map("/".join), max_size=10)


@settings(max_examples=200, deadline=None)
@given(content_paths)
def test_page_sources_follow_the_bundle_rules(rels: list[str]) -> None:
    content = dict.fromkeys(sorted(rels), "digest")
    assert page_sources(content) == plain_page_sources(content)


def test_page_sources_agree_with_the_content_walk(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for rel in ("about.md", "_index.md", "posts/a.md", "posts/b/index.md", "posts/b/extra.md",
                "posts/b/sub/c.md", "posts/.hidden/d.md", "posts/_index.md", "threads/1.md"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("x")
    project = Project(tmp_path, Settings())
    scanned = scan_sources(project, {})
    walked = tuple(sorted(path.relative_to(content).as_posix()
                          for path in content_files(content)))
    assert scanned.pages == walked == ("about.md", "posts/a.md", "posts/b/index.md")


def test_a_file_is_read_again_only_when_its_stamp_changes(tmp_path: Path) -> None:
    page = tmp_path / "content" / "a.md"
    page.parent.mkdir(parents=True)
    page.write_text("one")
    old = time.time() - 60
    os.utime(page, (old, old))  # settled: older than the racy window
    table: dict = {}
    project = Project(tmp_path, Settings())
    first = scan_sources(project, table)
    assert "a.md" in first.read and table["content/a.md"][1] == first.content["a.md"]
    again = scan_sources(project, table)
    assert again.read == {} and again.content == first.content
    page.write_text("two")  # a new stamp
    assert scan_sources(project, table).content["a.md"] != first.content["a.md"]


def test_a_file_changed_within_the_racy_window_is_never_remembered(tmp_path: Path) -> None:
    page = tmp_path / "content" / "a.md"
    page.parent.mkdir(parents=True)
    page.write_text("fresh")
    table: dict = {}
    scan_sources(Project(tmp_path, Settings()), table)
    assert "content/a.md" not in table
