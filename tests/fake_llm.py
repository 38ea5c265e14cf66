"""A fake OpenAI-compatible endpoint (`POST /v1/chat/completions`) on 127.0.0.1 for tests and
benchmarks. By default it answers every request correctly, streamed as server-sent events when
the request asks for `"stream": true` (with a final `usage` event when `stream_options` asks for
it), as one JSON completion otherwise. Rules inject faults into chosen requests: an HTTP status
(429 + Retry-After, 500, 401, ...), a dropped connection, a slow answer (nothing sent), a stream
that stalls part-way or trickles, raw events, or answer content rewritten (invalid JSON, fenced
JSON, a missing or extra id, Cyrillic, ...). `streams = False` makes it an endpoint that ignores
`stream`; `refused_fields` one that answers 400 to requests carrying those fields.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = dict[str, Any]
PROMPT_TOKENS = 100  # `usage` of every answer, so token totals are easy to assert
COMPLETION_TOKENS = 20


def good_ja(comment_id: int) -> str:
    return f"コメント{comment_id}の訳だよ"


def good_score(comment_id: int) -> int:
    return comment_id % 101


GOOD_TITLE = "テスト用のまとめタイトルだよ"
GOOD_TAGS = ["AI", "テスト"]


@dataclass(frozen=True)
class Status:
    """Answer with this HTTP status and no completion."""

    code: int
    retry_after: str | None = None
    message: str = "injected failure"


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering."""


@dataclass(frozen=True)
class Slow:
    """Answer correctly, but only after `seconds`."""

    seconds: float


@dataclass(frozen=True)
class Stall:
    """Start a streamed answer, send `after` events, then send nothing for `seconds` before
    going on (a non-streamed answer just comes `seconds` late)."""

    seconds: float
    after: int = 1


@dataclass(frozen=True)
class Trickle:
    """Stream the answer slowly but steadily: `seconds` between events (a non-streamed answer
    comes as late as the whole stream would have taken)."""

    seconds: float


@dataclass(frozen=True)
class RawStream:
    """Answer 200 `text/event-stream` with exactly these `data:` payloads (no [DONE] is added);
    one starting with ':' is sent as an SSE comment line (a keep-alive)."""

    events: tuple[str, ...]


@dataclass(frozen=True)
class Rewrite:
    """Answer with `make(correct_answer)` as the message content."""

    make: Callable[[Answer], str]


@dataclass(frozen=True)
class RawBody:
    """Answer 200 with exactly this body (a broken or unusual completion)."""

    body: bytes


Fault = Status | Drop | Slow | Stall | Trickle | Rewrite | RawBody | RawStream


@dataclass
class Rule:
    fault: Fault
    comment_id: int | None = None  # only requests that carry this comment
    kind: str | None = None  # "comments" or "title"
    times: int | None = 1  # None: forever


@dataclass(frozen=True)
class Seen:
    kind: str  # "comments" or "title"
    texts: dict[int, str]  # comment id -> text, of a comments request
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(self.texts)

    @property
    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None

    @property
    def stream(self) -> bool:
        return self.body.get("stream") is True

    @property
    def stream_usage(self) -> bool:
        options = self.body.get("stream_options")
        return self.stream and isinstance(options, dict) and options.get("include_usage") is True


def _links(text: str) -> str:
    """The URLs of a comment, each once, as a well-behaved model keeps them."""
    urls = dict.fromkeys(url.rstrip(".,;:!?") for url in re.findall(r"https?://[^\s)]+", text))
    return "".join(f" {url}" for url in urls)


def correct_answer(seen: Seen) -> Answer:
    if seen.kind == "title":
        return {"title": GOOD_TITLE, "tags": list(GOOD_TAGS)}
    return {"comments": [{"id": i, "ja": good_ja(i) + _links(seen.texts[i]),
                          "score": good_score(i)} for i in seen.ids]}


def _classify(body: dict[str, Any]) -> tuple[str, dict[int, str]]:
    first_user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    data = json.loads(first_user)
    if "existing_tags" in data:
        return "title", {}
    return "comments", {c["id"]: c["text"] for c in data["comments"]}


@dataclass
class FakeLLM:
    rules: list[Rule] = field(default_factory=list)
    refused_formats: set[str] = field(default_factory=set)  # response_format types -> 400
    refused_fields: set[str] = field(default_factory=set)  # request keys -> 400 ("stream", ...)
    streams: bool = True  # False: ignore "stream" and answer one JSON completion
    pieces: int = 4  # a streamed answer's content comes in this many events
    seen: list[Seen] = field(default_factory=list)
    on_request: Callable[[Seen], None] | None = None
    latency: float = 0.0
    max_in_flight: int = 0
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def add(self, fault: Fault, *, comment_id: int | None = None, kind: str | None = None,
            times: int | None = 1) -> None:
        self.rules.append(Rule(fault, comment_id, kind, times))

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def sent_ids(self) -> list[int]:
        return [i for s in self.seen for i in s.ids]

    def __enter__(self) -> FakeLLM:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def _take_fault(self, seen: Seen) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if rule.times == 0 or (rule.kind and rule.kind != seen.kind):
                    continue
                if rule.comment_id is not None and rule.comment_id not in seen.ids:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                return rule.fault
        return None

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> Seen:
        kind, texts = _classify(body)
        seen = Seen(kind, texts, body, headers)
        with self._lock:
            self.seen.append(seen)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        return seen

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1


USAGE = {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
         "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS}


def _completion(content: str) -> bytes:
    return json.dumps({
        "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": USAGE,
    }, ensure_ascii=False).encode("utf-8")


def _chunk(delta: dict[str, Any], finish_reason: str | None = None) -> str:
    return json.dumps({
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }, ensure_ascii=False)


def stream_events(content: str, pieces: int, usage: bool) -> list[str]:
    """The `data:` payloads of a streamed answer, as OpenAI sends them."""
    size = max(1, -(-len(content) // max(1, pieces)))
    events = [_chunk({"role": "assistant", "content": ""})]
    events += [_chunk({"content": content[i : i + size]}) for i in range(0, len(content), size)]
    events.append(_chunk({}, "stop"))
    if usage:
        events.append(json.dumps({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                                  "choices": [], "usage": USAGE}))
    return [*events, "[DONE]"]


def _handler_for(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # headers and body leave in one segment (no Nagle/delayed-ACK stall)
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout); nothing to do

        def _stream(self, events: list[str], fault: Fault | None) -> None:
            """Send `events` as server-sent events, chunked, flushing each one; a Stall or
            Trickle fault paces them."""
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.flush()
                for number, event in enumerate(events):
                    stall = isinstance(fault, Stall) and number == fault.after
                    if stall or (isinstance(fault, Trickle) and number):
                        fake._stopping.wait(fault.seconds)  # type: ignore[union-attr]
                    line = event if event.startswith(":") else f"data: {event}"  # a comment
                    data = f"{line}\n\n".encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                # the client gave up (timeout): drop what is still buffered for it
                self.close_connection = True
                self.wfile = io.BytesIO()

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/v1/chat/completions":
                self._send(404, b'{"error": {"message": "no such route"}}')
                return
            seen = fake._record(json.loads(raw), dict(self.headers.items()))
            try:
                self._answer(seen)
            finally:
                fake._done()

        def _answer(self, seen: Seen) -> None:
            if fake.on_request:
                fake.on_request(seen)
            if fake.latency:
                fake._stopping.wait(fake.latency)
            refused = sorted(key for key in fake.refused_fields if key in seen.body)
            if refused:
                message = f"Unrecognized request argument supplied: {refused[0]}"
                self._send(400, json.dumps({"error": {"message": message}}).encode())
                return
            if seen.response_format in fake.refused_formats:
                message = f"response_format type {seen.response_format} is not supported"
                self._send(400, json.dumps({"error": {"message": message}}).encode())
                return
            fault = fake._take_fault(seen)
            answer = correct_answer(seen)
            if isinstance(fault, Drop):
                self.close_connection = True
                return
            if isinstance(fault, Status):
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                body = json.dumps({"error": {"message": fault.message}}).encode()
                self._send(fault.code, body, headers)
                return
            if isinstance(fault, RawBody):
                self._send(200, fault.body)
                return
            if isinstance(fault, RawStream):
                self._stream(list(fault.events), None)
                return
            if isinstance(fault, Slow):
                fake._stopping.wait(fault.seconds)
            content = (fault.make(answer) if isinstance(fault, Rewrite)
                       else json.dumps(answer, ensure_ascii=False))
            if seen.stream and fake.streams:
                self._stream(stream_events(content, fake.pieces, seen.stream_usage), fault)
                return
            if isinstance(fault, Stall):
                fake._stopping.wait(fault.seconds)
            elif isinstance(fault, Trickle):
                fake._stopping.wait(fault.seconds * (fake.pieces + 2))
            self._send(200, _completion(content))

    return Handler


# Rewrites used by the tests -------------------------------------------------------------------

def invalid_json(answer: Answer) -> str:
    return json.dumps(answer, ensure_ascii=False)[:-7]


def fenced_json(answer: Answer) -> str:
    return "Sure! Here it is:\n```json\n" + json.dumps(answer, ensure_ascii=False) + "\n```\n"


def missing_last_id(answer: Answer) -> str:
    return json.dumps({"comments": answer["comments"][:-1]}, ensure_ascii=False)


def extra_id(answer: Answer) -> str:
    extra = {"id": 999_999_999, "ja": "余計なコメントだよ", "score": 5}
    return json.dumps({"comments": [*answer["comments"], extra]}, ensure_ascii=False)


def cyrillic_for(comment_id: int) -> Callable[[Answer], str]:
    def make(answer: Answer) -> str:
        for item in answer["comments"]:
            if item["id"] == comment_id:
                item["ja"] = "これはпривет мирだよ"
        return json.dumps(answer, ensure_ascii=False)
    return make
