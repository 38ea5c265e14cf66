"""sitemap.xml (every page a search engine should know, with when it last changed) and
robots.txt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from hnmatome.site import urls
from hnmatome.site.render.feeds import DECLARATION, escaped
from hnmatome.site.render.templates import date_iso
from hnmatome.site.view import SiteView

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _locations(view: SiteView) -> Iterator[tuple[str, datetime | None]]:
    posts = view.posts(0, view.post_count())
    by_rel = {post.rel: post for post in posts}
    newest = posts[0].updated if posts else None
    yield urls.HOME, newest
    yield urls.section_path(urls.POSTS_SECTION), newest
    for entry in (*posts, *view.standalone_pages()):
        yield entry.path, entry.updated
    for taxonomy in view.taxonomies():
        yield taxonomy.path, newest
        for term in view.terms(taxonomy.name, 0, view.term_count(taxonomy.name)):
            yield term.path, by_rel[term.posts[0]].updated if term.posts else None


def sitemap_xml(view: SiteView) -> bytes:
    permalink = view.links().permalink
    parts = [DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">\n']
    for path, updated in _locations(view):
        lastmod = f"<lastmod>{date_iso(updated)}</lastmod>\n" if updated else ""
        parts.append(f"<url>\n<loc>{escaped(permalink(path))}</loc>\n{lastmod}</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8", "xmlcharrefreplace")


def robots_txt(view: SiteView) -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {view.links().permalink('/sitemap.xml')}\n"
            .encode())
