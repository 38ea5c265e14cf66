"""The `phrases` template filter (site/markup/phrases.py): Japanese cut between phrases with
<wbr>, every phrase escaped, Latin words and numbers never cut."""

from __future__ import annotations

import html

import pytest
from markupsafe import Markup

from hnmatome.site.markup.phrases import phrased, phrases_filter

phrases = phrases_filter({})


def pieces(value: str) -> list[str]:
    return [html.unescape(piece) for piece in str(phrases(value)).split("<wbr>")]


@pytest.mark.parametrize("title, words", [
    ("ランサムウェア攻撃で病院が停止", ["ランサムウェア"]),
    ("ソフトウェアエンジニアリングの未来", ["エンジニアリング"]),
    ("無料で名作が聞けるLibriVoxってどうなの？", ["LibriVox"]),
    ("RenderFormer：ニューラルレンダリングで三角形メッシュを大域照明付きで！",
     ["RenderFormer", "レンダリング", "メッシュ"]),
    ("GPT-4oとClaude 3.5の比較", ["GPT-4o", "3.5"]),
])
def test_breaks_fall_between_phrases_never_inside_a_word(title: str, words: list[str]) -> None:
    cut = pieces(title)
    assert "".join(cut) == title
    assert len(cut) > 1
    for word in words:
        assert any(word in piece for piece in cut), (word, cut)


def test_a_space_needs_no_extra_break() -> None:
    assert "<wbr> " not in phrases("Figma Slides 美しいのに欠陥だらけ")
    assert " <wbr>" not in phrases("Figma Slides 美しいのに欠陥だらけ")


def test_hostile_text_is_escaped_in_every_phrase() -> None:
    title = 'タイトル</script><script>alert(1)</script> "引用"&'
    out = phrases(title)
    assert isinstance(out, Markup)
    assert "<script" not in out and "</script" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out and "&#34;" in out
    assert html.unescape(out.replace("<wbr>", "")) == title


def test_markup_and_empty_values() -> None:
    assert phrases(Markup("<b>太字</b>")) == Markup("<b>太字</b>")  # HTML already: untouched
    assert phrases("") == "" and phrases(None) == ""
    assert phrases("AI") == "AI"


def test_the_filter_uses_texts_already_cut_and_cuts_the_others() -> None:
    cut = phrases_filter({"速い題名": "速<wbr>い題名"})  # not BudouX's cut: it was given
    assert cut("速い題名") == Markup("速<wbr>い題名")
    assert cut("ランサムウェア攻撃で病院が停止") == phrased("ランサムウェア攻撃で病院が停止")


def test_a_page_is_parsed_with_its_title_cut(tmp_path) -> None:
    from hnmatome.core.settings import Settings
    from hnmatome.site.content import load_page

    path = tmp_path / "a.md"
    title = "ランサムウェア攻撃で病院が停止<b>"
    path.write_text(f'+++\ntitle = "{title}"\n+++\nbody\n', encoding="utf-8")
    page = load_page(path, tmp_path, Settings())
    assert page.phrased_title == phrased(title)
    assert "<wbr>" in page.phrased_title and "&lt;b&gt;" in page.phrased_title
