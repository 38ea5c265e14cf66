"""The studio's HTTP interface on a running `serve`: what it shows, what it changes, and what
it refuses (other sites, rebinding, stale versions)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from serve_support import page
from site_support import build
from studio_support import THREAD_ID, post, request, studio, studio_site, thread, token_of

from hnmatome.core import thread_yaml

SAVE = f"/_studio/api/thread/{THREAD_ID}/save"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return studio_site(tmp_path / "site")


def thread_file(site: Path) -> Path:
    return site / "content" / "threads" / f"{THREAD_ID}.yaml"


def wait_until(check, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_studio_page_carries_its_token_and_a_strict_policy(site: Path) -> None:
    with studio(site) as server:
        answer = request(server, "GET", "/_studio/")
        assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert len(token_of(server)) > 30
        assert request(server, "GET", "/_studio").status == 301
        assert request(server, "GET", "/_studio/studio.js").status == 200
        assert request(server, "GET", "/_studio/../pyproject.toml").status == 404
    assert not (site / "public" / "_studio").exists()


def test_inbox_lists_queued_and_fetched_threads(site: Path) -> None:
    with studio(site) as server:
        rows = {row["id"]: row for row in request(server, "GET", "/_studio/api/inbox").json()[
            "threads"]}
    assert rows[41000000]["state"] == "queued"
    row = rows[THREAD_ID]
    assert row["state"] == "draft" and row["comments_total"] == 12
    assert row["title_ja"] and row["preview"] and row["preview"].startswith("/posts/")


def test_thread_view_says_why_a_comment_is_not_shown(site: Path) -> None:
    data = thread_yaml.load(thread_file(site))
    data["comments"][1]["score"] = 5
    data["comments"][2]["include"] = False
    thread_yaml.save(thread_file(site), data)
    with studio(site) as server:
        view = thread(server)
    comments = {c["id"]: c for c in view["comments"]}
    low, hidden = comments[data["comments"][1]["id"]], comments[data["comments"][2]["id"]]
    assert not low["shown"] and low["reason"].startswith("score 5 is below")
    assert not hidden["shown"] and hidden["reason"] == "hidden by you"
    assert view["digest"] and view["counts"]["total"] == 12


def test_hiding_a_comment_reaches_the_file_and_the_served_post(site: Path) -> None:
    with studio(site) as server:
        view = thread(server)
        target = view["comments"][0]
        marker = target["ja"].splitlines()[0]
        assert marker in page(server, view["preview"]).text
        answer = post(server, SAVE, {"base": view["digest"],
                                     "comments": {str(target["id"]): {"include": False}}})
        assert answer.status == 200, answer.body
        assert answer.json()["digest"] != view["digest"]
        saved = thread_yaml.load(thread_file(site))
        assert saved["comments"][0]["include"] is False
        wait_until(lambda: marker not in page(server, view["preview"]).text)


def test_editing_the_japanese_marks_the_comment_edited(site: Path) -> None:
    with studio(site) as server:
        view = thread(server)
        cid = view["comments"][3]["id"]
        answer = post(server, SAVE, {"base": view["digest"],
                                     "comments": {str(cid): {"ja": "直した訳", "reviewed": True}}})
        assert answer.status == 200, answer.body
    saved = {c["id"]: c for c in thread_yaml.load(thread_file(site))["comments"]}
    assert saved[cid]["ja"] == "直した訳" and saved[cid]["edited"] is True
    assert saved[cid]["reviewed"] is True


def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing(site: Path) -> None:
    with studio(site) as server:
        view = thread(server)
        path = thread_file(site)
        path.write_text(path.read_text(encoding="utf-8") + "# an editor's note\n",
                        encoding="utf-8")
        before = path.read_bytes()
        answer = post(server, SAVE, {"base": view["digest"],
                                     "comments": {str(view["comments"][0]["id"]):
                                                  {"include": False}}})
        assert answer.status == 409
        body = answer.json()
        assert "changed on disk" in body["error"] and body["thread"]["digest"] != view["digest"]
        assert body["error"].startswith(f"content/threads/{THREAD_ID}.yaml: ")  # as the CLI says
        assert path.read_bytes() == before


@pytest.mark.parametrize("change", [
    {"headers": {"X-Studio-Token": "wrong"}},
    {"headers": {"Origin": "http://evil.example"}},
    {"headers": {"Sec-Fetch-Site": "cross-site"}},
    {"headers": {"Content-Type": "text/plain"}},
    {"host": "evil.example:{port}"},
])
def test_requests_from_elsewhere_are_refused(site: Path, change: dict) -> None:
    with studio(site) as server:
        view = thread(server)
        port = server.url.rsplit(":", 1)[1].strip("/")
        if "host" in change:
            change = {"host": change["host"].format(port=port)}
        answer = post(server, SAVE, {"base": view["digest"], "thread": {"title_ja": "乗っ取り"}},
                      **change)
        assert answer.status == 403
    assert thread_yaml.load(thread_file(site))["title_ja"] != "乗っ取り"


def test_a_rebound_name_cannot_read_the_studio(site: Path) -> None:
    with studio(site) as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        for path in ("/_studio/", f"/_studio/api/thread/{THREAD_ID}", "/_studio/api/inbox"):
            assert request(server, "GET", path, host=f"evil.example:{port}").status == 403
        assert request(server, "GET", "/_studio/", host=f"localhost:{port}").status == 200


def test_publishing_is_refused_while_a_check_finds_an_error(site: Path) -> None:
    data = thread_yaml.load(thread_file(site))
    data["title_ja"] = "Тест タイトル"  # Cyrillic in a title: an error
    thread_yaml.save(thread_file(site), data)
    with studio(site) as server:
        view = thread(server)
        publish = f"/_studio/api/thread/{THREAD_ID}/publish"
        refused = post(server, publish, {"base": view["digest"], "draft": False})
        assert refused.status == 422 and refused.json()["checks"]
        fixed = post(server, SAVE, {"base": view["digest"], "thread": {"title_ja": "テスト"}})
        assert fixed.status == 200, fixed.body
        answer = post(server, publish, {"base": fixed.json()["digest"], "draft": False})
        assert answer.status == 200, answer.body
        assert answer.json()["state"] == "published"
        assert thread_yaml.load(thread_file(site))["draft"] is False
        back = post(server, publish, {"base": answer.json()["digest"], "draft": True})
        assert back.status == 200 and back.json()["state"] == "draft"
    assert thread_yaml.load(thread_file(site))["draft"] is True


def test_the_queue_from_the_inbox(site: Path) -> None:
    with studio(site) as server:
        added = post(server, "/_studio/api/queue",
                     {"add": "https://news.ycombinator.com/item?id=41000001"})
        assert added.status == 200 and 41000001 in {r["id"] for r in added.json()["threads"]}
        assert post(server, "/_studio/api/queue", {"add": "not an id"}).status == 400
        removed = post(server, "/_studio/api/queue", {"remove": 41000000})
        assert 41000000 not in {r["id"] for r in removed.json()["threads"]}
    assert (site / "content" / "queue.txt").read_text(encoding="utf-8").split() == ["41000001"]


def test_served_posts_link_each_card_to_its_comment(site: Path) -> None:
    with studio(site) as server:
        view = thread(server)
        html = page(server, view["preview"]).text
        shown = [str(c["id"]) for c in view["comments"] if c["shown"]]
        assert f'data-thread="{THREAD_ID}"' in html
        assert f'data-comments="{",".join(shown)}"' in html
        assert "preview.js" not in page(server, "/posts/2025_02/alpha/").text
    build(site)
    built = "".join(p.read_text(encoding="utf-8") for p in (site / "public").rglob("*.html"))
    assert "_studio" not in built and "studio-token" not in built


def test_a_studio_on_a_shared_address_only_reads(site: Path) -> None:
    with studio(site, bind="0.0.0.0") as server:
        view = thread(server)
        answer = post(server, SAVE, {"base": view["digest"], "thread": {"title_ja": "x"}})
        assert answer.status == 403 and "--studio-allow-remote" in answer.json()["hint"]
    with studio(site, bind="0.0.0.0", studio_allow_remote=True) as server:
        view = thread(server)
        answer = post(server, SAVE, {"base": view["digest"], "thread": {"title_ja": "共有"}})
        assert answer.status == 200
