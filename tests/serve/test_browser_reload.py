"""A real browser (headless Chromium, driven over the DevTools protocol) reloads a served page
by itself when its post is saved, shows the build error overlay, and drops it after a fix."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cache_support import small_site
from cdp_support import Page, page
from cdp_support import chromium as start_chromium
from serve_support import running

pytestmark = pytest.mark.chromium

POST = "content/posts/2025_02/alpha/index.md"


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[str]:
    """The DevTools HTTP address of a headless Chromium (skips when there is none)."""
    with start_chromium(tmp_path / "profile") as address:
        yield address


@contextlib.contextmanager
def _open(address: str, url: str) -> Iterator[Page]:
    with page(address) as tab:
        tab.call("Page.navigate", url=url)
        _until(lambda: tab.evaluate("document.readyState") == "complete", "the page to load")
        yield tab


def _until(condition: Callable[[], Any], what: str, timeout: float = 20,
           again: Callable[[], None] | None = None) -> None:
    """Wait for `condition`; `again` (a repeated save) runs every few seconds meanwhile, in
    case the file watcher was not listening yet."""
    deadline = time.monotonic() + timeout
    nudged = time.monotonic()
    while time.monotonic() < deadline:
        if condition():
            return
        if again and time.monotonic() - nudged > 4:
            again()
            nudged = time.monotonic()
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _rewrite(path: Path, old: str, new: str) -> Callable[[], None]:
    def save() -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1) if old in text else text, encoding="utf-8")
    save()
    return save


def test_the_page_reloads_itself_shows_errors_and_recovers(tmp_path: Path,
                                                           chromium: str) -> None:
    site = small_site(tmp_path / "site")
    post = site / POST
    with running(site, watch=True) as server, \
            _open(chromium, server.url + "posts/2025_02/alpha/") as tab:
        assert "アルファ 0" in tab.evaluate("document.body.innerText")
        tab.evaluate("window.__before_reload = 1")  # gone once the page reloads

        save = _rewrite(post, "アルファ 0", "ブラウザが見た 0")
        _until(lambda: tab.evaluate("window.__before_reload") is None
               and "ブラウザが見た 0" in (tab.evaluate("document.body.innerText") or ""),
               "the page to reload with the new text", again=save)

        tab.evaluate("window.__before_error = 1")
        save = _rewrite(post, 'title = "アルファ"', 'title = "アルファ')
        _until(lambda: tab.evaluate("!!document.getElementById('hnmatome-overlay')"),
               "the error overlay", again=save)
        overlay = tab.evaluate("document.getElementById('hnmatome-overlay').innerText")
        assert f"{post}:2" in overlay
        assert tab.evaluate("window.__before_error") == 1  # an overlay, not a reload

        save = _rewrite(post, 'title = "アルファ', 'title = "アルファ（直した）"')
        _until(lambda: tab.evaluate("window.__before_error") is None
               and not tab.evaluate("!!document.getElementById('hnmatome-overlay')")
               and "アルファ（直した）" in (tab.evaluate("document.body.innerText") or ""),
               "the fixed page without the overlay", again=save)
