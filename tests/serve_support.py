"""A dev server on a free port for the serve tests, and plain HTTP requests to it."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from hnmatome.serve.server import DevServer, ServeOptions

LIVE_STATE = re.compile(r"var HNMATOME_LIVE=(\{.*?\});")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def live_state(self) -> dict[str, Any]:
        """The state the injected script starts from (its epoch, the build problem)."""
        found = LIVE_STATE.search(self.text)
        assert found, "no live reload script in the page"
        return json.loads(found.group(1))


def fetch(server: DevServer, path: str, method: str = "GET") -> Response:
    """`path` is sent as written (no normalising): traversal attempts reach the server."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path)
        answer = connection.getresponse()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()},
                        answer.read())
    finally:
        connection.close()


def page(server: DevServer, site_path: str) -> Response:
    return fetch(server, quote(site_path))


def wait_for(server: DevServer, epoch: int, timeout: float = 20) -> dict[str, Any]:
    """The server's live state once its epoch passed `epoch`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = json.loads(fetch(server, f"/__hnmatome/wait?epoch={epoch}").body)
        if answer["epoch"] > epoch:
            return answer
    raise AssertionError(f"no rebuild after epoch {epoch} within {timeout} s")


@contextmanager
def running(root: Path, *, watch: bool = False, **options: Any) -> Iterator[DevServer]:
    server = DevServer(root, ServeOptions(port=0, **options), log=lambda line: None)
    server.start(watch=watch)
    try:
        yield server
    finally:
        server.stop()
