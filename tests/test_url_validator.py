"""url_validator gives linkify-it's own answers: checked against linkify-it's compiled
classes and its http validator, on every code point where that is cheap and on many
generated URL shapes."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from linkify_it import LinkifyIt

from hnmatome import url_validator
from hnmatome.markdown_render import AsciiUrlLinkify
from hnmatome.url_validator import HttpLinkLength, _classes, stand_in

EVERY_CHAR = "".join(chr(code) for code in range(sys.maxunicode + 1)
                     if not 0xD800 <= code <= 0xDFFF)


def _as_regex_class(cls: url_validator._CharClass) -> str:
    return "[" + "".join(f"\\U{start:08x}-\\U{end:08x}"
                         for start, end in zip(cls._starts, cls._ends, strict=True)) + "]"


def test_parsed_classes_hold_exactly_linkify_its_characters() -> None:
    for cls in _classes():
        theirs = "".join(re.findall(cls.source, EVERY_CHAR))
        assert "".join(re.findall(_as_regex_class(cls), EVERY_CHAR)) == theirs
        edges = {code + step for start, end in zip(cls._starts, cls._ends, strict=True)
                 for code in (start, end) for step in (-1, 0, 1)}
        for code in sorted(edges):
            if 0 <= code <= sys.maxunicode:
                char = chr(code)
                assert (char in cls) == bool(re.fullmatch(cls.source, char)), hex(code)


def test_a_stand_in_sits_in_the_same_classes_as_its_character() -> None:
    """All of the BMP; beyond it, every character of a class, digit or cased, and a sample."""
    beyond = re.findall("|".join(cls.source for cls in _classes()) + "|\\d|[^\\W_]",
                        EVERY_CHAR[0x10000:])
    candidates = EVERY_CHAR[128:0x10000] + "".join(beyond) + EVERY_CHAR[0x10000::97]
    chars = [char for char in candidates if stand_in(char) is not None]
    assert len(chars) > 60_000  # nearly everything has a stand-in
    originals = "".join(chars)
    doubles = "".join(stand_in(char) or "" for char in chars)
    sources = [cls.source for cls in _classes()] + ["[a-zA-Z0-9%/&@\\-]", "\\d", "."]
    for source in sources:
        pattern = re.compile(source, re.IGNORECASE)
        assert [found.start() for found in pattern.finditer(originals)] == \
            [found.start() for found in pattern.finditer(doubles)], source[:30]


def test_characters_that_fold_to_ascii_have_no_stand_in() -> None:
    for char in "\u212a\u017f\u0130\u0131\ufb00":  # Kelvin, long s, dotted/dotless i, ff
        assert stand_in(char) is None
    assert stand_in("a") == "a" and stand_in("日") == "\u3042" and stand_in("。") == "\u3001"


URL_PIECES = ["example", "com", "co.jp", "xn--d1acufc", "a-b", "--", "www", "1", "8080", "日本",
              "ドメイン", "café", "user", "pass", "Ｘ", "ｘ", "０１", "١٢", "\u212a", "\u017f"]
URL_CHARS = (".:/?#@-_~%&=+,;!*'\"()[]{}<>|$^`\\ \t\n\xa0\u3000\u3001。、「」（）！？｜・"
             "ー…\u200b\u0301\x85\x00😀aZ09")


def _url_texts() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(URL_PIECES), st.sampled_from(list(URL_CHARS)),
                      st.text(max_size=3))
    return st.lists(piece, max_size=24).map("".join)


def _reference() -> LinkifyIt:
    return LinkifyIt()


REFERENCE = _reference()
OURS = AsciiUrlLinkify()
http_link_length = HttpLinkLength(OURS.re)


@settings(max_examples=800, deadline=None)
@given(_url_texts(), st.sampled_from(["http:", "https:", "HTTPS:", "ftp:", "x "]))
def test_http_link_length_is_linkify_its(tail: str, scheme: str) -> None:
    text = f"{scheme}//{tail}"
    ours = http_link_length(text, len(scheme))
    assert ours is None or ours == REFERENCE._validate_http(text, len(scheme))


@settings(max_examples=250, deadline=None)
@given(_url_texts(), _url_texts())
def test_links_found_are_linkify_its(before: str, tail: str) -> None:
    """Through the whole linkify-it API (match and match_at_start), against an AsciiUrlLinkify
    that validates with linkify-it's own pattern."""

    class Reference(AsciiUrlLinkify):
        def _validate_http(self, text: str, pos: int) -> int:
            return LinkifyIt._validate_http(self, text, pos)

    reference = Reference()
    for text in (f"https://{tail}", f"{before} http://{tail}"):
        assert _described(OURS.match_at_start(text)) == _described(
            reference.match_at_start(text))
        assert [_described(m) for m in OURS.match(text) or []] == [
            _described(m) for m in reference.match(text) or []]


def _described(found: object) -> tuple[object, ...] | None:
    if found is None:
        return None
    return tuple(getattr(found, name) for name in ("schema", "index", "last_index", "text",
                                                   "url"))


def test_common_urls_are_decided_here() -> None:
    text = "https://example.com/a/b?c=d#e のあとに日本語、そして https://x.org"
    assert http_link_length(text, len("https:")) == len("//example.com/a/b?c=d#e")
    assert http_link_length("https://例え.jp/パス。", 6) == \
        REFERENCE._validate_http("https://例え.jp/パス。", 6)
    assert http_link_length("https://\u212a.com", 6) is None  # linkify-it decides
