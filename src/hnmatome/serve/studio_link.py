"""`serve`'s side of the studio (review/): it carries the studio's requests, tells the studio
where each thread's post is in the served site, rebuilds at once when the studio changed a
file, and gives every served post an edit link per comment (preview.js)."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.project import Project
from hnmatome.review.guard import Guard, is_loopback
from hnmatome.review.studio_api import PREFIX, Reply, Studio
from hnmatome.review.thread_view import shown_comment_ids
from hnmatome.serve.live_reload import LiveState

MAX_BODY = 4 * 1024 * 1024  # bytes a studio request may send (a thread's edits are far less)
PREVIEW_FIRST_SECONDS = 0.5  # at most this long an answer waits for the preview's reload


class StudioLink:
    """`project()` gives the project as it is now; `last_site()` the site of the last build
    (None before the first); `rebuild(paths)` brings the served site up to date."""

    def __init__(self, root: Path, port: int, bind: str, allow_remote: bool,
                 project: Callable[[], Project], last_site: Callable[[], Any],
                 rebuild: Callable[[set[Path]], None], state: LiveState) -> None:
        self.project = project
        self.state = state
        self.last_site = last_site
        self.rebuild = rebuild
        self.writes = is_loopback(bind) or allow_remote
        self.studio = Studio(root, Guard(port), writes=self.writes, previews=self.previews,
                             changed=self._changed)
        self._links: dict[str, tuple[int, tuple[int, ...], int]] = {}
        self._answering = 0  # studio requests being answered
        self._idle = threading.Condition()

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        with self._idle:
            self._answering += 1
        try:
            return self.studio.handle(method, path, headers, body)
        finally:
            with self._idle:
                self._answering -= 1
                self._idle.notify_all()

    def wait_until_answered(self, timeout: float = PREVIEW_FIRST_SECONDS) -> None:
        """Wait (briefly) while the studio answers a request: a rebuild calls this between
        the preview and the rest of the site, so the curator's answer is not slowed by it."""
        with self._idle:
            self._idle.wait_for(lambda: self._answering == 0, timeout=timeout)

    def previews(self) -> Mapping[int, str]:
        """Each thread's post, by its address in the served site."""
        site = self.last_site()
        if site is None:
            return {}
        return {entry.hnid: entry.path for entry in site.posts if entry.hnid is not None}

    def _changed(self, path: Path) -> None:
        # At once, off the request (the file watcher's own rebuild for the same save then
        # finds nothing left to do). The answer waits until the browsers heard of the new
        # post, briefly: the view it carries would otherwise be computed while the post
        # renders, and slow the preview down.
        epoch = self.state.epoch
        threading.Thread(target=self.rebuild, args=({path},), daemon=True,
                         name="hnmatome-studio-rebuild").start()
        if path.suffix == ".yaml":  # a thread: its post changes (the queue file shows nowhere)
            self.state.wait(epoch, timeout=PREVIEW_FIRST_SECONDS)

    def edit_links_tag(self, site_path: str) -> bytes:
        """The preview.js tag for the served page at `site_path` ('/posts/x/'), if it is the
        post of a thread: the edit links need the thread and its shown comments in order."""
        site = self.last_site()
        entry = next((e for e in site.posts if e.path == site_path), None) if site else None
        if entry is None or entry.hnid is None:
            return b""
        comments = self._shown(entry.hnid)
        if comments is None:
            return b""
        ids = ",".join(str(cid) for cid in comments)
        return (f'<script src="{PREFIX}preview.js" data-thread="{entry.hnid}" '
                f'data-comments="{html.escape(ids)}" defer></script>').encode()

    def _shown(self, item_id: int) -> tuple[int, ...] | None:
        project = self.project()
        path = project.thread_path(item_id)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        key = str(path)
        found = self._links.get(key)
        if found and found[2] == stamp:
            return found[1]
        try:
            shown = tuple(shown_comment_ids(thread_yaml.load(path), project.settings, path))
        except UserError:
            return None  # a broken thread file: the build says so; no links meanwhile
        self._links[key] = (item_id, shown, stamp)
        return shown
