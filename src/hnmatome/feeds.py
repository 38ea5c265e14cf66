"""Feeds: RSS 2.0 for the site, the post list, every tag and every month, and one Atom feed.

The site feeds (/index.xml, /posts/index.xml, /atom.xml) carry each post's full HTML
(`content:encoded`, Atom `content`) so a feed reader shows the whole matome; tag and month feeds
carry the summary only: a post sits in half a dozen of them, and full bodies there would
multiply the site's size for no reader."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from email.utils import format_datetime

from . import urls
from .plan import Output
from .site import Entry, Site
from .taxonomy import month_label
from .templating import date_iso

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("content", CONTENT_NS)
# Characters XML 1.0 forbids; titles from HN or an LLM can carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Root-relative links in rendered HTML ('/posts/x/', not '//host/x'): a feed reader shows the
# content away from the site, so they must carry the host.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def absolute_links(html: str, origin: str) -> str:
    return _ROOT_RELATIVE.sub(lambda found: f"{found.group(1)}{origin}/", html) if origin else html


def full_content_rels(site: Site) -> frozenset[str]:
    """The posts whose rendered body the site feeds include (the newest `feed_items`)."""
    return frozenset(entry.rel for entry in site.posts[: site.info.feed_items])


def _add(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    element.text = xml_text(text)
    return element


def _item(channel: ET.Element, entry: Entry, site: Site, body: str | None) -> None:
    item = ET.SubElement(channel, "item")
    link = site.links.permalink(entry.path)
    _add(item, "title", entry.title)
    _add(item, "link", link)
    _add(item, "guid", link, isPermaLink="true")
    if entry.date:
        _add(item, "pubDate", format_datetime(entry.date))
    if entry.summary:
        _add(item, "description", entry.summary)
    for tag in entry.tags:
        _add(item, "category", tag.name)
    if body is not None:
        _add(item, f"{{{CONTENT_NS}}}encoded", absolute_links(body, site.links.origin))


def rss(site: Site, title: str, list_path: str, entries: Sequence[Entry],
        bodies: Mapping[str, str] | None = None) -> bytes:
    """An RSS 2.0 document for `entries` (newest first), capped at `feed_items`; entries with
    a body in `bodies` (by rel) get it as content:encoded."""
    bodies = bodies or {}
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    _add(channel, "title", title)
    _add(channel, "link", site.links.permalink(list_path))
    _add(channel, "description", site.info.description or site.info.title)
    _add(channel, "language", site.info.language)
    ET.SubElement(channel, f"{{{ATOM_NS}}}link", {
        "href": site.links.permalink(urls.feed_path(list_path)), "rel": "self",
        "type": "application/rss+xml"})
    shown = entries[: site.info.feed_items]
    # The newest item's date, not the clock: an unchanged site builds to identical bytes.
    if shown and shown[0].date:
        _add(channel, "lastBuildDate", format_datetime(shown[0].date))
    for entry in shown:
        _item(channel, entry, site, bodies.get(entry.rel))
    return _document(root)


def _document(root: ET.Element) -> bytes:
    ET.indent(root, space="")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _atom_entry(feed: ET.Element, entry: Entry, site: Site, body: str | None) -> None:
    element = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
    link = site.links.permalink(entry.path)
    _add(element, f"{{{ATOM_NS}}}title", entry.title)
    ET.SubElement(element, f"{{{ATOM_NS}}}link", {"href": link, "rel": "alternate"})
    _add(element, f"{{{ATOM_NS}}}id", link)
    if entry.date:
        _add(element, f"{{{ATOM_NS}}}published", date_iso(entry.date))
    if entry.updated:
        _add(element, f"{{{ATOM_NS}}}updated", date_iso(entry.updated))
    for tag in entry.tags:
        ET.SubElement(element, f"{{{ATOM_NS}}}category", {"term": xml_text(tag.name)})
    if entry.summary:
        _add(element, f"{{{ATOM_NS}}}summary", entry.summary, type="text")
    if body is not None:
        _add(element, f"{{{ATOM_NS}}}content", absolute_links(body, site.links.origin),
             type="html")


def atom(site: Site, bodies: Mapping[str, str] | None = None) -> bytes:
    """An Atom 1.0 feed of the newest `feed_items` posts."""
    bodies = bodies or {}
    info = site.info
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {f"{{{XML_NS}}}lang": info.language})
    _add(feed, f"{{{ATOM_NS}}}title", info.title)
    if info.description:
        _add(feed, f"{{{ATOM_NS}}}subtitle", info.description)
    home = site.links.permalink(urls.HOME)
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"href": home, "rel": "alternate",
                                               "type": "text/html"})
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"href": site.links.permalink(urls.ATOM_FEED),
                                               "rel": "self",
                                               "type": "application/atom+xml"})
    _add(feed, f"{{{ATOM_NS}}}id", home)
    shown = site.posts[: info.feed_items]
    newest = max((e.updated for e in shown if e.updated), default=None)
    # An empty site still needs <updated>; the epoch keeps the bytes stable.
    _add(feed, f"{{{ATOM_NS}}}updated", date_iso(newest) or "1970-01-01T00:00:00+00:00")
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _add(author, f"{{{ATOM_NS}}}name", info.author or info.title)
    for entry in shown:
        _atom_entry(feed, entry, site, bodies.get(entry.rel))
    return _document(feed)


def feed_for(output: Output, site: Site, bodies: Mapping[str, str] | None = None) -> bytes:
    if output.kind == "atom":
        return atom(site, bodies)
    if not output.term:
        list_path = urls.section_path(output.key) if output.key else urls.HOME
        return rss(site, site.info.title, list_path, site.posts, bodies)
    taxonomy = site.taxonomy(output.key)
    term = taxonomy.term(output.term)
    name = month_label(term.name) if taxonomy.name == "months" else term.name
    entries = [site.posts[i] for i in term.posts]
    return rss(site, f"{name} | {site.info.title}", term.path, entries)
