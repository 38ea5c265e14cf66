"""Markdown: page features, comment bodies that cannot inject markup, and the fast paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.common import normalize_url
from page_support import hugo_render, render, tree

from hnmatome.site.markup.comments import QuoteBodyRenderer
from hnmatome.site.markup.markdown import LinkNormalizingMarkdown, heading_slug, highlight_block

QUOTES = QuoteBodyRenderer()


def quote_html(body: str) -> str:
    card = f'{{{{<matomeQuote body="{body}" userName="u" createdAt="" color="">}}}}'
    return tree(render(card).html).css_first("div.mq-body").inner_html or ""


# -- pages ----------------------------------------------------------------------------------


def test_page_markdown_features() -> None:
    body = """# はじめに

| 列A | 列B |
|-----|-----|
| 1   | ~~2~~ |

See https://example.com/path_(x)です and www.example.org.

Footnote[^1].

[^1]: 注釈

<div class="raw">trusted <b>author</b> HTML</div>
"""
    html = tree(render(body).html)
    assert html.css_first("h1").attributes["id"] == "はじめに"
    assert [th.text() for th in html.css("table th")] == ["列A", "列B"]
    assert html.css_first("td s").text() == "2"
    links = {a.text(): a.attributes["href"] for a in html.css("a")}
    assert links["https://example.com/path_(x)"] == "https://example.com/path_(x)"
    assert links["www.example.org"] == "https://www.example.org"
    assert html.css_first(".footnotes") is not None
    assert html.css_first("div.raw b").text() == "author"


def test_fenced_code_uses_pygments_classes() -> None:
    html = render("```python\ndef f(x):\n    return '<x>'\n```\n\n```\nplain <b>\n```").html
    blocks = tree(html).css("div.highlight")
    assert len(blocks) == 2
    code = blocks[0].css_first("pre code")
    assert code.attributes["class"] == "language-python"
    assert code.css_first("span.k").text() == "def"
    assert "style=" not in html
    assert blocks[1].css_first("code").text() == "plain <b>\n"


def test_unknown_language_is_escaped_plain_code() -> None:
    html = highlight_block("<script>x</script>", "no-such-language")
    assert "&lt;script&gt;" in html and 'data-lang="no-such-language"' in html


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("日本語の見出し Hello World!", "日本語の見出し-hello-world"),
        ("C++ と .NET / Rust: 速い？", "c-と-net--rust-速い"),
        ("  snake_case 2025 ", "snake_case-2025"),
        ("！？", "heading"),
    ],
)
def test_heading_ids_follow_hugo(title: str, slug: str) -> None:
    assert heading_slug(title) == slug


@pytest.mark.hugo
def test_heading_ids_match_real_hugo(tmp_path: Path) -> None:
    headings = ["日本語の見出し Hello World!", "C++ と .NET / Rust: 速い？", "Hello World!",
                "Hello World!", "カタカナー・ひらがな〜", "Ｆｕｌｌ　ｗｉｄｔｈ ２０２５",
                "under_score & ampersand", "émoji 🎉 déjà vu", "`code` *em*", "!!!"]
    body = "\n\n".join(f"## {h}" for h in headings)
    hugo_ids = [h.attributes["id"] for h in tree(hugo_render(tmp_path, body)).css("h2")]
    ours = [h.attributes["id"] for h in tree(render(body).html).css("h2")]
    assert ours == hugo_ids


def test_duplicate_headings_get_numbered_ids() -> None:
    ids = [h.attributes["id"] for h in tree(render("## A\n\n## A\n\n## A").html).css("h2")]
    assert ids == ["a", "a-1", "a-2"]


def test_plain_text_of_a_page() -> None:
    result = render("# 見出し\n\n本文の*強調*と[リンク](https://x.org)。\n\n```\ncode\n```")
    assert result.text.split() == ["見出し", "本文の強調とリンク。", "code"]


# -- comment bodies (untrusted) -------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](vbscript:msgbox)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![i](https://evil.example/t.png)",
    "<a href=\\\"javascript:alert(1)\\\">a</a>",
    "<iframe src=//evil>",
    "\\\" onmouseover=\\\"alert(1)",
    "<https://x.org/\\\"onmouseover=\\\"alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<svg/onload=alert(1)>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_comment_body_cannot_inject_markup(attack: str) -> None:
    body = tree(quote_html(f"前 {attack} 後<br>**太字**"))
    allowed = {"html", "head", "body", "p", "br", "strong", "a", "em", "code", "s"}
    assert {node.tag for node in body.css("*")} <= allowed
    for link in body.css("a"):
        assert link.attributes["href"].startswith(("http://", "https://"))
        assert set(link.attributes) <= {"href", "rel"}
    assert body.css_first("strong").text() == "太字"
    text = body.body.text()
    assert "前" in text and "後" in text


def test_comment_body_markdown_and_br() -> None:
    html = quote_html("一行目<br>二行目<BR/>**強調**と`code`と[link](https://e.org/a)<br />終わり")
    body = tree(html)
    # no blank line: every line is a paragraph (the corpus joins paragraphs with one <br>)
    assert [p.text() for p in body.css("p")] == ["一行目", "二行目", "強調とcodeとlink", "終わり"]
    assert not body.css("br")
    assert body.css_first("strong").text() == "強調"
    assert body.css_first("code").text() == "code"
    link = body.css_first("a")
    assert link.attributes["href"] == "https://e.org/a"
    assert link.attributes["rel"] == "nofollow ugc noopener"


def test_comment_body_keeps_backslashes_quotes_and_fullwidth() -> None:
    html = quote_html(r"＞引用\”です’ C:\path gs \<br>  -dBATCH")
    body = tree(html)
    assert body.body.text() == "＞引用\\”です’ C:\\path gs \\-dBATCH"
    assert len(body.css("p")) == 2


@pytest.mark.parametrize(("body", "paragraphs"), [
    # a blank line (two <br>, as the converter writes HN's paragraphs) breaks paragraphs
    # there; a single <br> then stays a line break
    ("一つ目<br>続き<br><br>二つ目<br> <br><BR/>三つ目", ["一つ目<br>続き", "二つ目", "三つ目"]),
    # without a blank line each line is a paragraph; <br>s at the ends are dropped
    ("<br>一つ目<br>二つ目<br>", ["一つ目", "二つ目"]),
    # full-width brackets, as an LLM wrote the break in some corpus bodies
    ("一つ目＜br/＞二つ目＜br＞三つ目", ["一つ目", "二つ目", "三つ目"]),
    ("一つだけ", ["一つだけ"]),
    ("", []),
])
def test_comment_body_paragraphs(body: str, paragraphs: list[str]) -> None:
    html, text = QUOTES.render(body)
    assert html == "".join(f"<p>{p}</p>" for p in paragraphs)
    assert text.split() == [line for p in paragraphs for line in p.split("<br>")]


def test_urls_stop_before_japanese_text() -> None:
    html, _ = QUOTES.render(
        "見て。https://www.einpresswire.com/ai/generatorこれ、AI と http://日本.jp/パス "
        "と (https://x.com/y). と x@y.com です、README.md や example.com は違う")
    links = [(a.attributes["href"], a.text()) for a in tree(html).css("a")]
    assert links == [
        ("https://www.einpresswire.com/ai/generator", "https://www.einpresswire.com/ai/generator"),
        ("https://x.com/y", "https://x.com/y"),
        ("mailto:x@y.com", "x@y.com"),
    ]


@pytest.mark.parametrize("link", ["[x](media/something.pdf)", "[…](…)", "[a]($style)",
                                  "[p](/path/to/file)", "[h](#top)", "[r](//host/x)"])
def test_comment_body_relative_links_stay_text(link: str) -> None:
    html, text = QUOTES.render(f"見て {link} ね")
    assert "<a" not in html
    assert text == f"見て {link} ね"


def test_first_comment_text_is_plain() -> None:
    result = render('{{<matomeQuote body="**a** [b](https://x.org)<br>c" userName="u" '
                    'createdAt="" color="">}}')
    assert result.first_comment == "a b\nc"


# -- fast paths proven equal to the slow ones -----------------------------------------------

# Pieces that look like markdown or links but are not significant on their own, plus a few
# that are (the test skips those strings; the slow path handles them).
TEXT = st.lists(st.sampled_from([
    *"あい漢字。、！？ＡＢ＞＼”’ abcXYZ019-+=#/.,;:()[]{}|$%^'\"!?\t\xa0",
    "www", "http", "https:/", ":/", "//", "](", "] (", "[x]", "![i]", "1. ", "- ", "# ", "> ",
    "a.md", "example.com", "&", "<", "*", "_", "`", "~", "@", "\\", "www.", "://",
    # character references, as the converter writes them, and broken ones
    "&#34;", "&#x5B;", "&#93;", "&amp;", "&quot;", "&#46;", "&#58;", "&#47;", "&#64;", "&#42;",
    "&#60;", "&nosuch;", "&#0;", "&#xD800;", "&#12345678;", "&#", "&amp", "&nbsp;",
    # URLs, clean and awkward
    "https://a.com/x", "http://e.org/p_q*", "ftp://f.org/", "HTTPS://A.COM/", "https://日本.jp/",
    "xhttps://y.io/", "1http://z.io/", "https://", "http://a", "https://a.com/?u=http://b.com",
    "https://a.com/x_(y)", "https://a.com/\"q", "https://a.com/'s", "mailto:", "javascript://x",
    "http://127.0.0.8080/", "http://a.com:99999/", "https://a.b.c-d.museum:8080/p?q#f",
]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_fast_paths_equal_markdown(segment: str) -> None:
    segment = segment.strip()
    assert QUOTES.segment(segment) == QUOTES.markdown(segment)


URL = st.builds(
    "".join,
    st.lists(st.sampled_from(["https://", "http://", "ftp://", "HTTP://", "a", "Z", "0", "-",
                              ".", "/", "?", "#", "=", "&", "%20", "%", "%zz", "~", "(", ")",
                              "'", "*", "_", ":", "@", "[", "]", "|", " ", "\"", "xn--", "ä",
                              "example.com", ":8080"]), max_size=14))


@settings(max_examples=300, deadline=None)
@given(URL)
def test_link_normalisation_shortcut_is_exact(url: str) -> None:
    md = LinkNormalizingMarkdown()
    assert md.normalizeLink(url) == normalize_url.normalizeLink(url)
    assert md.normalizeLinkText(url) == normalize_url.normalizeLinkText(url)
