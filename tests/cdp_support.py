"""Headless Chromium driven over the DevTools protocol (websockets), for tests that need a real
browser: start it, open a page, evaluate script, type, take a screenshot."""

from __future__ import annotations

import base64
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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One tab, spoken to with DevTools messages over its websocket."""

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
            result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                               awaitPromise=True)
        except RuntimeError:
            return None
        return result.get("result", {}).get("value")

    def until(self, expression: str, what: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.until("document.readyState === 'complete' && location.href !== 'about:blank'",
                   "the page to load")

    def press(self, key: str) -> None:
        """One key: a letter, a digit, ' ', '/' or '?', or 'Enter' / 'Escape'."""
        codes = {"Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, ""),
                 "/": ("Slash", 191, "/"), "?": ("Slash", 191, "?"), " ": ("Space", 32, " ")}
        if key.isascii() and key.isalnum() and len(key) == 1:
            code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
            codes[key] = (code, ord(key.upper()), key)
        code, number, text = codes[key]
        self.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, text=text,
                  windowsVirtualKeyCode=number, nativeVirtualKeyCode=number)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code,
                  windowsVirtualKeyCode=number, nativeVirtualKeyCode=number)

    def type(self, text: str) -> None:
        self.call("Input.insertText", text=text)

    def viewport(self, width: int, height: int, dark: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        self.call("Emulation.setEmulatedMedia", features=[
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


@contextlib.contextmanager
def chromium(profile: Path) -> Iterator[str]:
    """A headless Chromium; yields its DevTools HTTP address. Skips when there is none."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    process = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-extensions", "--hide-scrollbars",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield _devtools_address(process)
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
def page(address: str) -> Iterator[Page]:
    from websockets.sync.client import connect

    with urllib.request.urlopen(f"{address}/json/list", timeout=10) as answer:
        targets = json.load(answer)
    target = next(t for t in targets if t["type"] == "page")
    with connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=20) as socket:
        tab = Page(socket)
        tab.call("Page.enable")
        yield tab


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
