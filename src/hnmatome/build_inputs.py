"""What a build reads: every file under content/, templates/ and static/, with a digest of its
bytes, and the content pages parsed from them.

Digests are remembered with each file's stat stamp (size, mtime, inode), so a rebuild reads only
the files that changed. A digest is remembered only for a file last modified more than two
seconds before it was read: a file changed twice within the file system's timestamp
granularity would otherwise keep its stamp and be mistaken for the first version."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.project import Project
from hnmatome.core.settings import LLMSettings, Settings
from hnmatome.fingerprint import Digester
from hnmatome.frozen import replaced

if TYPE_CHECKING:
    from hnmatome.content import SourcePage

IGNORED_STATIC = frozenset({".DS_Store", ".gitkeep", "Thumbs.db"})
# content.py's rules, repeated so that a build with nothing to do need not import the parsers
SKIPPED_DIRS = frozenset({"threads"})
BUNDLE_INDEX = "index.md"
SECTION_INDEX = "_index.md"
RACY_NS = 2_000_000_000
Stamp = tuple[int, int, int]


def file_digest(data: bytes) -> str:
    """The same digest `SourcePage.source_hash` holds."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class FileDigests:
    """Digests of files' bytes, remembered by stat stamp (the table lives in the cache)."""

    def __init__(self, table: dict[str, tuple[Stamp, str]]) -> None:
        self.table = table
        self.seen: set[str] = set()
        # bytes of the markdown files read for their digest, by path: loading the pages
        # next needs them again (a cold build reads and hashes ~50 MB only once)
        self.markdown: dict[str, bytes] = {}

    def digest(self, path: str, stat: os.stat_result) -> str:
        key = path
        self.seen.add(key)
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = self.table.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        with open(path, "rb") as handle:
            data = handle.read()
        digest = file_digest(data)
        if path.endswith(".md"):
            self.markdown[path] = data
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            self.table[key] = (stamp, digest)
        else:
            self.table.pop(key, None)
        return digest

    def forget_unseen(self) -> None:
        for key in [key for key in self.table if key not in self.seen]:
            del self.table[key]


@dataclass(frozen=True)
class SourceFiles:
    """Every input file by its path relative to its folder (posix), with its digest."""

    content: Mapping[str, str]  # every file under content/ but tool data (threads/)
    pages: tuple[str, ...]  # the page sources among them (see page_sources)
    templates: Mapping[str, str]
    static: Mapping[str, str]
    # bytes of markdown files the scan read, by absolute path (not part of the fingerprint)
    markdown: dict[str, bytes] = dataclasses.field(default_factory=dict, compare=False,
                                                      repr=False)

    def fingerprint(self) -> bytes:
        return Digester().of((dict(self.content), self.pages, dict(self.templates),
                              dict(self.static)))


def _walk(folder: Path, digests: FileDigests, skip_top: frozenset[str] = frozenset(),
          ignored: frozenset[str] = frozenset()) -> dict[str, str]:
    """Digest of every file under `folder` by its relative posix path, in sorted order."""
    found: dict[str, str] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, here = pending.pop()
        try:
            entries = list(os.scandir(here))  # in any order: the result is sorted at the end
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir():
                # os.walk (content_files, static_files) lists a linked folder but does not
                # go into it; neither does this.
                if not (prefix == "" and entry.name in skip_top) and not entry.is_symlink():
                    pending.append((f"{prefix}{entry.name}/", entry.path))
            elif entry.name not in ignored:
                try:
                    found[prefix + entry.name] = digests.digest(entry.path, entry.stat())
                except FileNotFoundError:
                    continue  # deleted while we looked: the next build sees it gone
    return dict(sorted(found.items()))


def page_sources(content: Mapping[str, str]) -> tuple[str, ...]:
    """The page files among the files of content/, by the rules of content.content_files
    (a test holds the two to the same answer): Markdown files but section indexes and
    hidden ones, outside hidden folders; a folder with index.md is a leaf bundle whose other
    files and subfolders are resources."""
    bundles = {rel.rsplit("/", 1)[0] for rel in content
               if rel.endswith("/" + BUNDLE_INDEX)}
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


def scan_sources(project: Project, digests: FileDigests) -> SourceFiles:
    content = _walk(project.content_dir, digests, skip_top=SKIPPED_DIRS)
    markdown, digests.markdown = digests.markdown, {}
    return SourceFiles(content=content, pages=page_sources(content),
                       templates=_walk(project.templates_dir, digests),
                       static=_walk(project.static_dir, digests, ignored=IGNORED_STATIC),
                       markdown=markdown)


def settings_digest(settings: Settings) -> bytes:
    """Everything in the settings that can change a page (the LLM settings cannot; leaving
    them out also keeps any trace of an API key out of the cache)."""
    return Digester().of(dataclasses.replace(settings, llm=LLMSettings()))


# --------------------------------------------------------------------------- pages


def _parse_settings(settings: Settings) -> bytes:
    """The settings content.load_page reads (dates without an offset are in the timezone),
    so `serve` and `build` share parsed pages although their base URLs differ."""
    return Digester().of(settings.timezone)


@dataclass(frozen=True)
class LoadedPages:
    pages: tuple[SourcePage, ...]  # sorted by rel, like content.load_content
    # rels of pages taken from the cache without their markdown (see `with_body`)
    without_body: frozenset[str]
    # rel -> digest of everything of the page but its markdown (see `head_digest`)
    heads: Mapping[str, str] = dataclasses.field(default_factory=dict)


# rel -> (file digest, settings, page without its markdown, head_digest of the page)
PageTable = dict[str, tuple[str, bytes, "SourcePage", str]]


def head_digest(page: SourcePage) -> str:
    """Digest of a page but its markdown: front matter, path, kind. Two pages with equal
    heads make the same site model (only their bodies differ)."""
    head = replaced(page, body="", body_line=0, source_hash="")
    return hashlib.blake2b(repr(head).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def load_pages(project: Project, settings: Settings, files: SourceFiles,
               table: PageTable) -> LoadedPages:
    """Every page of `files`: parsed again only when its bytes or the settings changed; the
    others come from `table` (which keeps pages without their markdown, to stay small)."""
    wanted = _parse_settings(settings)
    pages: list[SourcePage] = []
    without_body: set[str] = set()
    heads: dict[str, str] = {}
    fresh: list[str] = []
    for rel in files.pages:
        known = table.get(rel)
        if known is not None and known[0] == files.content.get(rel) and known[1] == wanted:
            pages.append(known[2])
            without_body.add(rel)
            heads[rel] = known[3]
        else:
            fresh.append(rel)
    parsed, errors = _parse(project.content_dir, settings, files, fresh)
    for page in parsed:
        pages.append(page)
        heads[page.rel] = head_digest(page)
        table[page.rel] = (page.source_hash, wanted, replaced(page, body=""), heads[page.rel])
    for rel in [rel for rel in table if rel not in files.content]:
        del table[rel]
    if errors:
        raise UserErrors([UserError(*error) for error in errors])
    return LoadedPages(tuple(sorted(pages, key=lambda page: page.rel)), frozenset(without_body),
                       heads)


ErrorTuple = tuple[str, "Path | None", "int | None", "str | None"]


def _parse(content_dir: Path, settings: Settings, files: SourceFiles,
           rels: list[str]) -> tuple[list[SourcePage], list[ErrorTuple]]:
    from hnmatome.content import load_page

    pages: list[SourcePage] = []
    errors: list[ErrorTuple] = []
    for rel in rels:
        path = content_dir / rel
        try:
            data = files.markdown.pop(str(path), None)  # read by the scan: freed once used
            pages.append(load_page(path, content_dir, settings, data,
                                   files.content[rel] if data is not None else None))
        except UserError as exc:
            errors.append((exc.message, exc.path, exc.line, exc.hint))
        except OSError as exc:
            errors.append((f"cannot read: {exc.strerror}", path, None, None))
    return pages, errors


def with_body(page: SourcePage, loaded: LoadedPages, content_dir: Path,
              settings: Settings) -> SourcePage:
    """`page` with its markdown (read again when it came from the table)."""
    if page.rel not in loaded.without_body:
        return page
    from hnmatome.content import load_page

    fresh = load_page(page.path, content_dir, settings)
    if fresh.source_hash != page.source_hash:
        raise UserError("changed while the site was being built", page.path,
                        hint="build again")
    return fresh


def bundle_resources(files: SourceFiles,
                     pages: tuple[SourcePage, ...]) -> dict[str, tuple[str, ...]]:
    """Non-markdown files inside each bundle's folder (images a post links to)."""
    bundles = {page.rel.rsplit("/", 1)[0]: page.rel for page in pages if page.bundle}
    found: dict[str, list[str]] = {}
    for rel in files.content:
        name = rel.rsplit("/", 1)[-1]
        if rel.endswith(".md") or name in IGNORED_STATIC:
            continue
        folder = rel
        while "/" in folder:
            folder = folder.rsplit("/", 1)[0]
            owner = bundles.get(folder)
            if owner is not None:
                found.setdefault(owner, []).append(rel[len(folder) + 1:])
                break
    return {owner: tuple(sorted(names)) for owner, names in found.items()}


def asset_versions(files: SourceFiles, generated: Mapping[str, bytes]) -> dict[str, str]:
    """A short digest per stylesheet and script (static and generated ones), appended to
    their URLs so browsers fetch them again when they change."""
    versions = {rel: digest[:8] for rel, digest in files.static.items()
                if rel.endswith((".css", ".js"))}
    versions.update({rel: file_digest(data)[:8] for rel, data in generated.items()})
    return versions
