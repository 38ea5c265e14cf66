"""RSS 2.0 feeds: the whole site, the post list, and every tag and month."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from email.utils import format_datetime

from . import urls
from .plan import Output
from .site import Entry, Site
from .taxonomy import month_label

ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM_NS)
# Characters XML 1.0 forbids; titles from HN or an LLM can carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    element.text = xml_text(text)
    return element


def _item(channel: ET.Element, entry: Entry, site: Site) -> None:
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


def rss(site: Site, title: str, list_path: str, entries: Sequence[Entry]) -> bytes:
    """An RSS 2.0 document for `entries` (newest first), capped at `feed_items`."""
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
        _item(channel, entry, site)
    ET.indent(root, space="")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_for(output: Output, site: Site) -> bytes:
    if not output.term:
        list_path = urls.section_path(output.key) if output.key else urls.HOME
        return rss(site, site.info.title, list_path, site.posts)
    taxonomy = site.taxonomy(output.key)
    term = taxonomy.term(output.term)
    name = month_label(term.name) if taxonomy.name == "months" else term.name
    entries = [site.posts[i] for i in term.posts]
    return rss(site, f"{name} | {site.info.title}", term.path, entries)
