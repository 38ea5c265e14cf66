"""Share cards: 1200×630 PNGs that Pillow opens, text inside the margins whatever the title
(very long, emoji, Latin only, markup, control characters), lines broken between phrases, and
the same bytes for the same input."""

from __future__ import annotations

import io

import budoux
import pytest
from PIL import Image

from hnmatome.convert.share_card import (
    BACKGROUND,
    BAR_WIDTH,
    ELLIPSIS,
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MAX_TAGS,
    TAG_HEIGHT,
    TITLE_SIZES,
    WIDTH,
    card_key,
    clean_text,
    lay_out,
    render_card,
    stored_key,
)

SITE = "海外テックの反応まとめ"
LONG = ("ChatGPTを徹底解説！Andrej Karpathyが語るLLMのすべてとは？推論型大規模言語モデルの"
        "理解が進む！その可能性と課題とは、そしてランサムウェアとソフトウェアエンジニアリングの"
        "未来について長々と語り合うスレッドのタイトルがとても長い場合") * 2
CASES: dict[str, tuple[str, list[str]]] = {
    "short": ("Rustの新しいコンパイラが速い", ["Rust", "コンパイラ"]),
    "long": (LONG, ["AI", "LLM"]),
    "latin": ("Show HN: A tiny static site generator written in Rust, with no JavaScript", []),
    "emoji": ("🎉GPT-4oで絵文字👨‍👩‍👧テスト✨ 日本🇯🇵の❤️と1️⃣", ["🔥", "AI🤖"]),
    "script": ('<script>alert("x")</script><img src=x onerror=alert(1)>&amp;', ["<b>tag</b>"]),
    "no_tags": ("タグのない投稿", []),
    "many_tags": ("タグの多い投稿", [f"とても長いタグの名前その{i}" for i in range(40)]),
    "one_word": ("x" * 400, ["y" * 200]),
    "empty": ("", []),
    "emoji_only": ("🎉✨🔥", []),
    "controls": ("改行\nと\tタブ\x00と\u202e逆向き\u200bゼロ幅", ["a\nb"]),
    "latin_long_words": ("Pneumonoultramicroscopicsilicovolcanoconiosis " * 6, ["Rust"]),
}


def pixels(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.verify()  # a valid PNG, not only a readable header
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


@pytest.mark.parametrize("case", CASES)
def test_a_card_is_a_valid_png_of_the_right_size(case: str) -> None:
    title, tags = CASES[case]
    assert pixels(render_card(title, SITE, tags)).size == (WIDTH, HEIGHT)


@pytest.mark.parametrize("case", CASES)
def test_nothing_is_drawn_in_the_margins(case: str) -> None:
    title, tags = CASES[case]
    image = pixels(render_card(title, SITE * 5, tags))  # a site name too long for its line
    background = image.getpixel((WIDTH - 1, HEIGHT - 1))
    assert max(abs(a - b) for a, b in zip(background, BACKGROUND, strict=True)) <= 8
    strips = [(BAR_WIDTH, 0, MARGIN_X, HEIGHT), (WIDTH - MARGIN_X, 0, WIDTH, HEIGHT),
              (BAR_WIDTH, 0, WIDTH, MARGIN_TOP), (BAR_WIDTH, HEIGHT - MARGIN_BOTTOM, WIDTH, HEIGHT)]
    for box in strips:
        colours = image.crop(box).getcolors(maxcolors=4)
        assert colours is not None and [c for _, c in colours] == [background], (case, box)


@pytest.mark.parametrize("case", CASES)
def test_the_title_stays_between_the_tags_and_the_footer(case: str) -> None:
    title, tags = CASES[case]
    layout = lay_out(title, SITE, tags)
    box = layout.title_box
    assert box.left >= MARGIN_X and box.right <= WIDTH - MARGIN_X
    assert box.top >= MARGIN_TOP + (TAG_HEIGHT if layout.tags else 0)
    assert box.bottom <= HEIGHT - MARGIN_BOTTOM - 30  # above the site name's line
    image = pixels(render_card(title, SITE, tags))
    drawn = image.crop((MARGIN_X, box.bottom + 1, WIDTH - MARGIN_X, HEIGHT - MARGIN_BOTTOM - 32))
    assert len(drawn.getcolors(maxcolors=4) or ()) == 1  # nothing below the title's box


def test_the_same_input_gives_the_same_bytes() -> None:
    for title, tags in CASES.values():
        assert render_card(title, SITE, tags) == render_card(title, SITE, list(tags))


def test_a_short_title_is_big_and_a_long_one_shrinks_then_ends_in_an_ellipsis() -> None:
    short = lay_out(*CASES["short"][:1], SITE, [])
    assert short.title_size == TITLE_SIZES[0] and not short.title_lines[-1].endswith(ELLIPSIS)
    long = lay_out(LONG, SITE, [])
    assert long.title_size == TITLE_SIZES[-1] and long.title_lines[-1].endswith(ELLIPSIS)
    shown = "".join(long.title_lines).removesuffix(ELLIPSIS)
    assert LONG.replace(" ", "").startswith(shown.replace(" ", ""))


def test_lines_break_between_phrases() -> None:
    title = "ランサムウェアの被害とソフトウェアエンジニアリングの未来について語り合う会の話題"
    layout = lay_out(title, SITE, [])
    assert len(layout.title_lines) > 1 and "".join(layout.title_lines) == title
    bounds, at = set(), 0
    for phrase in budoux.load_default_japanese_parser().parse(title):
        at += len(phrase)
        bounds.add(at)
    at = 0
    for line in layout.title_lines[:-1]:
        at += len(line)
        assert at in bounds, line


def test_latin_words_are_not_cut_when_a_smaller_size_avoids_it() -> None:
    layout = lay_out(CASES["latin"][0], SITE, [])
    words = CASES["latin"][0].split()
    assert [w for line in layout.title_lines for w in line.split()] == words


def test_emoji_are_kept_invisible_characters_left_out_and_markup_kept_as_text() -> None:
    # a zero-width joiner and a variation selector are invisible: the pictures stay
    assert clean_text("🎉GPT-4oで絵文字👨\u200d👩テスト✨") == "🎉GPT-4oで絵文字👨👩テスト✨"
    assert clean_text("日本の❤️") == "日本の❤"
    assert clean_text("改行\nと\tタブ\x00と\u202e逆\u200bゼロ") == "改行 と タブと逆ゼロ"
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert clean_text("  Café ★ №1  ") == "Café ★ №1"
    assert clean_text("私用\ue000領域\U000f0000") == "私用領域"  # no font draws these
    assert lay_out("🎉✨", SITE, ["🔥"]).title_lines == ("🎉✨",)
    assert lay_out("🎉✨", SITE, ["🔥"]).tags == ("#🔥",)


def test_emoji_are_drawn_not_left_blank() -> None:
    """An emoji-only title draws ink in its box, as much as a two-character Japanese one."""
    def ink(title: str) -> int:
        layout = lay_out(title, SITE, [])
        box = layout.title_box
        crop = pixels(render_card(title, SITE, [])).convert("L").crop(
            (box.left, box.top, box.right, box.bottom))
        return sum(crop.histogram()[:128])

    assert ink("🎉✨") > 0.3 * ink("漢字")


def test_the_main_tags_are_shown_as_many_as_fit() -> None:
    assert lay_out("t", SITE, ["AI", "Rust", "ai", "#Go"]).tags == ("#AI", "#Rust", "#ai", "#Go")
    many = lay_out("t", SITE, [f"タグ{i}" for i in range(20)]).tags
    assert len(many) == MAX_TAGS
    wide = lay_out("t", SITE, CASES["many_tags"][1]).tags
    assert 1 <= len(wide) < MAX_TAGS
    assert lay_out("t", SITE, ["y" * 200]).tags[0].endswith(ELLIPSIS)


def test_a_card_records_what_it_was_drawn_from() -> None:
    data = render_card("題", SITE, ["AI"])
    assert stored_key(data) == card_key("題", SITE, ["AI"]) != card_key("題", SITE, ["Go"])
    assert stored_key(b"not a png") == ""


def test_a_missing_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from hnmatome.convert import share_card
    from hnmatome.core.errors import UserError

    monkeypatch.setattr(share_card, "FONT_PACKAGE", "no_such_font_package")
    share_card.font_path.cache_clear()
    try:
        with pytest.raises(UserError) as raised:
            share_card.font_path()
        assert "noto-cjk-sans-jp-bold" in str(raised.value)
    finally:
        share_card.font_path.cache_clear()
