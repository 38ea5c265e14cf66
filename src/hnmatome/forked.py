"""Work done in a forked child beside this process's own, for batches too small for a pool
of workers (render_pool.py): one fork, one pipe, no worker setup.

The child inherits everything this process holds, so nothing but its result (pickled, small)
crosses the pipe; it leaves through os._exit, never back into the caller's code. A process
with threads does not fork (a thread could hold a lock the child would then wait on
forever), nor does a system without fork: `can_fork` says so first."""

from __future__ import annotations

import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

Theirs = TypeVar("Theirs")
Mine = TypeVar("Mine")


class ChildFailed(RuntimeError):
    """The child raised (its traceback is the message) or died."""


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class Beside:
    """A forked child at work (`start`); `result` waits for what it returns."""

    def __init__(self, theirs: Callable[[], object]) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        child = os.fork()
        if child == 0:
            os.close(read)
            _serve(theirs, write)
        os.close(write)
        self._read, self._child = read, child
        self._data: bytes | None = None

    def wait(self) -> None:
        """Until the child is gone (its result kept for `result`)."""
        if self._data is None:
            self._data = _read_all(self._read)
            os.waitpid(self._child, 0)

    def result(self) -> Any:
        """What the child's function returned; ChildFailed when it raised or died."""
        self.wait()
        ok, value = pickle.loads(self._data) if self._data else (False, "the child process died")
        if not ok:
            raise ChildFailed(value)
        return value


def start(theirs: Callable[[], object]) -> Beside:
    """`theirs()` run in a forked child from now on (see `can_fork` first)."""
    return Beside(theirs)


def run_beside(theirs: Callable[[], Theirs], mine: Callable[[], Mine]) -> tuple[Theirs, Mine]:
    """(`theirs()` run in a forked child, `mine()` run here meanwhile). Raises ChildFailed
    when the child failed, after `mine` is done; an error of `mine` is raised as it is, once
    the child is gone."""
    beside = start(theirs)
    try:
        own = mine()
    finally:
        beside.wait()
    return beside.result(), own


def _serve(work: Callable[[], object], descriptor: int) -> NoReturn:
    code = 1
    try:
        try:
            payload: tuple[bool, object] = (True, work())
        except BaseException:  # everything goes back to the parent, as text
            payload = (False, traceback.format_exc())
        view = memoryview(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        while view:
            view = view[os.write(descriptor, view):]
        code = 0
    finally:
        os._exit(code)


def _read_all(descriptor: int) -> bytes:
    chunks = []
    try:
        while chunk := os.read(descriptor, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return b"".join(chunks)
