from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fake_hn import (
    FakeHN,
    display_order,
    graft,
    shared_dump_items,
    shared_thread,
    synthetic_thread,
)

from hnmatome.cli import main
from hnmatome.core import thread_yaml
from hnmatome.core.http_retry import RetryPolicy
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.hn.fetch import FetchOptions, QuietProgress, run_fetch
from hnmatome.hn.queue_file import read_ids

FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005)
CLOCK = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def project_at(root: Path, queue: str = "") -> Project:
    (root / "content" / "threads").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.hnmatome]\n", encoding="utf-8")
    if queue:
        (root / "content" / "queue.txt").write_text(queue, encoding="utf-8")
    return Project(root, Settings())


def fetch(project: Project, ids: list[int], hn: FakeHN, **options: Any) -> list:
    settings: dict[str, Any] = {"policy": FAST, "timeout": 2.0, "concurrency": 8, **options}
    opts = FetchOptions(api_base=hn.api_base, web_base=hn.web_base, **settings)
    return run_fetch(project, ids, opts, clock=lambda: CLOCK)


def load(project: Project, item_id: int) -> dict[str, Any]:
    return thread_yaml.load(project.thread_path(item_id))


def test_fetch_writes_the_thread_yaml(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    items = synthetic_thread(100, comments=20, seed=8)
    with FakeHN(items) as hn:
        [result] = fetch(project, [100], hn)
    assert result.ok and result.comments == 20
    text = project.thread_path(100).read_text(encoding="utf-8")
    thread = thread_yaml.loads(text)
    assert list(thread) == ["id", "title", "url", "by", "time", "score", "descendants", "text",
                            "fetched_at", "source", "title_ja", "tags", "comments"]
    assert thread["fetched_at"] == "2025-03-01T12:00:00Z" and thread["source"] == "api"
    assert thread["time"] == "2025-01-27T17:46:40Z"
    comments = thread["comments"]
    assert [(c["id"], c["depth"]) for c in comments] == display_order(items, 100)
    assert all(list(c) == ["id", "parent", "depth", "by", "time", "replies", "text"]
               for c in comments)
    for comment in comments:
        assert comment["parent"] == items[comment["id"]]["parent"]
    first = comments[0]
    assert first["text"] == (
        f"Comment {first['id']}: it's *fine* & \"good\"\n\n"
        f"see https://example.com/very/long/path/to/a/page/{first['id']}")
    assert "\n  text: |-\n" in text  # multi-line text stays readable in the file


def test_queue_drains_and_a_failed_id_stays(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    queue = "# to do\n100\n999\n200  # second\n"
    project = project_at(tmp_path, queue)
    items = {**synthetic_thread(100, comments=3), **synthetic_thread(200, comments=4)}
    with FakeHN(items) as hn:
        monkeypatch.setenv("HNMATOME_HN_API", hn.api_base)
        assert main(["-C", str(tmp_path), "fetch", "-q"]) == 1
    captured = capsys.readouterr()
    assert "item 999 does not exist on Hacker News" in captured.err
    assert captured.out == ""
    assert project.thread_path(100).exists() and project.thread_path(200).exists()
    assert not project.thread_path(999).exists()
    assert project.queue_path.read_text(encoding="utf-8") == "# to do\n999\n"


def test_named_ids_are_fetched_queued_or_not_with_a_summary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_at(tmp_path, "300\n100\n")
    with FakeHN(synthetic_thread(100, comments=3)) as hn:
        code = main(["-C", str(tmp_path), "fetch", "--api-base", hn.api_base,
                     "https://news.ycombinator.com/item?id=100"])
    assert code == 0
    assert 'fetched 100 "Story 100 & friends": 3 comments (new)' in capsys.readouterr().out
    assert read_ids(project.queue_path) == [300]


def test_an_unreadable_queue_does_not_lose_a_fetched_thread(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_at(tmp_path, "100\nnot an id\n")
    with FakeHN(synthetic_thread(100, comments=2)) as hn:
        assert main(["-C", str(tmp_path), "fetch", "-q", "--api-base", hn.api_base, "100"]) == 1
    err = capsys.readouterr().err
    assert "item 100: saved, but the queue could not be updated" in err
    assert "queue.txt:2: 'not an id' is not an item id" in err
    assert project.thread_path(100).exists()
    assert project.queue_path.read_text(encoding="utf-8") == "100\nnot an id\n"


class EditDuringDownload(QuietProgress):
    """A curator saving the file while the comments are still downloading."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def start(self, item_id: int, total: int) -> None:
        self.path.write_text(self.path.read_text(encoding="utf-8").replace(
            "title_ja: ''", "title_ja: 'たった今の訳'"), encoding="utf-8")


def test_an_edit_saved_during_the_download_is_not_overwritten(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    with FakeHN(synthetic_thread(100, comments=5)) as hn:
        fetch(project, [100], hn)
        path = project.thread_path(100)
        opts = FetchOptions(api_base=hn.api_base, policy=FAST, timeout=2.0)
        [result] = run_fetch(project, [100], opts, EditDuringDownload(path))
    assert "changed while the thread was being fetched; nothing was written" in (
        result.error or "")
    assert "title_ja: 'たった今の訳'" in path.read_text(encoding="utf-8")


def test_a_comment_failing_every_try_leaves_no_partial_yaml(tmp_path: Path) -> None:
    project = project_at(tmp_path, "100\n")
    items = synthetic_thread(100, comments=10, seed=2)
    with FakeHN(items) as hn:
        hn.fail(f"/v0/item/{items[100]['kids'][0]}.json", "500", always=True)
        [result] = fetch(project, [100], hn)
    assert not result.ok and "HTTP 500" in (result.error or "")
    assert not project.thread_path(100).exists()
    assert list(project.threads_dir.iterdir()) == []  # not even a temp file
    assert read_ids(project.queue_path) == [100]


def test_a_failed_refetch_leaves_the_old_file_alone(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    items = synthetic_thread(100, comments=5)
    with FakeHN(items) as hn:
        fetch(project, [100], hn)
        before = project.thread_path(100).read_bytes()
        hn.fail("/v0/item/100.json", "timeout", always=True, stall=0.3)
        [result] = fetch(project, [100], hn, timeout=0.1)
    assert not result.ok and "ReadTimeout" in (result.error or "")
    assert project.thread_path(100).read_bytes() == before


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (None, "item 7 does not exist on Hacker News"),
        ({"id": 7, "deleted": True, "time": 1, "type": "story"}, "item 7 was deleted"),
    ],
)
def test_missing_and_deleted_stories_fail_cleanly(tmp_path: Path, item: Any, message: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = project_at(tmp_path, "7\n")
    with FakeHN({7: item}) as hn:
        assert main(["-C", str(tmp_path), "fetch", "--api-base", hn.api_base]) == 1
    err = capsys.readouterr().err
    assert err.count(message) == 1
    assert not project.thread_path(7).exists() and read_ids(project.queue_path) == [7]


def test_malformed_id_fails_before_any_request(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    project_at(tmp_path)
    with FakeHN(synthetic_thread(100, comments=2)) as hn:
        code = main(["-C", str(tmp_path), "fetch", "--api-base", hn.api_base, "100", "10O"])
        assert hn.stats.paths == []
    assert code == 1
    assert "'10O' is not a Hacker News item id" in capsys.readouterr().err


def test_a_base_that_is_not_a_url_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    project_at(tmp_path, "100\n")
    monkeypatch.setenv("HNMATOME_HN_API", "hacker-news.firebaseio.com/v0")
    assert main(["-C", str(tmp_path), "fetch"]) == 1
    assert "$HNMATOME_HN_API 'hacker-news.firebaseio.com/v0' is not an http(s) URL" in (
        capsys.readouterr().err)


def test_unreachable_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_at(tmp_path, "100\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = main(["-C", str(tmp_path), "fetch", "--retries", "0",
                 "--api-base", f"http://127.0.0.1:{port}/v0"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"item 100: could not fetch http://127.0.0.1:{port}/v0/item/100.json" in err
    assert "ConnectError" in err and "hint: check the network connection" in err
    assert list(project.threads_dir.iterdir()) == [] and read_ids(project.queue_path) == [100]


def test_broken_yaml_on_disk_is_reported_and_kept(tmp_path: Path) -> None:
    project = project_at(tmp_path)
    project.thread_path(100).write_text("id: 100\ncomments: [oops\n", encoding="utf-8")
    with FakeHN(synthetic_thread(100, comments=2)) as hn:
        [result] = fetch(project, [100], hn)
        assert hn.stats.paths == []
    assert "invalid YAML" in (result.error or "") and "100.yaml" in (result.error or "")
    assert project.thread_path(100).read_text(encoding="utf-8") == "id: 100\ncomments: [oops\n"


# -- deleted and dead comments ------------------------------------------------------------------


def _deleted_and_dead(items: dict[int, Any], story_id: int, deleted_shape: dict[str, Any],
                      dead_shape: dict[str, Any]) -> tuple[int, int]:
    """Make a top-level comment with replies deleted and a leaf comment dead."""
    deleted = next(k for k in items[story_id]["kids"] if items[k].get("kids"))
    dead = next(k for k, v in items.items()
                if v.get("type") == "comment" and not v.get("kids") and v["parent"] != deleted)
    graft(items, deleted, deleted_shape)
    graft(items, dead, dead_shape)
    return deleted, dead


def _check_deleted_and_dead(tmp_path: Path, items: dict[int, Any], story_id: int,
                            deleted: int, dead: int) -> None:
    project = project_at(tmp_path)
    with FakeHN(items) as hn:
        fetch(project, [story_id], hn)
        plain = load(project, story_id)["comments"]
        fetch(project, [story_id], hn, keep_dead=True)
        kept = load(project, story_id)["comments"]
    ids = [c["id"] for c in plain]
    assert deleted not in ids and dead not in ids
    for kid in items[deleted]["kids"]:
        reply = plain[ids.index(kid)]
        assert reply["parent"] == story_id and reply["depth"] == 0
    order = [i for i, _ in display_order(items, story_id) if i not in (deleted, dead)]
    assert ids == order  # the replies sit where HN shows them
    flagged = [c for c in kept if c.get("dead")]
    assert [c["id"] for c in flagged] == [dead] and flagged[0]["text"]
    assert deleted not in [c["id"] for c in kept]
    for comment in plain:  # the flat list is still a well-formed tree
        parent = next((c for c in plain if c["id"] == comment["parent"]), None)
        assert comment["depth"] == (parent["depth"] + 1 if parent else 0)


def test_deleted_and_dead_comments(tmp_path: Path) -> None:
    items = synthetic_thread(100, comments=30, seed=9)
    deleted_shape = {"deleted": True, "id": 0, "time": 1, "type": "comment"}
    dead_shape = {"by": "spammer", "dead": True, "id": 0, "text": "buy <i>now</i>", "time": 2,
                  "type": "comment"}
    deleted, dead = _deleted_and_dead(items, 100, deleted_shape, dead_shape)
    _check_deleted_and_dead(tmp_path, items, 100, deleted, dead)


@pytest.mark.shared
def test_deleted_and_dead_comments_shaped_like_real_ones(tmp_path: Path,
                                                         shared_dir: Path) -> None:
    story_id, items = shared_thread(shared_dir)
    dump = shared_dump_items(shared_dir)
    deleted_shape = next(i for i in dump if i.get("deleted") and i["type"] == "comment")
    dead_shape = next(i for i in dump if i.get("dead") and i["type"] == "comment")
    deleted, dead = _deleted_and_dead(items, story_id, deleted_shape, dead_shape)
    assert "by" not in items[deleted] and "text" not in items[deleted]
    _check_deleted_and_dead(tmp_path, items, story_id, deleted, dead)


# -- the HTML source ----------------------------------------------------------------------------

COMMENT_FIELDS = ("id", "parent", "depth", "by", "time", "replies", "text")


def _fields(thread: dict[str, Any]) -> list[tuple]:
    return [tuple(c[k] for k in COMMENT_FIELDS) for c in thread["comments"]]


def test_html_source_follows_more_and_matches_the_api(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_at(tmp_path)
    items = synthetic_thread(100, comments=30, seed=10)
    with FakeHN(items, per_page=4) as hn:
        fetch(project, [100], hn)
        from_api = load(project, 100)
        project.thread_path(100).unlink()
        monkeypatch.setenv("HNMATOME_HN_WEB", hn.web_base)
        assert main(["-C", str(tmp_path), "fetch", "-q", "--source", "html", "100"]) == 0
        pages = [p for p in hn.stats.paths if p.startswith("/item")]
    from_html = load(project, 100)
    assert len(pages) > 2 and pages[1] == "/item?id=100&p=2"
    assert from_html["source"] == "html"
    assert _fields(from_html) == _fields(from_api)
    assert {k: from_html[k] for k in ("title", "url", "by", "time", "score", "descendants")} == {
        k: from_api[k] for k in ("title", "url", "by", "time", "score", "descendants")}


@pytest.mark.shared
def test_real_page_and_api_give_the_same_thread(tmp_path: Path, shared_dir: Path) -> None:
    story_id, items = shared_thread(shared_dir)
    page = (shared_dir / "hn" / "hn_item_page_48350598_2026.html").read_text(encoding="utf-8")
    project = project_at(tmp_path)
    with FakeHN(items) as hn:
        hn.pages[story_id] = [page]
        fetch(project, [story_id], hn)
        from_api = load(project, story_id)
        fetch(project, [story_id], hn, source="html")
        from_html = load(project, story_id)
    assert len(from_api["comments"]) == 124
    assert _fields(from_html) == _fields(from_api)
