"""Line breaks between Japanese phrases, made at build time.

Japanese has no spaces, so a browser may break a title anywhere: "ラン/サムウェア",
"エンジニアリン/グ". BudouX (Google's phrase segmenter, a small model shipped with the `budoux`
package) cuts a text into phrases; the `phrases` template filter joins them with <wbr>, and the
CSS around titles (`word-break: keep-all`) lets lines break only there. Every browser gets the
same breaks, not only those with `word-break: auto-phrase`.

Only for text shown as HTML: never for <title>, meta tags, feeds or JSON."""

from __future__ import annotations

import re
from functools import lru_cache

import budoux
from markupsafe import Markup, escape

BREAK = "<wbr>"
# A letter or digit outside the Japanese scripts (Latin, Greek, Cyrillic, full-width Latin).
_LATIN = re.compile(r"[^\W\u3005\u3006\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                    r"\uf900-\ufaff\uff66-\uff9f]")


@lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    """The Japanese model, loaded once per process."""
    return budoux.load_default_japanese_parser()


@lru_cache(maxsize=16384)
def _phrased(text: str) -> str:
    """Escaped `text` with a break opportunity between its phrases (titles repeat across
    lists, related posts and neighbours, so each is cut once per process)."""
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


def phrases(value: object) -> Markup:
    """The `phrases` filter: `value` escaped, its phrases joined with <wbr>. Markup passed in
    is already HTML, so it is returned as it is (cutting it could split a tag)."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    text = str(value)
    return Markup(_phrased(text)) if text else Markup("")
