"""Who may read and write the build cache when.

A command-line build writes its cache in a child process that outlives the command: by then
the site is complete, and only the next build needs the cache (writing it is ~0.15 s of a
one-post rebuild of a big site). The child holds an exclusive lock on `.lock` in the cache
directory until its last file is written, and a build waits for that lock before it reads the
cache, so it never sees a half-written one. Where processes cannot fork (Windows) or the
process runs threads (a dev server, a test runner's helpers), the cache is written in place."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from hnmatome.core.writer import open_lock_file

LOCK_NAME = ".lock"

try:
    import fcntl
except ImportError:  # not POSIX: no detached writers, so nothing to wait for
    fcntl = None  # type: ignore[assignment]


def wait_for_writer(directory: Path) -> None:
    """Return once no process is writing the cache in `directory`."""
    if fcntl is None or not (directory / LOCK_NAME).exists():
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory / LOCK_NAME, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def writing(directory: Path) -> Iterator[None]:
    """Hold the cache's lock while the block writes it (after any detached writer is done)."""
    descriptor = _locked(directory)
    try:
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)


def write_detached(directory: Path, write: Callable[[], object]) -> bool:
    """Run `write` in a child process that outlives this one, holding the cache's lock.
    False when that cannot be done here (then the caller writes in place)."""
    if not hasattr(os, "fork") or fcntl is None or threading.active_count() > 1:
        return False
    descriptor = _locked(directory)
    if descriptor is None:
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    if os.fork() != 0:
        os.close(descriptor)  # the child's copy keeps the lock until it exits
        return True
    code = 1
    try:  # the child: off the terminal, and never back into the caller's code
        os.setsid()
        quiet = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(quiet, stream)
        write()
        code = 0
    finally:
        os._exit(code)


def _locked(directory: Path) -> int | None:
    """A descriptor holding the exclusive lock, or None without locks (or a lock file)."""
    if fcntl is None:
        return None
    try:
        descriptor = open_lock_file(directory / LOCK_NAME)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor
