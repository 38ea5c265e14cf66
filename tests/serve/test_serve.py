"""`hnmatome serve`: what it serves, how it rebuilds, and what a browser is told."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from cache_support import small_site
from convert_support import make_thread
from serve_support import fetch, page, running, wait_for
from site_support import build

from hnmatome.core import thread_yaml

POST = "content/posts/2025_02/alpha/index.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return small_site(tmp_path / "site")


def edit(root: Path, rel: str, old: str, new: str) -> Path:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_serves_the_site_with_drafts_outside_public(site: Path) -> None:
    with running(site) as server:
        home = page(server, "/")
        assert home.status == 200 and home.headers["content-type"] == "text/html; charset=utf-8"
        assert home.live_state()["problem"] is None
        draft = page(server, "/posts/2025_03/draft/")
        assert draft.status == 200 and '<span class="badge">下書き</span>' in draft.text
        # links point at the server, not at the production base URL
        assert f"<loc>{server.url}posts/2025_03/draft/</loc>" in page(server, "/sitemap.xml").text
    assert not (site / "public").exists()
    assert (site / ".cache" / "hnmatome" / "serve" / "index.html").is_file()


def test_build_output_never_has_the_reload_script(site: Path) -> None:
    with running(site):
        pass
    build(site)
    served = site / ".cache" / "hnmatome" / "serve"
    for root in (site / "public", served):  # the script exists only in responses
        pages = list(root.rglob("*.html"))
        assert len(pages) > 20
        assert not [p for p in pages if b"hnmatome-live" in p.read_bytes()]


def test_content_types_and_missing_pages(site: Path) -> None:
    with running(site) as server:
        kinds = {path: fetch(server, path).headers["content-type"] for path in
                 ("/index.xml", "/sitemap.xml", "/css/site.css", "/js/site.js",
                  "/thumbnails/blue.jpg", "/robots.txt", "/favicon.svg")}
        assert kinds == {
            "/index.xml": "application/xml; charset=utf-8",
            "/sitemap.xml": "application/xml; charset=utf-8",
            "/css/site.css": "text/css; charset=utf-8",
            "/js/site.js": "text/javascript; charset=utf-8",
            "/thumbnails/blue.jpg": "image/jpeg",
            "/robots.txt": "text/plain; charset=utf-8",
            "/favicon.svg": "image/svg+xml; charset=utf-8",
        }
        missing = page(server, "/no/such/page/")
        assert missing.status == 404 and "hnmatome-live" in missing.text
        assert missing.body.startswith(b"<!doctype html>")  # the site's 404.html
        folder = fetch(server, "/posts")
        assert folder.status == 301 and folder.headers["location"] == "/posts/"
        assert fetch(server, "/index.xml", method="HEAD").body == b""


def test_only_files_inside_the_served_folder(site: Path) -> None:
    secret = site / "pyproject.toml"
    with running(site) as server:
        served = site / ".cache" / "hnmatome" / "serve"
        os.symlink(site, served / "leak")
        for path in ("/../../pyproject.toml", "/%2e%2e/%2e%2e/pyproject.toml",
                     "/..%2f..%2fpyproject.toml", "/leak/pyproject.toml",
                     "/posts/../../../pyproject.toml", "//etc/passwd", "/%00"):
            answer = fetch(server, path)
            assert answer.status == 404, path
            assert secret.read_bytes() not in answer.body


def test_an_edit_reaches_the_page_and_says_which_pages_changed(site: Path) -> None:
    with running(site) as server:
        epoch = server.state.epoch
        path = edit(site, POST, "アルファ 0", "アルファ改 0")
        server.rebuild({path})
        answer = wait_for(server, epoch)
        assert answer["problem"] is None
        assert "/posts/2025_02/alpha/" in answer["changed"]
        assert "アルファ改 0" in page(server, "/posts/2025_02/alpha/").text
        # the shortcut and the full build that follows publish the page once
        assert server.state.epoch - epoch == 2
        assert "/posts/2025_02/alpha/" not in server.state.changed


def test_a_build_error_shows_in_the_page_and_the_last_good_site_stays(site: Path) -> None:
    with running(site) as server:
        before = page(server, "/posts/2025_02/alpha/").text
        epoch = server.state.epoch
        path = edit(site, POST, 'title = "アルファ"', 'title = "アルファ')
        server.rebuild({path})
        problem = wait_for(server, epoch)["problem"]
        assert problem["path"] == str(path) and problem["line"] == 2
        now = page(server, "/posts/2025_02/alpha/")
        assert now.status == 200 and now.text.split("<script id=\"hnmatome-live\"")[0] == \
            before.split("<script id=\"hnmatome-live\"")[0]
        assert now.live_state()["problem"]["path"] == str(path)  # the overlay shows at once
        epoch = server.state.epoch
        edit(site, POST, 'title = "アルファ', 'title = "アルファ（直した）"')
        server.rebuild({path})
        assert wait_for(server, epoch)["problem"] is None
        fixed = page(server, "/posts/2025_02/alpha/")
        assert "アルファ（直した）" in fixed.text and fixed.live_state()["problem"] is None


def test_an_unknown_shortcode_is_reported_with_its_line(site: Path) -> None:
    with running(site) as server:
        epoch = server.state.epoch
        path = site / POST
        path.write_text(path.read_text(encoding="utf-8") + "\n{{< nosuch >}}\n",
                        encoding="utf-8")
        server.rebuild({path})
        problem = wait_for(server, epoch)["problem"]
        lines = path.read_text(encoding="utf-8").splitlines()
        assert problem["path"] == str(path) and lines[problem["line"] - 1] == "{{< nosuch >}}"
        assert "nosuch" in problem["message"]


def test_a_new_thread_appears_as_a_post_without_a_restart(site: Path) -> None:
    with running(site) as server:
        epoch = server.state.epoch
        thread = site / "content" / "threads" / "40000001.yaml"
        thread.parent.mkdir(parents=True)
        thread_yaml.save(thread, make_thread(3, title="Show HN: served at once"))
        server.rebuild({thread})
        answer = wait_for(server, epoch)
        new = [path for path in answer["changed"] if path.startswith("/posts/2025_02/2025_")
               and path.endswith("/")]
        assert len(new) == 1 and f"{new[0]}card.png" in answer["changed"]  # and its card
        post = page(server, new[0])
        assert post.status == 200 and "小さな静的サイトジェネレーターを作った" in post.text


def test_the_watcher_rebuilds_on_a_save(site: Path) -> None:
    """Real file system events (watchfiles); the save is repeated until the watcher, which
    starts in its own thread, has seen one."""
    with running(site, watch=True) as server:
        epoch = server.state.epoch
        deadline = time.monotonic() + 20
        n = 0
        while server.state.epoch == epoch and time.monotonic() < deadline:
            n += 1
            edit(site, POST, "アルファ 0" if n == 1 else f"保存{n - 1} 0", f"保存{n} 0")
            time.sleep(0.5)
        assert server.state.epoch > epoch
        time.sleep(0.5)
        assert f"保存{n} 0" in page(server, "/posts/2025_02/alpha/").text or \
            f"保存{n - 1} 0" in page(server, "/posts/2025_02/alpha/").text
        epoch = server.state.epoch
        edit(site, "templates/base.html", "</footer>", "<!-- watched --></footer>")
        assert "<!-- watched -->" in _until(server, epoch, "/tags/")


def _until(server: object, epoch: int, path: str) -> str:
    wait_for(server, epoch)  # type: ignore[arg-type]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        text = page(server, path).text  # type: ignore[arg-type]
        if "<!-- watched -->" in text:
            return text
        time.sleep(0.2)
    return ""
