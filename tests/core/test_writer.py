"""writer.py, the one module that writes files: atomic replacement, no temp litter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hnmatome.core import writer
from hnmatome.core.writer import atomic_write_bytes, replace_if_unchanged, write_if_changed


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
