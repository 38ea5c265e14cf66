"""The whole curator's pipeline through the CLI, offline: queue -> fetch (fake HN on 127.0.0.1)
-> translate (fake OpenAI-compatible endpoint on 127.0.0.1) -> publish -> build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_hn import FakeHN, synthetic_thread
from fake_llm import GOOD_TITLE, FakeLLM, good_ja
from selectolax.lexbor import LexborHTMLParser

from hnmatome.cli import main
from hnmatome.core import thread_yaml

STORY = 4267  # comment ids 4268..: fake LLM scores (id % 101) of 26..37 straddle min_score


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    shutil.copytree(repo_root / "templates", root / "templates")
    shutil.copytree(repo_root / "static", root / "static")
    (root / "pyproject.toml").write_text(
        '[tool.hnmatome]\ntitle = "テスト"\nbase_url = "https://example.org/"\n',
        encoding="utf-8")
    return root


def cli(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args])


def test_queue_fetch_translate_publish_build(project: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    items = synthetic_thread(STORY, comments=12)
    with FakeHN(items) as hn, FakeLLM() as llm:
        monkeypatch.setenv("HNMATOME_HN_API", hn.api_base)
        monkeypatch.setenv("HNMATOME_LLM_BASE_URL", llm.url)
        monkeypatch.setenv("HNMATOME_LLM_MODEL", "fake")
        monkeypatch.setenv("HNMATOME_LLM_API_KEY", "test-key")
        assert cli(project, "queue", "add", f"https://news.ycombinator.com/item?id={STORY}") == 0
        assert cli(project, "fetch", "-q") == 0
        assert cli(project, "translate", "-q") == 0

    thread = thread_yaml.load(project / "content" / "threads" / f"{STORY}.yaml")
    assert thread["title_ja"] == GOOD_TITLE
    assert len(thread["comments"]) == 12 and all(c.get("ja") for c in thread["comments"])
    assert (project / "content" / "queue.txt").read_text(encoding="utf-8").strip() == ""

    # A new post is a draft: the build converts it but leaves it out of the site.
    assert cli(project, "build", "-q") == 0
    posts = list((project / "content" / "posts").rglob("index.md"))
    assert len(posts) == 1 and "draft = true" in posts[0].read_text(encoding="utf-8")
    assert not list((project / "public" / "posts").glob("[0-9]*_[0-9]*/*/index.html"))

    assert cli(project, "publish", str(STORY)) == 0
    assert cli(project, "build", "-q") == 0
    built = list((project / "public" / "posts").glob("[0-9]*_[0-9]*/*/index.html"))
    assert len(built) == 1
    page = LexborHTMLParser(built[0].read_text(encoding="utf-8"))
    assert page.css_first("h1").text(strip=True) == GOOD_TITLE
    text = page.body.text() if page.body else ""
    # Curation drops comments the LLM scored under min_score (31) and keeps the rest.
    kept = [c for c in thread["comments"] if c["score"] >= 31]
    dropped = [c for c in thread["comments"] if c["score"] < 31]
    assert kept and dropped
    for comment in kept:
        assert good_ja(comment["id"]) in text
    for comment in dropped:
        assert good_ja(comment["id"]) not in text
    capsys.readouterr()
