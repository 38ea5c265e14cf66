"""Comment bodies (matomeQuote `body`): untrusted text from Hacker News and an LLM, rendered as
inline markdown the way Hugo's markdownify shows it, minus any way to inject markup.

A body is cut at its `<br>`s; each segment that could yield markup (a link, emphasis, code)
goes through markdown-it and then nh3, which keeps only a few inline tags and safe links.
Plain text (most Japanese comments) cannot yield markup, so it is only escaped.

The segments come back as paragraphs (`<p>`), so a long comment reads as paragraphs on a phone:
a body with a blank line (two `<br>` in a row, as the converter writes HN's paragraphs) breaks
paragraphs there and keeps a single `<br>` as a line break; a body without one (the older
corpus joins paragraphs with one `<br>`) makes each line a paragraph."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.entities import entities
from markdown_it.common.utils import isValidEntityCode
from markdown_it.rules_inline.entity import DIGITAL_RE, NAMED_RE

from hnmatome.site.markup.markdown import (
    LINK_HINT,
    AsciiUrlLinkify,
    LinkNormalizingMarkdown,
    inline_text,
)

# What can make inline markdown differ from escaped text: any of \`*_<&@ NUL CR LF, or '~~',
# '://', '](' or 'www.' in any case. (`[x]` alone is text: a comment body has no link reference
# definitions, and images are off, so `!` is text too; no inline rule starts at '>', and a
# lone '~' is too short for strikethrough.) Written as one character class with lookbehinds,
# which the regex engine scans for quickly.
_SIGNIFICANT_CHARS = r"\\`*_<&@\x00\r\n"  # a regex character-class body
_INLINE_SIGNIFICANT = re.compile(
    rf"[{_SIGNIFICANT_CHARS}:\]wW~]"
    rf"(?:(?<=[{_SIGNIFICANT_CHARS}])|(?<=:)//|(?<=\])\(|(?<=[wW])[wW][wW]\.|(?<=~)~)")
# Only ASCII blanks are trimmed: a full-width space (U+3000) opening a line is a Japanese
# paragraph indent, and Hugo keeps it.
_ASCII_SPACE = " \t\r\n"
# `<br>` in any spelling, and `＜br＞` / `＜br/＞` in full-width brackets (an LLM's line break
# in some corpus bodies).
_BR = re.compile(r"[<＜]\s*br\s*/?\s*[>＞]", re.IGNORECASE)
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


def escape_text(text: str) -> str:
    """Escape text exactly as the markdown path's final nh3 pass serialises it (& < > and
    NBSP)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\xa0", "&nbsp;"))


class QuoteBodyRenderer:
    """A matomeQuote body as Hugo's markdownify shows it, minus any way to inject markup."""

    def __init__(self) -> None:
        self._md = quote_markdown()

    def segment(self, segment: str) -> tuple[str, str]:
        """(html, text) of one <br>-free segment. Text that no markdown rule can change is
        escaped (tests prove both ways agree); everything else is sanitised markdown."""
        if not _INLINE_SIGNIFICANT.search(segment):
            return escape_text(segment), segment
        if "&" in segment and (decoded := _plain_with_references(segment)) is not None:
            return escape_text(decoded), decoded
        return self.markdown(segment)

    def markdown(self, segment: str) -> tuple[str, str]:
        tokens = self._md.parseInline(segment)
        html = self._md.renderer.render(tokens, self._md.options, {})
        return _clean(html), inline_text(tokens[0].children or [])

    def render(self, body: str) -> tuple[str, str]:
        """(html, text): the body as paragraphs (see the top of this module); the text has
        one line per segment, as written."""
        if "<" not in body and "＜" not in body:
            html, text = self.segment(body.strip(_ASCII_SPACE))
            return (f"<p>{html}</p>" if html else ""), text
        htmls, texts = [], []
        for part in _BR.split(body):
            html, text = self.segment(part.strip(_ASCII_SPACE))
            htmls.append(html)
            texts.append(text)
        return paragraphs(htmls), "\n".join(texts)


def paragraphs(lines: list[str]) -> str:
    """`<p>` paragraphs of the HTML lines of a body ('' for a blank line)."""
    while lines and not lines[-1]:
        lines.pop()
    start = next((index for index, line in enumerate(lines) if line), len(lines))
    lines = lines[start:]
    if "" not in lines:  # no blank line: every line is a paragraph
        return "".join(f"<p>{line}</p>" for line in lines)
    groups: list[list[str]] = [[]]
    for line in lines:
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return "".join(f"<p>{'<br>'.join(group)}</p>" for group in groups if group)
