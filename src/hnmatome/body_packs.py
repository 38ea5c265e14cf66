"""Rendered bodies in pack files (a few dozen files instead of one per post): a pack is
written whole and never changed; a record names its pack, offset and length."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome.core.writer import replace_file

if TYPE_CHECKING:
    from hnmatome.build_cache import BodyRecord

PACK_SUFFIX = ".pack"


class BodyStore:
    """The pack files of one cache directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def pack_writer(self) -> PackWriter:
        return PackWriter(self.directory / f"{secrets.token_hex(8)}{PACK_SUFFIX}")

    def read(self, record: BodyRecord) -> bytes | None:
        """The stored body, or None when its pack is gone or damaged."""
        try:
            with open(self.directory / record.pack, "rb") as handle:
                handle.seek(record.offset)
                data = handle.read(record.length)
        except OSError:
            return None
        return data if hashlib.blake2b(data, digest_size=16).digest() == record.digest else None

    def packs(self) -> list[Path]:
        try:
            return sorted(self.directory.glob(f"*{PACK_SUFFIX}"))
        except OSError:
            return []


class PackWriter:
    """Collects bodies in memory (one job's worth) and writes them as one pack."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, body: bytes) -> tuple[str, int, int]:
        # Stored as they are: compressing ~90 MB of bodies (the corpus) cost 1.5 s of CPU on
        # a cold build, three times what the extra disk writes cost.
        location = (self.path.name, self._size, len(body))
        self._chunks.append(body)
        self._size += len(body)
        return location

    def close(self) -> None:
        if self._chunks:
            replace_file(self.path, b"".join(self._chunks))
            self._chunks = []
