"""A command-line build leaves its cache to a child process; no build reads a cache that is
still being written."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cache_support import small_site

from hnmatome import cache_lock
from hnmatome.build_cache import BuildCache, Manifest

pytestmark = pytest.mark.skipif(cache_lock.fcntl is None, reason="POSIX file locks only")


def _build(site: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hnmatome.cli", "-C", str(site), "build", "--no-search",
         "--no-convert"], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_cache_a_detached_child_writes_serves_the_next_build(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    assert "nothing changed" not in _build(site)
    cache_lock.wait_for_writer(site / ".cache" / "hnmatome" / "build")
    assert (site / ".cache" / "hnmatome" / "build" / "state.pickle").is_file()
    assert "nothing changed" in _build(site)


_HOLD = """
import sys, time
from pathlib import Path
from hnmatome import cache_lock
directory, marker = Path(sys.argv[1]), Path(sys.argv[2])
with cache_lock.writing(directory):
    print("locked", flush=True)
    time.sleep(0.3)
    marker.write_text("written")
"""


def test_reading_waits_for_a_writer_to_finish(tmp_path: Path) -> None:
    directory, marker = tmp_path / "cache" / "build", tmp_path / "marker"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(directory), str(marker)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        cache = BuildCache.open(directory.parent)
        assert cache.manifest(tmp_path / "public") is None  # a read: waits for the lock
        assert marker.read_text() == "written"
    finally:
        holder.wait(timeout=30)


def test_a_process_with_threads_writes_in_place(tmp_path: Path) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not cache_lock.write_detached(tmp_path, lambda: None)
        cache = BuildCache.open(tmp_path)
        cache.set_manifest(tmp_path / "public", Manifest(b"x", pages=3))
        cache.save(detached=True)  # falls back to writing now
        again = BuildCache.open(tmp_path).manifest(tmp_path / "public")
        assert again is not None and again.pages == 3
    finally:
        stop.set()
        other.join()
