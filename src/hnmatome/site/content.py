"""Content pages (posts and plain pages) with their front matter, ready to assemble and render.

A build parses only the pages whose bytes changed since the last build: the others come from
the build cache's table of parsed pages (kept without their markdown, which is read again
only if a body must be rendered)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hnmatome.core.dates import parse_date
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.frontmatter import key_line, parse_front_matter
from hnmatome.core.settings import Settings
from hnmatome.site.markup.phrases import phrased

POSTS_SECTION = "posts"
# Folders of content/ that hold tool data, not pages.
SKIPPED_DIRS = frozenset({"threads"})
SECTION_INDEX = "_index.md"
BUNDLE_INDEX = "index.md"


class FrozenMeta(Mapping[str, Any]):
    """Read-only front matter that, unlike MappingProxyType, pickles (pages go to workers)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMeta({self._data!r})"


@dataclass(frozen=True)
class SourcePage:
    content_dir: Path  # the content folder (one object shared by every page of a build)
    rel: str  # relative to content/, posix: 'posts/2025_02/x/index.md'
    section: str  # first folder under content/ ('posts'), '' for top-level pages
    kind: str  # 'post' (under content/posts/) or 'page'
    bundle: bool  # True for …/<folder>/index.md
    title: str
    date: datetime | None  # aware
    lastmod: datetime | None
    draft: bool
    tags: tuple[str, ...]
    months: tuple[str, ...]  # taxonomy values, e.g. ('2025/02',)
    featureimage: str  # '' if none
    description: str
    slug: str
    hnid: int | None
    meta: Mapping[str, Any]  # every front matter key as written (unknown keys kept)
    body: str  # markdown source
    body_line: int  # 1-based file line where the body starts
    source_hash: str  # hash of the file bytes (for build caches)
    phrased_title: str = ""  # the title as HTML cut between phrases (markup/phrases.py)

    @property
    def path(self) -> Path:
        """The source file."""
        return self.content_dir / self.rel


class _Fields:
    """Typed access to front matter keys; Hugo treats key names case-insensitively."""

    def __init__(self, meta: Mapping[str, Any], text: str, path: Path) -> None:
        self.by_lower = {str(key).lower(): value for key, value in meta.items()}
        self.text = text
        self.path = path

    def fail(self, key: str, message: str, hint: str | None = None) -> UserError:
        return UserError(f"front matter {key}: {message}", self.path,
                         key_line(self.text, key), hint)

    def string(self, key: str) -> str:
        value = self.by_lower.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(key, f"expected text, got {value!r}", hint=f"write {key} = '...'")
        return str(value)

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.by_lower.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float))
                                                  and not isinstance(v, bool) for v in value):
            raise self.fail(key, f"expected a list of text, got {value!r}",
                            hint=f'write {key} = ["a", "b"]')
        return tuple(str(v).strip() for v in value if str(v).strip())

    def boolean(self, key: str) -> bool:
        value = self.by_lower.get(key, False)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def date(self, key: str, settings: Settings) -> datetime | None:
        value = self.by_lower.get(key)
        if value is None or value == "":
            return None
        return parse_date(value, settings.tz, self.path, key_line(self.text, key))

    def integer(self, key: str) -> int | None:
        value = self.by_lower.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise self.fail(key, f"expected a whole number, got {value!r}")
        return int(str(value).strip())


def _place(rel: str) -> tuple[str, str, bool]:
    """(section, kind, bundle) from a path relative to content/."""
    parts = rel.split("/")
    section = parts[0] if len(parts) > 1 else ""
    kind = "post" if section == POSTS_SECTION else "page"
    return section, kind, parts[-1] == BUNDLE_INDEX and len(parts) > 1


def load_page(path: Path, content_dir: Path, settings: Settings, data: bytes | None = None,
              source_hash: str | None = None) -> SourcePage:
    """One content file; a UserError names the file and line of the first problem. `data`
    and `source_hash`: the file's bytes and their digest, when the caller has them."""
    if data is None:
        data, source_hash = path.read_bytes(), None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", path,
                        hint="save the file as UTF-8") from exc
    meta, body, body_line = parse_front_matter(text, path)
    fields = _Fields(meta, text[: len(text) - len(body)], path)
    rel = path.relative_to(content_dir).as_posix()
    section, kind, bundle = _place(rel)
    title = fields.string("title")
    return SourcePage(
        content_dir=content_dir, rel=rel, section=section, kind=kind, bundle=bundle,
        title=title, phrased_title=phrased(title),
        date=fields.date("date", settings),
        lastmod=fields.date("lastmod", settings),
        draft=fields.boolean("draft"),
        tags=fields.strings("tags"),
        months=fields.strings("months"),
        featureimage=fields.string("featureimage"),
        description=fields.string("description"),
        slug=fields.string("slug"),
        hnid=fields.integer("hnid"),
        meta=FrozenMeta(meta),
        body=body, body_line=body_line,
        source_hash=source_hash or hashlib.blake2b(data, digest_size=16).hexdigest(),
    )


def content_files(content_dir: Path) -> Iterator[Path]:
    """Every page source under content/. As in Hugo, a folder with index.md is a leaf bundle:
    its other files, markdown included, and its subfolders are resources, not pages."""
    for folder, dirs, files in os.walk(content_dir):
        here = Path(folder)
        if here == content_dir:
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if BUNDLE_INDEX in files and here != content_dir:
            dirs[:] = []
            yield here / BUNDLE_INDEX
            continue
        for name in sorted(files):
            if name.endswith(".md") and name != SECTION_INDEX and not name.startswith("."):
                yield here / name


def load_content(content_dir: Path, settings: Settings) -> list[SourcePage]:
    """Every page under content/, sorted by path; all problems are collected and raised
    together (UserErrors), each naming its file and line."""
    pages: list[SourcePage] = []
    errors: list[UserError] = []
    for path in content_files(content_dir):
        try:
            pages.append(load_page(path, content_dir, settings))
        except UserError as exc:
            errors.append(exc)
        except OSError as exc:
            errors.append(UserError(f"cannot read: {exc.strerror}", path))
    if errors:
        raise UserErrors(errors)
    return sorted(pages, key=lambda page: page.rel)


def load_section_titles(content_dir: Path) -> dict[str, str]:
    """Titles set in content/<section>/_index.md (and content/_index.md as ''), by section."""
    titles: dict[str, str] = {}
    candidates = [content_dir / SECTION_INDEX, *sorted(content_dir.glob(f"*/{SECTION_INDEX}"))]
    for path in candidates:
        if not path.is_file():
            continue
        meta, _, _ = parse_front_matter(path.read_text(encoding="utf-8"), path)
        title = meta.get("title")
        if isinstance(title, str) and title:
            section = "" if path.parent == content_dir else path.parent.name
            titles[section] = title
    return titles


# rel -> (file digest, timezone, the page without its markdown)
PageTable = dict[str, tuple[str, str, SourcePage]]


@dataclass(frozen=True)
class LoadedPages:
    pages: tuple[SourcePage, ...]  # sorted by rel
    without_body: frozenset[str]  # rels of pages taken from the table (no markdown)


def load_pages(content_dir: Path, settings: Settings, digests: Mapping[str, str],
               rels: Iterable[str], table: PageTable,
               data: Mapping[str, bytes] | None = None) -> LoadedPages:
    """The pages `rels` (relative to content/; `digests` by the same rels): each parsed again
    only when its bytes or the timezone changed, else taken from `table`, which is updated.
    `data`: bytes of files already read. Every broken page is reported at once."""
    pages: list[SourcePage] = []
    without_body: set[str] = set()
    errors: list[UserError] = []
    data = data or {}
    for rel in rels:
        known = table.get(rel)
        if known is not None and known[0] == digests[rel] and known[1] == settings.timezone:
            page = known[2]
            if page.content_dir != content_dir:  # the project moved since it was parsed
                page = dataclasses.replace(page, content_dir=content_dir)
            pages.append(page)
            without_body.add(rel)
            continue
        path = content_dir / rel
        try:
            page = load_page(path, content_dir, settings, data.get(rel))
        except UserError as exc:
            errors.append(exc)
            continue
        except OSError as exc:
            errors.append(UserError(f"cannot read: {exc.strerror}", path))
            continue
        pages.append(page)
        table[rel] = (page.source_hash, settings.timezone, dataclasses.replace(page, body=""))
    if errors:
        raise UserErrors(errors)
    return LoadedPages(tuple(sorted(pages, key=lambda page: page.rel)), frozenset(without_body))


def with_body(page: SourcePage, loaded: LoadedPages, content_dir: Path,
              settings: Settings) -> SourcePage:
    """`page` with its markdown (read again when it came from the table without it)."""
    if page.rel not in loaded.without_body:
        return page
    fresh = load_page(page.path, content_dir, settings)
    if fresh.source_hash != page.source_hash:
        raise UserError("changed while the site was being built", page.path,
                        hint="build again")
    return fresh
