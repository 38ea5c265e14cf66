"""The studio in a real browser (headless Chromium over the DevTools protocol): a curator's
keyboard session ends in a published post that shows exactly what was done; hostile comment
text stays text; a save refused because the file changed keeps the curator's words."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cdp_support import Page, page
from cdp_support import chromium as start_chromium
from site_support import build
from studio_support import THREAD_ID, studio, studio_site

from hnmatome.core import thread_yaml

pytestmark = pytest.mark.chromium

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[str]:
    with start_chromium(tmp_path / "profile") as address:
        yield address


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return studio_site(tmp_path / "site", comments=8)


def thread_file(site: Path) -> Path:
    return site / "content" / "threads" / f"{THREAD_ID}.yaml"


def comments_on_disk(site: Path) -> list[dict[str, Any]]:
    return thread_yaml.load(thread_file(site))["comments"]


@contextlib.contextmanager
def thread_view(address: str, url: str) -> Iterator[Page]:
    with page(address) as tab:
        tab.viewport(1280, 900)
        tab.goto(f"{url}_studio/#/thread/{THREAD_ID}")
        tab.until("document.querySelectorAll('li.c').length > 0", "the comments")
        yield tab


def selected_id(tab: Page) -> int:
    return int(tab.until("document.querySelector('li.c.sel')?.dataset.id", "a selection"))


def test_a_keyboard_session_publishes_exactly_what_was_done(site: Path, chromium: str) -> None:
    first, second, third = (c["id"] for c in comments_on_disk(site)[:3])
    with studio(site) as server, thread_view(chromium, server.url) as tab:
        palette = tab.evaluate(f"fetch('/_studio/api/thread/{THREAD_ID}')"
                               ".then(r => r.json()).then(v => v.palette)")
        tab.press("j")
        assert selected_id(tab) == first
        tab.press(" ")  # hide the first comment
        tab.until(f"document.querySelector('li.c[data-id=\"{first}\"]')"
                  ".classList.contains('is-hidden')", "the first comment hidden")
        tab.press("j")
        assert selected_id(tab) == second
        tab.press("2")  # the second palette colour
        tab.until(f"document.querySelector('li.c[data-id=\"{second}\"] .swatch')"
                  f".getAttribute('aria-label').includes('{palette[1]}')", "the new colour")
        tab.press("j")
        tab.press("e")
        tab.until("document.activeElement?.tagName === 'TEXTAREA'", "the editor")
        tab.evaluate("document.activeElement.select()")
        tab.type("ブラウザで直した訳")
        tab.press("Enter")
        tab.until(f"document.querySelector('li.c[data-id=\"{third}\"] .c-ja')"
                  ".innerText.includes('ブラウザで直した訳')", "the saved edit")
        tab.evaluate("[...document.querySelectorAll('button')]"
                     ".find(b => b.textContent === '公開する').click()")
        tab.until("[...document.querySelectorAll('button')]"
                  ".some(b => b.textContent === '下書きに戻す')", "the thread published")

    saved = {c["id"]: c for c in comments_on_disk(site)}
    assert saved[first]["include"] is False
    assert saved[second]["color"] == palette[1]
    assert saved[third]["ja"] == "ブラウザで直した訳" and saved[third]["edited"] is True
    assert thread_yaml.load(thread_file(site))["draft"] is False

    build(site, drafts=False)
    posts = [p for p in (site / "public" / "posts").rglob("index.html")
             if f"news.ycombinator.com/item?id={THREAD_ID}" in p.read_text(encoding="utf-8")]
    assert len(posts) == 1, "the published post is built"
    html = posts[0].read_text(encoding="utf-8")
    first_ja = saved[first]["ja"].splitlines()[0]
    second_ja = saved[second]["ja"].splitlines()[0]
    assert first_ja not in html
    assert "ブラウザで直した訳" in html
    cards = [card for card in html.split('<article class="mq')[1:] if second_ja in card]
    assert len(cards) == 1 and f"--mq-color:{palette[1]}" in cards[0]


def test_hostile_comment_text_is_shown_as_text(site: Path, chromium: str) -> None:
    data = thread_yaml.load(thread_file(site))
    data["comments"][0] |= {"text": HOSTILE, "ja": HOSTILE, "by": HOSTILE}
    data["title"] = HOSTILE
    data["url"] = "javascript:window.__pwned=3"
    thread_yaml.save(thread_file(site), data)
    with studio(site) as server, thread_view(chromium, server.url) as tab:
        tab.until(f"document.body.innerText.includes({HOSTILE!r})", "the hostile text shown")
        tab.goto(f"{server.url}_studio/#/")
        tab.until("document.body.innerText.includes('#41000000')", "the inbox")
        assert tab.evaluate("document.querySelectorAll('main img, main script').length") == 0
        tab.goto(f"{server.url}_studio/#/thread/{THREAD_ID}")
        tab.until("document.querySelectorAll('li.c').length > 0", "the thread again")
        assert tab.evaluate("document.querySelectorAll('a[href^=\"javascript\" i]').length") == 0
        assert tab.evaluate("window.__pwned === undefined") is True


def test_a_refused_save_reloads_the_thread_and_keeps_the_typed_text(site: Path,
                                                                    chromium: str) -> None:
    target = comments_on_disk(site)[0]["id"]
    with studio(site) as server, thread_view(chromium, server.url) as tab:
        tab.press("j")
        tab.press("e")
        tab.until("document.activeElement?.tagName === 'TEXTAREA'", "the editor")
        tab.type("まだ保存していない訳")
        data = thread_yaml.load(thread_file(site))  # meanwhile, an editor changes the file
        data["title_ja"] = "エディタで変えたタイトル"
        thread_yaml.save(thread_file(site), data)
        tab.press("Enter")
        tab.until("document.getElementById('status').innerText.includes('変更')"
                  " || document.getElementById('status').innerText.includes('changed')",
                  "the refusal")
        tab.until("document.querySelector('input')?.value === 'エディタで変えたタイトル'"
                  " || [...document.querySelectorAll('input')]"
                  ".some(i => i.value === 'エディタで変えたタイトル')", "the current title")
        assert "まだ保存していない訳" in tab.evaluate(
            "document.querySelector('textarea')?.value ?? ''")
    saved = {c["id"]: c for c in comments_on_disk(site)}
    assert "まだ保存していない訳" not in saved[target].get("ja", "")
