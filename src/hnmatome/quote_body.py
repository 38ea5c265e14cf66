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
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isValidEntityCode, isWhiteSpace
from markdown_it.rules_inline.entity import DIGITAL_RE, NAMED_RE
from markdown_it.rules_inline.linkify import SCHEME_RE

from hnmatome.markdown_render import (
    LINK_HINT,
    AsciiUrlLinkify,
    LinkNormalizingMarkdown,
    inline_text,
)

# What can make inline markdown differ from escaped text: any of \`*_<&@ NUL CR LF, or '~~',
# '://', '](' or 'www.' in any case. (`[x]` alone is text: a comment body has no link reference
# definitions, and images are off, so `!` is text too; no inline rule starts at '>', and a
# lone '~' is too short for strikethrough.) Written as one character class with lookbehinds,
# because the regex engine scans for a leading class with a fast loop, while the plain
# alternation is tried branch by branch at every character (4x slower on comment text).
_SIGNIFICANT_CHARS = r"\\`*_<&@\x00\r\n"  # a regex character-class body
_INLINE_SIGNIFICANT = re.compile(
    rf"[{_SIGNIFICANT_CHARS}:\]wW~]"
    rf"(?:(?<=[{_SIGNIFICANT_CHARS}])|(?<=:)//|(?<=\])\(|(?<=[wW])[wW][wW]\.|(?<=~)~)")
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
    decoded text that could hold one is left to markdown-it. An '&' that starts no reference
    is text to markdown-it too (its entity rule declines it)."""
    if _INLINE_SIGNIFICANT.search(_REFERENCE.sub("", segment).replace("&", "")):
        return None
    decoded = _REFERENCE.sub(_decode_reference, segment)
    return None if LINK_HINT.search(decoded) else decoded


_CODE_SPAN = re.compile(r"`([^`]+)`")
_UNDERSCORES = re.compile(r"_+")
_LINE_OR_NUL = re.compile(r"[\r\n\x00]")


def _inside_word(segment: str, start: int, end: int) -> bool:
    """Whether the run segment[start:end] sits between two characters that are neither
    whitespace nor punctuation (markdown-it's own tests): an `_` run there can neither open
    nor close emphasis, so it stays text (snake_case names)."""
    if start == 0 or end >= len(segment):
        return False
    return not any(isWhiteSpace(ord(char)) or isMdAsciiPunct(ord(char)) or isPunctChar(char)
                   for char in (segment[start - 1], segment[end]))


def _plain_outside_code(segment: str, start: int, end: int) -> bool:
    """segment[start:end], text between code spans, is plain but for in-word `_` runs."""
    for run in _UNDERSCORES.finditer(segment, start, end):
        if not _inside_word(segment, run.start(), run.end()):
            return False
    # Dropping the `_` can only join other characters into a match, never hide one.
    return not _INLINE_SIGNIFICANT.search(segment[start:end].replace("_", ""))


def _plain_with_code(segment: str) -> tuple[str, str] | None:
    """Plain text with `code` spans and in-word `_`: (html, text) as markdown-it (plus nh3)
    gives them, or None when anything else could matter. Every backtick run must be a single
    backtick and their count even: they then pair up in order, as markdown-it pairs them."""
    if "``" in segment or segment.count("`") % 2 or _LINE_OR_NUL.search(segment):
        return None  # (markdown-it normalises CR and NUL, and a line break is not text)
    html: list[str] = []
    text: list[str] = []
    pos = 0
    for span in _CODE_SPAN.finditer(segment):
        if not _plain_outside_code(segment, pos, span.start()):
            return None
        code = span.group(1)
        if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
            code = code[1:-1]
        before = segment[pos : span.start()]
        html += [escape_text(before), "<code>", escape_text(code), "</code>"]
        text += [before, code]
        pos = span.end()
    if not _plain_outside_code(segment, pos, len(segment)):
        return None
    rest = segment[pos:]
    return "".join([*html, escape_text(rest)]), "".join([*text, rest])


_SCHEME_SEPARATOR = re.compile("://")
# hrefs nh3 certainly keeps: it drops one its URL parser rejects (e.g. host 127.0.0.8080),
# so anything unusual (numeric or upper-case hosts, big ports) takes the nh3 path.
_SAFE_HREF = re.compile(r"(?:https?|ftp)://(?:[a-z0-9-]+\.)+[a-z]{2,63}(?::[0-9]{1,4})?(?:[/?#]\S*)?")


def _blocks_url_shortcut(text: str) -> bool:
    """Text between URLs must be plain. (A ':' is fine: it holds no '://' - each one starts a
    URL here - so markdown-it's linkify finds no link in it; see LINK_HINT.)"""
    return _INLINE_SIGNIFICANT.search(text) is not None


# Built once: nh3.clean() with options rebuilds its sanitizer on every call.
_CLEANER = nh3.Cleaner(tags=_QUOTE_TAGS, attributes=_QUOTE_ATTRIBUTES,
                       url_schemes=_QUOTE_SCHEMES, link_rel=_LINK_REL)


# A link whose href nh3's URL parser rejected (host 127.0.0.8080): nh3 keeps the <a> and drops
# the href; a link to nowhere helps no reader, so its text stands alone.
_HREFLESS_LINK = re.compile(f'<a rel="{re.escape(_LINK_REL)}">(.*?)</a>', re.DOTALL)


def _clean(html: str) -> str:
    # Defence in depth: markdown-it already escapes, nh3 guarantees only known tags survive.
    cleaned = _CLEANER.clean(html)
    return _HREFLESS_LINK.sub(r"\1", cleaned) if "<a rel=" in cleaned else cleaned


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
        if ("`" in segment or "_" in segment) and (coded := _plain_with_code(segment)) is not None:
            return coded
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
