"""The text of a post as the search index sees it: Japanese written as overlapping character
pairs (bigrams), so that a search matches exactly what the reader typed.

Pagefind's own Japanese support splits text into words with one dictionary when it indexes and
with the browser's (a different one) when it searches, and the two disagree: 新幹線 is indexed
as 新 + 幹線, searched as 新幹線, and a post that mentions 新幹線 only in a comment is not
found. Bigrams need no dictionary and are cut the same way on both sides: 東海道新幹線 is
indexed as 東海 海道 道新 新幹 幹線 線, and the search box turns 新幹線 into the phrase
"新幹 幹線", which matches every post containing 新幹線 and no post that merely has 新 or 幹線
somewhere. static/js/search.js holds the other half (the query side, and turning excerpts
back into plain text); the two must stay in step.

A run of Japanese characters becomes its bigrams followed by its last character alone, so that
every character starts a token: a one-character search (新) matches by prefix wherever the
character appears, even at the end of a run (最新)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Kana, kanji and the marks that live inside Japanese words (々 〆 ー). The same ranges are in
# static/js/search.js.
JAPANESE_RUN = re.compile(
    "[\u3005\u3006\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff]+")
BODY = "[data-pagefind-body]"
# Comment authors and times are left out (excerpts show what was said, not who said it).
IGNORED = "[data-pagefind-ignore], .mq-user, .mq-time, script, style, template"
# The post's tags: marked data-pagefind-ignore so excerpts never show the list, but still
# searchable, as the record's last line (an excerpt shows it only when nothing else matched).
TAGS = ".tags a"
TITLE = '[data-pagefind-meta="title"]'
DATE = '[data-pagefind-meta="date"]'
BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                    "article", "header", "summary", "details", "td", "th", "div", "section",
                    "br", "hr", "tr", "dd", "dt", "figcaption"})


def _run_tokens(found: re.Match[str]) -> str:
    run = found.group()
    if len(run) == 1:
        return f" {run} "
    return f" {' '.join(map(str.__add__, run, run[1:]))} {run[-1]} "


def index_text(text: str) -> str:
    """`text` as it goes into the index: NFKC-normalised (full-width Latin and half-width
    kana fold, as the search box folds queries), each Japanese run as its tokens."""
    return JAPANESE_RUN.sub(_run_tokens, unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class SearchRecord:
    url: str  # site path of the post ('/posts/2025_02/x/')
    title: str
    date: str  # as shown ('2025年2月10日')
    text: str  # plain text of the indexed element, blocks on their own lines

    @property
    def content(self) -> str:
        return index_text(self.text)

    @property
    def meta(self) -> dict[str, str]:
        return {"title": self.title, "date": self.date} if self.date else {"title": self.title}


def _text(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            out.append(child.text_content or "")
        elif child.tag not in ("-comment",):
            block = child.tag in BLOCKS
            if block:
                out.append("\n")
            _text(child, out)
            if block:
                out.append("\n")


def page_record(html: str, url: str) -> SearchRecord | None:
    """The searchable part of a built page (its `data-pagefind-body` element, less what is
    marked data-pagefind-ignore), or None for a page without one."""
    tree = LexborHTMLParser(html)
    body = tree.css_first(BODY)
    if body is None:
        return None
    title_node = body.css_first(TITLE) or body.css_first("h1")
    date_node = tree.css_first(DATE)
    title = " ".join((title_node.text() if title_node else "").split())
    date = " ".join((date_node.text() if date_node else "").split())
    tags = [" ".join(node.text().split()).lstrip("#") for node in body.css(TAGS)]
    for node in body.css(IGNORED):
        node.decompose()
    parts: list[str] = []
    _text(body, parts)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    lines.append(" · ".join(tag for tag in tags if tag))
    return SearchRecord(url=url, title=title, date=date,
                        text="\n".join(line for line in lines if line))
