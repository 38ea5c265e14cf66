"""The reader features in a real browser (headless Chromium over DevTools): the "/" shortcut
opens the search, Japanese queries find their posts with marked excerpts, Enter opens the first
result, /?q= searches on arrival; the theme toggle, copy-link, back-to-top and progress bar."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cdp_support import Page, chromium, page
from reader_support import reader_site
from site_support import build, serving

from hnmatome.site.search import index as search_index
from hnmatome.site.search.index import pagefind_binary

pytestmark = pytest.mark.chromium
PREFIX = "/blog"  # the reader site's base URL path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed")
    root = reader_site(tmp_path_factory.mktemp("browser") / "site")
    # in shards of two posts: the page merges them (search.js), as on a big site
    saved, search_index.SHARD_POSTS = search_index.SHARD_POSTS, 2
    try:
        build(root, search=True)
    finally:
        search_index.SHARD_POSTS = saved
    assert len(json.loads((root / "public" / "pagefind" / "shards.json").read_text())) == 3
    with serving(root / "public", PREFIX) as url, \
            chromium(tmp_path_factory.mktemp("profile")) as address, page(address) as tab:
        tab.viewport(390, 900)
        yield tab, url


def results(tab: Page) -> list[str]:
    return tab.evaluate(
        "[...document.querySelectorAll('.search-results .search-title')].map(e => e.textContent)"
    ) or []


def test_slash_opens_the_search_and_japanese_finds_its_posts(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.goto(url)
    assert tab.evaluate("document.getElementById('search').open") is False
    tab.press("/")
    tab.until("document.getElementById('search').open", "the search dialog")
    assert tab.evaluate("document.activeElement.classList.contains('search-input')")
    tab.type("新幹線")
    tab.until("document.querySelectorAll('.search-results li').length === 2", "two results")
    assert set(results(tab)) == {"新幹線で仕事をする人たち", "リニア中央新幹線の遅れ"}
    assert tab.evaluate("document.querySelector('.search-status').textContent") == (
        "「新幹線」を含む記事: 2件")
    marks = tab.evaluate("[...document.querySelectorAll('.search-results mark')]"
                         ".map(e => e.textContent)")
    assert marks and set(marks) == {"新幹線"}
    assert tab.evaluate("document.querySelector('.search-date').textContent").startswith("2025年")
    tab.press("Enter")
    tab.until(f"location.pathname.startsWith('{PREFIX}/posts/2025_02/')", "the first result")


def test_query_in_the_url_searches_on_arrival(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.goto(url + "?q=" + "生成AI")
    tab.until("document.querySelectorAll('.search-results li').length === 1", "one result")
    assert results(tab) == ["生成AIで変わる仕事"]
    tab.evaluate("document.querySelector('.search-close').click()")
    tab.until("!document.getElementById('search').open", "the dialog to close")
    assert tab.evaluate("document.documentElement.lang") == "ja"  # lent to Pagefind, returned


def test_theme_toggle_copy_link_back_to_top_and_progress(browser: tuple[Page, str]) -> None:
    tab, url = browser
    tab.goto(url + "posts/2025_02/shinkansen/")
    before = tab.evaluate("document.documentElement.dataset.theme")
    tab.evaluate("document.querySelector('.theme-toggle').click()")
    assert tab.evaluate("document.documentElement.dataset.theme") != before
    assert tab.evaluate("localStorage.getItem('theme')") == tab.evaluate(
        "document.documentElement.dataset.theme")
    assert tab.evaluate("document.querySelector('.share-copy').hidden") is False
    assert tab.evaluate("document.querySelector('.to-top').hidden") is True
    assert tab.evaluate("getComputedStyle(document.querySelector('.progress span')).transform")
    tab.evaluate("document.querySelector('details.fold').open = true")  # a long page
    tab.evaluate("window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
    tab.until("!document.querySelector('.to-top').hidden", "the back-to-top button")
    tab.until("document.querySelector('.progress span').style.transform === 'scaleX(1)'",
              "the progress bar to fill")
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width == 390  # nothing (long URLs, indented replies) overflows a phone screen
