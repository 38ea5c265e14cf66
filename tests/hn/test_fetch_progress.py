"""What `hnmatome fetch` says while it goes: a line per thread on stdout (terminal or not), bars
with done/total and ETA in a terminal, which item is still waiting when HN stalls, which item a
retry is for; `-q` prints errors only."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_hn import FakeHN, synthetic_thread

from hnmatome.cli import main, make_parser
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.hn import fetch as fetch_module
from hnmatome.hn.fetch import FetchOptions, QuietProgress, ThreadResult, run_fetch

FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005)
CLOCK = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def project_at(root: Path) -> Project:
    (root / "content" / "threads").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.hnmatome]\n", encoding="utf-8")
    return Project(root, Settings())


class Recorder(QuietProgress):
    def __init__(self) -> None:
        self.waits: list[str] = []
        self.retries: list[str] = []

    def wait(self, message: str) -> None:
        self.waits.append(message)

    def retry(self, message: str) -> None:
        self.retries.append(message)


def test_a_stalled_item_is_named_while_it_waits(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    items = synthetic_thread(100, comments=6, seed=1)
    kid = items[100]["kids"][0]
    progress = Recorder()
    with FakeHN(items) as hn:
        hn.fail(f"/v0/item/{kid}.json", "timeout", stall=0.6)
        options = FetchOptions(api_base=hn.api_base, policy=FAST, timeout=3.0, wait_every=0.1)
        [result] = run_fetch(project, [100], options, progress, clock=lambda: CLOCK)
    assert result.ok
    assert progress.waits, "nothing was said while the item stalled"
    assert re.fullmatch(rf"still waiting for HN item {kid} \(\d+ s\)…", progress.waits[0])


def test_a_stalled_page_is_named_while_it_waits(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    progress = Recorder()
    with FakeHN(synthetic_thread(100, comments=6, seed=1)) as hn:
        hn.fail("/item?id=100", "timeout", stall=0.6)
        options = FetchOptions(source="html", web_base=hn.web_base, policy=FAST, timeout=3.0,
                               wait_every=0.1)
        [result] = run_fetch(project, [100], options, progress, clock=lambda: CLOCK)
        base = hn.web_base
    assert result.ok
    assert progress.waits and progress.waits[0].startswith(
        f"still waiting for HN page {base}/item?id=100 (")


def test_a_retry_names_the_item(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    items = synthetic_thread(100, comments=3, seed=1)
    kid = items[100]["kids"][0]
    progress = Recorder()
    with FakeHN(items) as hn:
        hn.fail(f"/v0/item/{kid}.json", "500")
        options = FetchOptions(api_base=hn.api_base, policy=FAST, timeout=3.0)
        [result] = run_fetch(project, [100], options, progress, clock=lambda: CLOCK)
    assert result.ok
    assert progress.retries[0].startswith(f"HN item {kid}: HTTP 500; retry 1/2 in ")


def test_the_cli_says_which_item_waits_on_stderr_unless_quiet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project_at(tmp_path)
    items = synthetic_thread(100, comments=4, seed=1)
    kid = items[100]["kids"][0]
    monkeypatch.setattr(fetch_module, "WAIT_EVERY", 0.1)
    with FakeHN(items) as hn:
        hn.fail(f"/v0/item/{kid}.json", "timeout", stall=0.5)
        assert main(["-C", str(tmp_path), "fetch", "--api-base", hn.api_base, "100"]) == 0
        captured = capsys.readouterr()
        assert f"still waiting for HN item {kid} (" in captured.err
        assert "still waiting" not in captured.out
        hn.fail(f"/v0/item/{kid}.json", "timeout", stall=0.5)
        assert main(["-C", str(tmp_path), "fetch", "-q", "--api-base", hn.api_base, "100"]) == 0
        captured = capsys.readouterr()
        assert captured.err == "" and captured.out == ""


def test_a_line_per_thread_on_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project_at(tmp_path)
    items = {**synthetic_thread(100, comments=3), **synthetic_thread(200, comments=4)}
    with FakeHN(items) as hn:
        assert main(["-C", str(tmp_path), "fetch", "--api-base", hn.api_base, "100", "200"]) == 0
    out = capsys.readouterr().out.splitlines()
    threads = Path("content", "threads")
    assert (f'fetched 100 "Story 100 & friends": 3 comments (new) -> {threads / "100.yaml"}'
            in out)
    assert (f'fetched 200 "Story 200 & friends": 4 comments (new) -> {threads / "200.yaml"}'
            in out)


def test_bars_with_eta_in_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR"):  # rich: a terminal
        monkeypatch.setenv(name, "1")
    project_at(tmp_path)
    with FakeHN(synthetic_thread(100, comments=30), latency=0.04) as hn:
        assert main(["-C", str(tmp_path), "fetch", "--concurrency", "2",
                     "--api-base", hn.api_base, "100"]) == 0
    captured = capsys.readouterr()
    assert re.search(r"100 .*\d+/30", captured.err) and "ETA" in captured.err
    assert 'fetched 100 "Story 100 & friends": 30 comments (new)' in captured.out


def test_the_read_timeout_is_short_by_default() -> None:
    args = make_parser().parse_args(["fetch"])
    assert args.timeout == 10.0


def test_a_result_line_names_what_was_written(tmp_path: Path) -> None:
    from hnmatome.cli.fetch import result_line

    result = ThreadResult(100, tmp_path / "content" / "threads" / "100.yaml", 3, "A [b]")
    assert result_line(result, tmp_path) == (
        f'fetched 100 "A [b]": 3 comments (new) -> {Path("content", "threads", "100.yaml")}')
