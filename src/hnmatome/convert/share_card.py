"""A post's share card: a 1200×630 PNG with its Japanese title, the site name and its main tags.
Pure: the same title, site name and tags always give the same bytes.

The font is Noto Sans CJK JP Bold from PyPI (`noto-cjk-sans-jp-bold`), never a system font;
emoji come from Noto Emoji (monochrome, shipped in `fonts/`: PyPI has no emoji font), drawn in
the text's colour. Text is laid out in runs of one font each. Titles break between phrases
(BudouX) and, in Latin text, at spaces; a title shrinks through `TITLE_SIZES` until it fits,
and at the smallest size it is cut with an ellipsis. Characters neither font has a glyph for
and invisible format characters are left out, so no tofu box is ever drawn. Text is drawn as
text: `<script>` is just nine characters.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import budoux
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from hnmatome.core.errors import UserError

# Bump when the drawing changes: a card records the key of what it was drawn from (a PNG text
# chunk), and convert and `hnmatome cards` redraw only cards whose key differs.
CARD_VERSION = "2"  # 2: emoji drawn
KEY_CHUNK = "hnmatome-card"
WIDTH, HEIGHT = 1200, 630
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 88, 64, 60
BAR_WIDTH = 16  # the accent bar along the left edge, outside the text margins
TITLE_SIZES = (72, 64, 56, 50, 44)
TITLE_LEADING = 1.32
TAG_SIZE, TAG_PAD_X, TAG_HEIGHT, TAG_GAP, MAX_TAGS = 26, 18, 46, 12, 4
SITE_SIZE = 28
ELLIPSIS = "…"
FONT_PACKAGE, FONT_FILE = "noto_cjk_sans_jp_bold", "NotoSansCJKjp-Bold.otf"
EMOJI_FILE = "fonts/NotoEmoji-Bold-emoji.woff"
TEXT, EMOJI = 0, 1  # the faces a run of text is drawn in

BACKGROUND = (250, 248, 244)
TITLE_COLOUR = (31, 35, 40)
SITE_COLOUR = (87, 96, 106)
# (accent, tag background, tag text): picked by the title, so list thumbnails vary
PALETTES = (
    ((194, 65, 12), (253, 235, 225), (154, 52, 18)),
    ((29, 78, 216), (224, 233, 255), (30, 64, 175)),
    ((15, 118, 110), (214, 242, 237), (17, 94, 89)),
    ((109, 40, 217), (236, 228, 255), (91, 33, 182)),
    ((190, 18, 60), (253, 226, 232), (159, 18, 57)),
    ((161, 98, 7), (251, 239, 208), (133, 77, 14)),
)
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"}
_WORD_EDGE = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class CardLayout:
    """What goes where; every box lies inside the margins."""

    title_size: int
    title_lines: tuple[str, ...]
    title_box: Box
    tags: tuple[str, ...]  # as drawn, '#' included
    site_name: str  # as drawn


def render_card(title: str, site_name: str, tags: Sequence[str]) -> bytes:
    """The card as PNG bytes."""
    layout = lay_out(title, site_name, tags)
    accent, tag_bg, tag_fg = PALETTES[_palette_index(title)]
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAR_WIDTH - 1, HEIGHT - 1), fill=accent)
    x = MARGIN_X
    for tag in layout.tags:
        width = round(_length(tag, TAG_SIZE)) + 2 * TAG_PAD_X
        draw.rounded_rectangle((x, MARGIN_TOP, x + width, MARGIN_TOP + TAG_HEIGHT), radius=10,
                               fill=tag_bg)
        _draw_text(draw, (x + TAG_PAD_X, MARGIN_TOP + TAG_HEIGHT // 2), tag, TAG_SIZE, tag_fg,
                   "lm")
        x += width + TAG_GAP
    title_font = _font(layout.title_size)
    ascent, _ = title_font.getmetrics()
    step = round(layout.title_size * TITLE_LEADING)
    for number, line in enumerate(layout.title_lines):
        _draw_text(draw, (MARGIN_X, layout.title_box.top + ascent + number * step), line,
                   layout.title_size, TITLE_COLOUR, "ls")
    footer = HEIGHT - MARGIN_BOTTOM
    draw.rounded_rectangle((MARGIN_X, footer - 30, MARGIN_X + 29, footer - 1), radius=8,
                           fill=accent)
    if layout.site_name:
        _draw_text(draw, (MARGIN_X + 46, footer - 15), layout.site_name, SITE_SIZE,
                   SITE_COLOUR, "lm")
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text(KEY_CHUNK, card_key(title, site_name, tags))
    # 32 colours hold the flat colours and the text's anti-aliasing: a third of the RGB size
    image.quantize(colors=32, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        out, format="PNG", compress_level=6, pnginfo=info)
    return out.getvalue()


def card_key(title: str, site_name: str, tags: Sequence[str]) -> str:
    """What a card is drawn from, as a short digest."""
    source = json.dumps([CARD_VERSION, title, site_name, list(tags)], ensure_ascii=False)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def stored_key(data: bytes) -> str:
    """The key a card's PNG records ('' when it is not one of our cards)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return str(getattr(image, "text", {}).get(KEY_CHUNK, ""))
    except (OSError, ValueError, SyntaxError):
        return ""


def lay_out(title: str, site_name: str, tags: Sequence[str]) -> CardLayout:
    """Where the title, tags and site name go, and in which size and lines."""
    text_width = WIDTH - 2 * MARGIN_X
    shown_tags = _fit_tags(tags, text_width)
    top = MARGIN_TOP + (TAG_HEIGHT + 36 if shown_tags else 0)
    bottom = HEIGHT - MARGIN_BOTTOM - 30 - 40
    size, lines = _fit_title(clean_text(title), text_width, bottom - top)
    font = _font(size)
    ascent, descent = font.getmetrics()
    height = (len(lines) - 1) * round(size * TITLE_LEADING) + ascent + descent if lines else 0
    block_top = top + max(0, (bottom - top - height) // 2)
    site = _ellipsized(clean_text(site_name), SITE_SIZE, text_width - 46)
    return CardLayout(size, tuple(lines), Box(MARGIN_X, block_top, MARGIN_X + text_width,
                                              block_top + height), shown_tags, site)


# --------------------------------------------------------------------------- text


def clean_text(text: str) -> str:
    """`text` on one line, without what neither font can draw or what is invisible."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES and _face_of(char) >= 0:
            kept.append(char)
    return " ".join("".join(kept).split())


def _fit_title(title: str, width: int, height: int) -> tuple[int, list[str]]:
    """The largest size whose lines fit; at the smallest size the last line ends in '…'."""
    if not title:
        return TITLE_SIZES[0], []
    units = _break_units(title)
    for split_words in (False, True):  # a smaller size rather than a word cut in two
        for size in TITLE_SIZES:
            lines, split = _wrap(units, size, width)
            if len(lines) <= _max_lines(size, height) and (split_words or not split):
                return size, lines
    size = TITLE_SIZES[-1]
    lines = _wrap(units, size, width)[0][:_max_lines(size, height)]
    lines[-1] = _ellipsized(lines[-1], size, width, cut=True)
    return size, lines


def _max_lines(size: int, height: int) -> int:
    ascent, descent = _font(size).getmetrics()
    return max(1, (height - ascent - descent) // round(size * TITLE_LEADING) + 1)


def _break_units(text: str) -> list[str]:
    """Pieces a line may end after: BudouX's phrases, cut again after spaces, but never inside
    a Latin word or number."""
    units: list[str] = []
    for phrase in _parser().parse(text):
        for piece in re.findall(r"\S+\s*|\s+", phrase):
            if units and _WORD_EDGE.match(piece[0]) and _WORD_EDGE.match(units[-1][-1]):
                units[-1] += piece
            else:
                units.append(piece)
    return units


def _wrap(units: Sequence[str], size: int, width: int) -> tuple[list[str], bool]:
    """The lines, and whether a piece wider than a line had to be cut."""
    lines: list[str] = []
    current = ""
    split = False
    for unit in units:
        candidate = current + unit
        if not current or _length(candidate.rstrip(), size) <= width:
            current = candidate
        else:
            lines.append(current.rstrip())
            current = unit.lstrip()
        while _length(current.rstrip(), size) > width:  # one piece wider than a line
            split = True
            cut = _fitting_prefix(current, size, width)
            lines.append(current[:cut].rstrip())
            current = current[cut:].lstrip()
    if current.strip():
        lines.append(current.rstrip())
    return lines, split


def _fitting_prefix(text: str, size: int, width: int) -> int:
    """How many characters of `text` fit in `width` (at least one)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _length(text[:middle], size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsized(text: str, size: int, width: int, cut: bool = False) -> str:
    """`text`, or as much of it as fits followed by '…' (always, when it is `cut` already)."""
    if _length(text, size) <= width and not cut:
        return text
    if _length(text + ELLIPSIS, size) <= width:
        return text.rstrip(" 、。,.・:：") + ELLIPSIS
    cut = _fitting_prefix(text, size, width - round(_length(ELLIPSIS, size)))
    return text[:cut].rstrip(" 、。,.・:：") + ELLIPSIS


def _fit_tags(tags: Sequence[str], width: int) -> tuple[str, ...]:
    """The first tags (at most MAX_TAGS) whose chips fit on one line."""
    shown: list[str] = []
    used = 0
    for tag in tags:
        text = clean_text(str(tag)).lstrip("#")
        if not text or f"#{text}" in shown:
            continue
        label = _ellipsized(f"#{text}", TAG_SIZE, width // 2)
        chip = round(_length(label, TAG_SIZE)) + 2 * TAG_PAD_X
        if used + chip >= width or len(shown) == MAX_TAGS:
            break
        shown.append(label)
        used += chip + TAG_GAP
    return tuple(shown)


def _palette_index(title: str) -> int:
    return hashlib.sha256(title.encode("utf-8")).digest()[0] % len(PALETTES)


# --------------------------------------------------------------------------- font


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


@functools.cache
def font_path() -> str:
    """The card font, installed from PyPI with the project: its path, or '' when the package
    is not a folder on disk (imported from a zip: then `_font` reads its bytes)."""
    try:
        source = resources.files(FONT_PACKAGE).joinpath(FONT_FILE)
    except ModuleNotFoundError as exc:
        raise UserError("the share-card font is not installed",
                        hint="pip install noto-cjk-sans-jp-bold (or pip install -e .)") from exc
    if not source.is_file():
        raise UserError(f"the share-card font {FONT_FILE} is missing", str(source),
                        hint="pip install --force-reinstall noto-cjk-sans-jp-bold")
    return str(source) if isinstance(source, Path) else ""


@functools.cache
def _font_bytes() -> bytes:
    return resources.files(FONT_PACKAGE).joinpath(FONT_FILE).read_bytes()


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    path = font_path()
    source: str | io.BytesIO = path or io.BytesIO(_font_bytes())
    return ImageFont.truetype(source, size, layout_engine=ImageFont.Layout.BASIC)


@functools.cache
def _emoji_font(size: int) -> ImageFont.FreeTypeFont:
    source = resources.files(__package__).joinpath(EMOJI_FILE)
    data: str | io.BytesIO = str(source) if isinstance(source, Path) else \
        io.BytesIO(source.read_bytes())
    return ImageFont.truetype(data, size, layout_engine=ImageFont.Layout.BASIC)


def _face(face: int, size: int) -> ImageFont.FreeTypeFont:
    return _emoji_font(size) if face == EMOJI else _font(size)


@functools.cache
def _glyph_bitmap(char: str, face: int) -> tuple[tuple[int, int, int, int], bytes]:
    font = _face(face, 24)
    box = tuple(int(v) for v in font.getbbox(char))
    image = Image.new("L", (48, 48))
    ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
    return (box[0], box[1], box[2], box[3]), image.tobytes()


@functools.cache
def _face_of(char: str) -> int:
    """The face that has a glyph for `char` (the text font first), -1 when neither has:
    either would draw its 'missing glyph' box."""
    if char == " ":
        return TEXT
    for face in (TEXT, EMOJI):
        if _glyph_bitmap(char, face) != _glyph_bitmap("\U0010fffd", face):
            return face
    return -1


def _runs(text: str) -> list[tuple[int, str]]:
    """`text` (cleaned: every character has a face) as runs of one face each."""
    runs: list[tuple[int, str]] = []
    for char in text:
        face = _face_of(char) if char != " " or not runs else runs[-1][0]
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def _length(text: str, size: int) -> float:
    return sum(_face(face, size).getlength(run) for face, run in _runs(text))


def _draw_text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int,
               fill: tuple[int, int, int], anchor: str) -> None:
    """`text` from `xy` on, run by run, each in its face, on one baseline ('ls') or one
    middle line ('lm')."""
    x, y = xy
    for face, run in _runs(text):
        font = _face(face, size)
        draw.text((x, y), run, font=font, fill=fill, anchor=anchor)
        x += round(font.getlength(run))
