"""Read-merge-write of one thread file during a translate run: each accepted answer is merged
into the file as it is on disk at that moment, so a person editing it meanwhile loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.writer import replace_if_unchanged

MERGE_TRIES = 5  # re-merges when a person keeps saving the file while we save it

Change = Callable[[dict[str, Any]], Any]


class ThreadFile:
    """Read-merge-write of one thread file, serialised, batched and off the event loop.

    Each change is applied to the file as it is on disk at that moment, so what a person saved
    meanwhile is kept. Changes that arrive while a save is running all go into the next save,
    so a slow disk or a big file never holds up the requests in flight."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()
        self._pending: list[tuple[Change, asyncio.Future[Any]]] = []

    async def apply(self, change: Change) -> Any:
        """Apply `change` (it returns what it did, and a falsy value if it changed nothing)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((change, future))
        await self.flush()
        return await future

    async def flush(self) -> None:
        """Save every change still waiting. A run that stops early calls this too: a chunk
        cancelled while it waited for the lock has had its answer accepted, and must not lose it."""
        async with self._lock:
            batch, self._pending = self._pending, []
            try:
                if batch:
                    results = await asyncio.to_thread(self._merge, [c for c, _ in batch])
                    for (_, waiting), result in zip(batch, results, strict=True):
                        if not waiting.done():
                            waiting.set_result(result)
            except Exception as exc:
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.set_exception(exc)
            finally:
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.cancel()

    def _merge(self, changes: list[Change]) -> list[Any]:
        for _ in range(MERGE_TRIES):
            before = self._read()
            thread = thread_yaml.loads(before.decode("utf-8"), self.path)
            results = [change(thread) for change in changes]
            if not any(results):
                return results
            # Someone saved between our read and our write: merge again into their version.
            if replace_if_unchanged(self.path, before, thread_yaml.dumps(thread).encode("utf-8")):
                return results
        raise UserError("the thread file kept changing while translate tried to save it",
                        self.path, hint="run `hnmatome translate` again once it is saved")

    def _read(self) -> bytes:
        try:
            data = self.path.read_bytes()
            data.decode("utf-8")
        except FileNotFoundError as exc:
            raise UserError("the thread file disappeared during the run", self.path,
                            hint="fetch it again with `hnmatome fetch <id>`") from exc
        except UnicodeDecodeError as exc:
            raise UserError("thread file is not UTF-8", self.path) from exc
        return data
