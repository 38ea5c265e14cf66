"""Full-text search: a Pagefind index of every post, built after the pages are written.

The searchable part of each post page (its `data-pagefind-body` article: title, tags, comment
texts) is read back from the built HTML, its Japanese cut into bigrams (search_text.py), and
handed to the Pagefind binary from PyPI (`pagefind[extended]`) as small scratch pages.
Pagefind writes a static bundle (/pagefind/) that the browser loads in small chunks when a
reader opens the search; static/js/search.js cuts the query the same way.

Indexing the 1,179-post corpus takes a while, so the index is built in shards of posts
(SHARD_POSTS), each cached under .cache/hnmatome/search/ keyed by its indexed text: a build
indexes again only the shards whose posts' text changed, and the search box merges them.
Pagefind writes each bundle itself, into a fresh cache folder from the writer; copying them
into the site goes through the build's sink like every other output file.
Anything that stops Pagefind (a missing binary, a crash, a timeout) becomes a warning: the rest
of the site is built as usual and the search box says that search is unavailable."""

from __future__ import annotations

import hashlib
import html
import json
import os
import pickle
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hnmatome import urls
from hnmatome.core.writer import (
    ScratchFolder,
    atomic_write_text,
    fresh_directory,
    remove_tree,
    replace_file,
    scratch_folder,
)
from hnmatome.search_text import SearchRecord, page_record

INDEXED_GLOB = "posts/**/*.html"
# The language Pagefind files the index under. The text is already cut into words, so the
# index only needs Pagefind to split at spaces, which its English mode does (a Japanese mode
# would cut the bigrams again). search.js opens the index under the same name.
INDEX_LANGUAGE = "en"
TIMEOUT_SECONDS = 1800
KEY_VERSION = "5"  # bump when the scratch pages or Pagefind's arguments change
CACHE_FOLDER = "search"
RECORDS = ".records"  # the records of the post pages last read (search_records)
PAGES_NOTE = ".pages"  # "<pages_key> <bundle folder> <posts>": the last post pages indexed
SENTENCE_ENDS = tuple("。．.！!？?」』）)…")
SOURCE = "the search index (Pagefind)"
UNUSED_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.",
                "pagefind-highlight.")
# The index is split into shards by post: an edited post is indexed again with its shard only
# (Pagefind cannot update an index; the whole corpus takes half a minute). search.js merges
# the shards listed in SHARDS_FILE into the main bundle (pagefind.mergeIndex).
SHARD_POSTS = 150
MAX_SHARDS = 16
SHARDS_FILE = "shards.json"
SHARD_FOLDER = "shard-{}/"


class BundleSink(Protocol):
    """Where the bundle's files go: writer.OutputTree on a full build, or the build cache's
    sink that replaces only changed files (search_sink.py)."""

    def copy(self, rel: str, src: Path, source: str) -> None: ...


@dataclass(frozen=True)
class SearchReport:
    pages: int  # post pages in the index (0 when none was built)
    seconds: float
    cached: bool  # the bundle came from the cache
    files: int = 0  # files copied into the site
    warning: str | None = None


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
    try:
        stat = binary.stat()
    except OSError:
        return str(binary)
    return f"{binary}:{stat.st_size}:{stat.st_mtime_ns}"


def _post_pages(site_dir: Path) -> list[tuple[str, bytes]]:
    return [(path.relative_to(site_dir).as_posix(), path.read_bytes())
            for path in sorted(site_dir.glob(INDEXED_GLOB))]


RecordTable = dict[str, tuple[bytes, "SearchRecord | None"]]  # rel -> (page digest, record)


def search_records(site_dir: Path, pages: list[tuple[str, bytes]] | None = None,
                   known: RecordTable | None = None) -> list[SearchRecord]:
    """The searchable text of every post page under `site_dir`, in path order. `known`: the
    records of pages read before, by their bytes (updated; a page is parsed only when new)."""
    records = []
    known = {} if known is None else known
    for rel, data in pages if pages is not None else _post_pages(site_dir):
        digest = hashlib.blake2b(data, digest_size=16).digest()
        hit = known.get(rel)
        if hit is not None and hit[0] == digest:
            record = hit[1]
        else:
            record = page_record(data.decode("utf-8"), "/" + rel.removesuffix("index.html"))
            known[rel] = (digest, record)
        if record is not None:
            records.append(record)
    return records


def _record_table(cache_dir: Path) -> RecordTable:
    try:
        found = pickle.loads((cache_dir / CACHE_FOLDER / RECORDS).read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError):
        return {}
    return found[1] if isinstance(found, tuple) and found[0] == KEY_VERSION else {}


def _save_record_table(cache_dir: Path, table: RecordTable, pages: list[tuple[str, bytes]]) -> None:
    current = {rel for rel, _ in pages}
    kept = {rel: entry for rel, entry in table.items() if rel in current}
    replace_file(cache_dir / CACHE_FOLDER / RECORDS,
                 pickle.dumps((KEY_VERSION, kept), protocol=pickle.HIGHEST_PROTOCOL))


def pages_key(pages: list[tuple[str, bytes]], binary: Path) -> str:
    """A hash of the post pages' bytes: when it is one seen before, the indexed text is known
    without parsing a thousand pages again."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (KEY_VERSION, INDEX_LANGUAGE, _binary_stamp(binary)):
        digest.update(part.encode() + b"\0")
    for rel, data in pages:
        digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def index_key(records: Iterable[SearchRecord], binary: Path) -> str:
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


def _run_pagefind(binary: Path, records: list[SearchRecord], scratch: ScratchFolder,
                  bundle: Path) -> str | None:
    """Index `records` into `bundle`; the reason it failed, or None."""
    for record in records:
        scratch.write(_scratch_rel(record.url), scratch_page(record))
    try:
        result = subprocess.run(pagefind_command(binary, scratch.root, bundle),
                                capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"Pagefind did not finish within {TIMEOUT_SECONDS} s"
    except OSError as exc:
        return f"cannot run {binary}: {exc.strerror or exc}"
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return f"Pagefind failed (exit {result.returncode}): " + " / ".join(lines[-3:])
    if not (bundle / "pagefind.js").is_file():
        return "Pagefind finished but wrote no pagefind.js"
    return None


class _PagefindFailed(Exception):
    pass


def shard_records(records: list[SearchRecord]) -> list[list[SearchRecord]]:
    """`records` in shards of about SHARD_POSTS, by a hash of each post's URL (a post stays
    in its shard while others come and go), in order; empty ones left out."""
    count = max(1, min(MAX_SHARDS, -(-len(records) // SHARD_POSTS)))
    shards: list[list[SearchRecord]] = [[] for _ in range(count)]
    for record in records:
        digest = hashlib.blake2b(record.url.encode(), digest_size=4).digest()
        shards[int.from_bytes(digest, "big") % count].append(record)
    return [shard for shard in shards if shard]


def _cached_bundle(cache_dir: Path, key: str, binary: Path,
                   records: list[SearchRecord]) -> tuple[Path, bool] | str:
    """(bundle folder, came from cache) or the reason there is none."""
    folder = cache_dir / CACHE_FOLDER
    bundle = folder / key
    if (bundle / "pagefind.js").is_file():
        return bundle, True
    try:
        with fresh_directory(bundle) as fresh, scratch_folder(folder) as scratch:
            reason = _run_pagefind(binary, records, scratch, fresh)
            if reason:
                raise _PagefindFailed(reason)  # the half-written folder goes too
    except _PagefindFailed as exc:
        return str(exc)
    return bundle, False


def _drop_stale(cache_dir: Path, bundles: list[Path]) -> None:
    keep = {bundle.name for bundle in bundles}
    for stale in (cache_dir / CACHE_FOLDER).iterdir():
        if stale.name not in keep and not stale.name.startswith("."):
            remove_tree(stale)


def _bundle_files(bundle: Path) -> Iterator[Path]:
    """The bundle's files the site needs: Pagefind's ready-made search UIs (~400 KB) are left
    out, since the site has its own (static/js/search.js)."""
    for folder, dirs, files in os.walk(bundle):
        dirs.sort()
        for name in sorted(files):
            if not name.startswith(UNUSED_FILES):
                yield Path(folder) / name


def _copy_bundles(sink: BundleSink, bundles: list[Path]) -> int:
    """The first shard's bundle under pagefind/ with the list of the others, each of them in
    a folder of its own there."""
    prefix = urls.output_file(urls.SEARCH_BUNDLE).removesuffix("index.html")
    folders = [SHARD_FOLDER.format(number) for number in range(1, len(bundles))]
    atomic_write_text(bundles[0] / SHARDS_FILE, json.dumps(folders) + "\n")
    copied = 0
    for folder, bundle in zip(["", *folders], bundles, strict=True):
        for path in _bundle_files(bundle):
            sink.copy(prefix + folder + path.relative_to(bundle).as_posix(), path, SOURCE)
            copied += 1
    return copied


def add_search_index(sink: BundleSink, site_dir: Path, language: str,
                     cache_dir: Path) -> SearchReport:
    """Index the post pages already written under `site_dir` and copy the bundle into the
    site (through `sink`, under pagefind/). Never raises for Pagefind's sake: problems come
    back as a warning. (`language` is the site's; the index itself is language-neutral.)"""
    started = time.perf_counter()

    def report(pages: int, cached: bool = False, files: int = 0,
               warning: str | None = None) -> SearchReport:
        return SearchReport(pages, time.perf_counter() - started, cached, files, warning)

    binary = pagefind_binary()
    if binary is None:
        return report(0, warning="search index not built: the Pagefind binary is missing "
                                 "(pip install 'pagefind[extended]'); the site has no search")
    pages = _post_pages(site_dir)
    known = _known_bundles(cache_dir, pages_key(pages, binary))
    if known is not None:
        bundles, count = known
        return report(count, True, _copy_bundles(sink, bundles))
    table = _record_table(cache_dir)
    records = search_records(site_dir, pages, table)
    _save_record_table(cache_dir, table, pages)
    if not records:
        return report(0)
    bundles, all_cached = [], True
    for shard in shard_records(records):
        found = _cached_bundle(cache_dir, index_key(shard, binary), binary, shard)
        if isinstance(found, str):
            return report(0, warning=f"search index not built: {found}; the site works, "
                                     "but its search box says search is unavailable")
        bundles.append(found[0])
        all_cached = all_cached and found[1]
    _drop_stale(cache_dir, bundles)
    _remember(cache_dir, pages_key(pages, binary), bundles, len(records))
    return report(len(records), all_cached, _copy_bundles(sink, bundles))


def _known_bundles(cache_dir: Path, key: str) -> tuple[list[Path], int] | None:
    """The shards last built from exactly these post pages, if they are still cached."""
    note = cache_dir / CACHE_FOLDER / PAGES_NOTE
    try:
        seen, count, *names = note.read_text(encoding="utf-8").split()
    except (OSError, ValueError):
        return None
    bundles = [cache_dir / CACHE_FOLDER / name for name in names]
    if seen != key or not bundles or not all((b / "pagefind.js").is_file() for b in bundles):
        return None
    return bundles, int(count)


def _remember(cache_dir: Path, key: str, bundles: list[Path], count: int) -> None:
    names = " ".join(bundle.name for bundle in bundles)
    atomic_write_text(cache_dir / CACHE_FOLDER / PAGES_NOTE, f"{key} {count} {names}\n")
