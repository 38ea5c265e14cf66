from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hnmatome.hn.comment_text import fenced, html_to_text, link_target
from hnmatome.hn.html_pages import parse_item_page


def test_paragraphs_become_blank_lines() -> None:
    assert html_to_text("first<p>second<p>third") == "first\n\nsecond\n\nthird"


def test_closed_paragraphs_as_algolia_sends_them() -> None:
    assert html_to_text("<p>first</p><p>second</p>") == "first\n\nsecond"


def test_entities_are_decoded() -> None:
    source = "it&#x27;s &quot;a&quot; &amp; b &lt;c&gt; a&#x2F;b"
    assert html_to_text(source) == "it's \"a\" & b <c> a/b"


def test_links_become_their_full_href_not_the_shortened_text() -> None:
    source = ('see <a href="https:&#x2F;&#x2F;example.com&#x2F;a&#x2F;very&#x2F;long&#x2F;path" '
              'rel="nofollow">https:&#x2F;&#x2F;example.com&#x2F;a&#x2F;very&#x2F;lo...</a> now')
    assert html_to_text(source) == "see https://example.com/a/very/long/path now"


def test_relative_links_point_at_hn_and_unsafe_ones_lose_the_href() -> None:
    assert html_to_text('<a href="item?id=1">item?id=1</a>') == (
        "https://news.ycombinator.com/item?id=1")
    assert html_to_text('x <a href="javascript:alert(1)">click</a>') == "x click"
    assert link_target("https://a.example/x", "a label") == "a label (https://a.example/x)"


def test_italics_become_asterisks_with_spaces_outside() -> None:
    assert html_to_text("a <i>really </i>good idea") == "a *really* good idea"


def test_italics_across_paragraphs_close_in_each() -> None:
    assert html_to_text("<i>A notebook<p>– Linus</i><p>plain") == (
        "*A notebook*\n\n*– Linus*\n\nplain")


def test_quoted_lines_are_kept() -> None:
    source = "&gt; Keyboard is terrible<p>I disagree.<p><i>&gt; it is</i><p>No."
    assert html_to_text(source) == "> Keyboard is terrible\n\nI disagree.\n\n*> it is*\n\nNo."


def test_code_blocks_are_fenced_and_dedented() -> None:
    source = ("Try:<p><pre><code>  if a &lt; b:\n      print(&quot;x&quot;)\n</code></pre>"
              "\nThen it works.")
    assert html_to_text(source) == (
        'Try:\n\n```\nif a < b:\n    print("x")\n```\n\nThen it works.')


def test_a_fence_is_longer_than_any_backticks_inside() -> None:
    assert fenced("```\ncode\n```") == "````\n```\ncode\n```\n````"


def test_line_breaks_inside_a_paragraph_are_kept_without_indentation() -> None:
    assert html_to_text("one line\n    next line  \nlast") == "one line\nnext line\nlast"


def test_empty_and_missing_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text(None) == ""
    assert html_to_text("<p></p>") == ""


def test_markup_in_text_stays_text() -> None:
    assert html_to_text("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;") == (
        "<script>alert(1)</script>")


# -- real HN samples from ../shared/hn ----------------------------------------------------------

_HREF = re.compile(r'href="([^"]*)"')


def _derived_texts(shared_dir: Path) -> list[str]:
    path = shared_dir / "hn" / "firebase_thread_48350598_DERIVED_from_html.json"
    items = json.loads(path.read_text(encoding="utf-8"))
    return [item["text"] for item in items if item.get("text")]


@pytest.mark.shared
def test_real_comments_convert_faithfully(shared_dir: Path) -> None:
    texts = _derived_texts(shared_dir)
    assert len(texts) > 100
    for source in texts:
        text = html_to_text(source)
        assert not re.search(r"</?(p|a|i|pre|code)\b", text), text
        assert "&#x27;" not in text and "&quot;" not in text and "&#x2F;" not in text
        for href in _HREF.findall(source):
            assert html.unescape(href) in text  # the full link, never HN's "..." cut
        assert text.count("\n\n") >= source.count("<p>") - source.count("<p><pre>")


@pytest.mark.shared
def test_real_code_blocks_in_2021_markup(shared_dir: Path) -> None:
    page_html = (shared_dir / "hn" / "hn_item_page_27145911_2021_loggedin.html").read_text(
        encoding="utf-8")
    page = parse_item_page(page_html, "https://news.ycombinator.com/item?id=27145911",
                           datetime(2021, 5, 17, tzinfo=UTC))
    texts = {c.id: c.text for c in page.comments}
    assert "\n\n```\nSkype\n```\n\n" in texts[27148428]
    assert "> We have generated your identifier" in texts[27148428]
    assert "```\n$ XDG_UTILS_DEBUG_LEVEL=999 xdg-open ftp://foo.com\n" in texts[27150244]
