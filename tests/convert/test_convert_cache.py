"""The stat cache behind `convert` and `status`: a run where nothing changed reads no file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hnmatome.core.stat_cache import StatCache


def age(path: Path, seconds: int = 10) -> None:
    """Backdate a file so the cache trusts its stamp (recent files are always re-read)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def test_values_are_remembered_until_the_file_changes(tmp_path: Path) -> None:
    data = tmp_path / "a.txt"
    data.write_text("one", encoding="utf-8")
    age(data)
    calls: list[str] = []

    def compute(path: Path) -> str:
        calls.append(path.read_text(encoding="utf-8"))
        return calls[-1].upper()

    first = StatCache(tmp_path / "cache.json")
    assert first.get("k", data, compute) == "ONE"
    first.save()
    second = StatCache(tmp_path / "cache.json")
    assert second.get("k", data, compute) == "ONE"
    assert calls == ["one"]
    data.write_text("two", encoding="utf-8")
    age(data)
    assert StatCache(tmp_path / "cache.json").get("k", data, compute) == "TWO"
    assert calls == ["one", "two"]


def test_a_recently_modified_file_is_always_computed_again(tmp_path: Path) -> None:
    data = tmp_path / "a.txt"
    data.write_text("x", encoding="utf-8")
    cache = StatCache(tmp_path / "cache.json")
    cache.get("k", data, lambda p: 1)
    cache.save()
    assert StatCache(tmp_path / "cache.json").get("k", data, lambda p: 2) == 2


def test_a_value_read_inside_the_racy_window_is_not_remembered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hnmatome.core.stat_cache as stat_cache

    data = tmp_path / "a.txt"
    data.write_text("one", encoding="utf-8")
    stamp = data.stat()
    now = {"ns": stamp.st_mtime_ns + 500_000_000}  # read half a second after the write
    monkeypatch.setattr(stat_cache.time, "time_ns", lambda: now["ns"])
    cache = StatCache(tmp_path / "cache.json")
    assert cache.get("k", data, lambda p: p.read_text(encoding="utf-8")) == "one"
    cache.save()
    # Rewritten in place with the same size within the same timestamp tick: the stamp is
    # what the first read saw, yet its value is stale once the file has settled.
    data.write_text("two", encoding="utf-8")
    os.utime(data, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    now["ns"] = stamp.st_mtime_ns + 10_000_000_000
    fresh = StatCache(tmp_path / "cache.json")
    assert fresh.get("k", data, lambda p: p.read_text(encoding="utf-8")) == "two"


@pytest.mark.parametrize("content", ["not json", '{"version": 99, "entries": {}}', "[]"])
def test_a_broken_cache_file_only_costs_time(tmp_path: Path, content: str) -> None:
    (tmp_path / "cache.json").write_text(content, encoding="utf-8")
    data = tmp_path / "a.txt"
    data.write_text("x", encoding="utf-8")
    age(data)
    assert StatCache(tmp_path / "cache.json").get("k", data, lambda p: 7) == 7


def test_a_partial_run_keeps_the_other_entries(tmp_path: Path) -> None:
    files = [tmp_path / f"{n}.txt" for n in range(2)]
    for path in files:
        path.write_text("x", encoding="utf-8")
        age(path)
    cache = StatCache(tmp_path / "cache.json")
    for path in files:
        cache.get("k", path, lambda p: p.name)
    cache.save()
    partial = StatCache(tmp_path / "cache.json")
    partial.get("k", files[0], lambda p: "again")
    partial.save(prune=False)
    assert StatCache(tmp_path / "cache.json").get("k", files[1], lambda p: "miss") == "1.txt"
    full = StatCache(tmp_path / "cache.json")
    full.get("k", files[0], lambda p: "again")
    full.save(prune=True)
    assert StatCache(tmp_path / "cache.json").get("k", files[1], lambda p: "miss") == "miss"
