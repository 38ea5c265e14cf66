"""`hnmatome translate` from the command line: dry run, exit codes, user errors, env vars."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import FakeLLM, Rewrite, cyrillic_for
from translate_support import API_KEY, THREAD_ID, comment_ids, load, make_project

from hnmatome.cli import main
from hnmatome.core.project import open_project

IDS = comment_ids()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        monkeypatch.setenv("HNMATOME_LLM_BASE_URL", server.url)
        monkeypatch.setenv("HNMATOME_LLM_API_KEY", API_KEY)
        monkeypatch.setenv("HNMATOME_LLM_MODEL", "env-model")
        yield server


def project_dir(tmp_path: Path, **llm: object) -> Path:
    make_project(tmp_path, "http://127.0.0.1:9/unused", **llm)  # the env var must win
    return tmp_path


def test_dry_run_sends_nothing_and_shows_requests_and_tokens(
    tmp_path: Path, fake: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project_dir(tmp_path)
    before = (root / "content" / "threads" / f"{THREAD_ID}.yaml").read_bytes()
    assert main(["-C", str(root), "translate", "--dry-run", "-v"]) == 0
    out = capsys.readouterr().out
    assert fake.seen == []
    assert (root / "content" / "threads" / f"{THREAD_ID}.yaml").read_bytes() == before
    assert f"{THREAD_ID}: title_ja and tags, 6 comments in 2 chunks: 3 requests" in out
    assert "env-model" in out and "prompt tokens" in out and "total: 3 requests" in out
    assert '"response_format"' in out  # -v prints the bodies


def test_translate_all_and_summary(tmp_path: Path, fake: FakeLLM,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = project_dir(tmp_path)
    assert main(["-C", str(root), "translate"]) == 0
    out = capsys.readouterr().out
    assert "translated: 6 comments, 1 title and 1 tag list in 1 thread" in out
    assert "requests: 3 (retries 0, re-asks 0, splits 0); tokens: 300 prompt + 60 completion" in out
    assert {s.body["model"] for s in fake.seen} == {"env-model"}
    assert main(["-C", str(root), "translate", str(THREAD_ID)]) == 0
    assert "nothing to translate" in capsys.readouterr().out


def test_a_failed_comment_makes_the_exit_code_non_zero(
    tmp_path: Path, fake: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.add(Rewrite(cyrillic_for(IDS[0])), comment_id=IDS[0], times=None)
    root = project_dir(tmp_path, chunk_size=1)
    assert main(["-C", str(root), "translate", "-q"]) == 1
    out = capsys.readouterr().out
    assert f"failed: 1 (left untranslated)\n  {THREAD_ID} comment {IDS[0]}: " in out
    assert "CYRILLIC" in out
    assert "ja" not in load(open_project(root))["comments"][0]


@pytest.mark.parametrize("argv, message", [
    (["translate", "999"], "thread file not found"),
    (["translate", "--only", "12,x"], "--only: 'x' is not a comment id"),
    (["translate", "--only", "777"], "--only: no comment [777]"),
    (["translate", "not-an-id"], "is not a Hacker News item id"),
])
def test_user_errors(tmp_path: Path, fake: FakeLLM, capsys: pytest.CaptureFixture[str],
                     argv: list[str], message: str) -> None:
    root = project_dir(tmp_path)
    assert main(["-C", str(root), *argv]) == 1
    assert message in capsys.readouterr().err
    assert fake.seen == []


def test_broken_yaml_is_reported_before_anything_is_sent(
    tmp_path: Path, fake: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project_dir(tmp_path)
    (root / "content" / "threads" / "5.yaml").write_text("id: 5\ntitle: [oops\n", "utf-8")
    assert main(["-C", str(root), "translate"]) == 1
    err = capsys.readouterr().err
    assert "5.yaml:" in err and "invalid YAML" in err
    assert fake.seen == []


def test_stopped_run_exits_non_zero_with_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project_dir(tmp_path, max_retries=0)
    monkeypatch.setenv("HNMATOME_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens
    assert main(["-C", str(root), "translate", "-q"]) == 1
    out = capsys.readouterr().out
    assert "stopped early: the LLM endpoint failed" in out and "ConnectError" in out
    assert "not done: 6 comments" in out


@pytest.mark.parametrize("setting, message", [
    ({"chunk_size": 0}, "chunk_size = 0 is too small"),
    ({"concurrency": -1}, "concurrency = -1 is too small"),
])
def test_bad_llm_settings_are_named(tmp_path: Path, fake: FakeLLM,
                                    capsys: pytest.CaptureFixture[str],
                                    setting: dict, message: str) -> None:
    root = project_dir(tmp_path, **setting)
    assert main(["-C", str(root), "translate"]) == 1
    err = capsys.readouterr().err
    assert "pyproject.toml" in err and message in err
    assert fake.seen == []


def test_bad_base_url(tmp_path: Path, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HNMATOME_LLM_BASE_URL", "api.openai.com/v1")
    assert main(["-C", str(project_dir(tmp_path)), "translate"]) == 1
    assert "not an http(s) URL" in capsys.readouterr().err
