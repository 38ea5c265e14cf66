"""Streamed chat completions (`"stream": true`, server-sent events).

A streamed answer keeps the connection busy while the model writes, so a short timeout for a
silent connection can stand beside answers that take minutes. The events are put back together
into the shape of a whole completion, `{"choices": [{"message": {"content"}, "finish_reason"}],
"usage"}`, so a streamed answer passes exactly the checks a whole one does.

Stream modes, stepped down when an endpoint refuses them: "usage" asks for the token counts in
a last event (`stream_options`), "plain" streams without it, "off" asks for one whole answer.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import httpx

StreamMode = Literal["usage", "plain", "off"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STREAM_OPTIONS = re.compile(r"stream_options|include_usage")
_STREAM = re.compile(r"\bstream\b")


class StreamError(ValueError):
    """A streamed answer that cannot be read, or that carries an error instead of an answer."""


def with_stream(payload: dict[str, Any], mode: StreamMode) -> dict[str, Any]:
    """`payload` with the fields that ask for a streamed answer in `mode`."""
    if mode == "off":
        return payload
    extra: dict[str, Any] = {"stream": True}
    if mode == "usage":
        extra["stream_options"] = {"include_usage": True}
    return {**payload, **extra}


def step_down(mode: StreamMode, refused: str) -> StreamMode:
    """The mode to try after the endpoint refused the field `refused`."""
    return "plain" if refused == "stream_options" and mode == "usage" else "off"


def refused_stream_field(error_text: str) -> str | None:
    """Which streaming field an error answer complains about, if any."""
    text = error_text.lower()
    if _STREAM_OPTIONS.search(text):
        return "stream_options"
    return "stream" if _STREAM.search(text) else None


def is_event_stream(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").lower()
    return "text/event-stream" in kind or response.content.lstrip().startswith(b"data:")


def _payloads(content: bytes) -> tuple[list[str], bool]:
    """The `data:` payloads of an event stream, and whether it ended with `[DONE]`."""
    payloads: list[str] = []
    lines: list[str] = []
    done = False

    def dispatch() -> None:
        nonlocal done
        if lines:
            payload = "\n".join(lines)
            lines.clear()
            if payload.strip() == "[DONE]":
                done = True
            else:
                payloads.append(payload)

    for line in _LINE_BREAK.split(content.decode("utf-8", errors="replace")):
        if not line:
            dispatch()
        elif not line.startswith(":"):  # a comment line is a keep-alive
            name, _, value = line.partition(":")
            if name == "data":
                lines.append(value.removeprefix(" "))
    dispatch()
    return payloads, done


def _error_message(error: Any) -> str:
    message = error.get("message") if isinstance(error, dict) else error
    return " ".join(str(message).split())[:300]


def completion_from_stream(content: bytes) -> dict[str, Any]:
    """The events of a streamed answer as one completion (choice 0 only)."""
    payloads, _ = _payloads(content)
    parts: list[str] = []
    finish: Any = None
    usage: Any = None
    answered = False
    for payload in payloads:
        try:
            event = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise StreamError("an event of the streamed answer is not JSON") from exc
        if not isinstance(event, dict):
            raise StreamError("an event of the streamed answer is not a completion chunk")
        if event.get("error"):
            raise StreamError("the endpoint sent an error instead of an answer: "
                              + _error_message(event["error"]))
        if isinstance(event.get("usage"), dict):
            usage = event["usage"]
        for choice in event.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            answered = True
            delta = choice.get("delta")
            text = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(text, str):
                parts.append(text)
            finish = choice.get("finish_reason") or finish
    choices = [{"message": {"content": "".join(parts)}, "finish_reason": finish}]
    return {"choices": choices if answered else [], "usage": usage}


def _final(payload: str) -> bool:
    """Whether an event ends an answer: it finishes choice 0, carries an error, or cannot be
    read (then the parser says so; retrying would not help)."""
    try:
        event = json.loads(payload)
    except json.JSONDecodeError:
        return True
    if not isinstance(event, dict) or event.get("error"):
        return True
    return any(isinstance(choice, dict) and choice.get("finish_reason")
               for choice in event.get("choices") or [])


def ended_early(response: httpx.Response) -> str | None:
    """Why a 200 event stream is incomplete (it stopped before `[DONE]` and before any
    finish_reason, say a proxy cut it), so that it is retried like a dropped connection."""
    if response.status_code != 200 or not is_event_stream(response):
        return None
    payloads, done = _payloads(response.content)
    if done or any(_final(payload) for payload in payloads):
        return None
    return f"the streamed answer stopped before its end ({len(payloads)} events, no [DONE])"
