"""`hnmatome check [ID…]`: prints each problem with its file, line and comment id, and exits
non-zero when a thread has an error (warnings alone do not)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from convert_support import clean_project, edit_thread

from hnmatome.cli import main
from hnmatome.core import thread_yaml
from hnmatome.core.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return clean_project(tmp_path / "blog")


def check(project: Project, *args: str) -> int:
    return main(["-C", str(project.root), "check", *args])


def set_ja(project: Project, item_id: int, index: int, ja: str) -> int:
    """Give comment `index` of the thread a new `ja`; returns the comment's id."""
    comments = thread_yaml.load(project.thread_path(item_id))["comments"]
    comments[index]["ja"] = ja
    edit_thread(project, item_id, comments=comments)
    return int(comments[index]["id"])


def line_of_comment(project: Project, item_id: int, comment_id: int) -> int:
    text = project.thread_path(item_id).read_text(encoding="utf-8")
    line = thread_yaml.comment_line(text, comment_id)
    assert line is not None
    return line


def test_clean_threads_exit_0(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(project) == 0
    out, err = capsys.readouterr()
    assert out == "2 threads checked: no problems\n" and err == ""


def test_an_error_exits_1_naming_file_line_and_comment(project: Project,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    comment_id = set_ja(project, 200, 1, "<b>太字</b>で書いた")
    assert check(project) == 1
    out = capsys.readouterr().out
    line = line_of_comment(project, 200, comment_id)
    assert (f"error: content/threads/200.yaml:{line}: comment {comment_id}: "
            "HTML in the translation, shown as text: <b>, </b>\n  hint: delete the tags") in out
    assert out.endswith("2 threads checked: 1 error, 0 warnings (1 thread has errors)\n")
    assert "content/threads/100.yaml" not in out


def test_warnings_alone_exit_0(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    comment_id = set_ja(project, 100, 0, "一行目<br>二行目")
    assert check(project) == 0
    out = capsys.readouterr().out
    assert f"warning: content/threads/100.yaml:{line_of_comment(project, 100, comment_id)}: " \
           f"comment {comment_id}: <br> in the translation" in out
    assert out.endswith("2 threads checked: 0 errors, 1 warning\n")


def test_a_problem_in_the_post_names_the_post(project: Project,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    post = next((project.posts_dir / "2025_02").glob("*first*/index.md"))
    text = post.read_text(encoding="utf-8")
    post.write_text(text + '{{< details summary="もっと" >}}\n', encoding="utf-8")
    assert check(project, "100") == 1
    shown = post.relative_to(project.root).as_posix()
    out = capsys.readouterr().out
    assert f"error: {shown}:{len(text.splitlines()) + 1}: shortcode 'details' is opened" in out


def test_only_the_ids_named_are_checked(project: Project,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    set_ja(project, 200, 1, "<b>太字</b>")
    assert check(project, "100") == 0
    assert capsys.readouterr().out == "1 thread checked: no problems\n"
    assert check(project, "https://news.ycombinator.com/item?id=200", "100") == 1
    out = capsys.readouterr().out
    assert "content/threads/200.yaml" in out and "2 threads checked" in out


def test_an_unknown_id_says_to_fetch_it(project: Project,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert check(project, "100", "999") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ") and "999.yaml: no thread file for 999" in err
    assert "hint: fetch it first: hnmatome fetch 999" in err and "Traceback" not in err


def test_a_malformed_id_is_an_error(project: Project,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert check(project, "abc") == 1
    err = capsys.readouterr().err
    assert "'abc' is not a Hacker News item id" in err and "Traceback" not in err


def test_json_gives_one_object_per_thread(project: Project,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    comment_id = set_ja(project, 200, 1, "<b>太字</b>")
    assert check(project, "--json") == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["id"], row["errors"], row["warnings"]) for row in rows] == [(100, 0, 0),
                                                                              (200, 1, 0)]
    [problem] = rows[1]["problems"]
    assert problem["level"] == "error" and problem["comment_id"] == comment_id
    assert problem["path"] == "content/threads/200.yaml" and problem["field"] == "ja"
    assert problem["line"] == line_of_comment(project, 200, comment_id)


def test_outside_a_project_it_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-site"
    folder.mkdir()
    result = subprocess.run([sys.executable, "-m", "hnmatome", "check"], cwd=folder,
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert "not an hnmatome project" in result.stderr and "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []  # no .cache/ left behind


def test_the_exit_status_of_the_program_on_an_error(project: Project) -> None:
    set_ja(project, 100, 0, "")
    result = subprocess.run([sys.executable, "-m", "hnmatome", "-C", str(project.root),
                             "check"], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "comment 101: not translated" in result.stdout
