"""Shortcodes: Hugo's syntax and quoting rules, nesting, errors with lines, rendering."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from page_support import (
    TEMPLATES,
    StubContext,
    hugo_render,
    make_page,
    render,
    renderer,
    tree,
)

from hnmatome.core.errors import UserError
from hnmatome.site.markup.shortcodes import PageRenderer
from hnmatome.site.markup.syntax import Shortcode, ShortcodeSyntaxError, parse_shortcodes

KNOWN = {"p": False, "matomeQuote": False, "details": True, "list": False, "ref": False}


def only(text: str) -> Shortcode:
    nodes = [n for n in parse_shortcodes(text, KNOWN) if isinstance(n, Shortcode)]
    assert len(nodes) == 1
    return nodes[0]


# -- syntax ---------------------------------------------------------------------------------


def test_text_and_shortcodes_split() -> None:
    nodes = parse_shortcodes('a {{< p v="1" >}} b {{% ref "/posts/" %}} c', KNOWN)
    assert nodes[0] == "a " and nodes[2] == " b " and nodes[4] == " c"
    assert (nodes[1].name, nodes[1].named, nodes[1].markdown) == ("p", {"v": "1"}, False)
    assert (nodes[3].name, nodes[3].positional, nodes[3].markdown) == ("ref", ("/posts/",), True)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        # an escaped quote anywhere: every backslash of the value is dropped (Hugo)
        (r'{{< p v="A \"quoted\" and \\ back \n slash" >}}', 'A "quoted" and  back n slash'),
        (r'{{< p v="x\"y" >}}', 'x"y'),
        # no escaped quote: backslashes are kept as written (the corpus relies on it)
        (r'{{<p v="B \” here \<br> and C:\path">}}', r"B \” here \<br> and C:\path"),
        (r'{{< p v="＼ and \\ two" >}}', r"＼ and \\ two"),
        # raw strings keep everything, quotes included, and may span lines
        ('{{< p v=`raw "q" \\" back` >}}', 'raw "q" \\" back'),
        ("{{< p v=`two\nlines` >}}", "two\nlines"),
        ("{{< p v=bare >}}", "bare"),
        ('{{< p v = "spaced" >}}', "spaced"),
        ('{{< p\n  v="multi-line tag"\n>}}', "multi-line tag"),
        ('{{< p v="" >}}', ""),
    ],
)
def test_quoting_rules(tag: str, expected: str) -> None:
    assert only(tag).named["v"] == expected


def test_unquoted_values_are_typed_like_hugo() -> None:
    code = only('{{< p n=12 f=1.5 yes=true no=false word=abc q="12" >}}')
    assert code.named == {"n": 12, "f": 1.5, "yes": True, "no": False, "word": "abc", "q": "12"}


def test_positional_parameters() -> None:
    code = only('{{< p "first value" second 3 >}}')
    assert code.positional == ("first value", "second", 3)
    assert code.get(0) == "first value" and code.get(5, "x") == "x"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('x\n{{< p v="no end >}}\n', "unterminated", 2),
        ('{{< p v="new\nline" >}}', "unterminated", 1),
        ('\n\n{{< p a="1" "pos" >}}', "mix", 3),
        ('{{< p "pos" a="1" >}}', "mix", 1),
        ("{{< p v=1", "not closed", 1),
        ("a\n\n{{< nope >}}", "unknown shortcode 'nope'", 3),
        ("{{< details >}}\n\ninside\n", "never closed", 1),
        ("x\n{{< /details >}}", "does not match", 2),
        ('{{< details >}}\n{{< p v="1" >}}\n{{< /p >}}', "does not match", 3),
        ("{{< p v=@x >}} {{< p !x >}}", "unexpected character", 1),
        ("{{< >}}", "expected a shortcode name", 1),
        ('{{< p v="a\\`b" >}}', "escape", 1),
        ("{{</* p */ ", "never closed", 1),
    ],
)
def test_syntax_errors_name_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(ShortcodeSyntaxError, match=message) as caught:
        parse_shortcodes(text, KNOWN)
    assert caught.value.line == line


def test_paired_nesting_and_both_closing_forms() -> None:
    text = ('{{< details summary="more（2）">}}\n\n{{< p v="a" >}}\n\n'
            '{{< details summary="inner" >}}deep{{< /details >}}\n\n{{</details>}}\nafter')
    nodes = parse_shortcodes(text, KNOWN)
    outer = nodes[0]
    assert outer.name == "details" and outer.named == {"summary": "more（2）"}
    inner_codes = [n for n in outer.inner if isinstance(n, Shortcode)]
    assert [c.name for c in inner_codes] == ["p", "details"]
    assert inner_codes[1].inner == ("deep",)
    assert inner_codes[1].line == 5
    assert outer.inner_source.startswith("\n\n{{< p")
    assert nodes[1] == "\nafter"


def test_self_closing_paired_shortcode() -> None:
    code = only('{{< details summary="x" />}}')
    assert code.inner == ()


def test_shortcode_comment_is_shown_literally() -> None:
    assert parse_shortcodes('a {{</* p v="1" */>}} b {{%/* ref "x" */%}}', KNOWN) == [
        'a ', '{{< p v="1" >}}', " b ", '{{% ref "x" %}}']


def test_fast_and_full_lexer_agree() -> None:
    text = '{{< p a="1" b="two words" >}}{{< p  a="1"   b="two words"/>}}'
    fast, full = (n for n in parse_shortcodes(text, KNOWN) if isinstance(n, Shortcode))
    assert fast.named == full.named == {"a": "1", "b": "two words"}


# -- rendering ------------------------------------------------------------------------------


def test_errors_point_at_the_file_line() -> None:
    body = "first\n\nsecond\n{{< nope >}}\n"
    with pytest.raises(UserError) as caught:
        render(body, body_line=9)
    assert caught.value.line == 12
    assert caught.value.path == make_page("").path
    assert "nope" in caught.value.message and "templates/shortcodes" in (caught.value.hint or "")


def test_ref_resolves_and_unknown_target_is_an_error() -> None:
    html = render('[記事一覧へ]({{% ref "/posts/" %}})').html
    assert tree(html).css_first("a").attributes["href"] == "/posts/"
    with pytest.raises(UserError, match="/missing") as caught:
        render('a\n\n[x]({{% ref "/missing" %}})', body_line=5)
    assert caught.value.line == 7
    assert "/about/" in render('{{< ref "/about" >}}').html


def test_markdown_shortcode_output_joins_the_markdown() -> None:
    html = render('*{{% ref "/posts/" %}}*').html
    assert tree(html).css_first("em").text() == "/posts/"


def test_details_renders_inner_markdown_and_cards() -> None:
    body = ('{{< details summary="もっとコメントを表示（2）">}}\n\n'
            '{{<matomeQuote body="中の**コメント**" userName="a" createdAt="x" color="">}}\n\n'
            "*markdown* inside\n\n{{< /details >}}")
    result = render(body)
    details = tree(result.html).css_first("details")
    # the converter's label says nothing: the summary counts the cards, and reads otherwise open
    assert details.css_first("summary .fold-more").text() == "残り1件のコメントを表示"
    assert details.css_first("summary .fold-less").text() == "残りのコメント（1件）"
    assert details.css_first("article.mq strong").text() == "コメント"
    assert details.css_first("p > em").text() == "markdown"
    close = details.css("button.fold-close")
    assert len(close) == 1 and close[0].text() == "コメントを閉じる" and close[0].parent == details
    assert result.comment_count == 1
    assert "中のコメント" in result.text and "もっとコメント" not in result.text


def test_markdown_form_of_paired_and_list_shortcodes() -> None:
    body = ('{{% details summary="s" %}}\n**bold** {{<matomeQuote body="c" userName="u" '
            'createdAt="" color="">}}\n{{% /details %}}\n\n{{% list limit=1 %}}')
    result = render(body)
    html = tree(result.html)
    assert html.css_first("details strong").text() == "bold"
    assert len(html.css("details article.mq")) == 1 and result.comment_count == 1
    assert [a.attributes["href"] for a in html.css("ul a")] == ["/posts/p0/"]
    card = render('{{% matomeQuote body="*x*" userName="u" createdAt="" color="" %}}')
    assert tree(card.html).css_first("article.mq em").text() == "x"


def test_list_shortcode_lists_latest_posts_escaped() -> None:
    html = render("{{< list limit=2 >}}").html
    links = tree(html).css("ul li a")
    assert [a.attributes["href"] for a in links] == ["/posts/p0/", "/posts/p1/"]
    assert links[0].text() == "記事0 <b>"  # titles are text, not markup
    with pytest.raises(UserError, match="limit"):
        render('{{< list limit="many" >}}')


def test_a_list_is_left_for_the_page_with_what_it_needs() -> None:
    """The body keeps the list's placeholder (no <p> around it, as a rendered list has none)
    and says where it is, so the page renders it with the newest posts of the moment."""
    page = make_page("前置き\n\n{{< list limit=2 >}}\n\n後書き\n", body_line=7)
    body = renderer().render(page, StubContext())
    assert [(late.name, dict(late.params), late.line) for late in body.late] == [
        ("list", {"limit": 2}, 9)]
    key = body.late[0].key
    assert f"<p>前置き</p>\n{key}\n<p>後書き</p>" in body.html
    with pytest.raises(UserError, match="limit") as caught:
        renderer().render(make_page('x\n{{< list limit="many" >}}', body_line=7), StubContext())
    assert caught.value.line == 8


def test_card_markup_and_counts() -> None:
    body = ('intro\n\n{{<matomeQuote body="一つ目" userName="albert_e" '
            'createdAt="2025-02-10T08:38:56" color="#ff33a1">}}\n\n'
            '{{<matomeQuote body="二つ目" userName="WA" createdAt="2025/09/27 15:01:17" '
            'color="" depth="2">}}\n')
    result = render(body)
    cards = tree(result.html).css("article.mq")
    assert len(cards) == 2 and result.comment_count == 2
    first, second = cards
    assert first.css_first(".mq-user").text() == "albert_e"
    # createdAt is UTC in either form; shown as a reader reads it, in the site timezone
    assert first.css_first("time").attributes["datetime"] == "2025-02-10T08:38:56Z"
    assert first.css_first("time").text() == "2月10日 17:38"
    assert "mq-hl" in first.attributes["class"]
    assert first.attributes["style"] == "--mq-color:#ff33a1"
    assert second.css_first("time").attributes["datetime"] == "2025-09-27T15:01:17Z"
    assert second.css_first("time").text() == "9月28日 00:01"
    assert "style" not in second.attributes and second.attributes["data-depth"] == "2"
    assert result.first_comment == "一つ目"
    assert result.text.split() == ["intro", "一つ目", "二つ目"]


@pytest.mark.parametrize("color", ["red; background:url(x)", "expression(alert(1))",
                                   r'#fff\" onmouseover=\"x', "#12345", "javascript:1"])
def test_untrusted_colour_is_dropped(color: str) -> None:
    body = f'{{{{<matomeQuote body="x" userName="u" createdAt="" color="{color}">}}}}'
    card = tree(render(body).html).css_first("article")
    assert "style" not in card.attributes and card.attributes["class"] == "mq"


def test_untrusted_user_name_is_text() -> None:
    body = ('{{<matomeQuote body="x" userName="<img src=x onerror=alert(1)>" createdAt="" '
            'color="">}}')
    card = tree(render(body).html).css_first("article")
    assert card.css("img") == []
    assert card.css_first(".mq-user").text() == "<img src=x onerror=alert(1)>"


def test_placeholder_text_in_a_body_cannot_be_faked() -> None:
    result = render('HNMSC0X and HNMSCZ0X\n\n{{<matomeQuote body="b" userName="u" '
                    'createdAt="" color="">}}')
    assert "HNMSC0X and HNMSCZ0X" in result.html
    assert result.comment_count == 1


def test_merging_runs_of_cards_changes_nothing() -> None:
    card = ('{{{{<matomeQuote body="{0} https://e.com/{0}" userName="u{0}" createdAt="" '
            'color="">}}}}')
    body = "\n\n".join([
        card.format(0), "# 見出し", "text", *(card.format(n) for n in range(1, 5)), "- item\n",
        card.format(9), "> quote", card.format(7) + " tail", card.format(8),
        card.format(10) + card.format(11), card.format(12), card.format(13) + " " + card.format(14),
        card.format(15), card.format(16) + "\n" + card.format(17), card.format(18),
        "    code\n", card.format(19), "<div>\n", card.format(20), "</div>", card.format(21),
        "```\n" + card.format(6) + "\n\n```", card.format(22)])
    merged = PageRenderer(TEMPLATES)
    plain = PageRenderer(TEMPLATES)
    plain.merge_runs = False
    for text in (body, body.replace("```", ""), body.replace("```", "") + "\n  \n",
                 body.replace("```", "") + "\n\ntrailing"):
        page = make_page(text)
        result = merged.render(page, StubContext())
        assert result == plain.render(page, StubContext())
        assert result.comment_count == 22


def test_user_templates_restyle_and_add_shortcodes(tmp_path: Path) -> None:
    folder = tmp_path / "shortcodes"
    shutil.copytree(TEMPLATES / "shortcodes", folder)
    (folder / "matomeQuote.html").write_text(
        '<div class="mine" data-depth="{{ depth }}">{{ user }}: {{ body_html }}'
        "{{ params.extra }}</div>", encoding="utf-8")
    (folder / "note.html").write_text('<aside>{{ args[0] }}{{ inner_html }}</aside>',
                                      encoding="utf-8")
    custom = PageRenderer(tmp_path)
    body = ('{{<matomeQuote body="*hi*" userName="u" createdAt="" color="" extra="<x>" '
            'depth="3">}}\n\n{{< note "n" >}}**inner**{{< /note >}}')
    html = custom.render(make_page(body), StubContext()).html
    assert '<div class="mine" data-depth="3">u: <p><em>hi</em></p>&lt;x&gt;</div>' in html
    assert "<aside>n<p><strong>inner</strong></p>\n</aside>" in html


def test_template_syntax_error_names_the_template(tmp_path: Path) -> None:
    (tmp_path / "shortcodes").mkdir()
    bad = tmp_path / "shortcodes" / "broken.html"
    bad.write_text("ok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        PageRenderer(tmp_path)
    assert (caught.value.path, caught.value.line) == (bad, 2)


# -- Hugo itself ----------------------------------------------------------------------------

HUGO_CASES = [
    r'{{< p v="A \"quoted\" and \\ back \n slash" >}}',
    r'{{<p v="B \” here \<br> and C:\path" w="two">}}',
    '{{< p v=`raw "q" \\" back` w=bare >}}',
    r'{{< p v="x\"y" >}}',
    r'{{< p v="＼（笑）\\n and \t" >}}',
]


@pytest.mark.hugo
def test_quoting_matches_real_hugo(tmp_path: Path) -> None:
    template = "<pre>{{ range $k, $v := .Params }}{{ $k }}={{ $v | base64Encode }};{{ end }}</pre>"
    html = hugo_render(tmp_path, "\n\n".join(HUGO_CASES), {"p": template})
    hugo_params = []
    for pre in tree(html).css("pre"):
        pairs = [item.split("=", 1) for item in pre.text().split(";") if item]
        hugo_params.append({k: base64.b64decode(v).decode() for k, v in pairs})
    ours = [{k: str(v) for k, v in only(case).named.items()} for case in HUGO_CASES]
    assert ours == hugo_params


def test_full_width_indent_after_br_is_kept_like_hugo() -> None:
    from hnmatome.site.markup.comments import QuoteBodyRenderer

    html, text = QuoteBodyRenderer().render("x<br>\u3000indented<br>  ascii")
    assert html == "<p>x</p><p>\u3000indented</p><p>ascii</p>"
    assert text == "x\n\u3000indented\nascii"


# -- folds (markup/folds.py) ----------------------------------------------------------------


def _fold(summary: str, *users: str) -> str:
    cards = "".join(f'{{{{<matomeQuote body="c" userName="{u}" createdAt="" color="">}}}}\n\n'
                    for u in users)
    return f'{{{{< details summary="{summary}">}}}}\n\n{cards}{{{{</details>}}}}\n\n'


def test_adjacent_comment_folds_render_as_one() -> None:
    body = ("intro\n\n" + _fold("もっとコメントを表示（1）", "a", "b")
            + _fold("もっとコメントを表示（2）", "c") + _fold("", "d"))
    result = render(body)
    folds = tree(result.html).css("details")
    assert len(folds) == 1 and result.comment_count == 4
    assert [u.text() for u in folds[0].css(".mq-user")] == ["a", "b", "c", "d"]
    assert folds[0].css_first(".fold-more").text() == "残り4件のコメントを表示"
    assert len(folds[0].css(".fold-close")) == 1


def test_folds_apart_or_with_their_own_summary_stay_apart() -> None:
    apart = render(_fold("もっとコメントを表示（1）", "a") + "間\n\n"
                   + _fold("もっとコメントを表示（2）", "b"))
    assert len(tree(apart.html).css("details")) == 2
    own = render(_fold("ネタバレ", "a") + _fold("もっとコメントを表示（1）", "b"))
    labels = [f.css_first(".fold-more").text() for f in tree(own.html).css("details")]
    assert labels == ["ネタバレ（1件）", "残り1件のコメントを表示"]
    assert "ネタバレ" in own.text  # a summary of its own is text of the page
    empty = render('{{< details summary="もっとコメントを表示（1）">}}\n\n本文\n\n{{</details>}}')
    assert tree(empty.html).css_first(".fold-more").text() == "もっとコメントを表示（1）"


def test_folds_merge_inside_other_shortcodes_too() -> None:
    body = ('{{< details summary="外">}}\n\n' + _fold("もっとコメントを表示（1）", "a")
            + _fold("もっとコメントを表示（2）", "b") + "{{</details>}}")
    inner = tree(render(body).html).css("details details")
    assert len(inner) == 1 and len(inner[0].css("article.mq")) == 2


def test_unreadable_comment_time_is_shown_as_written() -> None:
    card = tree(render('{{<matomeQuote body="x" userName="u" createdAt="昨日" color="">}}')
                .html).css_first("time")
    assert card.text() == "昨日" and "datetime" not in card.attributes
