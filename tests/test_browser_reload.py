"""A real browser (headless Chromium, driven over the DevTools protocol) reloads a served page
by itself when its post is saved, shows the build error overlay, and drops it after a fix."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cache_support import small_site
from serve_support import running

pytestmark = pytest.mark.chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
POST = "content/posts/2025_02/alpha/index.md"


class Tab:
    """One page target, spoken to with DevTools protocol messages over a websocket."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """The value of `expression`, or None while the page is between documents."""
        try:
            result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        except RuntimeError:
            return None
        return result.get("result", {}).get("value")


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[str]:
    """The DevTools HTTP address of a headless Chromium."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    process = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-extensions",
         "--remote-debugging-port=0", f"--user-data-dir={tmp_path / 'profile'}",
         "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        address = _devtools_address(process)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _devtools_address(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        found = re.search(r"DevTools listening on ws://([^/]+)/", line)
        if found:
            return f"http://{found.group(1)}"
        if not line and process.poll() is not None:
            break
    pytest.skip("Chromium did not start its DevTools server")


@contextlib.contextmanager
def _open(address: str, url: str) -> Iterator[Tab]:
    from websockets.sync.client import connect

    with urllib.request.urlopen(f"{address}/json/list", timeout=10) as answer:
        targets = json.load(answer)
    page = next(t for t in targets if t["type"] == "page")
    with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=20) as socket:
        tab = Tab(socket)
        tab.call("Page.enable")
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
