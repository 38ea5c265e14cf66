"""Feeds: RSS 2.0 for the site, the post list, every tag and every month, and one Atom feed.

The site feeds (/index.xml, /posts/index.xml, /atom.xml) carry each post's full HTML
(`content:encoded`, Atom `content`) so a feed reader shows the whole matome; tag and month feeds
carry the summary only: a post sits in half a dozen of them, and full bodies there would
multiply the site's size for no reader."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from hnmatome import urls
from hnmatome.plan import Output
from hnmatome.site import Entry, Site
from hnmatome.taxonomy import month_label
from hnmatome.templating import date_iso, date_rfc822

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
_BYTE_ESCAPES = tuple((character.encode(), reference.encode())
                      for character, reference in _TEXT_ESCAPES)
# What _NOT_XML takes out, as UTF-8: the control characters (one byte each) and two
# noncharacters (three bytes each).
_CONTROL_BYTES = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0D}))
_NONCHARACTERS = ("\ufffe", "\uffff")
# A post's body for the site feeds: its rendered HTML, or feed_content() of it.
Body = str | bytes


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def escaped(text: str, escapes: tuple[tuple[str, str], ...] = _TEXT_ESCAPES) -> str:
    for character, reference in escapes:
        if character in text:
            text = text.replace(character, reference)
    return text


def encoded(text: str) -> bytes:
    """Text as the document holds it: UTF-8, with a reference for what UTF-8 cannot hold
    (a lone surrogate)."""
    return text.encode("utf-8", "xmlcharrefreplace")


def content_bytes(text: str) -> bytes:
    """encoded(escaped(xml_text(text))), for a post's whole body: the same bytes in a third of
    the time. The work is done on UTF-8, where '&', '<', '>' and the control characters XML
    forbids are single bytes that no other character's encoding contains, and bytes.replace
    and translate are quicker than their str forms and the regular expression."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: their references must not be escaped
        return encoded(escaped(xml_text(text)))
    for character, reference in _BYTE_ESCAPES:
        if character in data:
            data = data.replace(character, reference)
    data = data.translate(None, _CONTROL_BYTES)
    for noncharacter in _NONCHARACTERS:
        if noncharacter in text:  # UTF-8 is self-synchronizing: these bytes are only it
            data = data.replace(noncharacter.encode(), b"")
    return data


def feed_content(html: str, origin: str) -> bytes:
    """A post's rendered HTML as the site feeds carry it (content:encoded, Atom content):
    links absolute, escaped, encoded. A pure function of its arguments and this module's
    code, so it may be kept across builds under a digest of them and handed to the feeds
    in place of the HTML."""
    return content_bytes(absolute_links(html, origin))


def absolute_links(html: str, origin: str) -> str:
    # The pattern starts with no literal, so the regex engine tries it at every position of a
    # long body; a link it changes always holds one of these, which str finds in a blink.
    if not origin or ('href="/' not in html and 'src="/' not in html):
        return html
    return _ROOT_RELATIVE.sub(lambda found: f"{found.group(1)}{origin}/", html)


def full_content_rels(site: Site) -> frozenset[str]:
    """The posts whose rendered body the site feeds include (the newest `feed_items`)."""
    return frozenset(entry.rel for entry in site.posts[: site.info.feed_items])


def attributes(**attrib: str) -> str:
    return "".join(f' {name}="{escaped(value, _ATTRIBUTE_ESCAPES)}"'
                   for name, value in attrib.items())


def element(tag: str, text: str, **attrib: str) -> str:
    """One leaf element on its own line; text that is empty once cleaned closes it at once."""
    content = escaped(xml_text(text))
    start = f"<{tag}{attributes(**attrib)}" if attrib else f"<{tag}"  # a feed has thousands
    return f"{start}>{content}</{tag}>\n" if content else f"{start} />\n"


def with_content(head: str, tag: str, content: bytes, tail: str, **attrib: str) -> bytes:
    """head, then element() of a body already made into content_bytes(), then tail: one join
    (a feed's fifty bodies are most of its bytes, each copy of them costs)."""
    start = f"{head}<{tag}{attributes(**attrib)}"
    if not content:
        return encoded(f"{start} />\n{tail}")
    return b"".join((encoded(start + ">"), content, encoded(f"</{tag}>\n{tail}")))


def empty(tag: str, **attrib: str) -> str:
    return f"<{tag}{attributes(**attrib)} />\n"


def document(head: list[str], items: Iterable[bytes], tail: str) -> bytes:
    # Parts are encoded one by one and joined: the same bytes as encoding the joined text
    # (UTF-8 and its references are made character by character), without a copy of the
    # bodies as text.
    return b"".join((encoded(DECLARATION + "".join(head)), *items, encoded(tail)))


class _ItemMemo:
    """RSS items of one site model and the encoded bodies: a post is in the feed of each of
    its tags and of its month, the two RSS site feeds share their items, and the Atom feed
    the bodies. Kept per process for the last site model only. Looked up by post, then
    checked against the body (nearly always the very same str): hashing fifty whole bodies
    would cost more than encoding some of them."""

    site: Site | None = None
    # (rel, with a body) -> (the body, the item)
    items: dict[tuple[str, bool], tuple[Body | None, bytes]] = {}  # noqa: RUF012 - replaced
    bodies: dict[str, tuple[str, bytes]] = {}  # noqa: RUF012 - rel -> (body, its content)


def _memo(site: Site) -> type[_ItemMemo]:
    if _ItemMemo.site is not site:
        _ItemMemo.site, _ItemMemo.items, _ItemMemo.bodies = site, {}, {}
    return _ItemMemo


def _content(site: Site, rel: str, body: Body) -> bytes:
    """A body as the site feeds carry it: links absolute, escaped, encoded."""
    if isinstance(body, bytes):
        return body
    bodies = _memo(site).bodies
    found = bodies.get(rel)
    if found is None or not (found[0] is body or found[0] == body):
        found = bodies[rel] = (body, feed_content(body, site.links.origin))
    return found[1]


def _item(entry: Entry, site: Site, body: Body | None) -> bytes:
    items = _memo(site).items
    key = (entry.rel, body is not None)
    found = items.get(key)
    if found is None or not (found[0] is body or found[0] == body):
        found = items[key] = (body, _make_item(entry, site, body))
    return found[1]


def _make_item(entry: Entry, site: Site, body: Body | None) -> bytes:
    link = site.links.permalink(entry.path)
    parts = ["<item>\n", element("title", entry.title), element("link", link),
             element("guid", link, isPermaLink="true")]
    if entry.date:
        parts.append(element("pubDate", date_rfc822(entry.date)))
    if entry.summary:
        parts.append(element("description", entry.summary))
    parts.extend(element("category", tag.name) for tag in entry.tags)
    if body is None:
        return encoded("".join(parts) + "</item>\n")
    return with_content("".join(parts), "content:encoded", _content(site, entry.rel, body),
                        "</item>\n")


def rss(site: Site, title: str, list_path: str, entries: Sequence[Entry],
        bodies: Mapping[str, Body] | None = None) -> bytes:
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
        parts.append(element("lastBuildDate", date_rfc822(shown[0].date)))
    items = [_item(entry, site, bodies.get(entry.rel)) for entry in shown]
    return document(parts, items, "</channel>\n</rss>\n")


def _atom_entry(entry: Entry, site: Site, body: Body | None) -> bytes:
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
    if body is None:
        return encoded("".join(parts) + "</atom:entry>\n")
    return with_content("".join(parts), "atom:content", _content(site, entry.rel, body),
                        "</atom:entry>\n", type="html")


def atom(site: Site, bodies: Mapping[str, Body] | None = None) -> bytes:
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
    entries = [_atom_entry(entry, site, bodies.get(entry.rel)) for entry in shown]
    return document(parts, entries, "</atom:feed>\n")


def feed_for(output: Output, site: Site, bodies: Mapping[str, Body] | None = None) -> bytes:
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
