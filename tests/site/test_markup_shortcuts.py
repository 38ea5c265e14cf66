"""Shortcuts of page and comment-body rendering, each proven equal to the general path it
skips."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hnmatome.site.markup import syntax as shortcode_syntax
from hnmatome.site.markup.comments import _INLINE_SIGNIFICANT, QuoteBodyRenderer
from hnmatome.site.markup.markdown import LINK_HINT, AsciiUrlLinkify, block_text, page_markdown
from hnmatome.site.markup.shortcodes import _placeholder_paragraphs
from hnmatome.site.markup.syntax import Shortcode, ShortcodeSyntaxError, parse_shortcodes

QUOTES = QuoteBodyRenderer()
MARKDOWN = page_markdown()

# The readable forms of the two patterns, which the fast forms must agree with.
SIGNIFICANT_REFERENCE = re.compile(r"[\\`*_<&@\x00\r\n]|~~|://|\]\(|www\.", re.IGNORECASE)
LINK_HINT_REFERENCE = re.compile(r"://|@|www\.", re.IGNORECASE)

PIECES = st.lists(st.sampled_from([
    *"あい漢字。、！？ＡＢ＞ abcXYZwW019-+=#/.,;:()[]{}|$%^'\"!?\t\xa0\u3000\u2003ſK",
    "www.", "WwW.", "ww", "w.", ":/", "://", "//", "](", "] (", "@", "\\", "`", "_", "__", "*",
    "~~", "<", ">", "&", "~", "\n", "\r", "\x00", "mailto:", "http:", "https://a.com/x", "a@b.co",
]), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(PIECES)
def test_significance_pattern_matches_its_readable_form(text: str) -> None:
    significant = SIGNIFICANT_REFERENCE.search(text) is not None
    assert (_INLINE_SIGNIFICANT.search(text) is not None) == significant
    assert (LINK_HINT.search(text) is None) == (LINK_HINT_REFERENCE.search(text) is None)


LINKY = st.lists(st.sampled_from([
    *"あい ab.:/-_#?=", "http:", "https:", "ftp:", "mailto:", "//", "example.com", "a.io",
    "x.co.uk", "localhost", "127.0.0.1", "www", "WWW", "ww.", "README.md", "foo:bar", "@",
]), max_size=16).map("".join)


@settings(max_examples=400, deadline=None)
@given(LINKY)
def test_text_without_a_link_hint_has_no_link(text: str) -> None:
    linkify = AsciiUrlLinkify()
    if LINK_HINT.search(text) is None:
        assert linkify.match(text) is None
        assert linkify.match_at_start(text) is None


def test_link_hint_finds_every_kind_of_kept_link() -> None:
    for text in ("見て https://a.com/x", "x@y.com です", "WWW.example.com へ"):
        assert LINK_HINT.search(text) is not None
        assert AsciiUrlLinkify().match(text) is not None


# -- shortcode parsing: the matomeQuote card branch reads what the plain leaf branch reads ----

VALUE = st.text(alphabet="あい a1=<>/%\t{}&#;", max_size=8) | st.lists(st.sampled_from(
    [*"あa =", '\\"', "\\", "\n", '"', "&#34;", "{{<", ">}}"]), max_size=6).map("".join)
SPACE = st.sampled_from([*[" "] * 8, "  ", "\t", "\n", ""])
CARD_PARAMS = ["body", "userName", "createdAt", "color"]


@st.composite
def card_texts(draw: st.DrawFn) -> str:
    """Mostly the converter's card shape, with the variations the general lexer handles."""
    names = list(CARD_PARAMS)
    if draw(st.integers(0, 3)) == 0:
        names = draw(st.permutations(CARD_PARAMS))
    if draw(st.integers(0, 3)) == 0:
        names.append(draw(st.sampled_from(["depth", "body", "x"])))
    params = "".join(f"{draw(SPACE)}{name}=\"{draw(VALUE)}\"" for name in names)
    kind = draw(st.sampled_from(["<", "<", "<", "%"]))
    close = ">" if kind == "<" else "%"
    tag = f"{{{{{kind}{draw(SPACE)}matomeQuote{params}{draw(SPACE)}{close}}}}}"
    return draw(SPACE) + tag + draw(st.sampled_from(["", "\n\n", "text", tag]))


def _parse_without_card_branch(text: str) -> object:
    with pytest.MonkeyPatch.context() as patch:  # same groups; a card branch that never matches
        patch.setattr(shortcode_syntax, "_OPEN_OR_LEAF",
                      re.compile("(?!)" + "()" * 4 + "|" + shortcode_syntax._LEAF_OR_OPEN))
        return _outcome(text)


def _outcome(text: str) -> object:
    try:
        return parse_shortcodes(text, PAIRED)
    except ShortcodeSyntaxError as exc:
        return ("error", exc.message, exc.line)


PAIRED = {"matomeQuote": False, "details": True, "ref": False}


@settings(max_examples=400, deadline=None)
@given(card_texts())
def test_card_branch_parses_like_the_general_lexer(text: str) -> None:
    assert _outcome(text) == _parse_without_card_branch(text)


def test_card_branch_reads_the_converter_card() -> None:
    text = '{{<matomeQuote body="本文" userName="u" createdAt="2025/06/24 19:01:39" color="">}}'
    (card,) = parse_shortcodes(text, PAIRED)
    assert card == Shortcode("matomeQuote", False, {"body": "本文", "userName": "u",
                             "createdAt": "2025/06/24 19:01:39", "color": ""}, (), 1, None, "",
                             text)


def test_paired_card_template_still_takes_inner_content() -> None:
    text = '{{<matomeQuote body="a" userName="u" createdAt="t" color="">}}x{{</matomeQuote>}}'
    (card,) = parse_shortcodes(text, {"matomeQuote": True})
    assert card.inner == ("x",)


# -- page markdown made only of placeholder paragraphs -------------------------------------

PLACEHOLDER_SOURCE = st.lists(st.sampled_from(
    ["HNMSC1X", "HNMSC23X", "HNMSCZ4X", "HNMSC", "HNMSCX", "HNMSC١X", "\n", "\n\n", "\n\n\n",
     " ", "x", "#", "> "]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(PLACEHOLDER_SOURCE)
def test_placeholder_paragraphs_equal_markdown(source: str) -> None:
    fast = _placeholder_paragraphs(source, "HNMSC")
    if fast is not None:
        tokens = MARKDOWN.parse(source, {})
        assert fast == (MARKDOWN.renderer.render(tokens, MARKDOWN.options, {}),
                        block_text(tokens))


def test_placeholder_paragraphs_take_the_common_shape() -> None:
    assert _placeholder_paragraphs("\nHNMSC21X\n\nHNMSC22X\nHNMSC23X\n\n\n", "HNMSC") == (
        "<p>HNMSC21X</p>\n<p>HNMSC22X\nHNMSC23X</p>\n", "HNMSC21X\nHNMSC22X\nHNMSC23X\n")
    assert _placeholder_paragraphs("HNMSC1X\n\n# x", "HNMSC") is None


PLAIN_TEXT = st.lists(st.sampled_from([
    *"あい漢字。 abc019-+=#/.,;:()[]!?", ">", "> ", "->", "~", "~ ", "a~b", "~~", "&", "R&D", "& ",
    "&#34;", "&amp;", "&nosuch;", "&#", "&&#91;", "&amp", "*", "_", "`", "<", "https://a.com/x",
]), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(PLAIN_TEXT)
def test_gt_tilde_and_bare_ampersand_shortcuts_equal_markdown(segment: str) -> None:
    segment = segment.strip()
    assert QUOTES.segment(segment) == QUOTES.markdown(segment)


@pytest.mark.parametrize("body", ["see http://127.0.0.8080/ here", "WWW.0", "http://WWW.0 *x*"])
def test_a_link_whose_url_nh3_rejects_is_left_as_text(body: str) -> None:
    from hnmatome.site.markup.comments import QuoteBodyRenderer

    html, _ = QuoteBodyRenderer().render(body)
    assert "<a" not in html and body.split()[0] in html


@settings(max_examples=500, deadline=None)
@given(PIECES)
def test_every_comment_segment_renders_as_sanitised_markdown_would(segment: str) -> None:
    # the only shortcut left: text no inline rule can change is escaped, not parsed
    segment = segment.replace("\n", " ").strip(" \t\r")
    assert QUOTES.segment(segment) == QUOTES.markdown(segment)
