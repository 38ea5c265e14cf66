"""linkify-it's http link validator, with the same answers and a regex that compiles in a
fraction of the time.

linkify-it compiles its validator (`//` + auth + host + path) with character classes spanning
all of Unicode (spaces, controls, punctuation) under IGNORECASE; compiling that costs ~25 ms,
paid by the first comment with a URL in every process. What the regex does with a character
depends only on which of its classes hold it. So each character outside ASCII is replaced by
a stand-in that sits in exactly the same classes, and the regex is built over that small
alphabet: same pattern, same structure, classes cut down to the alphabet. A character no
stand-in represents (one that case-folds to ASCII, say) leaves the text to linkify-it itself.
tests/test_url_validator.py checks the answers against linkify-it's.
"""

from __future__ import annotations

import bisect
import functools
import re

from linkify_it._ucre_data import SRC_CC, SRC_P, SRC_Z
from linkify_it.ucre import SRC_PSEUDO_LETTER, TEXT_SEPARATORS

# One stand-in per kind of non-ASCII character the pattern tells apart: space, control,
# punctuation, text separator, decimal digit (`\d`), anything else (a letter, an ideograph).
STAND_INS = "\xa0\x85\u3001\uff5c\uff10\u3042"


def _class_ranges(source: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of the code point ranges of a `[...]` class as linkify-it writes them:
    literal characters, backslash escapes of single characters, `a-b` ranges, no negation."""
    if not (source.startswith("[") and source.endswith("]")) or source.startswith("[^"):
        raise ValueError(f"not a plain character class: {source[:20]!r}")
    body = source[1:-1]
    position = 0

    def member() -> str:
        nonlocal position
        if body[position] == "\\":
            position += 1
        position += 1
        return body[position - 1]

    ranges: list[tuple[int, int]] = []
    while position < len(body):
        first = last = member()
        if position + 1 < len(body) and body[position] == "-":
            position += 1
            last = member()
        ranges.append((ord(first), ord(last)))
    merged: list[tuple[int, int]] = []  # no overlaps, so a bisect finds the one range
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [start for start, _ in merged], [end for _, end in merged]


class _CharClass:
    def __init__(self, source: str) -> None:
        self.source = source
        self._starts, self._ends = _class_ranges(source)

    def __contains__(self, char: str) -> bool:
        code = ord(char)
        index = bisect.bisect_right(self._starts, code) - 1
        return index >= 0 and code <= self._ends[index]


@functools.cache
def _classes() -> tuple[_CharClass, ...]:
    """The Unicode-wide classes of linkify-it's pattern (the separators are small already
    but tell characters apart too)."""
    return tuple(_CharClass(source) for source in (SRC_P, SRC_Z, SRC_CC, TEXT_SEPARATORS))


def _signature(char: str) -> tuple[bool, ...]:
    return (*(char in cls for cls in _classes()), char.isdecimal())


@functools.cache
def _stand_in_by_signature() -> dict[tuple[bool, ...], str]:
    table = {_signature(char): char for char in STAND_INS}
    assert len(table) == len(STAND_INS)  # each stand-in a kind of its own
    return table


def stand_in(char: str) -> str | None:
    """The character the small pattern sees for `char`: itself in ASCII, else the stand-in
    in the same classes. None for a character that case-folds to or from ASCII (IGNORECASE
    would let it match an ASCII class, so no stand-in is exact) or of a kind without one."""
    if char.isascii():
        return char
    if any(folded.isascii() for folded in char.lower() + char.upper() + char.casefold()):
        return None
    return _stand_in_by_signature().get(_signature(char))


def _class_member(code: int) -> str:
    char = chr(code)
    return "\\" + char if char in "\\]-[^" else char  # literal: escapes are slow to parse


def _ranges_class(codes: list[int]) -> str:
    """A class of the sorted code points `codes`, written as ranges."""
    parts = []
    start = 0
    for index in range(1, len(codes) + 1):
        if index == len(codes) or codes[index] != codes[index - 1] + 1:
            first, last = codes[start], codes[index - 1]
            parts.append(_class_member(first) if first == last
                         else f"{_class_member(first)}-{_class_member(last)}")
            start = index
    return "[" + "".join(parts) + "]"


def _alphabet() -> list[str]:
    return [chr(code) for code in range(128)] + sorted(STAND_INS)


def _small_class(cls: _CharClass) -> str:
    """`cls` cut down to ASCII and the stand-ins."""
    return _ranges_class([ord(char) for char in _alphabet() if char in cls])


def _small_pseudo_letter() -> str:
    """linkify-it's 'pseudo letter' (any character but a separator, space, punctuation or
    control, written as a lookahead and [\\s\\S]) as one class over the small alphabet:
    the same characters, a fraction of the compiling (it occurs a dozen times)."""
    return _ranges_class([ord(char) for char in _alphabet()
                          if not any(char in cls for cls in _classes())])


@functools.cache
def small_pattern(source: str) -> re.Pattern[str]:
    """`source`, a linkify-it pattern, with its Unicode-wide classes cut down to ASCII plus
    the stand-ins. Raises ValueError when `source` holds other non-ASCII characters: a class
    this module does not know, whose answers it could not keep."""
    small = source.replace(SRC_PSEUDO_LETTER, _small_pseudo_letter())
    for cls in sorted(_classes(), key=lambda cls: -len(cls.source)):
        small = small.replace(cls.source, _small_class(cls))
    if not all(char.isascii() or char in STAND_INS for char in small):
        raise ValueError("a linkify-it pattern with an unknown character class")
    return re.compile(small, flags=re.IGNORECASE)


_UNDECIDED = "\ufffe"  # in small_text's output only for a character without a stand-in


class _StandInTable(dict[int, str]):
    """str.translate's table for small_text, filled as characters turn up."""

    def __missing__(self, code: int) -> str:
        found = self[code] = stand_in(chr(code)) or _UNDECIDED
        return found


_TABLE = _StandInTable()


def small_text(text: str) -> str | None:
    """`text` in the small alphabet, one character for one; None when a character has no
    exact stand-in."""
    if text.isascii():
        return text
    small = text.translate(_TABLE)
    return None if _UNDECIDED in small else small


@functools.cache
def _blank() -> re.Pattern[str]:
    return re.compile(f"{SRC_Z}|{SRC_CC}")


class HttpLinkLength:
    """What linkify-it's `_validate_http(text, position)` returns (the length of the link
    after the scheme), or None when only linkify-it itself can say. Built from a LinkifyIt's
    `re` table, whose pieces make the pattern as linkify-it makes it."""

    def __init__(self, linkify_re: dict[str, str]) -> None:
        self._source = ("\\/\\/" + linkify_re["src_auth"] + linkify_re["src_host_port_strict"]
                        + linkify_re["src_path"])
        self._pattern: re.Pattern[str] | None = None
        self._known = True  # False: the pattern holds a class this module does not know

    def __call__(self, text: str, position: int) -> int | None:
        if not self._known:
            return None
        # Nothing in the pattern, lookaheads included, gets past a space or control
        # character (each step is a non-blank one): what follows the first cannot count.
        blank = _blank().search(text, position)
        small = small_text(text[: blank.end()] if blank else text)
        if small is None:
            return None
        if self._pattern is None:
            try:
                self._pattern = small_pattern(self._source)
            except ValueError:
                self._known = False
                return None
        found = self._pattern.match(small, position)
        return len(found.group()) if found else 0
