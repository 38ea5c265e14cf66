"""The lead of a post's body as its page shows it: the converter opens every post with the title
as a blockquote and a `引用元：<URL>` line. The page shows the title as its heading and the
source as a link in its header, so a leading blockquote that repeats the title is left out, and
so is the source line when the header links to the same address. Feeds keep the body whole."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

_QUOTE = re.compile(r"\s*<blockquote>\s*<p>([^<]*)</p>\s*</blockquote>\n?")
_SOURCE = re.compile(r'\s*<p>引用元[：:]\s*<a href="([^"]+)"[^>]*>[^<]*</a>\s*</p>\n?')
HN_HOST = "news.ycombinator.com"


@dataclass(frozen=True)
class Lead:
    body: str  # the body HTML without the parts the header shows
    url: str  # the source the header links to ('' for none)
    label: str  # its text


def _same_text(shown: str, title: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return norm(html.unescape(shown)) == norm(title)


def source_label(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host == HN_HOST:
        return "Hacker News のスレッド"
    return f"引用元（{host.removeprefix('www.')}）" if host else "引用元"


def post_lead(body: str, title: str, hn_url: str) -> Lead:
    """The body without a leading title blockquote and source line, and the source address:
    `hn_url` (from the post's `hnid`) or else the `引用元` address of the body (http(s) only).
    The source line is looked for first in the body or right after its leading blockquote."""
    quote = _QUOTE.match(body)
    start = quote.end() if quote else 0
    head = "" if quote and _same_text(quote.group(1), title) else body[:start]
    source = hn_url
    found = _SOURCE.match(body, start)
    if found:
        cited = html.unescape(found.group(1))
        if not source and urlsplit(cited).scheme in ("http", "https"):
            source = cited
        if cited == source:
            start = found.end()
    rest = body if start == len(head) else head + body[start:].lstrip("\n")
    return Lead(rest, source, source_label(source) if source else "")
