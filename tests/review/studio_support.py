"""A served site with threads for the studio tests, and requests to the studio as a browser
(or an attacker) would send them."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cache_support import small_site
from convert_support import make_thread
from serve_support import Response, running

from hnmatome.core import thread_yaml
from hnmatome.serve.server import DevServer

THREAD_ID = 40000001
TOKEN = re.compile(r'<meta name="studio-token" content="([^"]+)">')


def studio_site(root: Path, comments: int = 12) -> Path:
    """The small test site with one translated thread (a draft post once converted) and one
    queued id."""
    project = small_site(root)
    threads = project / "content" / "threads"
    threads.mkdir(parents=True, exist_ok=True)
    thread_yaml.save(threads / f"{THREAD_ID}.yaml", make_thread(comments, item_id=THREAD_ID))
    (project / "content" / "queue.txt").write_text("41000000\n", encoding="utf-8")
    return project


@contextmanager
def studio(root: Path, **options: Any) -> Iterator[DevServer]:
    with running(root, **options) as server:
        yield server


def request(server: DevServer, method: str, path: str, body: Any = None, *,
            headers: dict[str, str] | None = None, host: str | None = None) -> Response:
    """A request with the headers a same-origin browser sends, unless told otherwise."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    sent = {"Host": host or parts.netloc}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent |= {"Content-Type": "application/json", "Origin": f"http://{parts.netloc}"}
    sent |= headers or {}
    try:
        connection.request(method, path, body=data, headers=sent)
        answer = connection.getresponse()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()},
                      answer.read())
    finally:
        connection.close()


def token_of(server: DevServer) -> str:
    found = TOKEN.search(request(server, "GET", "/_studio/").body.decode())
    assert found, "no token in the studio page"
    return found.group(1)


def post(server: DevServer, path: str, body: Any, **extra: Any) -> Response:
    headers = {"X-Studio-Token": token_of(server)} | extra.pop("headers", {})
    return request(server, "POST", path, body, headers=headers, **extra)


def thread(server: DevServer, item_id: int = THREAD_ID) -> dict[str, Any]:
    answer = request(server, "GET", f"/_studio/api/thread/{item_id}")
    assert answer.status == 200, answer.body
    return answer.json()
