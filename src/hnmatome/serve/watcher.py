"""Watching the files a site is built from (watchfiles), feeding batches of changed paths to
one callback, one batch at a time.

watchfiles groups a burst of events (an editor's save dance, a `git checkout`) and yields once
nothing new arrived for STEP_MS. While a rebuild runs, new changes wait in a queue and are
taken together, so a burst never queues a rebuild per file."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

STEP_MS = 30  # quiet time that ends a burst of events
MAX_BURST_MS = 1600  # the longest a continuous burst is held back


class SiteWatcher:
    """Calls `on_change(paths)` from one thread, with every path changed since the last call.
    `folders` are watched recursively, `files` (pyproject.toml) through their folder, so an
    editor that saves by renaming a new file into place is still seen."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path],
                 on_change: Callable[[set[Path]], None], *, poll: bool = False) -> None:
        self.folders = [folder for folder in folders if folder.is_dir()]
        self.files = {file.absolute() for file in files}
        self.on_change = on_change
        self.poll = poll
        self._stop = threading.Event()
        self._changes: queue.Queue[set[Path]] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        watches: list[tuple[list[Path], bool]] = []
        if self.folders:
            watches.append((self.folders, True))
        if self.files:
            watches.append((sorted({file.parent for file in self.files}), False))
        for paths, recursive in watches:
            self._spawn(self._watch, paths, recursive)
        self._spawn(self._deliver)

    def stop(self) -> None:
        self._stop.set()
        self._changes.put(set())
        for thread in self._threads:
            thread.join(timeout=10)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True,
                                  name=f"hnmatome-{target.__name__.strip('_')}")
        thread.start()
        self._threads.append(thread)

    def _watch(self, paths: list[Path], recursive: bool) -> None:
        for changes in watchfiles.watch(*paths, step=STEP_MS, debounce=MAX_BURST_MS,
                                        stop_event=self._stop, recursive=recursive,
                                        force_polling=self.poll or None,
                                        poll_delay_ms=100, raise_interrupt=False):
            found = {Path(path) for _, path in changes}
            if not recursive:
                found &= self.files
            if found:
                self._changes.put(found)

    def _deliver(self) -> None:
        while not self._stop.is_set():
            batch = self._changes.get()
            while True:
                try:
                    batch |= self._changes.get_nowait()
                except queue.Empty:
                    break
            if batch and not self._stop.is_set():
                self.on_change(batch)
