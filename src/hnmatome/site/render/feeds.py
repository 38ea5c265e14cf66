"""Feeds: RSS 2.0 for the site, the post list, every tag and every month, and one Atom feed.

The site feeds (/index.xml, /posts/index.xml, /atom.xml) carry each post's full HTML
(`content:encoded`, Atom `content`) so a feed reader shows the whole matome; tag and month feeds
carry the summary only: a post sits in half a dozen of them, and full bodies there would
multiply the site's size for no reader.

The documents are joined from strings (one element a line), not built with ElementTree: a
feed with the full bodies of the newest posts is most of a cold build's XML time."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from hnmatome.site import urls
from hnmatome.site.incremental.reads import digest_of
from hnmatome.site.model import Entry
from hnmatome.site.plan import Output
from hnmatome.site.render.templates import date_iso, date_rfc822
from hnmatome.site.taxonomy import month_label
from hnmatome.site.view import SiteView

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# Characters XML 1.0 forbids; titles from HN or an LLM can carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Root-relative links in rendered HTML ('/posts/x/', not '//host/x'): a feed reader shows the
# content away from the site, so they must carry the host.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
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


def encoded(text: str) -> bytes:
    """Text as the document holds it: UTF-8, with a reference for what UTF-8 cannot hold
    (a lone surrogate)."""
    return text.encode("utf-8", "xmlcharrefreplace")


def absolute_links(html: str, origin: str) -> str:
    if not origin or ('href="/' not in html and 'src="/' not in html):
        return html  # most bodies link nowhere on the site: no regex over all of them
    return _ROOT_RELATIVE.sub(lambda found: f"{found.group(1)}{origin}/", html)


def feed_content(html: str, origin: str) -> str:
    """A post's rendered HTML as the site feeds carry it: links absolute, escaped."""
    return escaped(xml_text(absolute_links(html, origin)))


def attributes(**attrib: str) -> str:
    return "".join(f' {name}="{escaped(value, _ATTRIBUTE_ESCAPES)}"'
                   for name, value in attrib.items())


def element(tag: str, text: str, **attrib: str) -> str:
    """One leaf element on its own line; text that is empty once cleaned closes it at once."""
    content = escaped(xml_text(text))
    start = f"<{tag}{attributes(**attrib)}"
    return f"{start}>{content}</{tag}>\n" if content else f"{start} />\n"


def empty(tag: str, **attrib: str) -> str:
    return f"<{tag}{attributes(**attrib)} />\n"


class _Made:
    """What the site feeds share, made once: the full content of a post's body (both RSS
    feeds and the Atom feed carry it), and a whole RSS item (both RSS feeds list the same
    posts). Kept by a digest of what it is made from."""

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], str] = {}

    def get(self, key: tuple[object, ...], make: Callable[[], str]) -> str:
        found = self._made.get(key)
        if found is None:
            if len(self._made) > 1024:
                self._made.clear()
            found = self._made[key] = make()
        return found

    def content(self, view: SiteView, rel: str) -> str:
        body = view.body(rel)
        origin = view.links().origin
        return self.get(("body", body.digest, origin), lambda: feed_content(body.html, origin))


_made = _Made()


def _with_content(parts: list[str], tag: str, content: str, close: str, **attrib: str) -> str:
    start = f"<{tag}{attributes(**attrib)}"
    parts.append(f"{start}>{content}</{tag}>\n" if content else f"{start} />\n")
    return "".join(parts) + close


def _item(view: SiteView, entry: Entry, full: bool) -> str:
    key = ("item", digest_of(entry), full, view.links().base_url,
           view.body(entry.rel).digest if full else b"")
    return _made.get(key, lambda: _make_item(view, entry, full))


def _make_item(view: SiteView, entry: Entry, full: bool) -> str:
    link = view.links().permalink(entry.path)
    parts = ["<item>\n", element("title", entry.title), element("link", link),
             element("guid", link, isPermaLink="true")]
    if entry.date:
        parts.append(element("pubDate", date_rfc822(entry.date)))
    if entry.summary:
        parts.append(element("description", entry.summary))
    parts.extend(element("category", tag.name) for tag in entry.tags)
    if not full:
        return "".join(parts) + "</item>\n"
    return _with_content(parts, "content:encoded", _made.content(view, entry.rel),
                         "</item>\n")


def rss(view: SiteView, title: str, list_path: str, entries: Sequence[Entry],
        full: bool) -> bytes:
    """An RSS 2.0 document for `entries` (newest first; `full`: with each post's body)."""
    info, links = view.info(), view.links()
    namespaces = f' xmlns:atom="{ATOM_NS}"' + (f' xmlns:content="{CONTENT_NS}"'
                                               if full and entries else "")
    parts = [DECLARATION, f'<rss{namespaces} version="2.0">\n<channel>\n',
             element("title", title),
             element("link", links.permalink(list_path)),
             element("description", info.description or info.title),
             element("language", info.language),
             empty("atom:link", href=links.permalink(urls.feed_path(list_path)),
                   rel="self", type="application/rss+xml")]
    # The newest item's date, not the clock: an unchanged site builds to identical bytes.
    if entries and entries[0].date:
        parts.append(element("lastBuildDate", date_rfc822(entries[0].date)))
    parts += [_item(view, entry, full) for entry in entries]
    parts.append("</channel>\n</rss>\n")
    return encoded("".join(parts))


def _atom_entry(view: SiteView, entry: Entry) -> str:
    link = view.links().permalink(entry.path)
    parts = ["<entry>\n", element("title", entry.title),
             empty("link", href=link, rel="alternate"), element("id", link)]
    if entry.date:
        parts.append(element("published", date_iso(entry.date)))
    if entry.updated:
        parts.append(element("updated", date_iso(entry.updated)))
    parts.extend(empty("category", term=xml_text(tag.name)) for tag in entry.tags)
    if entry.summary:
        parts.append(element("summary", entry.summary, type="text"))
    return _with_content(parts, "content", _made.content(view, entry.rel), "</entry>\n",
                         type="html")


def atom(view: SiteView) -> bytes:
    """An Atom 1.0 feed of the newest `feed_items` posts, with their bodies. Atom is the
    default namespace (`<feed xmlns="http://www.w3.org/2005/Atom">`), as other generators
    write it."""
    info, links = view.info(), view.links()
    home = links.permalink(urls.HOME)
    shown = view.posts(0, info.feed_items)
    newest = max((e.updated for e in shown if e.updated), default=None)
    parts = [DECLARATION,
             f'<feed xmlns="{ATOM_NS}"{attributes(**{"xml:lang": info.language})}>\n',
             element("title", info.title)]
    if info.description:
        parts.append(element("subtitle", info.description))
    parts += [empty("link", href=home, rel="alternate", type="text/html"),
              empty("link", href=links.permalink(urls.ATOM_FEED), rel="self",
                    type="application/atom+xml"),
              element("id", home),
              # An empty site still needs <updated>; the epoch keeps the bytes stable.
              element("updated", date_iso(newest) or "1970-01-01T00:00:00+00:00"),
              "<author>\n", element("name", info.author or info.title), "</author>\n"]
    parts += [_atom_entry(view, entry) for entry in shown]
    parts.append("</feed>\n")
    return encoded("".join(parts))


def feed(output: Output, view: SiteView) -> bytes:
    if output.kind == "atom":
        return atom(view)
    info = view.info()
    if not output.term:
        list_path = urls.section_path(output.key) if output.key else urls.HOME
        return rss(view, info.title, list_path, view.posts(0, info.feed_items), full=True)
    term = view.term(output.key, output.term)
    name = month_label(term.name) if output.key == "months" else term.name
    # (at most as many as there are: the same question a term's first page asks)
    entries = view.term_posts(output.key, output.term, 0, min(info.feed_items, term.count))
    return rss(view, f"{name} | {info.title}", term.path, entries, full=False)
