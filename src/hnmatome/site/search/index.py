"""Full-text search: a Pagefind index of every post.

The searchable part of each post page (its `data-pagefind-body` article: title, tags, comment
texts) is read from the rendered page (text.py: Japanese cut into character pairs) and handed
to the Pagefind binary from PyPI (`pagefind[extended]`) as small scratch pages. Pagefind
writes a static bundle (/pagefind/) that the browser loads in small chunks when a reader opens
the search; static/js/search.js cuts the query the same way.

The index is built in shards of posts (SHARD_POSTS, a post's shard follows from its URL), each
cached under .cache/hnmatome/search/ by a digest of its text, and indexed in parallel: a build
indexes only the shards whose posts' text changed, and the search box merges them. Anything
that stops Pagefind (a missing binary, a crash, a timeout) becomes a warning: the rest of the
site is built as usual and the search box says search is unavailable."""

from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hnmatome.core.writer import (
    ScratchFolder,
    atomic_write_text,
    fresh_directory,
    remove_tree,
    scratch_folder,
)
from hnmatome.site import urls
from hnmatome.site.search.text import SearchRecord

# The language Pagefind files the index under. The text is already cut into words, so the
# index only needs Pagefind to split at spaces, which its English mode does (a Japanese mode
# would cut the pairs again). search.js opens the index under the same name.
INDEX_LANGUAGE = "en"
TIMEOUT_SECONDS = 1800
KEY_VERSION = "6"  # change it when the scratch pages or Pagefind's arguments change
CACHE_FOLDER = "search"
# (not ! or ?: folded from ！？, they also sit inside Japanese sentences, where search.js
# joins them to what follows; a paragraph ending in one gets its " ·")
SENTENCE_ENDS = tuple("。．.」』）)…")
SOURCE = "the search index (Pagefind)"
UNUSED_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.",
                "pagefind-highlight.")
# Pagefind cannot update an index: an edited post is indexed again with its shard only.
# search.js merges the shards listed in SHARDS_FILE into the main bundle.
SHARD_POSTS = 75
MAX_SHARDS = 16
SHARDS_FILE = "shards.json"
SHARD_FOLDER = "shard-{}/"
PREFIX = urls.output_file(urls.SEARCH_BUNDLE).removesuffix("index.html")  # 'pagefind/'


@dataclass(frozen=True)
class SearchReport:
    pages: int  # post pages in the index (0 when none was built)
    seconds: float
    cached: bool  # every shard came from the cache
    warning: str | None = None
    files: tuple[tuple[str, Path], ...] = ()  # site path -> bundle file, for the site


def pagefind_binary() -> Path | None:
    """The Pagefind executable: $PAGEFIND_BINARY_PATH, else the extended binary from PyPI,
    else `pagefind_extended` or `pagefind` on PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        return get_executable()
    except (FileNotFoundError, OSError):  # the binary package is installed but broken
        return None


def _binary_stamp(binary: Path) -> str:
    """The binary by its size and name (not its path or time: a cache restored on another
    machine is still good)."""
    try:
        return f"{binary.name}:{binary.stat().st_size}"
    except OSError:
        return binary.name


def index_key(records: Sequence[SearchRecord], binary: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (KEY_VERSION, INDEX_LANGUAGE, _binary_stamp(binary)):
        digest.update(part.encode() + b"\0")
    for record in records:
        for part in (record.url, record.title, record.date, record.text):
            digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def scratch_page(record: SearchRecord) -> bytes:
    """The page Pagefind reads for one post: the cut text, and the title and date shown
    in results as metadata."""
    title = html.escape(record.title)
    date = f'<p data-pagefind-meta="date:{html.escape(record.date)}"></p>' if record.date else ""
    paragraphs = "".join(f"<p>{html.escape(_closed(line))}</p>"
                         for line in record.content.split("\n") if line.strip())
    return (f'<!doctype html><html lang="{INDEX_LANGUAGE}"><head><meta charset="utf-8">'
            f'<title>{title}</title></head><body><p data-pagefind-meta="title:{title}"></p>'
            f"{date}<main data-pagefind-body>{paragraphs}</main></body></html>").encode()


def _closed(line: str) -> str:
    """A line with a visible end: excerpts run paragraphs together, and Japanese has no
    spaces to tell where one stopped (a lone mark is punctuation, so it is not indexed)."""
    line = line.rstrip()
    return line if line.endswith(SENTENCE_ENDS) else line + " ·"


def _scratch_rel(url: str) -> str:
    return urls.output_file(url) if url.endswith("/") else url.lstrip("/")


def pagefind_command(binary: Path, site_dir: Path, out_dir: Path) -> list[str]:
    return [str(binary), "--site", str(site_dir), "--output-path", str(out_dir),
            "--force-language", INDEX_LANGUAGE, "--quiet"]


def shard_records(records: Sequence[SearchRecord]) -> list[list[SearchRecord]]:
    """`records` in shards of about SHARD_POSTS, by a hash of each post's URL (a post stays
    in its shard while others come and go), in order; empty ones left out."""
    count = max(1, min(MAX_SHARDS, -(-len(records) // SHARD_POSTS)))
    shards: list[list[SearchRecord]] = [[] for _ in range(count)]
    for record in records:
        digest = hashlib.blake2b(record.url.encode(), digest_size=4).digest()
        shards[int.from_bytes(digest, "big") % count].append(record)
    return [shard for shard in shards if shard]


class _PagefindFailed(Exception):
    pass


def _index_shard(binary: Path, folder: Path, records: Sequence[SearchRecord]) -> Path:
    """The bundle of one shard: from the cache, or indexed now into it."""
    bundle = folder / index_key(records, binary)
    if (bundle / "pagefind.js").is_file():
        return bundle
    with fresh_directory(bundle) as fresh, scratch_folder(folder) as scratch:
        _run_pagefind(binary, records, scratch, fresh)
    return bundle


def _run_pagefind(binary: Path, records: Sequence[SearchRecord], scratch: ScratchFolder,
                  bundle: Path) -> None:
    for record in records:
        scratch.write(_scratch_rel(record.url), scratch_page(record))
    try:
        result = subprocess.run(pagefind_command(binary, scratch.root, bundle),
                                capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise _PagefindFailed(f"Pagefind did not finish within {TIMEOUT_SECONDS} s") from exc
    except OSError as exc:
        raise _PagefindFailed(f"cannot run {binary}: {exc.strerror or exc}") from exc
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise _PagefindFailed(f"Pagefind failed (exit {result.returncode}): "
                              + " / ".join(lines[-3:]))
    if not (bundle / "pagefind.js").is_file():
        raise _PagefindFailed("Pagefind finished but wrote no pagefind.js")


def _bundle_files(bundle: Path) -> Iterator[Path]:
    """The bundle's files the site needs: Pagefind's ready-made search UIs (~400 KB) are left
    out, since the site has its own (static/js/search.js)."""
    for folder, dirs, files in os.walk(bundle):
        dirs.sort()
        for name in sorted(files):
            if not name.startswith(UNUSED_FILES):
                yield Path(folder) / name


def _site_files(bundles: list[Path]) -> tuple[tuple[str, Path], ...]:
    """The first shard's bundle under pagefind/ with the list of the others, each of them in
    a folder of its own there."""
    folders = [SHARD_FOLDER.format(number) for number in range(1, len(bundles))]
    atomic_write_text(bundles[0] / SHARDS_FILE, json.dumps(folders) + "\n")
    return tuple((PREFIX + folder + path.relative_to(bundle).as_posix(), path)
                 for folder, bundle in zip(["", *folders], bundles, strict=True)
                 for path in _bundle_files(bundle))


def build_search_index(records: Sequence[SearchRecord], cache_dir: Path,
                       jobs: int) -> SearchReport:
    """The search bundle of `records` (every post, in path order): its files, to be copied
    into the site. Shards not in the cache are indexed, `jobs` at a time. Never raises for
    Pagefind's sake: problems come back as a warning."""
    started = time.perf_counter()
    binary = pagefind_binary()
    if binary is None:
        return SearchReport(0, 0.0, False, "search index not built: the Pagefind binary is "
                            "missing (pip install 'pagefind[extended]'); the site has no search")
    if not records:
        return SearchReport(0, 0.0, True)
    folder = cache_dir / CACHE_FOLDER
    shards = shard_records(records)
    cached = all((folder / index_key(shard, binary) / "pagefind.js").is_file()
                 for shard in shards)
    try:
        with ThreadPoolExecutor(max(1, jobs)) as pool:  # each thread waits on a Pagefind
            bundles = list(pool.map(lambda shard: _index_shard(binary, folder, shard), shards))
    except _PagefindFailed as exc:
        return SearchReport(0, time.perf_counter() - started, False,
                            f"search index not built: {exc}; the site works, but its search "
                            "box says search is unavailable")
    for stale in folder.iterdir():
        if stale not in bundles and not stale.name.startswith("."):
            remove_tree(stale)
    return SearchReport(len(records), time.perf_counter() - started, cached,
                        files=_site_files(bundles))
