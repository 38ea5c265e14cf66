"""Which folder is a project, and `hnmatome init`: a folder that is not a project gets one
clear message and nothing is created in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hnmatome.cli import main

COMMANDS = [["build", "--no-search"], ["status"], ["queue", "add", "123"], ["convert"],
            ["fetch"], ["translate", "--dry-run"], ["publish", "--all"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_a_folder_that_is_not_a_project_is_said_so_and_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    folder = tmp_path / "not-a-site"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    assert main(["-C", str(folder), *command]) == 1
    err = capsys.readouterr().err
    assert "not an hnmatome project (no pyproject.toml with [tool.hnmatome]" in err
    assert "hnmatome init" in err and "Traceback" not in err
    assert sorted(path.name for path in folder.iterdir()) == ["pyproject.toml"]


def test_the_working_directory_counts_too(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "hnmatome", "build"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "not an hnmatome project" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no .cache/, no public/


def test_a_folder_inside_a_project_finds_it(tmp_path: Path) -> None:
    from hnmatome.core.project import find_root

    (tmp_path / "pyproject.toml").write_text("[tool.hnmatome]\n", encoding="utf-8")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    assert find_root(tmp_path / "content" / "posts") == tmp_path.resolve()


def test_a_missing_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(tmp_path / "nowhere"), "status"]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_init_makes_a_site_that_builds(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    assert main(["init", str(site)]) == 0
    assert (site / "templates" / "base.html").is_file() and (site / "static").is_dir()
    assert "[tool.hnmatome]" in (site / "pyproject.toml").read_text(encoding="utf-8")
    assert main(["-C", str(site), "build", "--no-search", "-q"]) == 0
    assert (site / "public" / "about" / "index.html").is_file()
    assert (site / "public" / "posts" / "index.html").is_file()


def test_init_refuses_a_folder_with_something_in_it(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
