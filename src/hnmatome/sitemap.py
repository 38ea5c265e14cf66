"""sitemap.xml: every page a search engine should know, with when it last changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from hnmatome import urls
from hnmatome.feeds import DECLARATION, escaped
from hnmatome.site import Site
from hnmatome.templating import date_iso

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


def _url(location: str, lastmod: str) -> str:
    return f"<url>\n<loc>{escaped(location)}</loc>\n{lastmod}</url>\n"


def sitemap_xml(site: Site) -> bytes:
    # Joined from strings (the bytes ElementTree wrote before, one element a line): thousands
    # of locations make a tree and its serializer the slow way round.
    parts = [DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">\n']
    # By datetime object: most locations are terms, dated by their newest post, and
    # formatting a date costs more than the rest (date_iso remembers the posts' dates from
    # the list pages). The object is kept with its text, so its id cannot pass to another
    # while this runs.
    lastmods: dict[int, tuple[datetime, str]] = {}
    permalink = site.links.permalink
    for path, updated in _locations(site):
        lastmod = ""
        if updated:
            found = lastmods.get(id(updated))
            if found is None or found[0] is not updated:
                found = lastmods[id(updated)] = (
                    updated, f"<lastmod>{date_iso(updated)}</lastmod>\n")
            lastmod = found[1]
        parts.append(_url(permalink(path), lastmod))
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8", "xmlcharrefreplace")
