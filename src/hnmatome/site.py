"""The site model: every page's URL, the order of posts, taxonomies and neighbours, assembled
from loaded content before anything is rendered. Small, frozen and picklable, so a worker
process can render any output from it."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hnmatome import urls
from hnmatome.content import SourcePage
from hnmatome.core.settings import Settings
from hnmatome.frozen import made, replaced
from hnmatome.related import related_posts
from hnmatome.taxonomy import Taxonomy, TermValue, build_taxonomy, term_value

if TYPE_CHECKING:  # the markdown stack loads only when a body is rendered
    from hnmatome.rendered_body import RenderedBody

TAXONOMY_TITLES = {"tags": "タグ", "months": "月別アーカイブ"}
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
    """What lists need to know about a rendered body (kept after the body itself is gone)."""

    chars: int = 0
    comment_count: int = 0
    excerpt: str = ""
    has_code: bool = False

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.chars / READING_CHARS_PER_MINUTE))


@dataclass(frozen=True)
class Entry:
    """A post or a page as the rest of the site sees it (no body: that lives in SourcePage)."""

    rel: str
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
    stats: BodyStats = BodyStats()

    @property
    def hn_url(self) -> str:
        return HN_ITEM_URL.format(self.hnid) if self.hnid else ""

    @property
    def summary(self) -> str:
        return self.description or self.stats.excerpt

    @property
    def updated(self) -> datetime | None:
        return self.lastmod or self.date


_NO_STATS = Entry.stats  # the default, shared by every entry until its body is rendered


@dataclass(frozen=True)
class Site:
    info: SiteInfo
    links: urls.UrlBuilder
    posts: tuple[Entry, ...]  # newest first
    pages: tuple[Entry, ...]  # standalone pages such as /about/
    taxonomies: tuple[Taxonomy, ...]
    warnings: tuple[str, ...] = ()
    # related[i]: indexes of the posts related to posts[i], best first (related.py)
    related: tuple[tuple[int, ...], ...] = field(default=(), repr=False)
    # rel -> (is_post, index into posts or pages)
    positions: Mapping[str, tuple[bool, int]] = field(default_factory=dict, repr=False)

    def taxonomy(self, name: str) -> Taxonomy:
        return next(t for t in self.taxonomies if t.name == name)

    def entries(self) -> Iterable[Entry]:
        yield from self.posts
        yield from self.pages

    def entry(self, rel: str) -> Entry:
        is_post, index = self.positions[rel]
        return self.posts[index] if is_post else self.pages[index]

    def post_index(self, rel: str) -> int:
        is_post, index = self.positions[rel]
        if not is_post:
            raise KeyError(rel)
        return index

    def newer(self, index: int) -> Entry | None:
        return self.posts[index - 1] if index > 0 else None

    def older(self, index: int) -> Entry | None:
        return self.posts[index + 1] if index + 1 < len(self.posts) else None

    def related_to(self, index: int) -> list[Entry]:
        return [self.posts[i] for i in self.related[index]] if self.related else []

    def with_stats(self, stats: Mapping[str, BodyStats]) -> Site:
        def update(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
            return tuple(_with_stats(e, stats.get(e.rel, e.stats)) for e in entries)

        return dataclasses.replace(self, posts=update(self.posts), pages=update(self.pages))


def _with_stats(entry: Entry, stats: BodyStats) -> Entry:
    return entry if entry.stats == stats else replaced(entry, stats=stats)


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
    return made(  # Entry(...), made ~4 µs quicker (a site makes ~1,200 of them)
        Entry, rel=page.rel, kind=page.kind, title=page.title, path=path, date=page.date,
        lastmod=page.lastmod, draft=page.draft, tags=_terms(page, "tags", page.tags, warnings),
        months=_terms(page, "months", page.months, warnings), image=image,
        description=page.description, hnid=page.hnid, meta=page.meta,
        resources=tuple(resources), stats=_NO_STATS,
    )


def entry_source_digest(head: str, entry: Entry) -> str:
    """A digest of what `entry` (but its body statistics) is made from: `head`, the
    build_inputs.head_digest of its page (every field but the markdown), and what its bundle
    and static/ added (its bundle files and the feature image they resolved). Under one
    version of the code, equal digests mean equal entries: a stand-in for a digest of the entry
    itself, ~40x cheaper."""
    text = repr((head, entry.image, entry.resources))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _post_order(entry: Entry) -> tuple[float, str, str]:
    # Hugo's default order: newest first, then title, then file path.
    stamp = entry.date.timestamp() if entry.date else float("-inf")
    return (-stamp, entry.title, entry.rel)


def assemble(pages: Sequence[SourcePage], settings: Settings, *, drafts: bool = False,
             static_files: frozenset[str] = frozenset(),
             resources: Mapping[str, Sequence[str]] | None = None,
             asset_versions: Mapping[str, str] | None = None, search: bool = False) -> Site:
    """The site model for `pages`. Drafts are left out unless `drafts`; `search` says a
    search index will be built."""
    resources = resources or {}
    warnings: list[str] = []
    chosen = [p for p in pages if drafts or not p.draft]
    entries = [_entry(p, resources.get(p.rel, ()), static_files, warnings) for p in chosen]
    posts = sorted((e for e in entries if e.kind == "post"), key=_post_order)
    standalone = sorted((e for e in entries if e.kind != "post"), key=lambda e: e.rel)
    taxonomies = tuple(
        build_taxonomy(name, title, [getattr(post, name) for post in posts])
        for name, title in TAXONOMY_TITLES.items()
    )
    positions = {e.rel: (True, i) for i, e in enumerate(posts)}
    positions.update({e.rel: (False, i) for i, e in enumerate(standalone)})
    return Site(info=site_info(settings, drafts, asset_versions or {}, search),
                links=urls.UrlBuilder(urls.normalize_base_url(settings.base_url)),
                posts=tuple(posts), pages=tuple(standalone), taxonomies=taxonomies,
                warnings=tuple(warnings), positions=positions,
                related=related_posts([[tag.key for tag in post.tags] for post in posts]))


def stats_of(body: RenderedBody) -> BodyStats:
    """What lists keep of a rendered body: its length, comment count and an excerpt (the
    first comment, else the start of the text)."""
    excerpt = " ".join((body.first_comment or body.text).split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    return BodyStats(chars=len("".join(body.text.split())), comment_count=body.comment_count,
                     excerpt=excerpt, has_code='class="highlight"' in body.html)


# --------------------------------------------------------------------------- shortcode links


def _ref_key(target: str) -> str:
    key = target.strip().strip("/")
    key = key.removesuffix(".md")
    for suffix in ("/index", "/_index"):
        key = key.removesuffix(suffix)
    return "" if key in ("index", "_index") else key


class ShortcodeLinks:
    """The site as shortcodes see it (R1's ShortcodeContext): `ref` targets and latest posts.
    Plain data only, so it pickles into worker processes."""

    def __init__(self, site: Site) -> None:
        self._site = site
        self._targets: dict[str, str] = {"": urls.HOME}
        for section in {e.rel.split("/", 1)[0] for e in site.posts if "/" in e.rel}:
            self._targets[section] = urls.section_path(section)
        for taxonomy in site.taxonomies:
            self._targets[taxonomy.name] = taxonomy.path
            for term in taxonomy.terms:
                self._targets[f"{taxonomy.name}/{term.key}"] = term.path
        for entry in site.entries():
            self._targets[_ref_key(entry.rel)] = entry.path

    def ref(self, target: str, page: SourcePage) -> str:
        """Hugo's `ref`: the permalink of a page named by its content path ('/posts/',
        'about.md', 'posts/2025_02/x'); a relative name is tried beside `page` first."""
        path, _, fragment = target.partition("#")
        candidates = [_ref_key(path)]
        if not path.startswith("/"):
            here = posixpath.dirname(page.rel)
            candidates.insert(0, _ref_key(posixpath.normpath(posixpath.join(here, path))))
        for key in candidates:
            if key in self._targets:
                link = self._site.links.permalink(self._targets[key])
                return f"{link}#{fragment}" if fragment else link
        raise LookupError(f"no page {target!r} for ref (drafts are only there with --drafts)")

    def latest_posts(self, limit: int) -> Sequence[Mapping[str, Any]]:
        links = self._site.links
        return [
            {"title": e.title, "url": links.href(e.path), "date": e.date, "path": e.path,
             "image": links.href(e.image) if e.image else ""}
            for e in self._site.posts[: max(0, limit)]
        ]
