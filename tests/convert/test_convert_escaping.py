"""Escaping of untrusted text into shortcode parameters and markdown (safe_markdown), through the
converter and our renderer. The Hugo side of the same promise is tests/test_convert_hugo.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from convert_support import (
    NASTY_FRAGMENTS,
    assert_only_quote_markup,
    flat_thread,
    inner_html,
    lines_read,
    our_comment_bodies,
    render_post,
    visible_text,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from hnmatome.convert.post_format import format_post
from hnmatome.convert.safe_markdown import (
    WORD_JOINER,
    encode_inline,
    encode_param,
    normalize_text,
    visible_form,
)
from hnmatome.core.settings import Settings

SETTINGS = Settings()


def hugo_param_value(encoded: str) -> str:
    """What Hugo's lexer makes of `body="<encoded>"` (the rules checked against real Hugo in
    test_convert_hugo): the value ends at the first unescaped quote, a newline is an error, a
    backslash before a backtick is an error, and `\\"` makes Hugo drop every backslash."""
    match = re.match(r'((?:[^"\\\n]|\\.)*)"', encoded + '"')
    assert match is not None and match.end() == len(encoded) + 1, "the value would end early"
    assert "\n" not in encoded and "\\`" not in encoded
    value = match.group(1)
    return value.replace("\\", "") if '\\"' in value else value


def assert_safe_parameter(encoded: str) -> None:
    hugo_param_value(encoded)
    assert "{{" not in encoded and "}}" not in encoded
    without_br = encoded.replace("<br>", "")
    # raw `<` only inside code spans, where both renderers escape it
    outside_code = re.sub(r"(`+)(?:(?!\1).)+?\1", "", without_br)
    assert "<" not in outside_code and ">" not in outside_code


@pytest.mark.parametrize("text", [
    'He said "hi"', "back\\slash\\", 'both \\" mixed', "}} >}} {{< x >}} {{% y %}}",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "line\nnext\r\nthird",
    "`code \"q\"` and `c:\\path`", "`a\\`", "[x](javascript:alert(1))", "{{", "{", "{{{",
])
def test_encoded_bodies_are_safe_hugo_parameters(text: str) -> None:
    assert_safe_parameter(encode_inline(text))


def test_quotes_in_code_use_hugo_backslash_rule_only_without_other_backslashes() -> None:
    encoded = encode_inline('`say("hi")` then text')
    assert encoded == '`say(\\"hi\\")` then text'
    assert hugo_param_value(encoded) == '`say("hi")` then text'
    mixed = encode_inline('`say("hi")` and `c:\\dir`')
    assert '\\"' not in mixed  # a backslash elsewhere would be dropped by Hugo: no code span
    assert hugo_param_value(mixed).count("\\") == 1


def test_newlines_become_br_and_blank_runs_collapse() -> None:
    assert encode_inline("a\n\n\n\nb\r\nc") == "a<br><br>b<br>c"


def test_unsafe_link_destinations_never_become_links() -> None:
    for text in ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
                 "[x](java&#115;cript&#58;alert(1))", "[x]( javascript:alert(1))",
                 "[x](data:text/html,hi)", "[x](vbscript:y)", "<javascript:alert(1)>",
                 "[x](\tjavascript:alert(1))", "[x](java\nscript:alert(1))"]:
        encoded = encode_inline(text)
        assert "](" not in encoded.replace("&#93;(", ""), text


def test_safe_links_stay_links_and_bare_urls_become_links() -> None:
    assert encode_inline("[docs](https://example.com/a_(b))") == \
        "[docs](https://example.com/a_%28b%29)"
    assert encode_inline("see www.example.org.") == \
        "see [&#119;ww&#46;example&#46;org](https://www.example.org)."
    assert encode_inline("![img](https://example.com/x.png)").startswith("&#33;[img]")


def test_block_syntax_at_the_start_is_text() -> None:
    for text, start in [("# h", "&#35;"), ("- a", "&#45;"), ("+ a", "&#43;"), ("* a", "&#42;"),
                        ("1. a", "1&#46;"), ("2) a", "2&#41;"), ("***", "&#42;"), ("= a", "&#61;"),
                        ("[a]: https://x.com", "&#91;")]:
        assert encode_inline(text).startswith(start), text


def test_user_names_cannot_break_out_of_their_parameter() -> None:
    assert encode_param('a"b\\c{{d}}\ne') == "abcd e"


def test_word_joiner_splits_every_double_brace() -> None:
    assert visible_form("{{{") == "{" + WORD_JOINER + "{" + WORD_JOINER + "{"


# -------------------------------------------------------------- through convert and render

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=120)
NASTY_TEXT = st.lists(st.one_of(st.sampled_from(NASTY_FRAGMENTS), TEXT),
                      max_size=12).map("".join)
PLAIN_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",),
                                            exclude_characters="*_`"), max_size=120)


# tmp_path is shared by the examples of one test on purpose: each example overwrites the post.
FIXTURE_OK = [HealthCheck.function_scoped_fixture]


def _render_bodies(tmp: Path, bodies: list[str]) -> list[str]:
    post = format_post(flat_thread(bodies), SETTINGS, path=Path("t.yaml"), featureimage="",
                       draft=True, input_hash="0")
    source = tmp / "content" / "posts" / "t" / "index.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(post.text, encoding="utf-8")
    html = render_post(source, tmp / "content", SETTINGS)
    return [inner_html(h) for h in our_comment_bodies(html)]


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(body=st.one_of(TEXT, NASTY_TEXT))
def test_any_body_renders_without_foreign_markup(tmp_path: Path, body: str) -> None:
    rendered = _render_bodies(tmp_path, [body or "x"])
    assert len(rendered) == (1 if visible_form(body or "x").strip() else 0)
    for html in rendered:
        assert_only_quote_markup(html)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(body=PLAIN_TEXT.filter(lambda t: "](" not in t and visible_form(t).strip()))
def test_text_free_of_markdown_syntax_survives_exactly(tmp_path: Path, body: str) -> None:
    [html] = _render_bodies(tmp_path, [body])
    expected = "\n".join(line.strip(" \t") for line in visible_form(body).split("\n"))
    assert lines_read(visible_text(html)) == lines_read(expected)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(title=st.one_of(TEXT, NASTY_TEXT))
def test_any_title_renders_as_text_in_the_post(tmp_path: Path, title: str) -> None:
    thread = flat_thread(["本文"])
    thread["title_ja"] = title
    post = format_post(thread, SETTINGS, path=Path("t.yaml"), featureimage="", draft=True,
                       input_hash="0")
    source = tmp_path / "content" / "posts" / "t" / "index.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(post.text, encoding="utf-8")
    html = render_post(source, tmp_path / "content", SETTINGS)
    quote = LexborHTMLParser(html).css_first("blockquote")
    assert quote is not None
    inside = inner_html(quote.html or "").strip()
    inside = re.sub(r"^<p>|</p>$", "", inside)
    assert_only_quote_markup(inside.replace("<br>", ""))
    if visible_form(title).strip() and not re.search(r"[*_`]|\]\(", title):
        assert visible_text(inside) == visible_form(" ".join(normalize_text(title).split()))
