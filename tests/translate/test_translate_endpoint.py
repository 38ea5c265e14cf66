"""Which endpoints need a key, and what happens without one: a remote endpoint stops the run at
once, before anything is sent; a local one (Ollama, llama.cpp, vLLM on this machine or the
LAN) needs none; `--dry-run` sends nothing, so it needs none either."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import FakeLLM
from translate_support import THREAD_ID, load, make_project

from hnmatome.cli import main
from hnmatome.core.project import open_project
from hnmatome.translate import run as run_module
from hnmatome.translate.endpoint import is_local_endpoint

REMOTE = "http://203.0.113.9/v1"  # TEST-NET-3: not local, and nothing answers there


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HNMATOME_LLM_API_KEY", "HNMATOME_LLM_BASE_URL", "HNMATOME_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.mark.parametrize("url", [
    "http://localhost:11434/v1", "http://LOCALHOST:8080/v1", "http://127.0.0.1:8000/v1",
    "http://127.1.2.3/v1", "http://[::1]:11434/v1", "http://gpu-box.local:11434/v1",
    "http://ollama.localhost/v1", "http://192.168.1.20:11434/v1", "http://10.0.0.7/v1",
    "http://172.20.1.1:8000/v1", "http://100.101.102.103:11434/v1",  # Tailscale (CGNAT)
    "http://[fd12:3456::1]:8080/v1", "http://169.254.10.1/v1", "http://0.0.0.0:11434/v1",
    "http://[::ffff:192.168.0.9]/v1",
])
def test_local_endpoints(url: str) -> None:
    assert is_local_endpoint(url)


@pytest.mark.parametrize("url", [
    "https://api.openai.com/v1", "https://generativelanguage.googleapis.com/v1beta/openai",
    "http://203.0.113.9/v1", "http://8.8.8.8/v1", "http://172.32.0.1/v1",
    "http://localhost.example.com/v1", "http://mylocal/v1", "http://[2001:db8::1]/v1",
    "not a url",
])
def test_remote_endpoints(url: str) -> None:
    assert not is_local_endpoint(url)


@pytest.fixture
def nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a client is made: a request would have gone out (and the tests must
    stay offline)."""
    def no_client(*args: object, **kwargs: object) -> None:
        raise AssertionError("a client was made: something would have been sent")

    monkeypatch.setattr(run_module, "LLMClient", no_client)


def test_no_key_for_a_remote_endpoint_stops_before_any_request(
    tmp_path: Path, no_key: None, nothing_sent: None, capsys: pytest.CaptureFixture[str],
) -> None:
    make_project(tmp_path, REMOTE, timeout=0.2, max_retries=0)
    started = time.monotonic()
    assert main(["-C", str(tmp_path), "translate"]) == 1
    assert time.monotonic() - started < 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ")
    assert "HNMATOME_LLM_API_KEY" in captured.err and REMOTE in captured.err
    assert "http://localhost:11434/v1" in captured.err  # how to use a local model instead
    assert "Traceback" not in captured.err
    assert load(open_project(tmp_path))["title_ja"] == ""


def test_the_default_endpoint_without_a_key_is_refused_at_once(
    tmp_path: Path, no_key: None, nothing_sent: None, capsys: pytest.CaptureFixture[str],
) -> None:
    make_project(tmp_path, "https://api.openai.com/v1")
    started = time.monotonic()
    assert main(["-C", str(tmp_path), "translate", "-q"]) == 1
    assert time.monotonic() - started < 2  # no retries, no DNS lookups
    err = capsys.readouterr().err
    assert "no API key" in err and "HNMATOME_LLM_API_KEY" in err


def test_a_local_endpoint_needs_no_key(tmp_path: Path, no_key: None,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with FakeLLM() as fake:
        make_project(tmp_path, fake.url)
        assert main(["-C", str(tmp_path), "translate", "-q"]) == 0
    assert "Authorization" not in fake.seen[0].headers
    assert load(open_project(tmp_path))["title_ja"]
    capsys.readouterr()


def test_dry_run_needs_no_key(tmp_path: Path, no_key: None, nothing_sent: None,
                              capsys: pytest.CaptureFixture[str]) -> None:
    make_project(tmp_path, REMOTE)
    assert main(["-C", str(tmp_path), "translate", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{THREAD_ID}: title_ja and tags" in out and REMOTE in out
    assert "note: HNMATOME_LLM_API_KEY is not set" in out  # what a real run would say
