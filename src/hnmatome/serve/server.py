"""`hnmatome serve`: build the site with drafts into .cache/hnmatome/serve/ (never public/),
serve it at http://127.0.0.1:1313/, rebuild on every change and reload open pages.

A failed rebuild keeps the last good site on disk (the build stages its changes), so the
server goes on serving it, and the pages show an overlay naming the file and line until a good
save clears it. The reload script exists only in the responses of this server."""

from __future__ import annotations

import http.server
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.project import Project, open_project
from hnmatome.review.studio_api import PREFIX as STUDIO_PREFIX
from hnmatome.serve import live_reload
from hnmatome.serve.live_reload import BuildProblem, LiveState
from hnmatome.serve.studio_link import MAX_BODY, StudioLink
from hnmatome.site.build import BuildOptions, BuildReport, build_site, output_name
from hnmatome.site.incremental.bodies import content_digest
from hnmatome.site.incremental.cache import BuildCache

SERVE_FOLDER = "serve"  # under .cache/hnmatome/
NOT_BUILT = (b"<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>not built</title>"
             b"<body><p>The site is not built yet.</p></body></html>")
TEXT_TYPES = {".html": "text/html", ".xml": "application/xml", ".css": "text/css",
              ".js": "text/javascript", ".json": "application/json", ".txt": "text/plain",
              ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json"}
OTHER_TYPES = {".wasm": "application/wasm", ".ico": "image/x-icon", ".webp": "image/webp",
               ".avif": "image/avif", ".woff2": "font/woff2"}


@dataclass(frozen=True)
class ServeOptions:
    bind: str = "127.0.0.1"
    port: int = 1313  # 0: any free port
    poll: bool = False  # poll the file system (WSL, Docker volumes, network drives)
    drafts: bool = True
    jobs: int | None = None  # worker processes for the first build
    studio_allow_remote: bool = False  # the studio may change files on a non-loopback --bind


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_TYPES:
        return f"{TEXT_TYPES[suffix]}; charset=utf-8"
    guessed = OTHER_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
    return guessed or "application/octet-stream"


def site_path(output_path: str) -> str:
    """'posts/x/index.html' -> '/posts/x/': how the browser names an output file."""
    return "/" + output_path.removesuffix("index.html")


class DevServer:
    def __init__(self, root: Path, options: ServeOptions | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self.root = root
        self.options = options or ServeOptions()
        self.project: Project = open_project(root)
        self.out_dir = (self.project.cache_dir / SERVE_FOLDER).absolute()
        self.state = LiveState()
        self.cache = BuildCache.open(self.project.cache_dir)
        self.log = log or (lambda line: print(line, flush=True))
        self._http: _SiteServer | None = None
        self._watcher = None
        self._lock = threading.Lock()  # one rebuild at a time
        self._quick: dict[str, bytes] = {}  # pages the shortcut wrote, with their digest
        self.studio: StudioLink | None = None  # once the port is bound

    # -- life cycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._http is not None, "start() first"
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self, *, watch: bool = True) -> None:
        """Bind the port, build once (with worker processes: no other thread runs yet),
        then serve and watch."""
        from hnmatome.serve.watcher import SiteWatcher

        self._http = _SiteServer((self.options.bind, self.options.port), self)
        self.studio = StudioLink(self.root, self._http.server_address[1], self.options.bind,
                                 self.options.studio_allow_remote, lambda: self.project,
                                 self._last_site, self.rebuild, self.state)
        self.rebuild(set(), first=True)
        threading.Thread(target=self._http.serve_forever, daemon=True,
                         name="hnmatome-http").start()
        if watch:
            project = self.project
            self._watcher = SiteWatcher(
                [project.content_dir, project.templates_dir, project.static_dir],
                [project.root / "pyproject.toml"], self.rebuild, poll=self.options.poll)
            self._watcher.start()

    @property
    def studio_url(self) -> str:
        return f"{self.url}_studio/"

    def _last_site(self) -> Any:
        last = self.cache.views.get(output_name(self.project, self.out_dir))
        return last.site if last is not None else None

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        self.state.wake_all()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        with self._lock:  # after the last rebuild
            self._save_cache()

    def _save_cache(self) -> None:
        with self.cache.locked():
            self.cache.save()

    # -- rebuilding -------------------------------------------------------------------------

    def rebuild(self, changed: set[Path], *, first: bool = False) -> None:
        """Bring the served site up to date with `changed` (the first build: everything)."""
        with self._lock:
            started = time.perf_counter()
            try:
                self.project = open_project(self.root)  # pyproject.toml may have changed
                changed = self._convert(changed, first)
                if not first and self._try_quick(changed, started):
                    changed = set()  # the full build below only completes the rest
                    if self.studio:  # the studio's answer first, then the rest of the site
                        self.studio.wait_until_answered()
                report = self._build(first)
            except UserError as exc:
                self._fail(exc, started)
                return
            self._succeed(report, started, first)

    def _convert(self, changed: set[Path], first: bool) -> set[Path]:
        """`changed` with each changed thread file replaced by the post it was converted to
        (a body edit then takes the quick path, as a hand edit of the post would)."""
        threads = {path for path in changed if path.is_relative_to(self.project.threads_dir)}
        ids = sorted(int(p.stem) for p in threads if p.stem.isdigit() and p.is_file())
        # settings shape every post, and a thread file may have gone: then look at them all
        everything = first or len(ids) != len(threads) \
            or any(p.name == "pyproject.toml" for p in changed)
        if not (everything or ids):
            return changed
        from hnmatome.convert.run import convert_changed

        report = convert_changed(self.project, None if everything else ids)
        report.raise_for_errors()
        for notice in report.warnings:
            self.log(f"warning: {notice}")
        return (changed - threads) | set(report.written)

    def _try_quick(self, changed: set[Path], started: float) -> bool:
        from hnmatome.serve.quick import render_edited_pages

        last = self.cache.views.get(output_name(self.project, self.out_dir))
        pages = [path for path in changed if path.suffix == ".md"]
        if last is None or self.state.problem is not None or len(pages) != len(changed):
            return False
        written = render_edited_pages(last, self.project.root, self.out_dir, pages)
        if not written:
            return False
        self._quick = {path: content_digest(data) for path, data in written.items()}
        self.state.publish(tuple(site_path(path) for path in written), None)
        self.log(f"reloaded {', '.join(site_path(p) for p in written)} in "
                 f"{(time.perf_counter() - started) * 1000:.0f} ms")
        return True

    def _build(self, first: bool) -> BuildReport:
        options = BuildOptions(drafts=self.options.drafts, base_url=self.site_url(),
                               out_dir=self.out_dir, search=False,
                               jobs=self.options.jobs if first else 1)
        return build_site(self.project, options, cache=self.cache)

    def site_url(self) -> str:
        assert self._http is not None
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/"

    def _succeed(self, report: BuildReport, started: float, first: bool) -> None:
        changed = [path for path in report.changed if not self._written_by_quick(path)]
        self._quick = {}
        if report.mode != "unchanged" or self.state.problem is not None or first:
            self.state.publish(tuple(site_path(path) for path in changed), None)
            for warning in report.warnings:
                self.log(f"warning: {warning}")
            self.log(f"built {report.pages} pages in {(time.perf_counter() - started):.2f} s "
                     f"({len(changed)} files changed)")
        self._save_cache()  # after the browsers heard: saving takes a few dozen milliseconds

    def _written_by_quick(self, path: str) -> bool:
        digest = self._quick.get(path)
        try:
            return digest is not None and content_digest((self.out_dir / path).read_bytes()) \
                == digest
        except OSError:
            return False

    def _fail(self, error: UserError, started: float) -> None:
        errors = error.errors if isinstance(error, UserErrors) else [error]
        first = errors[0]
        self.state.publish((), BuildProblem(first.message, str(first.path) if first.path
                                            else None, first.line, first.hint,
                                            more=len(errors) - 1))
        self.log(f"error (the last good site is still served):\n{error}")


class _SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], dev: DevServer) -> None:
        self.dev = dev
        super().__init__(address, _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: the builds are what the console shows

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_POST(self) -> None:
        if not urlsplit(self.path).path.startswith(STUDIO_PREFIX):
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", "text/plain", False)
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"", "text/plain", False)
            return
        self._studio("POST", self.rfile.read(length), head=False)

    def _studio(self, method: str, body: bytes, head: bool) -> None:
        studio = self.server.dev.studio
        assert studio is not None
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = studio.handle(method, urlsplit(self.path).path, headers, body)
        self._send(HTTPStatus(reply.status), reply.body, reply.content_type, head,
                   extra=reply.headers)

    def _respond(self, head: bool) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith(STUDIO_PREFIX) or parts.path == STUDIO_PREFIX.rstrip("/"):
            if parts.path == STUDIO_PREFIX.rstrip("/"):
                self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head,
                           location=STUDIO_PREFIX)
                return
            self._studio("GET", b"", head)
            return
        if parts.path == live_reload.WAIT_PATH:
            self._wait(parse_qs(parts.query))
            return
        found = self._file(unquote(parts.path))
        if isinstance(found, str):
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head, location=found)
        elif found is None:
            self._not_found(head)
        else:
            self._send_file(found, HTTPStatus.OK, head)

    def _file(self, path: str) -> Path | str | None:
        """The file for a URL path, a redirect target (a folder without its slash), or None.
        Only files inside the served folder: '..' and links out of it are refused."""
        root = self.server.dev.out_dir
        if not path.startswith("/") or "\x00" in path or "\\" in path:
            return None
        segments = [s for s in path.split("/") if s]
        if any(s in (".", "..") for s in segments):
            return None
        candidate = root.joinpath(*segments)
        try:
            resolved = candidate.resolve()
        except OSError:
            return None
        if not resolved.is_relative_to(root.resolve()):
            return None
        if resolved.is_dir():
            if not path.endswith("/"):
                return path + "/"
            resolved = resolved / "index.html"
        return resolved if resolved.is_file() else None

    def _not_found(self, head: bool) -> None:
        page = self.server.dev.out_dir / "404.html"
        if page.is_file():
            self._send_file(page, HTTPStatus.NOT_FOUND, head)
            return
        # nothing built yet (the first build failed): a page that can show the error overlay
        data = live_reload.inject(NOT_BUILT, self.server.dev.state.snapshot())
        self._send(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", head)

    def _send_file(self, path: Path, status: HTTPStatus, head: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head)
            return
        kind = content_type(path)
        if kind.startswith("text/html"):
            dev = self.server.dev
            links = dev.studio.edit_links_tag(_site_path_of(path, dev.out_dir)) \
                if dev.studio else b""
            data = live_reload.inject(data, dev.state.snapshot(), links)
        self._send(status, data, kind, head)

    def _wait(self, query: dict[str, list[str]]) -> None:
        try:
            epoch = int(query.get("epoch", ["0"])[0])
        except ValueError:
            epoch = 0
        answer = self.server.dev.state.wait(epoch)
        self._send(HTTPStatus.OK, json.dumps(answer, ensure_ascii=False).encode(),
                   "application/json; charset=utf-8", False)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool,
              location: str | None = None, extra: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        if not any(name == "Cache-Control" for name, _ in extra):
            self.send_header("Cache-Control", "no-store")
        for name, value in extra:
            self.send_header(name, value)
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(data)


def _site_path_of(path: Path, root: Path) -> str:
    """The served file `path` as the browser names its page ('/posts/x/')."""
    try:
        return site_path(path.relative_to(root.resolve()).as_posix())
    except ValueError:
        return ""


def serve_forever(root: Path, options: ServeOptions) -> int:
    """Run until Ctrl-C (the CLI)."""
    server = DevServer(root, options)
    try:
        server.start()
    except OSError as exc:
        raise UserError(f"cannot listen on {options.bind}:{options.port}: {exc.strerror}",
                        hint="choose another port with --port") from exc
    server.log(f"serving {server.url} (drafts included; Ctrl-C stops)")
    assert server.studio is not None
    note = "" if server.studio.writes else \
        " (read only: serve listens beyond this computer; --studio-allow-remote allows changes)"
    server.log(f"studio: {server.studio_url}{note}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.log("stopping")
    finally:
        server.stop()
    return 0
