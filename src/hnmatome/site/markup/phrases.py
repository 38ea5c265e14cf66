"""Line breaks between Japanese phrases, made at build time.

Japanese has no spaces, so a browser may break a title anywhere: "ラン/サムウェア",
"エンジニアリン/グ". BudouX (Google's phrase segmenter, a small model shipped with the `budoux`
package) cuts a text into phrases; the `phrases` template filter joins them with <wbr>, and the
CSS around titles (`word-break: keep-all`) lets lines break only there. Every browser gets the
same breaks, not only those with `word-break: auto-phrase`.

Only for text shown as HTML: never for <title>, meta tags, feeds or JSON.

BudouX is slow next to the rest of a list page (~60 µs a title, and a new post re-renders every
list page of the site), so a page's title is cut once, when its file is parsed
(content.py keeps it with the parsed page); the filter is made with those (`phrases_filter`)
and cuts any other text itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    import budoux

BREAK = "<wbr>"
# A letter or digit outside the Japanese scripts (Latin, Greek, Cyrillic, full-width Latin).
_LATIN = re.compile(r"[^\W\u3005\u3006\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                    r"\uf900-\ufaff\uff66-\uff9f]")


@lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    """The Japanese model, loaded once per process (and only by one that cuts a text: most
    rebuilds parse no page)."""
    import budoux

    return budoux.load_default_japanese_parser()


def phrased(text: str) -> str:
    """Escaped `text` with a break opportunity between its phrases."""
    out: list[str] = []
    last = ""
    for phrase in _parser().parse(text):
        if last and _breakable(last[-1], phrase[0]):
            out.append(BREAK)
        out.append(str(escape(phrase)))
        last = phrase
    return "".join(out)


def _breakable(before: str, after: str) -> bool:
    """Whether a phrase boundary between these characters gets a <wbr>: not beside a space
    (a break opportunity already), and not inside a Latin word or number, which BudouX, made
    for Japanese, sometimes cuts ("LibriVo/x")."""
    if before.isspace() or after.isspace():
        return False
    return not (_LATIN.match(before) and _LATIN.match(after))


def phrases_filter(known: Mapping[str, str]) -> Callable[[object], Markup]:
    """The `phrases` template filter: a value escaped, its phrases joined with <wbr>.
    `known`: texts already cut (`phrased`), by text. Markup passed in is already HTML, so it
    is returned as it is (cutting it could split a tag)."""
    remembered = dict(known)  # titles repeat across lists, related posts and neighbours

    def phrases(value: object) -> Markup:
        if value is None:
            return Markup("")
        if isinstance(value, Markup):
            return value
        text = str(value)
        found = remembered.get(text)
        if found is None:
            found = remembered[text] = phrased(text)
        return Markup(found)

    return phrases
