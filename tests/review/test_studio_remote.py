"""The studio's actions that reach other servers — translating through the LLM, fetching from
Hacker News — against the fake ones, with their failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_hn import FakeHN, synthetic_thread
from fake_llm import FakeLLM, Status, good_ja, good_score
from studio_support import THREAD_ID, post, request, studio, studio_site, thread

from hnmatome.core import thread_yaml

QUEUED = 41000000


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return studio_site(tmp_path / "site")


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        monkeypatch.setenv("HNMATOME_LLM_BASE_URL", server.url)
        monkeypatch.setenv("HNMATOME_LLM_API_KEY", "test-key")
        yield server


def comments_of(site: Path) -> dict[int, dict]:
    path = site / "content" / "threads" / f"{THREAD_ID}.yaml"
    return {c["id"]: c for c in thread_yaml.load(path)["comments"]}


def test_translating_one_comment_again_replaces_an_edit_with_the_models(
        site: Path, llm: FakeLLM) -> None:
    translate = f"/_studio/api/thread/{THREAD_ID}/translate"
    with studio(site) as server:
        view = thread(server)
        cid = view["comments"][2]["id"]
        edited = post(server, f"/_studio/api/thread/{THREAD_ID}/save",
                      {"base": view["digest"], "comments": {str(cid): {"ja": "私の訳"}}})
        answer = post(server, translate, {"base": edited.json()["digest"], "comment": cid})
        assert answer.status == 200, answer.body
        assert llm.sent_ids() == [cid]
        shown = {c["id"]: c for c in answer.json()["comments"]}[cid]
        assert shown["ja"] == good_ja(cid) and not shown["edited"]
    saved = comments_of(site)[cid]
    assert saved["ja"] == good_ja(cid) and saved["score"] == good_score(cid)
    assert "edited" not in saved and saved["_ja_sha"]


def test_a_failed_translation_changes_nothing(site: Path, llm: FakeLLM) -> None:
    llm.add(Status(400, message="model not found"), times=None)
    path = site / "content" / "threads" / f"{THREAD_ID}.yaml"
    before = path.read_bytes()
    with studio(site) as server:
        view = thread(server)
        answer = post(server, f"/_studio/api/thread/{THREAD_ID}/translate",
                      {"base": view["digest"], "comment": view["comments"][0]["id"]})
        assert answer.status == 502
        assert answer.json()["error"]
    assert path.read_bytes() == before


def test_translate_without_a_key_is_refused_before_anything_is_sent(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HNMATOME_LLM_BASE_URL", "https://llm.example/v1")
    monkeypatch.delenv("HNMATOME_LLM_API_KEY", raising=False)
    with studio(site) as server:
        view = thread(server)
        assert view["can_translate"] is False
        answer = post(server, f"/_studio/api/thread/{THREAD_ID}/translate",
                      {"base": view["digest"], "comment": view["comments"][0]["id"]})
        assert answer.status == 502 and "HNMATOME_LLM_API_KEY" in answer.json()["error"]


def test_translate_what_is_missing(site: Path, llm: FakeLLM) -> None:
    path = site / "content" / "threads" / f"{THREAD_ID}.yaml"
    data = thread_yaml.load(path)
    for comment in data["comments"][:3]:
        del comment["ja"]
    thread_yaml.save(path, data)
    with studio(site) as server:
        answer = post(server, f"/_studio/api/thread/{THREAD_ID}/translate",
                      {"missing": True})
        assert answer.status == 200, answer.body
    assert sorted(llm.sent_ids()) == sorted(c["id"] for c in data["comments"][:3])


def test_fetching_a_queued_thread_from_the_inbox(site: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeHN(synthetic_thread(QUEUED, comments=8)) as hn:
        monkeypatch.setenv("HNMATOME_HN_API", hn.api_base)
        with studio(site) as server:
            answer = post(server, f"/_studio/api/thread/{QUEUED}/fetch", {})
            assert answer.status == 200, answer.body
            assert answer.json()["state"] == "fetched" and answer.json()["counts"]["total"] == 8
            rows = {r["id"]: r for r in request(server, "GET", "/_studio/api/inbox").json()[
                "threads"]}
            assert rows[QUEUED]["state"] == "fetched"
            hn.fail(f"/v0/item/{QUEUED}.json", "500", always=True)
            failed = post(server, f"/_studio/api/thread/{QUEUED}/fetch", {})
            assert failed.status == 502 and failed.json()["error"]
