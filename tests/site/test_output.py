"""output.py: a build's staging folder, its path claims, and how it moves into place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hnmatome.core.errors import UserError
from hnmatome.site.output import OutputTree, Stage


def test_two_outputs_claiming_one_path_is_an_error_naming_both(tmp_path: Path) -> None:
    tree = OutputTree(tmp_path, flat=False)
    tree.write("posts/x/index.html", b"a", "content/posts/x.md")
    with pytest.raises(UserError) as caught:
        tree.write("posts/x/index.html", b"b", "content/posts/x/index.md")
    message = str(caught.value)
    assert "content/posts/x.md" in message and "content/posts/x/index.md" in message
    assert (tmp_path / "posts/x/index.html").read_bytes() == b"a"


def test_an_output_cannot_escape_the_output_directory(tmp_path: Path) -> None:
    tree = OutputTree(tmp_path / "public", flat=False)
    with pytest.raises(UserError, match="outside the output directory"):
        tree.write("../evil.html", b"x", "a template")
    assert not (tmp_path / "evil.html").exists()


@pytest.mark.parametrize("first, second", [("a/b", "a/b/index.html"), ("a/b/index.html", "a/b")])
def test_a_file_where_a_folder_must_be_names_both_outputs(tmp_path: Path, first: str,
                                                          second: str) -> None:
    tree = OutputTree(tmp_path, flat=False)
    tree.write(first, b"1", "first.md")
    with pytest.raises(UserError, match="one as a file, one as a folder") as caught:
        tree.write(second, b"2", "second.md")
    assert "first.md" in str(caught.value) and "second.md" in str(caught.value)
    assert (tmp_path / first).read_bytes() == b"1"


def test_two_trees_writing_one_staging_directory_share_its_folders(tmp_path: Path) -> None:
    # workers each have a tree over the same staging directory: a folder the other made is fine
    one, two = OutputTree(tmp_path, flat=False), OutputTree(tmp_path, flat=False)
    one.write("posts/2025_01/a/index.html", b"a", "a.md")
    two.write("posts/2025_01/b/index.html", b"b" * 100_000, "b.md")
    two.write("posts/2025_01/a/extra.txt", b"", "c.md")
    assert (tmp_path / "posts/2025_01/a/index.html").read_bytes() == b"a"
    assert (tmp_path / "posts/2025_01/b/index.html").read_bytes() == b"b" * 100_000
    assert (tmp_path / "posts/2025_01/a/extra.txt").read_bytes() == b""


def test_a_full_stage_replaces_the_site_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "public"
    for number in range(2):
        stage = Stage.full(target)
        stage.tree.write("index.html", str(number).encode(), "x.md")
        stage.commit(["index.html"], [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
    assert (target / "index.html").read_bytes() == b"1"


def test_a_discarded_stage_leaves_the_last_site_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "public"
    target.mkdir()
    (target / "index.html").write_text("good")
    stage = Stage.full(target)
    stage.tree.write("index.html", b"half", "x.md")
    stage.discard()
    assert (target / "index.html").read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_staged_changes_move_flat_staged_files_into_place(tmp_path: Path) -> None:
    site = tmp_path / "public"
    (site / "tags" / "old").mkdir(parents=True)
    (site / "index.html").write_text("old home")
    (site / "tags" / "old" / "index.html").write_text("gone soon")
    kept = os.stat(site / "index.html")
    stage = Stage.changes(site)
    written = stage.tree.write("index.html", b"new home", "home")
    stage.tree.write("posts/new/index.html", b"new post", "post")
    assert os.path.dirname(written) == str(stage.root)  # no folders while staging
    assert (site / "index.html").read_text() == "old home"  # nothing moves before commit
    stage.commit(["index.html", "posts/new/index.html"], ["tags/old/index.html"])
    assert (site / "index.html").read_text() == "new home"
    assert (site / "posts" / "new" / "index.html").read_text() == "new post"
    assert not (site / "tags").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]
    assert os.stat(site / "index.html").st_ino != kept.st_ino


def test_a_folder_in_the_way_of_a_staged_change_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "public"
    (site / "feed.xml").mkdir(parents=True)
    (site / "index.html").write_text("home")
    stage = Stage.changes(site)
    stage.tree.write("feed.xml", b"<rss/>", "feed")
    with pytest.raises(UserError, match="folder is in the way"):
        stage.commit(["feed.xml"], [])
    assert (site / "feed.xml").is_dir() and (site / "index.html").read_text() == "home"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_folder_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        with pytest.raises(UserError, match="cannot write"):
            Stage.full(locked / "public")
    finally:
        os.chmod(locked, 0o700)


@pytest.mark.parametrize("where", ["staging", "file", "swap"])
def test_an_output_folder_that_cannot_be_written_is_an_error_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """(Root writes anywhere, so the refusals are made here: what a read-only folder, a full
    disk or a lost permission answers.)"""
    from cache_support import small_site
    from site_support import build

    from hnmatome.site import output

    site = small_site(tmp_path / "site")
    denied = PermissionError(13, "Permission denied")

    def refuse(*args: object, **kwargs: object) -> None:
        raise denied

    if where == "staging":
        monkeypatch.setattr(output.tempfile, "mkdtemp", refuse)
    elif where == "file":
        monkeypatch.setattr(output, "write_new", refuse)
    else:
        monkeypatch.setattr(output.Stage, "_replace_target", refuse)
    with pytest.raises(UserError) as caught:
        build(site, jobs=1)
    assert "Permission denied" in str(caught.value) and caught.value.hint
    assert not [path.name for path in site.iterdir() if path.name.startswith(".public.")]
    assert not (site / "public").exists()


def test_a_build_cache_that_cannot_be_written_is_a_warning_not_an_error(tmp_path: Path) -> None:
    from cache_support import small_site
    from site_support import build

    site = small_site(tmp_path / "site")
    (site / ".cache").write_text("a file where the cache folder goes", encoding="utf-8")
    report = build(site)
    assert any("build cache" in warning for warning in report.warnings)
    assert (site / "public" / "index.html").is_file()
    assert build(site).mode == "full"  # and again: nothing remembered, nothing broken
