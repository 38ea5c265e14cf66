"""sitemap.xml: every page a search engine should know, with when it last changed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime

from . import urls
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


def sitemap_xml(site: Site) -> bytes:
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for path, updated in _locations(site):
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = site.links.permalink(path)
        if updated:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = updated.isoformat()
    ET.indent(root, space="")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
