"""A fake Hacker News on 127.0.0.1 for tests and benchmarks: the official API
(`/v0/item/<id>.json`, `/v0/topstories.json`) and item pages (`/item?id=<id>[&p=N]`), with faults
injected per path: 429 + Retry-After, 500, stalls past the client timeout, truncated JSON bodies,
dropped connections, and a latency added to every request.

Threads come from ../shared/hn when it is there (`shared_thread`) and are generated otherwise
(`synthetic_thread`), so the suite runs without ../shared.
"""

from __future__ import annotations

import html
import json
import random
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

Item = dict[str, Any]
T0 = 1_738_000_000  # 2025-01-27T17:46:40Z

FAULTS = ("429", "500", "503", "timeout", "truncate", "close")


# ----------------------------------------------------------------------------------------------
# threads


def synthetic_thread(story_id: int = 1000, comments: int = 30, seed: int = 1) -> dict[int, Item]:
    """A story and `comments` comments in a random but reproducible tree; kids lists are shuffled
    so HN's display order differs from id order (the fetcher must keep `kids` order)."""
    rng = random.Random(seed)
    story: Item = {"by": "alice", "descendants": comments, "id": story_id, "kids": [],
                   "score": 123, "time": T0, "title": f"Story {story_id} & friends",
                   "type": "story", "url": f"https://example.com/{story_id}"}
    items: dict[int, Item] = {story_id: story}
    nodes: list[Item] = [story]
    for number in range(1, comments + 1):
        item_id = story_id + number
        parent = story if rng.random() < 0.3 else rng.choice(nodes)
        items[item_id] = {
            "by": f"user{number % 17}", "id": item_id, "parent": parent["id"],
            "text": comment_html(item_id), "time": T0 + number * 60, "type": "comment",
        }
        parent.setdefault("kids", []).append(item_id)
        nodes.append(items[item_id])
    for item in items.values():
        rng.shuffle(item.get("kids", []))
    return items


def comment_html(item_id: int) -> str:
    """HN-style comment HTML: unclosed <p>, encoded entities, a shortened link, <i>."""
    url = f"https://example.com/very/long/path/to/a/page/{item_id}"
    link, shown = url.replace("/", "&#x2F;"), url[:30].replace("/", "&#x2F;") + "..."
    return (f"Comment {item_id}: it&#x27;s <i>fine</i> &amp; &quot;good&quot;"
            f"<p>see <a href=\"{link}\" rel=\"nofollow\">{shown}</a>")


def display_order(items: dict[int, Item], root: int) -> list[tuple[int, int]]:
    """(id, depth) depth-first in kids order, the way HN shows the page."""
    out: list[tuple[int, int]] = []

    def walk(item_id: int, depth: int) -> None:
        for kid in items[item_id].get("kids", []):
            if kid in items:
                out.append((kid, depth))
                walk(kid, depth + 1)

    walk(root, 0)
    return out


def shared_thread(shared_dir: Path) -> tuple[int, dict[int, Item]]:
    """The Firebase-shaped thread derived from the 2026 item page (story 48350598)."""
    data = json.loads((shared_dir / "hn" / "firebase_thread_48350598_DERIVED_from_html.json")
                      .read_text(encoding="utf-8"))
    items = {item["id"]: item for item in data}
    return data[0]["id"], items


def shared_dump_items(shared_dir: Path) -> list[Item]:
    """Real Firebase items, including deleted and dead ones (not one thread)."""
    path = shared_dir / "hn" / "firebase_items_dump_16963601_range_2018-05.json"
    return json.loads(path.read_text(encoding="utf-8"))


def graft(items: dict[int, Item], target: int, shape: Item) -> None:
    """Give comment `target` the state of a real dump item (deleted or dead): the recorded keys
    replace the comment's, keeping its place in the tree (id, parent, kids)."""
    keep = {k: items[target][k] for k in ("id", "parent", "kids") if k in items[target]}
    items[target] = {**{k: v for k, v in shape.items() if k != "retrieved_on"}, **keep}


# ----------------------------------------------------------------------------------------------
# item pages (HN markup, current or 2021)


def _age(item: Item, markup: str) -> str:
    moment = datetime.fromtimestamp(item.get("time", T0), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if markup == "2021":
        return f'<span class="age"><a href="item?id={item["id"]}">2 hours ago</a></span>'
    return (f'<span class="age" title="{moment} {item.get("time", T0)}">'
            f'<a href="item?id={item["id"]}">2 hours ago</a></span>')


def _descendants(items: dict[int, Item], item_id: int) -> int:
    stack = list(items[item_id].get("kids", []))
    count = 0
    while stack:
        kid = stack.pop()
        if kid in items:
            count += 1
            stack.extend(items[kid].get("kids", []))
    return count


def comment_row(items: dict[int, Item], item_id: int, depth: int, markup: str) -> str:
    item = items[item_id]
    if markup == "2021":
        ind = f'<td class=\'ind\'><img src="s.gif" height="1" width="{depth * 40}"></td>'
        body_tag = "span"
    else:
        ind = (f'<td class="ind" indent="{depth}"><img src="s.gif" height="1" '
               f'width="{depth * 40}"></td>')
        body_tag = "div"
    user = (f'<a href="user?id={html.escape(item["by"])}" class="hnuser">'
            f'{html.escape(item["by"])}</a> ') if item.get("by") else ""
    flag = " [dead]" if item.get("dead") else ""
    togg = (f'<a class="togg clicky" id="{item_id}" n="{_descendants(items, item_id) + 1}" '
            f'href="javascript:void(0)">[–]</a>')
    if item.get("deleted"):
        body = '<div class="comment">[deleted]</div>'
    else:
        body = (f'<div class="comment"><{body_tag} class="commtext c00">{item.get("text", "")}'
                f'</{body_tag}><div class="reply"><p><font size="1"><u><a href="reply?id='
                f'{item_id}">reply</a></u></font></div></div>')
    return (f'<tr class="athing comtr" id="{item_id}"><td><table border="0"><tr>{ind}'
            f'<td valign="top" class="votelinks"></td><td class="default"><div><span '
            f'class="comhead">{user}{_age(item, markup)}{flag} <span class="navs">{togg}</span>'
            f'</span></div><br>\n{body}</td></tr></table></td></tr>\n')


def story_table(story: Item, markup: str) -> str:
    href = html.escape(story.get("url") or f"item?id={story['id']}")
    title = html.escape(story.get("title", ""))
    if markup == "2021":
        link = f'<a href="{href}" class="storylink">{title}</a>'
    else:
        link = f'<span class="titleline"><a href="{href}">{title}</a></span>'
    count = story.get("descendants", 0)
    comments = f"{count}&nbsp;comments" if count else "discuss"
    text = f'<div class="toptext">{story["text"]}</div>' if story.get("text") else ""
    return (f'<table class="fatitem" border="0"><tr class="athing submission" id="{story["id"]}">'
            f'<td class="title"><span class="rank"></span></td><td class="title">{link}</td></tr>'
            f'<tr><td colspan="2"></td><td class="subtext"><span class="score" '
            f'id="score_{story["id"]}">{story.get("score", 0)} points</span> by <a href="user?id='
            f'{html.escape(story.get("by", ""))}" class="hnuser">{html.escape(story.get("by", ""))}'
            f'</a> {_age(story, markup)} | <a href="item?id={story["id"]}">{comments}</a></td></tr>'
            f'<tr><td colspan="2"></td><td>{text}</td></tr></table>')


def shown_on_page(items: dict[int, Item], story_id: int) -> list[tuple[int, int]]:
    """What HN prints: deleted comments only as placeholders for their replies."""
    rows = display_order(items, story_id)
    return [(i, d) for i, d in rows
            if not items[i].get("deleted") or _descendants(items, i) > 0]


def item_pages(items: dict[int, Item], story_id: int, per_page: int = 0,
               markup: str = "2026") -> list[str]:
    """The story's item page(s); with `per_page`, split at top-level comments like HN's `More`."""
    rows = shown_on_page(items, story_id)
    chunks: list[list[tuple[int, int]]] = [[]]
    for row in rows:
        if per_page and row[1] == 0 and len(chunks[-1]) >= per_page:
            chunks.append([])
        chunks[-1].append(row)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        more = ""
        if number < len(chunks):
            more = (f'<tr><td><a href="item?id={story_id}&amp;p={number + 1}" class="morelink" '
                    f'rel="next">More</a></td></tr>')
        body = "".join(comment_row(items, i, d, markup) for i, d in chunk)
        pages.append(f'<html><head><title>HN</title></head><body><center><table id="hnmain">'
                     f'<tr id="bigbox"><td>{story_table(items[story_id], markup)}<br>'
                     f'<table border="0" class="comment-tree">{body}</table>{more}</td></tr>'
                     f'</table></center></body></html>')
    return pages


# ----------------------------------------------------------------------------------------------
# the server


@dataclass
class Fault:
    kind: str  # one of FAULTS
    remaining: int | None = 1  # None: every request
    retry_after: str = "0"
    stall: float = 0.5  # seconds a "timeout" waits before answering


@dataclass
class Stats:
    paths: list[str] = field(default_factory=list)
    connections: set[tuple[str, int]] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # the default backlog of 5 drops SYNs when 32 clients connect at once
    fake: FakeHN


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be observed
    # one send per response and no Nagle: headers and body in separate segments would wait
    # for the client's delayed ACK (40 ms a request on Linux)
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.server.fake.handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeHN:
    def __init__(self, items: dict[int, Item] | None = None, *, latency: float = 0.0,
                 per_page: int = 0, markup: str = "2026") -> None:
        self.items: dict[int, Item | None] = dict(items or {})
        self.topstories: list[int] = []
        self.pages: dict[int, list[str]] = {}  # item id -> raw HTML pages, overriding rendering
        self.latency = latency
        self.per_page = per_page
        self.markup = markup
        self.stats = Stats()
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- setup
    def fail(self, path: str, *kinds: str, always: bool = False, retry_after: str = "0",
             stall: float = 0.5) -> None:
        """Answer the next requests for `path` ('/v0/item/5.json', '/item?id=5') with these
        faults, one per request, in order; `always` repeats the (single) fault forever."""
        for kind in kinds:
            assert kind in FAULTS, kind
            self.faults[path].append(Fault(kind, None if always else 1, retry_after, stall))

    def count(self, path: str) -> int:
        with self._lock:
            return self.stats.paths.count(path)

    @property
    def origin(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base(self) -> str:
        return f"{self.origin}/v0"

    @property
    def web_base(self) -> str:
        return self.origin

    def start(self) -> FakeHN:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHN:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving
    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.pop(0)
            return fault

    def _route(self, path: str) -> tuple[int, str, bytes]:
        parts = urlsplit(path)
        match = re.fullmatch(r"/v0/item/(\d+)\.json", parts.path)
        if match:
            return 200, "application/json", json.dumps(self.items.get(int(match[1]))).encode()
        if parts.path == "/v0/topstories.json":
            return 200, "application/json", json.dumps(self.topstories).encode()
        if parts.path == "/item":
            query = parse_qs(parts.query)
            item_id = int(query.get("id", ["0"])[0])
            number = int(query.get("p", ["1"])[0])
            pages = self.pages.get(item_id)
            if pages is None and isinstance(self.items.get(item_id), dict):
                pages = item_pages(self.items, item_id, self.per_page, self.markup)  # type: ignore[arg-type]
            if pages and 1 <= number <= len(pages):
                return 200, "text/html; charset=utf-8", pages[number - 1].encode()
            return 200, "text/html; charset=utf-8", b"<html><body>No such item.</body></html>"
        return 404, "text/plain", b"not found"

    def handle(self, handler: _Handler) -> None:
        with self._lock:
            self.stats.paths.append(handler.path)
            self.stats.connections.add(handler.client_address[:2])
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            self._answer(handler, self._next_fault(handler.path))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout fault); nothing to do
        finally:
            with self._lock:
                self.stats.in_flight -= 1

    def _answer(self, handler: _Handler, fault: Fault | None) -> None:
        status, kind, body = self._route(handler.path)
        headers = {"Content-Type": kind}
        if fault is not None:
            if fault.kind == "close":
                handler.close_connection = True
                return
            if fault.kind == "timeout":
                time.sleep(fault.stall)
            elif fault.kind == "truncate":
                body = body[: max(1, len(body) // 2)]
            else:
                status, body = int(fault.kind), b"busy"
                if fault.kind == "429":
                    headers["Retry-After"] = fault.retry_after
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def iter_comment_ids(items: dict[int, Item]) -> Iterator[int]:
    return (i for i, item in items.items() if item and item.get("type") == "comment")
