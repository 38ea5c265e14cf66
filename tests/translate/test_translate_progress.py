"""What a translate run says while it goes: which request is still waiting (and for how long)
when an endpoint stalls, a progress bar in a terminal, a line per thread otherwise, nothing but
the summary with -q; and a summary that counts what was actually written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import FakeLLM, Slow, Status
from translate_support import (
    API_KEY,
    THREAD_ID,
    comment_ids,
    load,
    make_project,
    run,
    sample_thread,
)

from hnmatome.cli import main
from hnmatome.core.project import open_project

IDS = comment_ids()
OTHER = 5000


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        monkeypatch.setenv("HNMATOME_LLM_BASE_URL", server.url)
        monkeypatch.setenv("HNMATOME_LLM_API_KEY", API_KEY)
        yield server


def two_threads(root: Path, url: str) -> Path:
    make_project(root, url, threads=[sample_thread(), sample_thread(OTHER, comments=2)])
    return root


def test_a_stalled_request_is_named_while_it_waits(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Slow(0.6), comment_id=IDS[3])  # the second chunk: comments 4-6 of the thread
    project = make_project(tmp_path, fake.url, timeout=3.0)
    lines: list[str] = []
    summary = run(project, lines=lines, wait_every=0.1)
    assert summary.ok
    waiting = [line for line in lines if line.startswith("still waiting")]
    assert waiting, lines
    assert re.fullmatch(rf"still waiting for thread {THREAD_ID}, comments 4–6 \(\d+ s\)…",
                        waiting[0])


def test_retries_name_the_request(tmp_path: Path, fake: FakeLLM) -> None:
    fake.add(Status(500), comment_id=IDS[0])
    project = make_project(tmp_path, fake.url)
    lines: list[str] = []
    assert run(project, lines=lines).ok
    assert any(line.startswith(f"retrying: thread {THREAD_ID}, comments 1–3: HTTP 500; "
                               "retry 1/2 in ") for line in lines), lines


def test_a_line_per_thread_when_not_in_a_terminal(
    tmp_path: Path, fake: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    root = two_threads(tmp_path, fake.url)
    assert main(["-C", str(root), "translate"]) == 0
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    title = "Show HN: A tiny database in Rust"
    path = Path("content", "threads")
    assert (f'translated {THREAD_ID} "{title}": 6 comments, title_ja and tags -> '
            f"{path / f'{THREAD_ID}.yaml'}") in out
    assert (f'translated {OTHER} "{title}": 2 comments, title_ja and tags -> '
            f"{path / f'{OTHER}.yaml'}") in out
    assert "comments saved" not in captured.err  # no line per chunk
    assert "translated: 8 comments, 2 titles and 2 tag lists in 2 threads" in captured.out


def test_a_progress_bar_in_a_terminal(tmp_path: Path, fake: FakeLLM,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR"):  # rich: a terminal
        monkeypatch.setenv(name, "1")
    fake.latency = 0.15  # time for the bar to be drawn
    root = two_threads(tmp_path, fake.url)
    assert main(["-C", str(root), "translate"]) == 0
    err = capsys.readouterr().err
    assert re.search(rf"{THREAD_ID}\S* .*\d/7", err), err  # done/total: 6 comments and the title
    assert "ETA" in err
    assert re.search(r"all threads .*\d+/10", err)  # 8 comments and 2 titles


def test_quiet_prints_the_summary_only(tmp_path: Path, fake: FakeLLM,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    fake.add(Status(500), comment_id=IDS[0])
    root = two_threads(tmp_path, fake.url)
    assert main(["-C", str(root), "translate", "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("translated: 8 comments")


def test_the_summary_counts_what_was_written(tmp_path: Path, fake: FakeLLM,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    thread = sample_thread()
    thread["title_ja"] = "人が付けたタイトル"  # a person's title: only the tags are asked for
    make_project(tmp_path, fake.url, threads=[thread])
    assert main(["-C", str(tmp_path), "translate"]) == 0
    out = capsys.readouterr().out
    assert "translated: 6 comments, 0 titles and 1 tag list in 1 thread" in out
    assert f'translated {THREAD_ID} "Show HN: A tiny database in Rust": 6 comments and tags' in out
    saved = load(open_project(tmp_path))
    assert saved["title_ja"] == "人が付けたタイトル" and saved["tags"]
