"""Values computed from files, remembered across runs while the file is unchanged.

A file counts as unchanged while its size, modification time (ns) and inode are (an atomic
replace gives a new inode), once its modification is two seconds old. `convert` and `status`
use it so a run on a big blog where nothing changed reads no thread file and no post: stat
calls only. Kept in .cache/hnmatome/ as JSON; a missing or broken cache file only costs time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hnmatome.core.writer import atomic_write_text

_VERSION = 1


# A file modified this recently may change again within the file system's timestamp
# granularity without its stamp changing ("racy git"), so it is never taken from the cache.
_RACY_NS = 2_000_000_000


def _stamp(path: Path) -> tuple[str, bool]:
    """(stamp, settled): settled is False for a file modified in the last two seconds."""
    stat = path.stat()
    settled = time.time_ns() - stat.st_mtime_ns > _RACY_NS
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}", settled


class StatCache:
    def __init__(self, path: Path | None) -> None:
        """`path` None: remember nothing (every value is computed)."""
        self.path = path
        self._old: dict[str, Any] = self._load() if path else {}
        self._new: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, kind: str, file: Path, compute: Callable[[Path], Any]) -> Any:
        """`compute(file)` (JSON-serialisable), or what it gave last time for the same file."""
        key = f"{kind}:{file}"
        stamp, settled = _stamp(file)
        entry = self._old.get(key)
        if settled and isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp:
            self._new[key] = entry
            return entry[1]
        value = compute(file)
        if settled:
            # A value read from a file still inside the racy window may already be stale by
            # the time a same-size rewrite in the same tick leaves the stamp unchanged.
            self._new[key] = [stamp, value]
        return value

    def save(self, prune: bool = True) -> None:
        """Write the cache. `prune`: this run looked at every file, so keep only what it used
        (entries of deleted files drop out); else keep the old entries too."""
        entries = self._new if prune else {**self._old, **self._new}
        if self.path is None or entries == self._old:
            return
        atomic_write_text(self.path, json.dumps({"version": _VERSION, "entries": entries},
                                                ensure_ascii=False))
