"""Markdown to HTML for pages (trusted author), and the markdown-it pieces comment bodies share."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

if TYPE_CHECKING:  # Pygments loads with the first code block (20 ms a build spared)
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

# Wrapper of highlighted code; the site's stylesheet is generated for this selector.
HIGHLIGHT_CLASS = "highlight"

# A URL ends at the first character outside printable ASCII, as in Hugo's linkify: Japanese
# text usually follows a URL without a space, and must not become part of the link.
_URL_STOP = re.compile(r"[^\x21-\x7e]")
_URL_TRAILING = ".,:;!?'\"*_~"
# Every link AsciiUrlLinkify keeps holds one of '://', '@' (emails, mailto:) or 'www.' (any
# case): scheme URLs need '//' after the colon, and bare hosts are dropped. Written as one
# leading character class (see quote_body._INLINE_SIGNIFICANT for why).
LINK_HINT = re.compile(r"[:@wW](?:(?<=@)|(?<=:)//|(?<=[wW])[wW][wW]\.)")


def _trim_url_text(text: str) -> str:
    stop = _URL_STOP.search(text)
    if stop:
        text = text[: stop.start()]
    while text:
        last = text[-1]
        if last in _URL_TRAILING or (last == ")" and text.count(")") > text.count("(")):
            text = text[:-1]
        else:
            break
    return text


class AsciiUrlLinkify(LinkifyIt):
    """linkify-it, narrowed to what Hugo's goldmark links: scheme URLs, www. hosts, emails."""

    def _narrow(self, found: object) -> object | None:
        text: str = found.text  # type: ignore[attr-defined]
        schema: str = found.schema  # type: ignore[attr-defined]
        if schema == "//" or (not schema and not text.lower().startswith("www.")):
            return None  # a bare host such as README.md, or //host: Hugo links neither
        trimmed = _trim_url_text(text)
        if "." not in trimmed.split("//", 1)[-1] and schema != "mailto:":
            return None
        prefix = found.url[: len(found.url) - len(text)]  # type: ignore[attr-defined]
        if not schema:
            prefix = "https://"
        found.text = found.raw = trimmed  # type: ignore[attr-defined]
        found.url = prefix + trimmed  # type: ignore[attr-defined]
        found.last_index = found.index + len(trimmed)  # type: ignore[attr-defined]
        return found

    def pretest(self, text: str) -> bool:
        # linkify-it's own pretest is slow on Japanese text; every link kept needs one of these.
        return LINK_HINT.search(text) is not None

    def test(self, text: str) -> bool:
        return self.pretest(text)  # match() is the real test; a false positive costs one call

    def match(self, text: str) -> list | None:  # type: ignore[override]
        found = super().match(text) or []
        narrowed = [m for m in (self._narrow(m) for m in found) if m is not None]
        return narrowed or None

    def match_at_start(self, text: str) -> object | None:  # type: ignore[override]
        found = super().match_at_start(text)
        return self._narrow(found) if found is not None else None


# URLs that markdown-it's link normalisation (mdurl parse, punycode, percent-encoding) returns
# unchanged: lower-case ASCII host, only characters mdurl.encode keeps. Skipping the slow
# pure-Python round trip for them is a large share of rendering time on comment-heavy pages.
_PLAIN_URL = re.compile(
    r"(?:https?|ftp)://[a-z0-9.-]+(?::[0-9]{1,5})?"
    r"(?:[/?#](?:[A-Za-z0-9;/?:&=+$,\-_.!~*'()#]|%[0-9A-Fa-f]{2})*)?")


class LinkNormalizingMarkdown(MarkdownIt):
    """MarkdownIt whose link normalisation skips the work for URLs it would not change."""

    def normalizeLink(self, url: str) -> str:
        return url if _PLAIN_URL.fullmatch(url) else super().normalizeLink(url)

    def normalizeLinkText(self, link: str) -> str:
        if "%" not in link and "xn--" not in link and _PLAIN_URL.fullmatch(link):
            return link  # (punycode hosts are shown decoded, so they take the long way)
        return super().normalizeLinkText(link)


def heading_slug(title: str) -> str:
    """Hugo's 'github' heading ids: letters/digits kept lower-cased, space and '-' to '-'."""
    out = []
    for char in title.strip():
        if char in " -":
            out.append("-")
        elif char == "_" or char.isalpha() or unicodedata.category(char) == "Nd":
            out.append(char.lower())
    return "".join(out) or "heading"


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name  # Pygments loads with the first code block
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@functools.cache
def _code_formatter() -> HtmlFormatter:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


def highlight_block(code: str, language: str) -> str:
    """`<div class="highlight"><pre><code …>` with Pygments token classes (no inline styles)."""
    lexer = _lexer(language) if language else None
    if lexer:
        from pygments import highlight

        inner = highlight(code, lexer, _code_formatter())
    else:
        inner = escape(code, quote=False)
    attrs = ""
    if language:
        lang = escape(language)
        attrs = f' class="language-{lang}" data-lang="{lang}"'
    return (f'<div class="{HIGHLIGHT_CLASS}"><pre tabindex="0"><code{attrs}>{inner}'
            "</code></pre></div>\n")


def _render_fence(self: object, tokens: Sequence[Token], idx: int, options: OptionsDict,
                  env: dict) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return highlight_block(token.content, language)


def page_markdown() -> MarkdownIt:
    """The parser for hand-written page bodies: raw HTML allowed, as Hugo's unsafe = true."""
    md = LinkNormalizingMarkdown("commonmark", {"html": True, "linkify": True})
    md.linkify = AsciiUrlLinkify()
    md.enable(["table", "strikethrough", "linkify"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    md.add_render_rule("fence", _render_fence)
    return md


def inline_text(tokens: Sequence[Token]) -> str:
    """The reader-visible text of inline tokens."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline", "text_special"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.children:
            parts.append(inline_text(token.children))
    return "".join(parts)


def block_text(tokens: Sequence[Token]) -> str:
    """The reader-visible text of a page's block tokens, one line per block."""
    parts = []
    for token in tokens:
        if token.type == "inline":
            parts.append(inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        elif token.type.endswith("_close") and token.block:
            parts.append("\n")
    return "".join(parts)
