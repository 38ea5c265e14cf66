"""Feeds: RSS 2.0 for the site, the post list, every tag and every month, and one Atom feed.

The site feeds (/index.xml, /posts/index.xml, /atom.xml) carry each post's full HTML
(`content:encoded`, Atom `content`) so a feed reader shows the whole matome; tag and month feeds
carry the summary only: a post sits in half a dozen of them, and full bodies there would
multiply the site's size for no reader."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from email.utils import format_datetime

from . import urls
from .plan import Output
from .site import Entry, Site
from .taxonomy import month_label
from .templating import date_iso

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# Characters XML 1.0 forbids; titles from HN or an LLM can carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Root-relative links in rendered HTML ('/posts/x/', not '//host/x'): a feed reader shows the
# content away from the site, so they must carry the host.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')
# The documents are joined from strings, not built with ElementTree: a feed with the full
# bodies of the newest posts is most of a cold build's XML time. The bytes are those
# ElementTree wrote before (same declaration, escaping, self-closing empties, one line each).
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
# (str.replace chains, not str.translate: translate is far slower on long Japanese bodies)
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
                      ("\t", "&#09;"))


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def escaped(text: str, escapes: tuple[tuple[str, str], ...] = _TEXT_ESCAPES) -> str:
    for character, reference in escapes:
        if character in text:
            text = text.replace(character, reference)
    return text


def absolute_links(html: str, origin: str) -> str:
    return _ROOT_RELATIVE.sub(lambda found: f"{found.group(1)}{origin}/", html) if origin else html


def full_content_rels(site: Site) -> frozenset[str]:
    """The posts whose rendered body the site feeds include (the newest `feed_items`)."""
    return frozenset(entry.rel for entry in site.posts[: site.info.feed_items])


def attributes(**attrib: str) -> str:
    return "".join(f' {name}="{escaped(value, _ATTRIBUTE_ESCAPES)}"'
                   for name, value in attrib.items())


def element(tag: str, text: str, **attrib: str) -> str:
    """One leaf element on its own line; text that is empty once cleaned closes it at once."""
    content = escaped(xml_text(text))
    if content:
        return f"<{tag}{attributes(**attrib)}>{content}</{tag}>\n"
    return f"<{tag}{attributes(**attrib)} />\n"


def empty(tag: str, **attrib: str) -> str:
    return f"<{tag}{attributes(**attrib)} />\n"


def document(parts: list[str]) -> bytes:
    return (DECLARATION + "".join(parts)).encode("utf-8", "xmlcharrefreplace")


class _ItemMemo:
    """RSS items of one site model, by post and body: a post is in the feed of each of its
    tags and of its month (and the two site feeds share their bodies), and its item is the
    same in all of them. Kept per process for the last site model only."""

    site: Site | None = None
    items: dict[tuple[str, str | None], str] = {}  # noqa: RUF012 - replaced, not shared


def _item(entry: Entry, site: Site, body: str | None) -> str:
    if _ItemMemo.site is not site:
        _ItemMemo.site, _ItemMemo.items = site, {}
    key = (entry.rel, body)
    found = _ItemMemo.items.get(key)
    if found is None:
        found = _ItemMemo.items[key] = _make_item(entry, site, body)
    return found


def _make_item(entry: Entry, site: Site, body: str | None) -> str:
    link = site.links.permalink(entry.path)
    parts = ["<item>\n", element("title", entry.title), element("link", link),
             element("guid", link, isPermaLink="true")]
    if entry.date:
        parts.append(element("pubDate", format_datetime(entry.date)))
    if entry.summary:
        parts.append(element("description", entry.summary))
    parts.extend(element("category", tag.name) for tag in entry.tags)
    if body is not None:
        parts.append(element("content:encoded", absolute_links(body, site.links.origin)))
    parts.append("</item>\n")
    return "".join(parts)


def rss(site: Site, title: str, list_path: str, entries: Sequence[Entry],
        bodies: Mapping[str, str] | None = None) -> bytes:
    """An RSS 2.0 document for `entries` (newest first), capped at `feed_items`; entries with
    a body in `bodies` (by rel) get it as content:encoded."""
    bodies = bodies or {}
    shown = entries[: site.info.feed_items]
    # xmlns:content only when an item uses it, as ElementTree declared only used namespaces
    content_ns = any(entry.rel in bodies for entry in shown)
    namespaces = f' xmlns:atom="{ATOM_NS}"' + (f' xmlns:content="{CONTENT_NS}"'
                                               if content_ns else "")
    parts = [f'<rss{namespaces} version="2.0">\n<channel>\n',
             element("title", title),
             element("link", site.links.permalink(list_path)),
             element("description", site.info.description or site.info.title),
             element("language", site.info.language),
             empty("atom:link", href=site.links.permalink(urls.feed_path(list_path)),
                   rel="self", type="application/rss+xml")]
    # The newest item's date, not the clock: an unchanged site builds to identical bytes.
    if shown and shown[0].date:
        parts.append(element("lastBuildDate", format_datetime(shown[0].date)))
    parts.extend(_item(entry, site, bodies.get(entry.rel)) for entry in shown)
    parts.append("</channel>\n</rss>\n")
    return document(parts)


def _atom_entry(entry: Entry, site: Site, body: str | None) -> str:
    link = site.links.permalink(entry.path)
    parts = ["<atom:entry>\n", element("atom:title", entry.title),
             empty("atom:link", href=link, rel="alternate"), element("atom:id", link)]
    if entry.date:
        parts.append(element("atom:published", date_iso(entry.date)))
    if entry.updated:
        parts.append(element("atom:updated", date_iso(entry.updated)))
    parts.extend(empty("atom:category", term=xml_text(tag.name)) for tag in entry.tags)
    if entry.summary:
        parts.append(element("atom:summary", entry.summary, type="text"))
    if body is not None:
        parts.append(element("atom:content", absolute_links(body, site.links.origin),
                             type="html"))
    parts.append("</atom:entry>\n")
    return "".join(parts)


def atom(site: Site, bodies: Mapping[str, str] | None = None) -> bytes:
    """An Atom 1.0 feed of the newest `feed_items` posts."""
    bodies = bodies or {}
    info = site.info
    home = site.links.permalink(urls.HOME)
    shown = site.posts[: info.feed_items]
    newest = max((e.updated for e in shown if e.updated), default=None)
    parts = [f'<atom:feed xmlns:atom="{ATOM_NS}"{attributes(**{"xml:lang": info.language})}>\n',
             element("atom:title", info.title)]
    if info.description:
        parts.append(element("atom:subtitle", info.description))
    parts += [empty("atom:link", href=home, rel="alternate", type="text/html"),
              empty("atom:link", href=site.links.permalink(urls.ATOM_FEED), rel="self",
                    type="application/atom+xml"),
              element("atom:id", home),
              # An empty site still needs <updated>; the epoch keeps the bytes stable.
              element("atom:updated", date_iso(newest) or "1970-01-01T00:00:00+00:00"),
              "<atom:author>\n", element("atom:name", info.author or info.title),
              "</atom:author>\n"]
    parts.extend(_atom_entry(entry, site, bodies.get(entry.rel)) for entry in shown)
    parts.append("</atom:feed>\n")
    return document(parts)


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
