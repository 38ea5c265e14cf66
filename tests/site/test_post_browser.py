"""The post page in a real browser (headless Chromium over DevTools): the one fold of a long
post opens and closes from its summary and from the button at its end, which brings the reader
back to the fold, not to the bottom of the page; nothing scrolls sideways on a 320 px phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cdp_support import Page, chromium, page
from post_support import LONG, post_site, serving
from site_support import build

pytestmark = pytest.mark.chromium
FOLD = "document.querySelector('details.fold')"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    root = post_site(tmp_path_factory.mktemp("post-browser") / "site")
    build(root)
    with serving(root / "public") as url, \
            chromium(tmp_path_factory.mktemp("profile")) as address, page(address) as tab:
        tab.viewport(390, 844)
        yield tab, url + LONG


def click(tab: Page, selector: str) -> None:
    """A real mouse click in the middle of the element, scrolled into view first (nothing may
    cover it: the sticky header, the back-to-top button)."""
    box = tab.evaluate(
        f"(() => {{ const e = document.querySelector({selector!r});"
        " e.scrollIntoView({block: 'center', behavior: 'instant'});"
        " const r = e.getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
    x, y = box
    hit = tab.evaluate(f"document.elementFromPoint({x}, {y}).closest({selector!r}) !== null")
    assert hit, f"{selector} is covered"
    for kind in ("mousePressed", "mouseReleased"):
        tab.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def visible_label(tab: Page) -> str:
    return str(tab.evaluate(
        f"[...{FOLD}.querySelectorAll('summary > span')]"
        ".filter(s => getComputedStyle(s).display !== 'none').map(s => s.textContent).join('|')"))


def test_the_fold_opens_and_closes_from_its_summary(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.goto(url)
    assert tab.evaluate(f"{FOLD}.open") is False
    assert visible_label(tab) == "残り53件のコメントを表示"
    closed_height = tab.evaluate("document.documentElement.scrollHeight")
    click(tab, "details.fold > summary")
    tab.until(f"{FOLD}.open", "the fold to open")
    assert visible_label(tab) == "残りのコメント（53件）"
    assert tab.evaluate("document.documentElement.scrollHeight") > closed_height + 5000
    # the opened part is set apart from the cards above it
    assert tab.evaluate(f"getComputedStyle({FOLD}).backgroundColor") != tab.evaluate(
        "getComputedStyle(document.body).backgroundColor")
    assert tab.evaluate(f"!{FOLD}.querySelector('.fold-close').hidden")  # shown by the script
    click(tab, "details.fold > summary")
    tab.until(f"!{FOLD}.open", "the fold to close")
    assert visible_label(tab) == "残り53件のコメントを表示"


def test_the_close_button_keeps_the_reader_at_the_fold(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.goto(url)
    tab.evaluate("document.documentElement.style.scrollBehavior = 'auto'")
    in_view = ("(() => { const r = document.querySelector('details.fold > summary')"
               ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()")
    # without the button's help, a fold closed from its end leaves the reader far from it
    tab.evaluate(f"{FOLD}.open = true")
    tab.evaluate(f"{FOLD}.querySelector('.fold-close').scrollIntoView({{block: 'center'}})")
    tab.evaluate(f"{FOLD}.open = false")
    assert tab.evaluate(in_view) is False
    click(tab, "details.fold > summary")
    tab.until(f"{FOLD}.open", "the fold to open")
    click(tab, "details.fold > .fold-close")  # at the end of 53 comments, far below
    tab.until(f"!{FOLD}.open", "the fold to close")
    tab.until(in_view, "the fold's summary to be in view")
    # the summary sits near the top, below the sticky header, not at the page's bottom
    top = tab.evaluate(f"{FOLD}.querySelector('summary').getBoundingClientRect().top")
    header = tab.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    assert header <= top < 200
    assert tab.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert tab.evaluate("scrollY + innerHeight") < tab.evaluate(
        "document.documentElement.scrollHeight") - 100


def test_comment_name_and_time_are_readable(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.goto(url)
    sizes = tab.evaluate(
        "[...document.querySelectorAll('.mq-user, .mq-time')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 13


def test_nothing_scrolls_sideways_at_320_px(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.viewport(320, 700)
    try:
        for theme in ("light", "dark"):
            tab.goto(url)
            tab.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
            tab.evaluate(f"{FOLD}.open = true")
            assert tab.evaluate("document.documentElement.scrollWidth") == 320
            wide = tab.evaluate(
                "[...document.querySelectorAll('main *')].filter(e => "
                "e.getBoundingClientRect().right > 320.5).map(e => e.tagName + '.' + e.className)"
                ".slice(0, 5)")
            assert wide == []
    finally:
        tab.viewport(390, 844)
