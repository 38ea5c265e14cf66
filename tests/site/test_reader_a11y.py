"""Colour contrast (WCAG AA) in both themes, computed from the stylesheet's own colours, and the
size budgets readers pay for: CSS, scripts, and the heaviest post page of the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_support import REPO_ROOT, corpus_public

from hnmatome.core.settings import DEFAULT_PALETTE
from hnmatome.site.render.outputs import syntax_css

CSS = (REPO_ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
AA = 4.5
HIGHLIGHT_TINT = 0.07  # color-mix(in srgb, var(--mq-color) 7%, var(--surface)) in site.css


def theme(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*\{(.*?)\}", CSS, re.S)
    assert block is not None, selector
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block.group(1)))


LIGHT = theme(":root")
DARK = theme(':root[data-theme="dark"]')


def rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(color: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(color: str, share: float, base: str) -> tuple[float, float, float]:
    return tuple(share * c + (1 - share) * b  # type: ignore[return-value]
                 for c, b in zip(rgb(color), rgb(base), strict=True))


PAIRS = [  # (foreground, background): every text colour on every surface it is used on
    ("text", "bg"), ("text", "surface"), ("text", "surface-2"),
    ("muted", "bg"), ("muted", "surface"), ("muted", "surface-2"),
    ("accent", "bg"), ("accent", "surface"),
    ("accent-strong", "surface"), ("accent-strong", "accent-soft"),  # badges, search marks
]


@pytest.mark.parametrize("name,colors", [("light", LIGHT), ("dark", DARK)])
def test_text_colours_meet_aa_in_both_themes(name: str, colors: dict[str, str]) -> None:
    for fg, bg in PAIRS:
        ratio = contrast(rgb(colors[fg]), rgb(colors[bg]))
        assert ratio >= AA, f"{name}: --{fg} on --{bg} is {ratio:.2f}:1"


def test_button_text_meets_aa_on_the_accent() -> None:
    assert contrast(rgb("#ffffff"), rgb(LIGHT["accent"])) >= AA
    assert re.search(r'\[data-theme="dark"\] \.button \{ color: #1b1f24; \}', CSS)
    assert contrast(rgb("#1b1f24"), rgb(DARK["accent"])) >= AA


@pytest.mark.parametrize("name,colors", [("light", LIGHT), ("dark", DARK)])
def test_highlighted_comments_stay_readable(name: str, colors: dict[str, str]) -> None:
    assert f"{round(HIGHLIGHT_TINT * 100)}%, var(--surface)" in CSS
    for color in DEFAULT_PALETTE:
        tinted = mix(color, HIGHLIGHT_TINT, colors["surface"])
        for fg in ("text", "muted"):
            ratio = contrast(rgb(colors[fg]), tinted)
            assert ratio >= AA, f"{name}: --{fg} on a {color} card is {ratio:.2f}:1"


def test_focus_is_always_visible() -> None:
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--accent\)", CSS)
    assert ".search-input:focus { outline: none; }" in CSS  # its form shows focus instead
    assert ".search-form:focus-within { border-bottom-color: var(--accent); }" in CSS


def test_css_and_script_budgets() -> None:
    site_css = len(CSS.encode())
    # the most CSS a page loads (a code page): 28.2 KB before the reader's pages of issue 15,
    # which allowed 10% more
    assert site_css + len(syntax_css()) < 31_000
    scripts = REPO_ROOT / "static" / "js"
    assert (scripts / "site.js").stat().st_size < 8_000  # deferred, on every page
    assert (scripts / "search.js").stat().st_size < 10_000  # only when the search opens


def test_the_heaviest_corpus_post_is_under_200_kb(shared_dir: Path,
                                                   tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    public = corpus_public(shared_dir, tmp_path_factory)
    pages = (public / "posts").glob("*/*/index.html")
    sizes = sorted((path.stat().st_size, path) for path in pages)
    size, heaviest = sizes[-1]
    assert len(sizes) > 1000
    assert size < 200_000, heaviest
