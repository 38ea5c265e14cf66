"""The site model: every page's URL, the order of posts, taxonomies, neighbours and related
posts, assembled from loaded content before anything is rendered. Frozen data: any process
can render any output from it, and the read API over it (site/view.py) can digest what each
output reads."""

from __future__ import annotations

import dataclasses
import math
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hnmatome.core.feature_images import is_automatic_image
from hnmatome.core.settings import Settings
from hnmatome.site import urls
from hnmatome.site.content import SourcePage
from hnmatome.site.related import related_posts
from hnmatome.site.taxonomy import (
    TAXONOMY_TITLES,
    Taxonomy,
    Term,
    TermValue,
    build_terms,
    term_value,
)

READING_CHARS_PER_MINUTE = 600
EXCERPT_CHARS = 120
HN_ITEM_URL = "https://news.ycombinator.com/item?id={}"


@dataclass(frozen=True)
class SiteInfo:
    """What templates know about the site as a whole."""

    title: str
    description: str
    author: str
    language: str
    timezone: str
    base_url: str
    home_size: int
    page_size: int
    feed_items: int
    drafts: bool
    params: Mapping[str, Any] = field(default_factory=dict)
    search: bool = False  # a Pagefind index is built (templates show the search box)
    # static path -> short content hash, appended to asset URLs so browsers refetch on change
    asset_versions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BodyStats:
    """What lists need to know about a rendered body."""

    chars: int = 0
    comment_count: int = 0
    excerpt: str = ""
    has_code: bool = False

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.chars / READING_CHARS_PER_MINUTE))


@dataclass(frozen=True)
class LateShortcode:
    """A shortcode a body leaves for the page that shows it, where its placeholder `key` is
    (markup/shortcode_templates.py): it shows other posts, which change without the body."""

    key: str
    name: str
    params: Mapping[str, Any]
    args: tuple[Any, ...]
    line: int  # in the page's file


@dataclass(frozen=True)
class RenderedBody:
    """A page body as rendered (markup/shortcodes.py) or read back from the build cache."""

    html: str  # the article body HTML
    text: str  # plain text of the body (reading time, descriptions, feeds, search)
    comment_count: int  # number of matomeQuote shortcodes
    first_comment: str  # plain text of the first matomeQuote body ('' if none)
    late: tuple[LateShortcode, ...] = ()  # their placeholders are in `html`


@dataclass(frozen=True)
class Entry:
    """A post or a page as the rest of the site sees it (no body: that is rendered apart)."""

    rel: str  # the source file, relative to content/
    kind: str  # 'post' or 'page'
    title: str
    path: str  # site path, '/posts/2025_02/x/'
    date: datetime | None
    lastmod: datetime | None
    draft: bool
    tags: tuple[TermValue, ...]
    months: tuple[TermValue, ...]
    image: str  # site path or absolute URL of the feature image, '' if none
    description: str
    hnid: int | None
    meta: Mapping[str, Any]
    resources: tuple[str, ...] = ()  # bundle files, relative to the bundle directory
    stats: BodyStats = BodyStats()  # known once the body is rendered
    # `image` when a person chose it: an automatic gradient shows nothing of the post, and
    # the share card only repeats the title above it
    hero: str = ""

    @property
    def hn_url(self) -> str:
        return HN_ITEM_URL.format(self.hnid) if self.hnid else ""

    @property
    def summary(self) -> str:
        return self.description or self.stats.excerpt


    @property
    def updated(self) -> datetime | None:
        return self.lastmod or self.date


@dataclass(frozen=True)
class Site:
    info: SiteInfo
    posts: tuple[Entry, ...]  # newest first
    pages: tuple[Entry, ...]  # standalone pages such as /about/
    taxonomies: tuple[Taxonomy, ...]
    terms: Mapping[str, tuple[Term, ...]]  # by taxonomy name, in index order
    related: Mapping[str, tuple[str, ...]]  # rel -> rels of its related posts, best first
    positions: Mapping[str, tuple[bool, int]]  # rel -> (is a post, index in posts or pages)
    term_index: Mapping[tuple[str, str], Term]  # (taxonomy, term key) -> term
    links: urls.UrlBuilder
    warnings: tuple[str, ...] = ()

    def entry(self, rel: str) -> Entry:
        is_post, index = self.positions[rel]
        return self.posts[index] if is_post else self.pages[index]

    def entries(self) -> tuple[Entry, ...]:
        return self.posts + self.pages

    def term(self, taxonomy: str, key: str) -> Term:
        return self.term_index[(taxonomy, key)]

    def with_stats(self, stats: Mapping[str, BodyStats]) -> Site:
        """The site once its bodies are rendered: every entry with its body's statistics."""
        def update(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
            return tuple(dataclasses.replace(entry, stats=stats[entry.rel])
                         if entry.rel in stats and stats[entry.rel] != entry.stats else entry
                         for entry in entries)

        return dataclasses.replace(self, posts=update(self.posts), pages=update(self.pages))


# --------------------------------------------------------------------------- assembly


def site_info(settings: Settings, drafts: bool, asset_versions: Mapping[str, str],
              search: bool = False) -> SiteInfo:
    return SiteInfo(
        title=settings.title, description=settings.description, author=settings.author,
        language=settings.language, timezone=settings.timezone,
        base_url=urls.normalize_base_url(settings.base_url), home_size=settings.home_size,
        page_size=settings.page_size, feed_items=settings.feed_items, drafts=drafts,
        params=dict(settings.params), asset_versions=dict(asset_versions), search=search,
    )


def _feature_image(page: SourcePage, path: str, resources: Sequence[str],
                   static_files: frozenset[str]) -> tuple[str, str | None]:
    """(image, warning): a bundle file, then a file under static/, then an absolute URL."""
    image = page.featureimage.strip()
    if not image:
        return "", None
    if "://" in image or image.startswith("//"):
        return image, None
    relative = posixpath.normpath(image.lstrip("/"))
    if page.bundle and relative in resources:
        return path + relative, None
    if relative in static_files:
        return "/" + relative, None
    return "", (f"{page.path}: featureimage {image!r} is not in static/ or the bundle; "
                "the post is shown without an image")


def _terms(page: SourcePage, taxonomy: str, values: Sequence[str],
           warnings: list[str]) -> tuple[TermValue, ...]:
    found = []
    for value in values:
        term = term_value(taxonomy, value)
        if term is None:
            warnings.append(f"{page.path}: {taxonomy} value {value!r} has no character usable "
                            "in a URL (letters or digits); it is left out")
        else:
            found.append(term)
    return tuple(found)


def _entry(page: SourcePage, resources: Sequence[str], static_files: frozenset[str],
           warnings: list[str]) -> Entry:
    path = urls.content_path(page.rel, page.slug)
    image, problem = _feature_image(page, path, resources, static_files)
    if problem:
        warnings.append(problem)
    return Entry(
        rel=page.rel, kind=page.kind, title=page.title, path=path, date=page.date,
        lastmod=page.lastmod, draft=page.draft, tags=_terms(page, "tags", page.tags, warnings),
        months=_terms(page, "months", page.months, warnings), image=image,
        description=page.description, hnid=page.hnid, meta=page.meta,
        resources=tuple(resources),
        hero="" if is_automatic_image(page.featureimage) else image)


def _post_order(entry: Entry) -> tuple[float, str, str]:
    # Hugo's default order: newest first, then title, then file path.
    stamp = entry.date.timestamp() if entry.date else float("-inf")
    return (-stamp, entry.title, entry.rel)


def assemble(pages: Sequence[SourcePage], settings: Settings, *, drafts: bool = False,
             static_files: frozenset[str] = frozenset(),
             resources: Mapping[str, Sequence[str]] | None = None,
             asset_versions: Mapping[str, str] | None = None, search: bool = False) -> Site:
    """The site model for `pages` (without body statistics: Site.with_stats adds them).
    Drafts are left out unless `drafts`; `search` says a search index will be built."""
    resources = resources or {}
    warnings: list[str] = []
    chosen = [p for p in pages if drafts or not p.draft]
    entries = [_entry(p, resources.get(p.rel, ()), static_files, warnings) for p in chosen]
    posts = sorted((e for e in entries if e.kind == "post"), key=_post_order)
    standalone = sorted((e for e in entries if e.kind != "post"), key=lambda e: e.rel)
    terms = {name: build_terms(name, [(post.rel, getattr(post, name)) for post in posts])
             for name in TAXONOMY_TITLES}
    positions = {e.rel: (True, i) for i, e in enumerate(posts)}
    positions.update({e.rel: (False, i) for i, e in enumerate(standalone)})
    related = related_posts([[tag.key for tag in post.tags] for post in posts])
    info = site_info(settings, drafts, asset_versions or {}, search)
    return Site(info=info, posts=tuple(posts), pages=tuple(standalone),
                taxonomies=tuple(Taxonomy(name, title) for name, title in TAXONOMY_TITLES.items()),
                terms=terms, positions=positions, warnings=tuple(warnings),
                term_index={(name, term.key): term for name, found in terms.items()
                            for term in found},
                links=urls.UrlBuilder(info.base_url),
                related={post.rel: tuple(posts[i].rel for i in found)
                         for post, found in zip(posts, related, strict=True)})


def stats_of(text: str, html: str, comment_count: int, first_comment: str) -> BodyStats:
    """What lists keep of a rendered body: its length, comment count and an excerpt (the
    first comment, its line breaks kept, else the start of the text)."""
    if first_comment:
        lines = (" ".join(line.split()) for line in first_comment.splitlines())
        excerpt = "\n".join(line for line in lines if line)
    else:
        excerpt = " ".join(text.split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    return BodyStats(chars=len("".join(text.split())), comment_count=comment_count,
                     excerpt=excerpt, has_code='class="highlight"' in html)
