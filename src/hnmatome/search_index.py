"""Full-text search: Pagefind run over the built post pages.

Pagefind's extended binary (PyPI `pagefind[extended]`) splits Japanese text into words, so a
query for 新幹線 finds the posts that contain 新幹線, not every post with 新 in it. It reads
the finished HTML and writes a static bundle (/pagefind/) that the browser loads in small
chunks when a reader opens the search. Only the element marked `data-pagefind-body` (the
post's article) is indexed, so list pages and standalone pages never show up as results.

Indexing the 1,179-post corpus costs about a minute of CPU (the Japanese segmentation), so the
bundle is cached under .cache/hnmatome/search/, keyed by the bytes of the pages it indexes:
a build whose post pages did not change reuses the last bundle.

Pagefind writes its bundle itself, into a fresh cache folder from the writer; copying the
bundle into the site goes through the build's OutputTree like every other output file.
Anything that stops Pagefind (missing binary, crash, timeout) becomes a warning: the rest of
the site is built as usual and the search box says that search is unavailable."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .writer import OutputTree, fresh_directory, remove_tree

INDEXED_GLOB = "posts/**/*.html"
INDEXED_MARK = b"data-pagefind-body"
# Parts of the indexed article that are noise in results (comment timestamps); the templates
# mark their own such parts with data-pagefind-ignore.
EXCLUDED_SELECTORS = ".mq-time"
TIMEOUT_SECONDS = 1800
KEY_VERSION = "1"  # bump when the Pagefind arguments change
CACHE_FOLDER = "search"
SOURCE = "the search index (Pagefind)"


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


def indexed_pages(site_dir: Path) -> Iterator[Path]:
    return (path for path in sorted(site_dir.glob(INDEXED_GLOB)) if path.is_file())


def index_key(site_dir: Path, language: str, binary: Path) -> tuple[str, int]:
    """(key, pages): a hash of everything the bundle depends on, and how many pages carry
    the indexed mark."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (KEY_VERSION, language, EXCLUDED_SELECTORS, _binary_stamp(binary)):
        digest.update(part.encode() + b"\0")
    pages = 0
    for path in indexed_pages(site_dir):
        data = path.read_bytes()
        pages += INDEXED_MARK in data
        digest.update(path.relative_to(site_dir).as_posix().encode() + b"\0")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest(), pages


def pagefind_command(binary: Path, site_dir: Path, out_dir: Path, language: str) -> list[str]:
    return [str(binary), "--site", str(site_dir), "--glob", INDEXED_GLOB,
            "--output-path", str(out_dir), "--force-language", language,
            "--exclude-selectors", EXCLUDED_SELECTORS, "--quiet"]


def _run_pagefind(binary: Path, site_dir: Path, bundle: Path, language: str) -> str | None:
    """Index `site_dir` into `bundle`; the reason it failed, or None."""
    try:
        result = subprocess.run(pagefind_command(binary, site_dir, bundle, language),
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


def _cached_bundle(cache_dir: Path, key: str, binary: Path, site_dir: Path,
                   language: str) -> tuple[Path, bool] | str:
    """(bundle folder, came from cache) or the reason there is none."""
    folder = cache_dir / CACHE_FOLDER
    bundle = folder / key
    if (bundle / "pagefind.js").is_file():
        return bundle, True
    try:
        with fresh_directory(bundle) as fresh:
            reason = _run_pagefind(binary, site_dir, fresh, language)
            if reason:
                raise _PagefindFailed(reason)  # the half-written folder goes too
    except _PagefindFailed as exc:
        return str(exc)
    for stale in folder.iterdir():
        if stale.name != key and not stale.name.startswith("."):
            remove_tree(stale)
    return bundle, False


def _copy_bundle(tree: OutputTree, bundle: Path) -> int:
    prefix = urls.output_file(urls.SEARCH_BUNDLE).removesuffix("index.html")
    copied = 0
    for folder, dirs, files in os.walk(bundle):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            tree.copy(prefix + path.relative_to(bundle).as_posix(), path, SOURCE)
            copied += 1
    return copied


def add_search_index(tree: OutputTree, site_dir: Path, language: str,
                     cache_dir: Path) -> SearchReport:
    """Index the post pages already written under `site_dir` and copy the bundle into the
    site (through `tree`). Never raises for Pagefind's sake: problems come back as a warning."""
    started = time.perf_counter()

    def report(pages: int, cached: bool = False, files: int = 0,
               warning: str | None = None) -> SearchReport:
        return SearchReport(pages, time.perf_counter() - started, cached, files, warning)

    binary = pagefind_binary()
    if binary is None:
        return report(0, warning="search index not built: the Pagefind binary is missing "
                                 "(pip install 'pagefind[extended]'); the site has no search")
    key, pages = index_key(site_dir, language, binary)
    if pages == 0:
        return report(0)
    found = _cached_bundle(cache_dir, key, binary, site_dir, language)
    if isinstance(found, str):
        return report(0, warning=f"search index not built: {found}; the site works, "
                                 "but its search box says search is unavailable")
    bundle, cached = found
    return report(pages, cached, _copy_bundle(tree, bundle))
