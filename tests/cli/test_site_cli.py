"""`python build.py` and `hnmatome build` from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from site_support import REPO_ROOT, make_project, write_post

from hnmatome.cli import main


def test_build_py_builds_the_repository_sample(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = subprocess.run([sys.executable, "build.py", "--out", str(out)], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "built" in result.stdout
    post = out / "posts" / "2025_02" / "2025_02_10_andrej_karpathy_deep_dive_into_llms"
    assert "Andrej Karpathy" in (post / "index.html").read_text(encoding="utf-8")
    assert (out / "about" / "index.html").exists()
    assert (out / "thumbnails" / "blue4.jpg").exists()


def test_cli_build_reports_errors_with_file_and_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "site")
    write_post(root / "content", "posts/a/index.md", title="a", date="2025-02-10",
               body="ok\n\n{{< unknownthing >}}\n")
    assert main(["-C", str(root), "build"]) == 1
    error = capsys.readouterr().err
    assert "posts/a/index.md:8" in error and "unknownthing" in error
    assert not (root / "public").exists()


def test_the_program_exits_with_the_build_result_and_its_messages(tmp_path: Path) -> None:
    """`hnmatome build` ends without the interpreter's teardown (cli.program): what it printed
    still arrives, and its exit code is the build's."""
    root = make_project(tmp_path / "site")
    write_post(root / "content", "posts/a/index.md", title="a", date="2025-02-10", body="ok\n")
    command = [sys.executable, "-m", "hnmatome.cli", "-C", str(root), "build", "--no-search"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "built 1 pages" in done.stdout, done.stderr
    write_post(root / "content", "posts/b/index.md", title="b", date="2025-02-11",
               body="{{< unknownthing >}}\n")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "posts/b/index.md" in done.stderr and not done.stdout


def test_cli_build_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "site")
    write_post(root / "content", "posts/a/index.md", title="a", date="2025-02-10",
               extra={"draft": "true", "featureimage": "'thumbnails/missing.jpg'"})
    out = tmp_path / "out"
    assert main(["-C", str(root), "build", "--drafts", "--out", str(out),
                 "--base-url", "https://example.net/sub"]) == 0
    captured = capsys.readouterr()
    assert "built 1 pages" in captured.out
    assert "warning:" in captured.err and "missing.jpg" in captured.err
    html = (out / "posts" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.net/sub/posts/a/"' in html
