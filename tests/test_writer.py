"""writer.py, the one module that writes files: atomic replacement, no temp litter, path claims."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hnmatome.core import writer
from hnmatome.core.errors import UserError
from hnmatome.core.writer import (
    OutputTree,
    atomic_write_bytes,
    replace_if_unchanged,
    staged_directory,
    wait_for_cleanups,
    write_if_changed,
)


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.yaml"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(writer.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_atomic_write_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "queue.txt"
    target.write_bytes(b"1\n")
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"2\n")
    assert target.read_bytes() == b"2\n" and target.stat().st_mode & 0o777 == 0o640


def test_write_if_changed_leaves_identical_files_alone(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    assert write_if_changed(target, b"<p>x</p>")
    inode = target.stat().st_ino
    assert not write_if_changed(target, b"<p>x</p>")
    assert target.stat().st_ino == inode
    assert write_if_changed(target, b"<p>y</p>") and target.read_bytes() == b"<p>y</p>"


def test_replace_if_unchanged_refuses_when_someone_edited_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"read by the tool")
    target.write_bytes(b"edited by a person")
    assert not replace_if_unchanged(target, b"read by the tool", b"merged")
    assert target.read_bytes() == b"edited by a person"
    assert replace_if_unchanged(target, b"edited by a person", b"merged")
    assert target.read_bytes() == b"merged"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_two_outputs_claiming_one_path_is_an_error_naming_both(tmp_path: Path) -> None:
    tree = OutputTree(tmp_path)
    tree.write("posts/x/index.html", b"a", "content/posts/x.md")
    with pytest.raises(UserError) as caught:
        tree.write("posts/x/index.html", b"b", "content/posts/x/index.md")
    message = str(caught.value)
    assert "content/posts/x.md" in message and "content/posts/x/index.md" in message
    assert (tmp_path / "posts/x/index.html").read_bytes() == b"a"


def test_an_output_cannot_escape_the_output_directory(tmp_path: Path) -> None:
    tree = OutputTree(tmp_path / "public")
    with pytest.raises(UserError, match="outside the output directory"):
        tree.write("../evil.html", b"x", "a template")
    assert not (tmp_path / "evil.html").exists()


@pytest.mark.parametrize("first, second", [("a/b", "a/b/index.html"), ("a/b/index.html", "a/b")])
def test_a_file_where_a_folder_must_be_names_both_outputs(tmp_path: Path, first: str,
                                                          second: str) -> None:
    tree = OutputTree(tmp_path)
    tree.write(first, b"1", "first.md")
    with pytest.raises(UserError, match="one as a file, one as a folder") as caught:
        tree.write(second, b"2", "second.md")
    assert "first.md" in str(caught.value) and "second.md" in str(caught.value)
    assert (tmp_path / first).read_bytes() == b"1"


def test_two_trees_writing_one_staging_directory_share_its_folders(tmp_path: Path) -> None:
    # workers each have a tree over the same staging directory: a folder the other made is fine
    one, two = OutputTree(tmp_path), OutputTree(tmp_path)
    one.write("posts/2025_01/a/index.html", b"a", "a.md")
    two.write("posts/2025_01/b/index.html", b"b" * 100_000, "b.md")
    two.write("posts/2025_01/a/extra.txt", b"", "c.md")
    assert (tmp_path / "posts/2025_01/a/index.html").read_bytes() == b"a"
    assert (tmp_path / "posts/2025_01/b/index.html").read_bytes() == b"b" * 100_000
    assert (tmp_path / "posts/2025_01/a/extra.txt").read_bytes() == b""
    assert one.files_written == 1 and two.files_written == 2


def test_a_replaced_output_tree_is_deleted_by_a_process_of_its_own(tmp_path: Path) -> None:
    target = tmp_path / "public"
    for number in range(2):
        with staged_directory(target) as stage:
            OutputTree(stage).write("index.html", str(number).encode(), "x.md")
    remover = writer._cleanups[-1]
    assert remover.pid != os.getpid()
    wait_for_cleanups()
    assert remover.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
    assert (target / "index.html").read_bytes() == b"1"


def test_staged_changes_move_flat_staged_files_into_place(tmp_path: Path) -> None:
    site = tmp_path / "public"
    (site / "tags" / "old").mkdir(parents=True)
    (site / "index.html").write_text("old home")
    (site / "tags" / "old" / "index.html").write_text("gone soon")
    kept = os.stat(site / "index.html")
    with writer.staged_changes(site) as changes:
        tree = OutputTree(changes.root, flat=True)
        written = tree.write("index.html", b"new home", "home")
        tree.write("posts/new/index.html", b"new post", "post")
        assert os.path.dirname(written) == str(changes.root)  # no folders while staging
        changes.written = ["index.html", "posts/new/index.html"]
        changes.removed = ["tags/old/index.html"]
    assert (site / "index.html").read_text() == "new home"
    assert (site / "posts" / "new" / "index.html").read_text() == "new post"
    assert not (site / "tags" / "old").exists() and (site / "tags").exists() is False
    wait_for_cleanups()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]
    assert os.stat(site / "index.html").st_ino != kept.st_ino


def test_a_folder_in_the_way_of_a_staged_change_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "public"
    (site / "feed.xml").mkdir(parents=True)
    (site / "index.html").write_text("home")
    with pytest.raises(UserError, match="folder is in the way"), \
            writer.staged_changes(site) as changes:
        OutputTree(changes.root, flat=True).write("feed.xml", b"<rss/>", "feed")
        changes.written = ["feed.xml"]
    assert (site / "feed.xml").is_dir() and (site / "index.html").read_text() == "home"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]
