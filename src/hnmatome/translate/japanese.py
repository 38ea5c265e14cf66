"""Checks on Japanese text an LLM wrote: is it Japanese at all, and does it stray into scripts
that have no place in a Japanese post (Cyrillic, Hangul, Greek, Arabic, Thai, ...)?

Only letters and combining marks are judged: digits, punctuation, symbols and emoji are neutral.
A foreign script is allowed when the source text itself contains it, so a comment quoting a
Russian name may keep it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters and marks from these ranges belong in Japanese text (Latin for proper nouns and code).
_ALLOWED_RANGES = (
    (0x0000, 0x02FF),  # Basic Latin .. Latin Extended-B, IPA, spacing modifiers
    (0x0300, 0x036F),  # combining diacritics (é written as e + accent)
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x2100, 0x214F),  # letterlike symbols
    (0x2C60, 0x2C7F),  # Latin Extended-C
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation (々, 〆)
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFF00, 0xFF9F),  # full-width Latin, half-width katakana (not the half-width Hangul after)
    (0xFFE0, 0xFFEF),  # full-width signs
    (0x1B000, 0x1B16F),  # kana supplement and extensions
    (0x20000, 0x3FFFF),  # CJK Extensions B..
    (0xE0100, 0xE01EF),  # ideographic variation selectors
)

_KANA_OR_KANJI = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff々〆]"
)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _allowed(code: int) -> bool:
    return any(low <= code <= high for low, high in _ALLOWED_RANGES)


@lru_cache(maxsize=4096)
def script_of(char: str) -> str | None:
    """The script name (CYRILLIC, HANGUL, ...) of a letter or mark outside the allowed ranges;
    None for allowed characters and for anything that is not a letter or mark."""
    if char.isascii() or not unicodedata.category(char).startswith(("L", "M")):
        return None
    if _allowed(ord(char)):
        return None
    words = unicodedata.name(char, "").split()
    if not words:
        return f"U+{ord(char):04X}"
    return " ".join(words[:2]) if words[0] in ("HALFWIDTH", "FULLWIDTH") else words[0]


def foreign_scripts(text: str) -> set[str]:
    return {script for char in set(text) if (script := script_of(char)) is not None}


def stray_script(text: str, source: str = "") -> tuple[str, str] | None:
    """(script, sample) for the first stray script in `text` that `source` does not also use."""
    permitted = foreign_scripts(source)
    for index, char in enumerate(text):
        script = script_of(char)
        if script is not None and script not in permitted:
            return script, text[max(0, index - 5) : index + 10]
    return None


def has_japanese(text: str) -> bool:
    return _KANA_OR_KANJI.search(text) is not None


def needs_japanese(source: str) -> bool:
    """Whether a translation of `source` must contain Japanese: it has words, not just URLs,
    numbers or emoji (a comment that is only a link may come back as only the link)."""
    prose = _URL.sub(" ", source)
    return _LATIN_WORD.search(prose) is not None or foreign_scripts(prose) != set()
