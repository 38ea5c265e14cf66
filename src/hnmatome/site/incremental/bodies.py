"""Rendered bodies, kept by content: a body is rendered again only when its page file, the
shortcode templates or the settings changed, or when an answer it read from the site (where
a `ref` points) is no longer the same. (Which posts a `list` shows is rendered with the page:
markup/shortcode_templates.py.)

Bodies are stored in pack files (a few dozen files instead of one per post): a pack is
written whole and never changed; a record names its pack, offset and length."""

from __future__ import annotations

import hashlib
import pickle
import secrets
from dataclasses import dataclass
from pathlib import Path

from hnmatome.core.writer import replace_file
from hnmatome.site.incremental.reads import Key
from hnmatome.site.model import BodyStats, LateShortcode, RenderedBody

PACK_SUFFIX = ".pack"


@dataclass(frozen=True)
class BodyRecord:
    digest: bytes  # of the stored body
    stats: BodyStats
    reads: tuple[tuple[Key, bytes], ...]  # what the body read from the site, with the answers
    pack: str
    offset: int
    length: int
    used: float  # when a build last used it (records unused for long are dropped)
    late: tuple[LateShortcode, ...] = ()  # rendered with the page (their placeholders are in it)


def body_key(environment: bytes, rel: str, source_digest: str) -> bytes:
    """The key of a page's body; `environment`: a digest of the shortcode templates and the
    settings (the code is the cache's own: a new version starts an empty cache)."""
    return hashlib.blake2b(environment + rel.encode("utf-8", "surrogatepass") + b"\0"
                           + source_digest.encode(), digest_size=16).digest()


def encode(body: RenderedBody) -> bytes:
    return pickle.dumps((body.html, body.text, body.comment_count, body.first_comment,
                         body.late), protocol=pickle.HIGHEST_PROTOCOL)


def decode(data: bytes) -> RenderedBody:
    return RenderedBody(*pickle.loads(data))


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class BodyStore:
    """The pack files of one cache directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def pack_writer(self) -> PackWriter:
        return PackWriter(self.directory / f"{secrets.token_hex(8)}{PACK_SUFFIX}")

    def read(self, record: BodyRecord) -> RenderedBody | None:
        """The stored body, or None when its pack is gone or damaged."""
        data = self.read_bytes(record)
        return None if data is None else decode(data)

    def read_bytes(self, record: BodyRecord) -> bytes | None:
        if not record.pack:
            return None  # never stored
        try:
            with open(self.directory / record.pack, "rb") as handle:
                handle.seek(record.offset)
                data = handle.read(record.length)
        except OSError:
            return None
        return data if content_digest(data) == record.digest else None

    def packs(self) -> list[Path]:
        try:
            return sorted(self.directory.glob(f"*{PACK_SUFFIX}"))
        except OSError:
            return []


class PackWriter:
    """Collects bodies in memory (one batch's worth) and writes them as one pack."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, data: bytes) -> tuple[str, int, int]:
        location = (self.path.name, self._size, len(data))
        self._chunks.append(data)
        self._size += len(data)
        return location

    def close(self) -> None:
        if self._chunks:
            replace_file(self.path, b"".join(self._chunks))
            self._chunks = []
