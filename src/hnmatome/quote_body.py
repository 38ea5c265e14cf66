"""Comment bodies (matomeQuote `body`): untrusted text from Hacker News and an LLM, rendered as
inline markdown the way Hugo's markdownify shows it, minus any way to inject markup.

Most bodies are plain Japanese text, and markdown-it is slow on a slow machine (94k bodies in
the corpus), so segments that markdown cannot change skip it; tests prove each shortcut gives
exactly what markdown-it (plus nh3) gives.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.entities import entities
from markdown_it.common.utils import isValidEntityCode
from markdown_it.rules_inline.entity import DIGITAL_RE, NAMED_RE
from markdown_it.rules_inline.linkify import SCHEME_RE

from .markdown_render import LINK_HINT, AsciiUrlLinkify, LinkNormalizingMarkdown, inline_text

# What can make inline markdown differ from escaped text. (`[x]` alone is text: a comment body
# has no link reference definitions, and images are off, so `!` is text too.)
_INLINE_SIGNIFICANT = re.compile(r"[\\`*_<>&~@\x00\r\n]|://|\]\(|www\.", re.IGNORECASE)
# Only ASCII blanks are trimmed: a full-width space (U+3000) opening a line is a Japanese
# paragraph indent, and Hugo keeps it.
_ASCII_SPACE = " \t\r\n"
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_QUOTE_TAGS = {"a", "br", "em", "strong", "code", "s", "del"}
_QUOTE_ATTRIBUTES = {"a": {"href"}}
_QUOTE_SCHEMES = {"http", "https", "mailto", "ftp"}
_QUOTE_LINK_PREFIXES = ("http://", "https://", "mailto:", "ftp://")
_LINK_REL = "nofollow ugc noopener"


class QuoteMarkdown(LinkNormalizingMarkdown):
    """For untrusted comment bodies: only absolute web and mail links become links. Hacker News
    has no markdown, so `[x](media/a.pdf)` was text there and would be a broken link here."""

    def validateLink(self, url: str) -> bool:
        return url.lower().startswith(_QUOTE_LINK_PREFIXES) and super().validateLink(url)


def quote_markdown() -> MarkdownIt:
    """The parser for untrusted comment bodies: inline only, no raw HTML, no images."""
    md = QuoteMarkdown("commonmark", {"html": False, "linkify": True})
    md.linkify = AsciiUrlLinkify()
    md.enable(["strikethrough", "linkify"])
    md.disable(["image"])
    return md


# Character references exactly as markdown-it's entity rule reads them (the converter writes
# comment bodies with many: &#34; &#91; …). Decoded characters are text, never syntax.
_REFERENCE = re.compile(f"{DIGITAL_RE.pattern}|{NAMED_RE.pattern}", re.IGNORECASE)


def _decode_reference(found: re.Match[str]) -> str:
    number, name = found.group(1), found.group(2)
    if name is not None:
        return entities.get(name, found.group(0))
    code = int(number[1:], 16) if number[0] in "xX" else int(number)
    return chr(code) if isValidEntityCode(code) else "\ufffd"


def _plain_with_references(segment: str) -> str | None:
    """The decoded text when `segment` is plain text plus character references, else None.
    Links are the one thing decoding can create (linkify runs on the decoded text), so a
    decoded text that could hold one is left to markdown-it."""
    if _INLINE_SIGNIFICANT.search(_REFERENCE.sub("", segment)):
        return None
    decoded = _REFERENCE.sub(_decode_reference, segment)
    return None if LINK_HINT.search(decoded) else decoded


_SCHEME_SEPARATOR = re.compile("://")
# hrefs nh3 certainly keeps: it drops one its URL parser rejects (e.g. host 127.0.0.8080),
# so anything unusual (numeric or upper-case hosts, big ports) takes the nh3 path.
_SAFE_HREF = re.compile(r"(?:https?|ftp)://(?:[a-z0-9-]+\.)+[a-z]{2,63}(?::[0-9]{1,4})?(?:[/?#]\S*)?")


def _blocks_url_shortcut(text: str) -> bool:
    """Text between URLs must be plain, with no ':' (linkify would look at it again)."""
    return ":" in text or _INLINE_SIGNIFICANT.search(text) is not None


def _clean(html: str) -> str:
    # Defence in depth: markdown-it already escapes, nh3 guarantees only known tags survive.
    return nh3.clean(html, tags=_QUOTE_TAGS, attributes=_QUOTE_ATTRIBUTES,
                     url_schemes=_QUOTE_SCHEMES, link_rel=_LINK_REL)


def _escape_attribute(value: str) -> str:
    """An attribute value as nh3 serialises it."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("\xa0", "&nbsp;")


def escape_text(text: str) -> str:
    """Escape text exactly as the slow path's final nh3 pass serialises it (& < > and NBSP)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\xa0", "&nbsp;"))


class QuoteBodyRenderer:
    """A matomeQuote body as Hugo's markdownify shows it, minus any way to inject markup."""

    def __init__(self) -> None:
        self._md = quote_markdown()

    def segment(self, segment: str) -> tuple[str, str]:
        """(html, text) of one <br>-free segment; plain text skips markdown-it (tests prove
        both ways give the same result)."""
        if not _INLINE_SIGNIFICANT.search(segment):
            return escape_text(segment), segment
        if "&" in segment and (decoded := _plain_with_references(segment)) is not None:
            return escape_text(decoded), decoded
        if "://" in segment and (linked := self._plain_with_urls(segment)) is not None:
            return linked
        return self.segment_slow(segment)

    def segment_slow(self, segment: str) -> tuple[str, str]:
        tokens = self._md.parseInline(segment)
        html = self._md.renderer.render(tokens, self._md.options, {})
        return _clean(html), inline_text(tokens[0].children or [])

    def _plain_with_urls(self, segment: str) -> tuple[str, str] | None:
        """Plain text with scheme URLs (most comments that are not plain): the links markdown-it's
        linkify rule would make, found with the same pieces it uses (SCHEME_RE on the text
        before each '://', then linkify-it), or None when anything else could matter."""
        md = self._md
        html: list[str] = []
        text: list[str] = []
        pos = 0
        for colon in _SCHEME_SEPARATOR.finditer(segment):
            if colon.start() < pos:
                continue  # '://' inside the previous URL
            scheme = SCHEME_RE.search(segment[pos : colon.start()])
            if scheme is None:
                return None
            start = colon.start() - len(scheme.group(1))
            link = md.linkify.match_at_start(segment[start:])
            url = link.url.rstrip("*") if link is not None else ""  # type: ignore[attr-defined]
            href = md.normalizeLink(url)
            before = segment[pos:start]
            if not url or not _SAFE_HREF.fullmatch(href) or not md.validateLink(href) \
                    or _blocks_url_shortcut(before):
                return None
            label = md.normalizeLinkText(url)
            html += [escape_text(before),
                     f'<a href="{_escape_attribute(href)}" rel="{_LINK_REL}">',
                     escape_text(label), "</a>"]
            text += [before, label]
            pos = start + len(url)
        rest = segment[pos:]
        if _blocks_url_shortcut(rest):
            return None
        # Built from escaped pieces, in nh3's own serialisation (the slow path ends with nh3):
        # nh3 adds nothing here and costs half the time.
        return "".join([*html, escape_text(rest)]), "".join([*text, rest])

    def render(self, body: str) -> tuple[str, str]:
        """(html, text): segments split on <br> variants, joined with <br>."""
        if "<" not in body:
            return self.segment(body.strip(_ASCII_SPACE))
        htmls, texts = [], []
        for part in _BR.split(body):
            html, text = self.segment(part.strip(_ASCII_SPACE))
            htmls.append(html)
            texts.append(text)
        return "<br>".join(htmls), "\n".join(texts)
