"""The site as outputs and bodies read it. Every read is a query (incremental/reads.py): it
is answered once per view and recorded, with a digest of its answer, into the recording of
the output being rendered. Templates, feeds, the sitemap and shortcodes read the site only
through a view, so what each output read is known exactly.

What a query answers is what its digest covers. Answers are plain frozen data (entries,
terms, tuples of them); an answer never holds more of the site than its query asked for
(a Term lists its posts by file, not by position, so adding a post elsewhere leaves it the
same), which keeps a page tied to the parts of the site it shows."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from hnmatome.site import urls
from hnmatome.site.incremental.reads import Digested, query
from hnmatome.site.model import BodyStats, Entry, Site, SiteInfo
from hnmatome.site.taxonomy import Taxonomy, Term


@dataclass(frozen=True)
class StoredBody(Digested):
    """A rendered body as outputs read it: its digest stands for all of it (the statistics
    are made from the body); the HTML is loaded when a page shows it."""

    digest: bytes
    stats: BodyStats
    load: Callable[[], str] = field(repr=False, compare=False)

    @property
    def html(self) -> str:
        return self.load()

    def with_late(self, outputs: Mapping[str, str]) -> StoredBody:
        """This body with the shortcodes it left for its page rendered (`outputs`, by their
        placeholders; markup/shortcode_templates.py). Its digest covers them."""
        if not outputs:
            return self
        digest = hashlib.blake2b(self.digest + repr(sorted(outputs.items())).encode(
            "utf-8", "surrogatepass"), digest_size=16).digest()
        load = self.load

        def filled() -> str:
            html = load()
            for key, output in outputs.items():
                html = html.replace(key, output)
            return html

        return StoredBody(digest, self.stats, filled)


class BodySource(Protocol):
    def stored_body(self, rel: str, view: SiteView) -> StoredBody:
        """The body of `rel`, its late shortcodes rendered from `view`."""
        ...


class SiteView:
    """Queries over one site model. `files` (the digest of every input file, as
    'templates/<name>', 'static/<path>' and 'content/<rel>') and `bodies` are what outputs
    read besides the model; a view for rendering bodies needs neither."""

    def __init__(self, site: Site, *, files: Mapping[str, str] | None = None,
                 bodies: BodySource | None = None) -> None:
        self._site = site
        self.files = files or {}
        self.bodies = bodies
        self.answers: dict[tuple[Any, ...], tuple[Any, bytes, tuple[Any, ...]]] = {}
        self._targets: dict[str, str] | None = None

    # -- the site -------------------------------------------------------------------------

    @query
    def info(self) -> SiteInfo:
        return self._site.info

    @query
    def timezone(self) -> str:
        """The site timezone (what comment cards read: not the whole `info`, which changes
        with every static file)."""
        return self._site.info.timezone

    @query
    def links(self) -> urls.UrlBuilder:
        """Hrefs and permalinks for the site's base URL."""
        return self._site.links

    @query
    def taxonomies(self) -> tuple[Taxonomy, ...]:
        return self._site.taxonomies

    @query
    def standalone_pages(self) -> tuple[Entry, ...]:
        return self._site.pages

    # -- posts and pages ----------------------------------------------------------------------

    @query
    def entry(self, rel: str) -> Entry:
        return self._site.entry(rel)

    @query
    def post_count(self) -> int:
        return len(self._site.posts)

    @query
    def posts(self, start: int, stop: int) -> tuple[Entry, ...]:
        """Posts `start` to `stop` (excluded), newest first."""
        return self._site.posts[start:stop]

    @query
    def neighbours(self, rel: str) -> tuple[Entry | None, Entry | None]:
        """(the next newer post, the next older post) of a post."""
        posts = self._site.posts
        _, index = self._site.positions[rel]
        return (posts[index - 1] if index > 0 else None,
                posts[index + 1] if index + 1 < len(posts) else None)

    @query
    def related(self, rel: str) -> tuple[Entry, ...]:
        return tuple(self._site.entry(other) for other in self._site.related.get(rel, ()))

    @query
    def body(self, rel: str) -> StoredBody:
        if self.bodies is None:
            raise LookupError(f"no rendered bodies in this view (asked for {rel})")
        return self.bodies.stored_body(rel, self)

    @query
    def locations(self) -> tuple[tuple[str, str], ...]:
        """Every page the sitemap lists: (site path, ISO time of its last change or ''). Only
        paths and times, so an edit that changes neither leaves the sitemap as it is."""
        site = self._site
        newest = _iso(site.posts[0].updated) if site.posts else ""
        found = [(urls.HOME, newest), (urls.section_path(urls.POSTS_SECTION), newest)]
        found += [(entry.path, _iso(entry.updated)) for entry in (*site.posts, *site.pages)]
        for taxonomy in site.taxonomies:
            found.append((taxonomy.path, newest))
            found += [(term.path, _iso(site.entry(term.posts[0]).updated) if term.posts else "")
                      for term in site.terms[taxonomy.name]]
        return tuple(found)

    # -- taxonomies ---------------------------------------------------------------------------

    @query
    def taxonomy(self, name: str) -> Taxonomy:
        return {taxonomy.name: taxonomy for taxonomy in self._site.taxonomies}[name]

    @query
    def terms(self, taxonomy: str, start: int, stop: int) -> tuple[Term, ...]:
        """Terms `start` to `stop` of a taxonomy, in the order its index lists them."""
        return self._site.terms[taxonomy][start:stop]

    @query
    def term_count(self, taxonomy: str) -> int:
        return len(self._site.terms[taxonomy])

    @query
    def term(self, taxonomy: str, key: str) -> Term:
        return self._site.term(taxonomy, key)

    @query
    def term_posts(self, taxonomy: str, key: str, start: int, stop: int) -> tuple[Entry, ...]:
        """Posts `start` to `stop` of a term, newest first."""
        rels = self._site.term(taxonomy, key).posts[start:stop]
        return tuple(self._site.entry(rel) for rel in rels)

    # -- links --------------------------------------------------------------------------------

    @query
    def ref(self, target: str, page_rel: str) -> str:
        """Hugo's `ref`: the permalink of a page named by its content path ('/posts/',
        'about.md', 'posts/2025_02/x'); a relative name is tried beside the page `page_rel`
        first. LookupError when there is no such page."""
        path, _, fragment = target.partition("#")
        candidates = [_ref_key(path)]
        if not path.startswith("/"):
            here = posixpath.dirname(page_rel)
            candidates.insert(0, _ref_key(posixpath.normpath(posixpath.join(here, path))))
        targets = self._ref_targets()
        for key in candidates:
            if key in targets:
                link = self._site.links.permalink(targets[key])
                return f"{link}#{fragment}" if fragment else link
        raise LookupError(f"no page {target!r} for ref (drafts are only there with --drafts)")

    def _ref_targets(self) -> dict[str, str]:
        if self._targets is None:
            site = self._site
            # the home page and the post list are always there, posts or not
            found = {"": urls.HOME, urls.POSTS_SECTION: urls.section_path(urls.POSTS_SECTION)}
            for section in {e.rel.split("/", 1)[0] for e in site.posts if "/" in e.rel}:
                found[section] = urls.section_path(section)
            for taxonomy in site.taxonomies:
                found[taxonomy.name] = taxonomy.path
                for term in site.terms[taxonomy.name]:
                    found[f"{taxonomy.name}/{term.key}"] = term.path
            for entry in site.entries():
                found[_ref_key(entry.rel)] = entry.path
            self._targets = found
        return self._targets

    # -- files --------------------------------------------------------------------------------

    @query
    def template(self, name: str) -> str:
        """The digest of a template file (a page reads every one it is made of)."""
        return self.files[f"templates/{name}"]

    @query
    def file(self, path: str) -> str:
        """The digest of a static file ('static/css/site.css') or bundle file
        ('content/posts/x/a.png')."""
        return self.files[path]


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _ref_key(target: str) -> str:
    key = target.strip().strip("/")
    key = key.removesuffix(".md")
    for suffix in ("/index", "/_index"):
        key = key.removesuffix(suffix)
    return "" if key in ("index", "_index") else key
