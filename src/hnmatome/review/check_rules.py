"""The text rules of the publishing checks (`review/checks.py`): pure functions over strings.

Each says what is wrong with one piece of text, or nothing; `checks.py` decides which text they
run on (only what a post shows) and turns their answers into problems with a file and line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from hnmatome.convert.safe_markdown import normalize_text
from hnmatome.site.markup.syntax import Node, Shortcode, ShortcodeSyntaxError, parse_shortcodes

# ------------------------------------------------------------------------------------ scripts
# Python has no Unicode script property, so a letter's script is the first word of its name
# ("CYRILLIC SMALL LETTER A"), after a width or position word ("HALFWIDTH HANGUL LETTER A").
# Most text is ASCII, kana and kanji: those ranges, and symbol-like letters (ℓ, 𝐀, ʼ), are
# passed over without looking names up.
_PLAIN = ("\x00-\u024f\u02b0-\u02ff\u2100-\u214f\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
          "\u4e00-\u9fff\uf900-\ufaff\uff01-\uff9f\U0001d400-\U0001d7ff\U00020000-\U0003ffff")
_UNUSUAL_RUN = re.compile(f"[^{_PLAIN}]+")
_JAPANESE_OR_LATIN = frozenset({"LATIN", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "CJK",
                                "IDEOGRAPHIC", "VERTICAL", "MODIFIER"})
_FORM_WORDS = frozenset({"FULLWIDTH", "HALFWIDTH", "SUPERSCRIPT", "SUBSCRIPT"})


def script_of(char: str) -> str | None:
    """'Cyrillic', 'Hangul', … for a letter of a script other than Japanese or Latin; None for
    anything else (kana, kanji, Latin in any width, digits, punctuation, symbols, emoji)."""
    if not unicodedata.category(char).startswith("L") or _UNUSUAL_RUN.fullmatch(char) is None:
        return None
    words = unicodedata.name(char, "").split()
    while words and words[0] in _FORM_WORDS:
        words = words[1:]
    if not words or words[0] in _JAPANESE_OR_LATIN:
        return None
    return words[0].capitalize()


def foreign_runs(text: str) -> list[tuple[str, str]]:
    """(run, script) for each run of letters of another script in `text` (with the combining
    marks that belong to them: Thai and Devanagari vowels are marks)."""
    runs: list[tuple[str, str]] = []
    for found in _UNUSUAL_RUN.finditer(text):
        run, script = "", ""
        for char in found.group(0):
            this = script_of(char)
            if this is not None and this == script:
                run += char
                continue
            if run and this is None and unicodedata.category(char).startswith("M"):
                run += char
                continue
            if run:
                runs.append((run, script))
            run, script = (char, this) if this is not None else ("", "")
        if run:
            runs.append((run, script))
    return runs


def foreign_letters(translation: str, original: str) -> list[tuple[str, str]]:
    """The runs of another script in a translation that are not in its original.

    A run the original has (a Russian name, a quoted Korean word) is the commenter's, not a
    slip of the model. A lone Greek letter is how Japanese writes symbols (β版, π, μs)."""
    folded = original.casefold()
    return [(run, script) for run, script in foreign_runs(translation)
            if run.casefold() not in folded and not (script == "Greek" and len(run) == 1)]


def describe_runs(runs: list[tuple[str, str]]) -> str:
    """'конкурент (Cyrillic), 기준 (Hangul)': the first few, each once."""
    unique = list(dict.fromkeys(runs))
    shown = ", ".join(f"{run} ({script})" for run, script in unique[:5])
    return shown + (f" and {len(unique) - 5} more" if len(unique) > 5 else "")


# ------------------------------------------------------------------------------- markup
# A comment body is escaped as it is written into the post, so a tag in `ja` shows as text.
# Only real element names count, and a tag with words after its name needs an `=` among
# them: `a<b and c>d` is a comparison, `<a href=…>` a link.
_TAG_WORDS = """
    a abbr audio b big blockquote body br button center cite code dd del details div dl dt em
    embed figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins
    kbd label li link mark meta nav noscript object ol option p pre q s samp script section
    select small source span strike strong style sub summary sup svg table tbody td textarea
    th thead title tr tt u ul var video
"""
_TAG_NAMES = frozenset(_TAG_WORDS.split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(\s[^<>]*?)?\s*/?>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCED = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)",
                     re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)[^\n]+?(?<!`)\1(?!`)")
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})", re.MULTILINE)
# Markdown's indented code: four spaces or a tab, and not continuing a paragraph.
_INDENTED = re.compile(r"(?:\A|\n[ \t]*\n)(?: {4}|\t)[ \t]*\S")


def without_code(text: str) -> str:
    """`text` with fenced blocks and code spans blanked: markup inside them is meant as code."""
    return _CODE_SPAN.sub(" ", _FENCED.sub(" ", text))


def html_tags(text: str) -> tuple[list[str], list[str]]:
    """(tags, line breaks): the HTML tags written in `text` outside code, as written, and
    separately the `<br>`s among them."""
    tags: list[str] = []
    breaks: list[str] = []
    plain = without_code(text)
    tags.extend(found.group(0)[:40] for found in _HTML_COMMENT.finditer(plain))
    for found in _TAG.finditer(plain):
        closing, name = found.group(1), found.group(2).lower()
        attributes = (found.group(3) or "").strip()  # `<br />`, `<b >`: no words after the name
        if name not in _TAG_NAMES or (attributes and (closing or "=" not in attributes)):
            continue
        (breaks if name == "br" else tags).append(found.group(0)[:60])
    return tags, breaks


def code_block(text: str) -> str | None:
    """'a ``` fence' or 'indented code' when `text` holds a code block, else None."""
    if _FENCE.search(text):
        return "a ``` fence"
    if _INDENTED.search(text):
        return "indented code"
    return None


# ---------------------------------------------------------------------------------- URLs
_URL_CHAR = r"[^\s<>\"'`\[\]{}|\\^()、。「」（）]"
_URL = re.compile(rf"(?i)https?://{_URL_CHAR}+(?:\({_URL_CHAR}*\){_URL_CHAR}*)*")
_URL_TRAILING = ".,:;!?*_~"


def urls_in(text: str) -> list[str]:
    """The http(s) URLs in `text`, each once, without the punctuation after them."""
    found = (match.group(0).rstrip(_URL_TRAILING) for match in _URL.finditer(text))
    return list(dict.fromkeys(url for url in found if "://" in url and not url.endswith("//")))


def missing_urls(original: str, translation: str) -> list[str]:
    """The URLs of `original` that `translation` leaves out (a trailing `/` or percent-encoding
    may differ)."""
    folded = translation.casefold()
    missing = []
    for url in urls_in(original):
        forms = {url, url.rstrip("/"), unquote(url), unquote(url).rstrip("/")}
        if not any(form.casefold() in folded for form in forms if form):
            missing.append(url)
    return missing


# ----------------------------------------------------------------------------- translation
# Japanese usually takes fewer characters than English; a translation more than twice as long
# (plus room for a short original) has most likely gained text the commenter never wrote.
LONG_FACTOR = 2
LONG_SLACK = 50
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def visible_length(text: str) -> int:
    """Characters a reader sees, blank space left out."""
    return sum(1 for char in normalize_text(text) if not char.isspace())


def too_long(original: str, translation: str) -> bool:
    return visible_length(translation) > LONG_FACTOR * visible_length(original) + LONG_SLACK


def untranslated(original: str, translation: str) -> str | None:
    """Why `translation` looks like the original left in English, or None.

    Text that is only URLs or code needs no translation, so only words outside them count."""
    words = _LATIN_WORD.findall(_URL.sub(" ", without_code(original)))
    if not words:
        return None
    if normalize_text(translation) == normalize_text(original):
        return "the translation is the same as the original"
    own_words = _LATIN_WORD.findall(_URL.sub(" ", without_code(translation)))
    if len(own_words) >= 3 and not _JAPANESE.search(translation):
        return "the translation has no Japanese in it"
    return None


# ---------------------------------------------------------------------------------- tags


def tag_key(tag: str) -> str:
    """What makes two tags the same tag: width, case and spacing do not (Hugo's tag pages
    agree on case)."""
    return " ".join(unicodedata.normalize("NFKC", tag).split()).casefold()


CONTAINED_SCORE = 0.8  # a tag inside another counts as this close a spelling


def nearest_tag(tag: str, counts: Mapping[str, int]) -> str | None:
    """The existing tag `tag` most likely meant, or None when none is near: a close spelling
    ('Python' for 'Pythn'), or one that it holds or that holds it ('AI' for 'AI技術', which
    counts as close as a 0.8 spelling match); the most used of equally close ones."""
    spellings: dict[str, tuple[int, str]] = {}  # key -> (count, most used spelling)
    for spelling, count in counts.items():
        key = tag_key(spelling)
        if key not in spellings or count > spellings[key][0]:
            spellings[key] = (count, spelling)
    key = tag_key(tag)
    close = {other: difflib.SequenceMatcher(None, key, other).ratio()
             for other in difflib.get_close_matches(key, list(spellings), n=5, cutoff=0.6)}
    for other in spellings:
        if len(other) >= 2 and len(key) >= 2 and (other in key or key in other):
            close[other] = max(close.get(other, 0.0), CONTAINED_SCORE)
    if not close:
        return None
    best = max(close, key=lambda other: (round(close[other], 2), spellings[other][0]))
    return spellings[best][1]



# ---------------------------------------------------------------------------------- folds
FOLD = "details"


def fold_problems(body: str, paired: Mapping[str, bool]) -> list[tuple[str, str | None, int]]:
    """(message, hint, line within `body`) for a fold never closed or with nothing in it, and
    for shortcode syntax the build would stop at. `paired`: shortcode name -> takes content."""
    try:
        nodes = parse_shortcodes(body, paired)
    except ShortcodeSyntaxError as exc:
        return [(exc.message, exc.hint or "fix the shortcode", exc.line)]
    return [(f"the fold ({FOLD}) at this line is empty",
             "delete the fold, or move comments into it", fold.line)
            for fold in _folds(nodes) if not any(_has_content(node) for node in fold.inner or ())]


def _folds(nodes: Sequence[Node]) -> list[Shortcode]:
    found = []
    for node in nodes:
        if isinstance(node, Shortcode):
            if node.name == FOLD:
                found.append(node)
            found.extend(_folds(node.inner or ()))
    return found


def _has_content(node: Node) -> bool:
    return isinstance(node, Shortcode) or bool(node.strip())


# ------------------------------------------------------------------------------ a comment
ERROR = "error"
WARNING = "warning"
FOREIGN_HINT = "write them in Japanese (the model slipped into another language)"
Finding = tuple[str, str, str | None]  # level, message, hint


def comment_findings(comment: Mapping[str, Any]) -> list[Finding]:
    """(level, message, hint) for each problem of one comment the post shows."""
    text = comment.get("text") if isinstance(comment.get("text"), str) else ""
    ja = comment.get("ja") if isinstance(comment.get("ja"), str) else ""
    if not normalize_text(ja):
        if normalize_text(text):
            return [(ERROR, "not translated (`ja` is empty): the post shows the original",
                     "write its `ja:`, run `hnmatome translate`, or set `include: false`")]
        return []
    found: list[Finding] = []
    foreign = foreign_letters(ja, text)
    if foreign:
        found.append((ERROR, "letters of another script in the translation: "
                      + describe_runs(foreign), FOREIGN_HINT))
    tags, breaks = html_tags(ja)
    if tags:
        found.append((ERROR, "HTML in the translation, shown as text: " + ", ".join(tags[:5]),
                      "delete the tags (links and emphasis are markdown: [text](url), *text*)"))
    if breaks:
        found.append((WARNING, f"{breaks[0]} in the translation is shown as text, not as a "
                      "line break", "start a new line instead"))
    block = code_block(ja)
    if block:
        found.append((WARNING, f"the translation has a code block ({block})",
                      "a comment is one paragraph with line breaks: look at it in the preview"))
    why = untranslated(text, ja)
    if why:
        found.append((WARNING, f"looks untranslated: {why}",
                      "translate it, or delete `ja` and run `hnmatome translate`"))
    elif normalize_text(text) and too_long(text, ja):
        found.append((WARNING, "the translation is much longer than the original "
                      f"({visible_length(ja)} characters for {visible_length(text)})",
                      "check it for text the original does not have"))
    missing = missing_urls(text, ja)
    if missing:
        found.append((WARNING, "URLs of the original missing from the translation: "
                      + ", ".join(missing), "copy them into `ja`"))
    if comment.get("needs_review") is True:
        found.append((WARNING, "the original changed after this was translated",
                      "check `ja` against `text`, then delete `needs_review: true`"))
    return found
