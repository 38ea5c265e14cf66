"""The studio's HTTP interface under /_studio/, independent of the server that carries it
(`serve` hands each request to `Studio.handle`). The page and its scripts are files in
review/studio/; the JSON interface they use:

    GET  /_studio/api/inbox                    every queued and fetched thread
    GET  /_studio/api/thread/<id>              one thread: fields, comment tree, checks
    POST /_studio/api/thread/<id>/save         {"base", "thread": {...}, "comments": {id: {...}}}
    POST /_studio/api/thread/<id>/translate    {"base", "comment": id} or {"missing": true}
    POST /_studio/api/thread/<id>/fetch        {}
    POST /_studio/api/thread/<id>/publish      {"base", "draft": false|true}
    POST /_studio/api/queue                    {"add": "id or URL"} or {"remove": id}

`base` is the digest of the file version the curator saw; a change to another version is
refused with 409 and the current thread. Errors are {"error", "hint"} with a 4xx/5xx status.
docs/studio.md describes what the curator sees."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from hnmatome.core.errors import UserError
from hnmatome.core.project import Project, open_project
from hnmatome.review import actions
from hnmatome.review.guard import Guard
from hnmatome.review.studio_data import StudioData
from hnmatome.review.thread_edit import StaleThread

PREFIX = "/_studio/"
ASSETS = Path(__file__).parent / "studio"
_ASSET = re.compile(r"[a-z][a-z0-9_-]*\.(js|css)")
_THREAD = re.compile(r"api/thread/(\d{1,12})(?:/(save|translate|fetch|publish))?")
ASSET_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
SECURITY_HEADERS = (
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
     "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = SECURITY_HEADERS


def json_reply(status: int, value: Any) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode(),
                 "application/json; charset=utf-8")


def error_reply(status: int, message: str, hint: str | None = None, **more: Any) -> Reply:
    return json_reply(status, {"error": message, "hint": hint, **more})


class Studio:
    """`changed(path)` is told of every file a request changed (serve rebuilds at once);
    `previews()` gives each thread's post address in the served site. `writes` False: the
    server listens beyond this computer, and the studio only reads."""

    def __init__(self, root: Path, guard: Guard, *, writes: bool,
                 previews: Callable[[], Mapping[int, str]],
                 changed: Callable[[Path], None]) -> None:
        self.root = root.resolve()
        self.guard = guard
        self.writes = writes
        self.previews = previews
        self.changed = changed

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        refused = self.guard.refusal(method, headers)
        if refused:
            return error_reply(HTTPStatus.FORBIDDEN, refused)
        rest = path.removeprefix(PREFIX)
        try:
            if method == "GET":
                return self._get(rest)
            if not self.writes:
                return error_reply(HTTPStatus.FORBIDDEN, "the studio does not change files "
                                   "while serve listens beyond this computer",
                                   "restart with --studio-allow-remote to allow it")
            return self._post(rest, _json_body(body))
        except StaleThread as exc:
            return self._stale(exc)
        except actions.PublishRefused as exc:
            return error_reply(HTTPStatus.UNPROCESSABLE_ENTITY, exc.message, exc.hint,
                               checks=[self._data().problem(p) for p in exc.errors])
        except _BadRequest as exc:
            return error_reply(HTTPStatus.BAD_REQUEST, str(exc))
        except UserError as exc:
            status = HTTPStatus.BAD_GATEWAY if _remote(rest) else HTTPStatus.BAD_REQUEST
            return error_reply(status, _message(exc, self.root), exc.hint)

    def _data(self) -> StudioData:
        return StudioData(open_project(self.root), self.previews())

    # -- reading ------------------------------------------------------------------------------

    def _get(self, rest: str) -> Reply:
        if rest == "":
            page = (ASSETS / "studio.html").read_text(encoding="utf-8")
            return Reply(HTTPStatus.OK, page.replace("{{TOKEN}}", self.guard.token).encode(),
                         "text/html; charset=utf-8")
        if _ASSET.fullmatch(rest) and (ASSETS / rest).is_file():
            return Reply(HTTPStatus.OK, (ASSETS / rest).read_bytes(),
                         ASSET_TYPES[rest.rsplit(".", 1)[1]])
        if rest == "api/inbox":
            return json_reply(HTTPStatus.OK, self._data().inbox())
        found = _THREAD.fullmatch(rest)
        if found and not found.group(2):
            return json_reply(HTTPStatus.OK, self._data().thread(int(found.group(1))))
        return error_reply(HTTPStatus.NOT_FOUND, f"no such studio address: {PREFIX}{rest}")

    # -- changing -----------------------------------------------------------------------------

    def _post(self, rest: str, request: dict[str, Any]) -> Reply:
        project = open_project(self.root)
        if rest == "api/queue":
            self._queue(project, request)
            return json_reply(HTTPStatus.OK, self._data().inbox())
        found = _THREAD.fullmatch(rest)
        if not found or not found.group(2):
            return error_reply(HTTPStatus.NOT_FOUND, f"no such studio address: {PREFIX}{rest}")
        item_id, action = int(found.group(1)), found.group(2)
        self.changed(self._act(project, item_id, action, request))
        return json_reply(HTTPStatus.OK, self._data().thread(item_id))

    def _act(self, project: Project, item_id: int, action: str, request: dict[str, Any]
             ) -> Path:
        if action == "fetch":
            return actions.fetch_again(project, item_id)
        if action == "translate" and request.get("missing") is True:
            return actions.translate_missing(project, item_id)
        base = _field(request, "base", str)
        if action == "save":
            return actions.save(project, item_id, base,
                                _field(request, "thread", dict, {}),
                                _field(request, "comments", dict, {}))
        if action == "translate":
            return actions.translate_one(project, item_id, base,
                                         _field(request, "comment", int))
        return actions.set_draft(project, item_id, base, _field(request, "draft", bool))

    def _queue(self, project: Project, request: dict[str, Any]) -> None:
        if "add" in request:
            actions.queue_add(project, _field(request, "add", str))
        else:
            actions.queue_remove(project, _field(request, "remove", int))
        self.changed(project.queue_path)

    def _stale(self, exc: StaleThread) -> Reply:
        thread: Any = None
        match = re.fullmatch(r"(\d+)\.yaml", Path(exc.path or "").name)
        if match:
            try:
                thread = self._data().thread(int(match.group(1)))
            except UserError:
                thread = None  # gone, or broken by an editor: the message says it
        return error_reply(HTTPStatus.CONFLICT, _message(exc, self.root), exc.hint, thread=thread)


class _BadRequest(Exception):
    pass


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        raise _BadRequest("the request is not JSON") from None
    if not isinstance(value, dict):
        raise _BadRequest("the request must be a JSON object")
    return value


_MISSING = object()


def _field(request: Mapping[str, Any], key: str, kind: type, default: Any = _MISSING) -> Any:
    value = request.get(key, default)
    if value is _MISSING:
        raise _BadRequest(f"the request has no `{key}`")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _BadRequest(f"`{key}` should be {kind.__name__}")
    return value


def _remote(rest: str) -> bool:
    """A request that waits on Hacker News or the LLM: its failures are the far side's."""
    return rest.endswith(("/translate", "/fetch"))


def _message(error: UserError, root: Path) -> str:
    """The error as the command line says it: the file relative to the project."""
    where = ""
    if error.path:
        path = Path(error.path)
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if where and error.line:
        where += f":{error.line}"
    return f"{where}: {error.message}" if where else error.message
