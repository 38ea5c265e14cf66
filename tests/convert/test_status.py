"""`status`: one table from the queue to published posts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from convert_support import edit_thread, make_project, make_thread

from hnmatome.cli import main
from hnmatome.convert.publish import publish
from hnmatome.convert.run import convert_changed
from hnmatome.convert.status import SUMMARY_KIND, collect_status, count_states
from hnmatome.core.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    untranslated = make_thread(2, item_id=300, translated=False)
    review = make_thread(2, item_id=500)
    review["comments"][1]["needs_review"] = True
    project = make_project(tmp_path / "blog", [
        make_thread(2, item_id=100), make_thread(2, item_id=200), untranslated,
        make_thread(2, item_id=400), review,
    ])
    project.queue_path.write_text("# waiting\n900\n100\n", encoding="utf-8")
    convert_changed(project, [100, 200, 500])
    publish(project, [200])
    return project


def test_every_stage_in_one_list(project: Project) -> None:
    rows = {row.id: row for row in collect_status(project)}
    assert {i: r.state for i, r in rows.items()} == {
        900: "queued", 100: "draft", 200: "published", 300: "fetched", 400: "fetched",
        500: "draft"}
    assert (rows[300].translated, rows[300].comments) == (0, 2)
    assert (rows[400].translated, rows[400].comments) == (2, 2)
    assert {i for i, r in rows.items() if r.fully_translated} == {100, 200, 400, 500}
    assert rows[100].post is not None and rows[100].post.name == "index.md"
    assert rows[500].notes == ("1 to review (source changed after translation)",)
    assert count_states(list(rows.values())) == {
        "queued": 1, "fetched": 2, "draft": 2, "published": 1}


def test_the_summary_line_counts_what_the_table_shows(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    # A thread can be translated and a draft at once: translation is its own column, and the
    # summary counts it as that column shows it (title and every comment), whatever the state.
    edit_thread(project, 400, title_ja="")  # every comment translated, the title not
    assert main(["-C", str(project.root), "status", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["-C", str(project.root), "status"]) == 0
    table = capsys.readouterr().out
    summary = table.strip().splitlines()[-1]
    states = [row["state"] for row in rows]
    fetched = [row for row in rows if row["state"] != "queued"]
    done = [row for row in fetched
            if row["title_translated"] and row["translated"] == row["comments"]]
    assert summary == (f"{states.count('queued')} queued, {states.count('fetched')} fetched, "
                       f"{states.count('draft')} draft, {states.count('published')} published; "
                       f"{len(done)} of {len(fetched)} translated")
    assert summary == "1 queued, 2 fetched, 2 draft, 1 published; 3 of 5 translated"
    assert table.count("title + 2/2") == len(done) == 3  # 400 shows "2/2": not its title
    assert " translated " not in table.replace("Translated", "")  # no state of that name


def test_translated_drafts_are_counted_as_translated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "blog", [make_thread(2, item_id=100),
                                               make_thread(2, item_id=200)])
    convert_changed(project)
    assert main(["-C", str(project.root), "status"]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary == "0 queued, 0 fetched, 2 draft, 0 published; 2 of 2 translated"


def test_notes_say_when_the_post_is_stale_or_edited(project: Project) -> None:
    edit_thread(project, 100, title_ja="変わった")
    rows = {row.id: row for row in collect_status(project)}
    assert rows[100].notes == ("YAML changed since convert",)
    post = rows[200].post
    assert post is not None
    post.write_text(post.read_text(encoding="utf-8") + "\n追記\n", encoding="utf-8")
    rows = {row.id: row for row in collect_status(project)}
    assert rows[200].notes == ("post edited by hand",)


def test_cli_status_table_and_json(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(project.root), "status"]) == 0
    out = capsys.readouterr().out
    assert "published" in out and "queued" in out
    assert "1 queued, 2 fetched, 2 draft, 1 published; 4 of 5 translated" in out
    assert main(["-C", str(project.root), "status", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == [900, 100, 200, 300, 400, 500]
    assert lines[2]["state"] == "published"
    assert lines[2]["post"].startswith("content/posts/2025_02/")


def test_status_of_an_empty_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.hnmatome]\n", encoding="utf-8")
    assert main(["-C", str(tmp_path), "status"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "0 queued, 0 fetched, 0 draft, 0 published; 0 of 0 translated")


def test_thread_summaries_are_cached_and_refreshed_when_the_file_changes(
        project: Project) -> None:
    # Only settled files are cached (a file modified in the last two seconds is re-read).
    for path in [*project.threads_dir.glob("*.yaml"), *project.posts_dir.rglob("*.md")]:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))
    collect_status(project)
    cache = project.cache_dir / "status.json"
    entries = json.loads(cache.read_text(encoding="utf-8"))["entries"]
    assert entries[f"{SUMMARY_KIND}:{project.thread_path(300)}"][1]["comments"] == 2
    edit_thread(project, 300, title_ja="翻訳した題")
    rows = {row.id: row for row in collect_status(project)}
    assert rows[300].title == "翻訳した題"
    cache.write_text("not json", encoding="utf-8")
    assert {row.id for row in collect_status(project)} == {900, 100, 200, 300, 400, 500}
