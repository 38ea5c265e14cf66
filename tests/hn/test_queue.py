from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fake_hn import FakeHN

from hnmatome.cli import main
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.hn.queue_file import add_ids, read_ids, remove_ids

QUEUE = """# threads to translate
42997340  # the rust one

# later
https://news.ycombinator.com/item?id=45395991
"""


def test_read_ids_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "queue.txt"
    path.write_text(QUEUE + "42997340\n", encoding="utf-8")
    assert read_ids(path) == [42997340, 45395991]
    assert read_ids(tmp_path / "missing.txt") == []


def test_a_bad_line_is_named_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "queue.txt"
    path.write_text("1\n\nbanana\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_ids(path)
    assert caught.value.path == path and caught.value.line == 3
    assert "'banana'" in caught.value.message and "#" in (caught.value.hint or "")


def test_every_bad_line_is_reported_at_once(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = project_at(tmp_path) / "content" / "queue.txt"
    path.parent.mkdir()
    path.write_text("1\nbanana\n# note\n2\nitem?id=x  # typo\n\n-5\n", encoding="utf-8")
    with pytest.raises(UserErrors) as caught:
        read_ids(path)
    assert [(e.path, e.line) for e in caught.value.errors] == [(path, 2), (path, 5), (path, 7)]
    assert "'banana'" in caught.value.errors[0].message
    assert "'item?id=x'" in caught.value.errors[1].message
    for command in (["queue", "list"], ["queue", "add", "3"], ["queue", "remove", "1"]):
        assert main(["-C", str(tmp_path), *command]) == 1
        err = capsys.readouterr().err
        for line in (2, 5, 7):
            assert f"{path}:{line}: " in err, command
    assert path.read_text(encoding="utf-8").startswith("1\nbanana\n")  # nothing rewritten


def test_add_appends_and_keeps_every_existing_line(tmp_path: Path) -> None:
    path = tmp_path / "queue.txt"
    path.write_text(QUEUE.rstrip("\n"), encoding="utf-8")  # no final newline
    result = add_ids(path, [7, 42997340, 8, 9], is_fetched=lambda i: i == 9)
    assert result.added == (7, 8)
    assert result.already_queued == (42997340,)
    assert result.already_fetched == (9,)
    assert path.read_text(encoding="utf-8") == QUEUE + "7\n8\n"


def test_add_without_news_does_not_touch_the_file(tmp_path: Path) -> None:
    path = tmp_path / "queue.txt"
    path.write_bytes(QUEUE.encode().replace(b"\n", b"\r\n"))
    before = path.stat().st_mtime_ns
    add_ids(path, [42997340])
    assert path.stat().st_mtime_ns == before


def test_remove_takes_only_the_named_lines(tmp_path: Path) -> None:
    path = tmp_path / "queue.txt"
    path.write_text(QUEUE + "12\n45395991\n", encoding="utf-8")
    assert remove_ids(path, [45395991, 999]) == (45395991,)
    assert path.read_text(encoding="utf-8") == (
        "# threads to translate\n42997340  # the rust one\n\n# later\n12\n")


ADDER = """
import sys
from pathlib import Path
from hnmatome.hn.queue_file import add_ids
for item_id in range(int(sys.argv[2]), int(sys.argv[2]) + 25):
    add_ids(Path(sys.argv[1]), [item_id])
"""


def test_two_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "content" / "queue.txt"
    path.parent.mkdir()
    path.write_text("# shared queue\n", encoding="utf-8")
    workers = [subprocess.Popen([sys.executable, "-c", ADDER, str(path), str(start)])
               for start in (100, 200)]
    assert [worker.wait(60) for worker in workers] == [0, 0]
    ids = read_ids(path)
    assert sorted(ids) == [*range(100, 125), *range(200, 225)]
    assert path.read_text(encoding="utf-8").startswith("# shared queue\n")


# -- the command ---------------------------------------------------------------------------------


def project_at(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.hnmatome]\n", encoding="utf-8")
    return root


def test_queue_add_list_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project_at(tmp_path))
    (tmp_path / "content" / "threads").mkdir(parents=True)
    (tmp_path / "content" / "threads" / "5.yaml").write_text("id: 5\n", encoding="utf-8")
    assert main(["-C", root, "queue", "add", "42997340",
                 "https://news.ycombinator.com/item?id=45395991", "5"]) == 0
    assert main(["-C", root, "queue", "add", "42997340"]) == 0
    out = capsys.readouterr().out
    assert "queued 42997340" in out and "queued 45395991" in out
    assert "skipped 5: already fetched (content/threads/5.yaml)" in out
    assert "skipped 42997340: already queued" in out
    assert main(["-C", root, "queue", "list"]) == 0
    assert capsys.readouterr().out == "42997340\n45395991\n"
    assert main(["-C", root, "queue", "remove", "42997340"]) == 0
    assert read_ids(tmp_path / "content" / "queue.txt") == [45395991]


def test_queue_add_refuses_malformed_ids_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queue = project_at(tmp_path) / "content" / "queue.txt"
    queue.parent.mkdir()
    queue.write_text("1\n", encoding="utf-8")
    assert main(["-C", str(tmp_path), "queue", "add", "2", "item?id=x"]) == 1
    err = capsys.readouterr().err
    assert "'item?id=x' is not a Hacker News item id or item URL" in err
    assert queue.read_text(encoding="utf-8") == "1\n"


def test_queue_add_top(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeHN() as hn:
        hn.topstories = [50, 40, 30, 20, 10]
        monkeypatch.setenv("HNMATOME_HN_API", hn.api_base)
        assert main(["-C", str(project_at(tmp_path)), "queue", "add", "40", "--top", "3"]) == 0
        assert hn.count("/v0/topstories.json") == 1
    assert read_ids(tmp_path / "content" / "queue.txt") == [40, 50, 30]
