"""sitemap.xml: every page a search engine should know, with when it last changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from . import urls
from .feeds import DECLARATION, escaped
from .site import Site

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _locations(site: Site) -> Iterator[tuple[str, datetime | None]]:
    newest = site.posts[0].updated if site.posts else None
    yield urls.HOME, newest
    yield urls.section_path(urls.POSTS_SECTION), newest
    for entry in site.entries():
        yield entry.path, entry.updated
    for taxonomy in site.taxonomies:
        yield taxonomy.path, newest
        for term in taxonomy.terms:
            yield term.path, site.posts[term.posts[0]].updated if term.posts else None


def _url(location: str, updated: datetime | None) -> str:
    loc = escaped(location)
    lastmod = f"<lastmod>{updated.isoformat()}</lastmod>\n" if updated else ""
    return f"<url>\n<loc>{loc}</loc>\n{lastmod}</url>\n"


def sitemap_xml(site: Site) -> bytes:
    # Joined from strings (the bytes ElementTree wrote before, one element a line): thousands
    # of locations make a tree and its serializer the slow way round.
    parts = [DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">\n']
    parts.extend(_url(site.links.permalink(path), updated)
                 for path, updated in _locations(site))
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8", "xmlcharrefreplace")
