"""What a page tells crawlers and share targets about itself: JSON-LD and share links.

Everything here is pure data; the templates turn it into <meta>, <script> and <a> tags."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from hnmatome.site.model import Entry, SiteInfo
from hnmatome.site.render.templates import date_iso

# Inside <script>, "</script>" or "<!--" in a title would end or confuse the element; JSON lets
# these characters be written as escapes, which read back as the same string.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(data: Mapping[str, Any]) -> Markup:
    """`data` as JSON that is safe inside a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)


def _organization(info: SiteInfo, home: str) -> dict[str, Any]:
    return {"@type": "Organization", "name": info.author or info.title, "url": home}


def post_jsonld(entry: Entry, info: SiteInfo, url: str, home: str, description: str,
                image: str, source: str = "") -> dict[str, Any]:
    """schema.org BlogPosting for one post (`url`, `home`, `image` absolute); `source`: the
    thread it translates (its `hnid`, or else the `引用元` address of its body)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": entry.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": info.language,
        "author": _organization(info, home),
        "publisher": _organization(info, home),
    }
    if description:
        data["description"] = description
    if entry.date:
        data["datePublished"] = date_iso(entry.date)
        data["dateModified"] = date_iso(entry.updated)
    if image:
        data["image"] = [image]
    if entry.tags:
        data["keywords"] = [tag.name for tag in entry.tags]
    if source:
        data["isBasedOn"] = source
    return data


def site_jsonld(info: SiteInfo, home: str) -> dict[str, Any]:
    """schema.org WebSite for the home page, with the search the site answers at /?q=."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": info.title,
        "url": home,
        "description": info.description,
        "inLanguage": info.language,
        "publisher": _organization(info, home),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": home + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


@dataclass(frozen=True)
class ShareLink:
    name: str  # shown to readers
    service: str  # a CSS hook: 'x', 'hatena', 'line'
    url: str


def share_links(title: str, url: str) -> Sequence[ShareLink]:
    """Share buttons for X, Hatena Bookmark and LINE (each service's documented share URL)."""
    return (
        ShareLink("X", "x", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
        ShareLink("はてなブックマーク", "hatena", "https://b.hatena.ne.jp/add?"
                  + urlencode({"mode": "confirm", "url": url, "title": title})),
        ShareLink("LINE", "line", "https://social-plugins.line.me/lineit/share?"
                  + urlencode({"url": url})),
    )
