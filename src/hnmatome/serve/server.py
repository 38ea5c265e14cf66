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
from urllib.parse import parse_qs, unquote, urlsplit

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.project import Project, open_project
from hnmatome.serve import live_reload
from hnmatome.serve.live_reload import BuildProblem, LiveState
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
        self.rebuild(set(), first=True)
        threading.Thread(target=self._http.serve_forever, daemon=True,
                         name="hnmatome-http").start()
        if watch:
            project = self.project
            self._watcher = SiteWatcher(
                [project.content_dir, project.templates_dir, project.static_dir],
                [project.root / "pyproject.toml"], self.rebuild, poll=self.options.poll)
            self._watcher.start()

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
            if not first and self._try_quick(changed, started):
                changed = set()  # the full build below only completes the rest
            try:
                report = self._build(changed, first)
            except UserError as exc:
                self._fail(exc, started)
                return
            self._succeed(report, started, first)

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

    def _build(self, changed: set[Path], first: bool) -> BuildReport:
        self.project = open_project(self.root)  # pyproject.toml may have changed
        threads = self.project.threads_dir
        if first or any(path.is_relative_to(threads) or path.name == "pyproject.toml"
                        for path in changed):
            from hnmatome.convert.run import convert_changed

            report = convert_changed(self.project)
            report.raise_for_errors()
            for notice in report.warnings:
                self.log(f"warning: {notice}")
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

    def _respond(self, head: bool) -> None:
        parts = urlsplit(self.path)
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
            data = live_reload.inject(data, self.server.dev.state.snapshot())
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
              location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(data)


def serve_forever(root: Path, options: ServeOptions) -> int:
    """Run until Ctrl-C (the CLI)."""
    server = DevServer(root, options)
    try:
        server.start()
    except OSError as exc:
        raise UserError(f"cannot listen on {options.bind}:{options.port}: {exc.strerror}",
                        hint="choose another port with --port") from exc
    server.log(f"serving {server.url} (drafts included; Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.log("stopping")
    finally:
        server.stop()
    return 0
