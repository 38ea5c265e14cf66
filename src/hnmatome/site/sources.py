"""What a build reads: every file under content/, templates/ and static/, each with a digest of
its bytes, and which of them are pages.

Digests are remembered with each file's stat stamp (size, mtime, inode) under its path in the
project, so a rebuild reads only the files that changed, and a copied project (or a fresh
checkout, where every stamp is new) reads each file once and finds the same digests. A digest
is remembered only for a file last modified more than two seconds before it was read: a file
changed twice within the file system's timestamp granularity would otherwise keep its stamp
and be mistaken for the first version."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hnmatome.core.project import Project
from hnmatome.core.settings import LLMSettings, Settings
from hnmatome.site.content import BUNDLE_INDEX, SECTION_INDEX, SKIPPED_DIRS

IGNORED_FILES = frozenset({".DS_Store", ".gitkeep", "Thumbs.db"})
RACY_NS = 2_000_000_000
Stamp = tuple[int, int, int]
DigestTable = dict[str, tuple[Stamp, str]]  # project-relative path -> (stamp, digest)


def file_digest(data: bytes) -> str:
    """The digest of a file's bytes (the one SourcePage.source_hash holds)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class SourceFiles:
    """Every input file by its path relative to its folder (posix), with its digest."""

    content: Mapping[str, str]  # every file under content/ but tool data (threads/)
    pages: tuple[str, ...]  # the page sources among them (see page_sources)
    templates: Mapping[str, str]
    static: Mapping[str, str]
    # bytes of the markdown files the scan read, by rel (loading the pages needs them)
    read: Mapping[str, bytes] = dataclasses.field(default_factory=dict, compare=False,
                                                   repr=False)

    def named(self) -> dict[str, str]:
        """Every file's digest under its project path ('content/...', 'static/...')."""
        found = {f"content/{rel}": digest for rel, digest in self.content.items()}
        found.update({f"static/{rel}": digest for rel, digest in self.static.items()})
        found.update({f"templates/{rel}": digest for rel, digest in self.templates.items()})
        return found


class _Scan:
    def __init__(self, root: Path, table: DigestTable) -> None:
        self.root = root
        self.table = table
        self.seen: set[str] = set()
        self.read: dict[str, bytes] = {}

    def folder(self, name: str, skip_top: frozenset[str] = frozenset(),
               ignored: frozenset[str] = frozenset()) -> dict[str, str]:
        """Digest of every file under root/name by its path below it, sorted. Linked folders
        are not followed."""
        found: dict[str, str] = {}
        pending = [("", str(self.root / name))]
        while pending:
            prefix, here = pending.pop()
            try:
                entries = list(os.scandir(here))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.is_dir():
                    if not (prefix == "" and entry.name in skip_top) and not entry.is_symlink():
                        pending.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.name not in ignored:
                    try:
                        found[prefix + entry.name] = self.digest(f"{name}/{prefix}{entry.name}",
                                                                 entry)
                    except FileNotFoundError:
                        continue  # deleted while we looked: the next build sees it gone
        return dict(sorted(found.items()))

    def digest(self, key: str, entry: os.DirEntry[str]) -> str:
        self.seen.add(key)
        stat = entry.stat()
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = self.table.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        with open(entry.path, "rb") as handle:
            data = handle.read()
        digest = file_digest(data)
        if key.endswith(".md"):
            self.read[key.removeprefix("content/")] = data
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            self.table[key] = (stamp, digest)
        else:
            self.table.pop(key, None)
        return digest


def scan_sources(project: Project, table: DigestTable) -> SourceFiles:
    """Every input file of `project`; `table` (the build cache's) is updated: files seen
    now are remembered, files gone are forgotten."""
    scan = _Scan(project.root, table)
    content = scan.folder("content", skip_top=SKIPPED_DIRS)
    templates = scan.folder("templates")
    static = scan.folder("static", ignored=IGNORED_FILES)
    for key in [key for key in table if key not in scan.seen]:
        del table[key]
    return SourceFiles(content=content, pages=page_sources(content), templates=templates,
                       static=static, read=scan.read)


def page_sources(content: Mapping[str, str]) -> tuple[str, ...]:
    """The page files among the files of content/, by the rules of content.content_files
    (a test holds the two to the same answer): Markdown files but section indexes and
    hidden ones, outside hidden folders; a folder with index.md is a leaf bundle whose other
    files and subfolders are resources."""
    bundles = {rel.rsplit("/", 1)[0] for rel in content if rel.endswith("/" + BUNDLE_INDEX)}
    pages = []
    for rel in content:
        if not rel.endswith(".md") or rel.startswith(".") or "/." in rel:
            continue  # not markdown, or in a hidden folder or file
        owner = _outermost_bundle(rel, bundles)
        if owner is not None:
            if rel == f"{owner}/{BUNDLE_INDEX}":
                pages.append(rel)
        elif rel != SECTION_INDEX and not rel.endswith("/" + SECTION_INDEX):
            pages.append(rel)
    return tuple(sorted(pages))


def _outermost_bundle(rel: str, bundles: set[str]) -> str | None:
    """The outermost folder of `rel` that holds an index.md (a leaf bundle), if any."""
    cut = rel.find("/")
    while cut != -1:
        if rel[:cut] in bundles:
            return rel[:cut]
        cut = rel.find("/", cut + 1)
    return None


def bundle_resources(content: Mapping[str, str],
                     bundles: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Non-markdown files inside each bundle's folder (images a post links to), by the rel of
    the bundle's page; `bundles`: bundle folder -> page rel."""
    found: dict[str, list[str]] = {}
    for rel in content:
        name = rel.rsplit("/", 1)[-1]
        if rel.endswith(".md") or name in IGNORED_FILES:
            continue
        folder = rel
        while "/" in folder:
            folder = folder.rsplit("/", 1)[0]
            owner = bundles.get(folder)
            if owner is not None:
                found.setdefault(owner, []).append(rel[len(folder) + 1:])
                break
    return {owner: tuple(sorted(names)) for owner, names in found.items()}


def asset_versions(static: Mapping[str, str], generated: Mapping[str, bytes]) -> dict[str, str]:
    """A short digest per stylesheet and script (static and generated ones), appended to
    their URLs so browsers fetch them again when they change."""
    versions = {rel: digest[:8] for rel, digest in static.items()
                if rel.endswith((".css", ".js"))}
    versions.update({rel: file_digest(data)[:8] for rel, data in generated.items()})
    return versions


def settings_text(settings: Settings) -> str:
    """Everything in the settings that can change a page (the LLM settings cannot; leaving
    them out also keeps any trace of an API key out of the cache)."""
    return repr(dataclasses.replace(settings, llm=LLMSettings()))
