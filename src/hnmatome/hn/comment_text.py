"""HN comment HTML -> markdown-ish plain text.

HN's vocabulary is small: `<p>` between paragraphs (the first has none, closing tags are
omitted), `<a href rel="nofollow">` whose text HN cuts with `...`, `<i>`, `<pre><code>` and
entities. Users quote with a literal `>` which arrives as `&gt;`; decoding keeps it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

HN_WEB = "https://news.ycombinator.com/"
BLOCK_TAGS = frozenset({"p", "div", "pre", "blockquote", "li", "ul", "ol", "body", "table", "tr"})
ITALIC_TAGS = frozenset({"i", "em"})
SAFE_SCHEMES = ("http://", "https://", "ftp://", "mailto:")

_BACKTICKS = re.compile(r"`+")
# HN collapses whitespace around line breaks when it shows a comment; so do we
_SPACE_AROUND_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")


@dataclass(frozen=True)
class Run:
    """A piece of one paragraph: `code` runs are whole fenced blocks."""

    text: str
    italic: bool = False
    code: bool = False


def _ancestors(node: LexborNode) -> list[LexborNode]:
    out: list[LexborNode] = []
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-document"):
        out.append(parent)
        parent = parent.parent
    return out


def _block_of(ancestors: list[LexborNode]) -> int:
    for node in ancestors:
        if node.tag in BLOCK_TAGS:
            return node.mem_id
    return 0


def link_target(href: str, label: str) -> str:
    """What a link becomes: its full href (HN shortens the text), the text for unsafe schemes."""
    target = urljoin(HN_WEB, href.strip()) if href.strip() else ""
    if not target.lower().startswith(SAFE_SCHEMES):
        return label
    shown = label.strip().removesuffix("...")
    if not shown or shown in target or target.startswith(shown):
        return target
    return f"{label.strip()} ({target})"


def fenced(code: str) -> str:
    body = textwrap.dedent(code.replace("\r\n", "\n")).strip("\n")
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"


def html_runs(html: str) -> list[list[Run]]:
    """The fragment as paragraphs of runs, in document order."""
    root = LexborHTMLParser(f"<body>{html}</body>").body
    if root is None:
        return []
    paragraphs: list[list[Run]] = []
    current_block = -1
    for node in root.traverse(include_text=True):
        ancestors = _ancestors(node)
        tags = {a.tag for a in ancestors}
        if "pre" in tags or "a" in tags:
            continue  # already emitted with their <pre> or <a>
        run: Run | None = None
        italic = bool(tags & ITALIC_TAGS)
        if node.tag == "-text":
            run = Run(node.text_content or "", italic)
        elif node.tag == "a":
            run = Run(link_target(node.attributes.get("href") or "", node.text()), italic)
        elif node.tag == "pre":
            run = Run(fenced(node.text()), code=True)
        elif node.tag == "br":
            run = Run("\n", italic)
        if run is None or (not run.text and not run.code):
            continue
        block = node.mem_id if run.code else _block_of(ancestors)
        if block != current_block or run.code or (paragraphs and paragraphs[-1][-1].code):
            paragraphs.append([])
            current_block = block
        paragraphs[-1].append(run)
    return paragraphs


def _emphasis(text: str) -> str:
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()):]
    return f"{lead}*{core}*{tail}"


def render_paragraph(runs: list[Run]) -> str:
    if runs[0].code:
        return runs[0].text
    parts: list[str] = []
    index = 0
    while index < len(runs):
        italic = runs[index].italic
        group: list[str] = []
        while index < len(runs) and runs[index].italic == italic:
            group.append(runs[index].text)
            index += 1
        text = "".join(group)
        parts.append(_emphasis(text) if italic else text)
    return _SPACE_AROUND_NEWLINE.sub("\n", "".join(parts)).strip()


def html_to_text(html: str | None) -> str:
    """HN's HTML as plain markdown-ish text: blank lines between paragraphs, links as full
    URLs, `*italic*`, fenced code, entities decoded, `>` quotes kept."""
    if not html or not html.strip():
        return ""
    paragraphs = (render_paragraph(runs) for runs in html_runs(html))
    return "\n\n".join(p for p in paragraphs if p)
