"""The reader's pages laid out by a real browser (headless Chromium over DevTools): nothing
scrolls sideways at 320 px, a linked heading is not hidden under the header, a short page keeps
its footer at the bottom, titles wrap only
between BudouX phrases, and the search panel fills a phone's screen with excerpts that leave
out commenters and tag lists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cdp_support import Page, chromium, page
from reader_support import RANSOM, typography_site
from site_support import build, serving

from hnmatome.site.search.index import pagefind_binary

pytestmark = pytest.mark.chromium
PREFIX = "/blog"  # the reader site's base URL path

# Per text node of an element (BudouX phrases are the text between its <wbr>s): on how many
# lines it lies.
LINES_PER_PHRASE = """(selector => [...document.querySelector(selector).childNodes]
  .filter(node => node.nodeType === 3 && node.textContent.trim())
  .map(node => {
    const range = document.createRange(); range.selectNodeContents(node);
    const tops = [...range.getClientRects()].map(rect => Math.round(rect.top));
    return [node.textContent, new Set(tops).size];
  }))"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed")
    root = typography_site(tmp_path_factory.mktemp("layout") / "site")
    build(root, search=True)
    with serving(root / "public", PREFIX) as url, \
            chromium(tmp_path_factory.mktemp("profile")) as address, page(address) as tab:
        yield tab, url


@pytest.mark.parametrize("path", ["", "tags/", "posts/", RANSOM.lstrip("/"), "404.html"])
def test_nothing_scrolls_sideways_at_320_px(browser: tuple[Page, str], path: str) -> None:
    tab, url = browser
    tab.viewport(320, 700)
    tab.goto(url + path)
    if path == "tags/":
        tab.evaluate("document.querySelector('details.tags-once').open = true")
    assert tab.evaluate("document.documentElement.scrollWidth") == 320


@pytest.mark.parametrize("width", [390, 1280])
def test_a_linked_heading_lands_below_the_sticky_header(browser: tuple[Page, str],
                                                        width: int) -> None:
    tab, url = browser
    tab.viewport(width, 844)
    tab.goto(url + RANSOM.lstrip("/"))
    heading, header = tab.evaluate("""(() => {
      const heading = document.querySelector('.post-body h2[id]');
      heading.scrollIntoView({behavior: 'instant'});  // as a link to its id does (scroll-margin)
      return [heading.getBoundingClientRect().top,
              document.querySelector('.site-header').getBoundingClientRect().bottom];
    })()""")
    assert heading >= header + 4


@pytest.mark.parametrize("path, width, height", [("404.html", 1280, 1600),
                                                 ("months/2025/04/", 390, 844)])
def test_a_short_page_keeps_its_footer_at_the_bottom(browser: tuple[Page, str], path: str,
                                                     width: int, height: int) -> None:
    tab, url = browser
    tab.viewport(width, height)
    tab.goto(url + path)
    content = tab.evaluate(
        "document.querySelector('main').lastElementChild.getBoundingClientRect().bottom")
    footer = tab.evaluate("(r => [r.top, r.bottom])"
                          "(document.querySelector('.site-footer').getBoundingClientRect())")
    assert footer[0] - content > 100  # short: the footer would float mid-screen
    assert abs(footer[1] - height) < 1
    assert tab.evaluate("document.documentElement.scrollHeight") == height


def test_titles_wrap_only_between_phrases(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.viewport(320, 700)
    tab.goto(url + RANSOM.lstrip("/"))
    assert tab.evaluate("document.querySelectorAll('h1.post-title wbr').length") >= 2
    height = tab.evaluate("document.querySelector('h1.post-title').getBoundingClientRect().height")
    line = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).lineHeight)")
    assert height > 1.5 * line  # it does wrap at this width
    for text, lines in tab.evaluate(f"{LINES_PER_PHRASE}('h1.post-title')"):
        assert lines == 1, f"{text!r} is split across lines"
    tab.goto(url)
    assert tab.evaluate("document.querySelectorAll('.card-title wbr').length") > 0
    for text, lines in tab.evaluate(f"{LINES_PER_PHRASE}('.card-title')"):
        assert lines == 1, f"{text!r} is split across lines"


def test_search_fills_a_phone_and_excerpts_leave_out_names_and_tags(
        browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.viewport(390, 844)
    tab.goto(url)
    tab.evaluate("document.querySelector('.search-open').click()")
    tab.until("document.getElementById('search').open", "the search dialog")
    box = tab.evaluate("(r => [r.left, r.top, r.width, r.height])"
                       "(document.getElementById('search').getBoundingClientRect())")
    assert box == [0, 0, 390, 844]
    tab.type("リニア")
    tab.until("document.querySelectorAll('.search-results li').length === 1", "one result")
    excerpt = tab.evaluate("document.querySelector('.search-excerpt').textContent")
    assert "リニアはいつ開業するのか。" in excerpt
    assert "maglev" not in excerpt and "#" not in excerpt
    tab.evaluate("document.querySelector('.search-close').click()")


def test_a_phone_screen_shows_four_posts_or_more(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.viewport(390, 844)
    tab.goto(url)
    first = tab.evaluate("document.querySelector('.cards .card').getBoundingClientRect().top")
    tops = tab.evaluate("[...document.querySelectorAll('.cards .card')]"
                        ".map(c => c.getBoundingClientRect().top)")
    assert len(tops) >= 4, "the test site needs four posts on its home page"
    heights = tab.evaluate("[...document.querySelectorAll('.cards .card')]"
                           ".map(c => c.getBoundingClientRect().height)")
    assert first + sum(heights[:4]) < 844  # the first four, after the intro, fit one screen
