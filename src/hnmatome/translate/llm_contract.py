"""The wire contract with the LLM, as pure functions: request messages and payloads go out,
answers come back as text and are accepted only when they match the contract exactly.

Comments request: the model gets `{"comments": [{"id", "text"}, ...]}` (plus context) and must
answer exactly `{"comments": [{"id": int, "ja": str, "score": int}, ...]}` with every id it was
sent and no other. Title request: the answer must be exactly `{"title": str, "tags": [str, ...]}`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from hnmatome.translate.japanese import has_japanese, needs_japanese, stray_script

ResponseMode = Literal["json_schema", "json_object", "text"]
RESPONSE_MODES: tuple[ResponseMode, ...] = ("json_schema", "json_object", "text")

MAX_TAGS = 5
MAX_TAG_CHARS = 40
SOURCE_TEXT_LIMIT = 6000  # a comment longer than this is cut before sending (it is summarised)
STORY_TEXT_LIMIT = 1500
CONTEXT_TEXT_LIMIT = 300
_TITLE_PREFIX = re.compile(r"(?<![a-z])(show|ask|tell|launch)\s*hn(?![a-z])", re.IGNORECASE)
_TITLE_BRACKETS = "「」『』【】\"“”„«»"
_LONE_QUOTE = re.compile(r"(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])")
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
# A URL ends where ASCII ends, so Japanese written right after a link is not taken as part of it.
_URL = re.compile(r"https?://[!-~]+")
_URL_TAIL = ".,;:!?'\")]>*_"
MAX_JA_CHARS = 400  # the prompt asks for about 200; twice that, URLs aside, is not a summary


class ContractError(ValueError):
    """An answer that breaks the contract; the message says how, for the re-ask and the log."""


@dataclass(frozen=True)
class CommentSource:
    id: int
    text: str


@dataclass(frozen=True)
class CommentAnswer:
    id: int
    ja: str
    score: int


@dataclass(frozen=True)
class TitleAnswer:
    title: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ThreadContext:
    """What every request about one thread carries, so the model knows the topic."""

    title: str
    url: str
    text: str
    first_comments: tuple[str, ...]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


# --- requests ----------------------------------------------------------------------------------

COMMENTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "comments": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "ja": {"type": "string"},
                    "score": {"type": "integer"},
                },
                "required": ["id", "ja", "score"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["comments"],
    "additionalProperties": False,
}

TITLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "tags"],
    "additionalProperties": False,
}


def _user_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def comments_messages(
    system_prompt: str, context: ThreadContext, chunk: tuple[CommentSource, ...]
) -> list[dict[str, str]]:
    data = {
        "thread": {
            "title": context.title,
            "url": context.url,
            "text": _clip(context.text, STORY_TEXT_LIMIT),
        },
        "context": [_clip(text, CONTEXT_TEXT_LIMIT) for text in context.first_comments],
        "comments": [{"id": c.id, "text": _clip(c.text, SOURCE_TEXT_LIMIT)} for c in chunk],
    }
    return [{"role": "system", "content": system_prompt},
            {"role": "user", "content": _user_json(data)}]


def title_messages(
    system_prompt: str, context: ThreadContext, existing_tags: tuple[str, ...]
) -> list[dict[str, str]]:
    data = {
        "title": context.title,
        "url": context.url,
        "text": _clip(context.text, STORY_TEXT_LIMIT),
        "comments": [_clip(text, CONTEXT_TEXT_LIMIT) for text in context.first_comments],
        "existing_tags": list(existing_tags),
    }
    return [{"role": "system", "content": system_prompt},
            {"role": "user", "content": _user_json(data)}]


def reask_messages(
    messages: list[dict[str, str]], answer: str, reask_prompt: str, reason: str
) -> list[dict[str, str]]:
    """The conversation extended with the rejected answer and why it was rejected (the answer is
    echoed back so chat templates that require alternating roles accept the request)."""
    return [*messages,
            {"role": "assistant", "content": answer or "(empty)"},
            {"role": "user", "content": reask_prompt.replace("{reason}", reason)}]


def chat_payload(
    model: str,
    temperature: float,
    messages: list[dict[str, str]],
    mode: ResponseMode,
    schema_name: str,
    schema: dict[str, Any],
) -> dict[str, Any]:
    payload: dict[str, Any] = {"model": model, "messages": messages, "temperature": temperature}
    if mode == "json_schema":
        payload["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": schema_name, "strict": True, "schema": schema},
        }
    elif mode == "json_object":
        payload["response_format"] = {"type": "json_object"}
    return payload


def estimate_tokens(text: str) -> int:
    """Rough token count: about four ASCII characters or one other character per token."""
    ascii_chars = sum(1 for char in text if char.isascii())
    return ascii_chars // 4 + (len(text) - ascii_chars) + 1


def estimate_answer_tokens(chunk: tuple[CommentSource, ...]) -> int:
    """Japanese summaries of about 200 characters, roughly a token a character, plus JSON."""
    return 10 + sum(20 + min(200, len(c.text) // 2) for c in chunk)


# --- answers -----------------------------------------------------------------------------------

def parse_json_text(content: str) -> Any:
    """The JSON value in an answer: bare, inside a ``` fence, or the outermost {...}."""
    text = content.strip()
    candidates = [text, *(match.strip() for match in _FENCE.findall(text))]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    error = "empty answer"
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    raise ContractError(f"the answer is not valid JSON ({error})")


def _exact_keys(value: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContractError(f"{where} must be a JSON object, got {type(value).__name__}")
    if set(value) != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        detail = "; ".join(
            part for part in (missing and f"missing {missing}", extra and f"unexpected {extra}")
            if part
        )
        raise ContractError(f"{where} must have exactly the keys {sorted(keys)} ({detail})")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_japanese(ja: str, source: str, where: str) -> None:
    """A translation must be non-empty Japanese, not a copy of the source, in no stray script."""
    if not ja.strip():
        raise ContractError(f"{where} is empty")
    stray = stray_script(ja, source)
    if stray is not None:
        script, sample = stray
        raise ContractError(f"{where} contains {script} text ({sample!r}); write only Japanese")
    if needs_japanese(source) and not has_japanese(ja):
        raise ContractError(f"{where} is not Japanese: {_clip(ja, 60)!r}")


def urls_in(text: str) -> list[str]:
    """http(s) URLs in `text`, without the punctuation that usually follows a link."""
    found = []
    for match in _URL.findall(text):
        url = match.rstrip(_URL_TAIL)
        # keep a closing parenthesis that belongs to the URL (Wikipedia-style titles)
        if match[len(url):].startswith(")") and url.count("(") > url.count(")"):
            url += ")"
        found.append(url)
    return found


def check_comment_text(ja: str, source: str, where: str) -> None:
    """The URLs of the source, whole and unchanged, and no others; a summary, not an essay."""
    sent, got = list(dict.fromkeys(urls_in(source))), list(dict.fromkeys(urls_in(ja)))
    changed = [url for url in got if url not in sent]
    if changed:
        raise ContractError(f"{where} has URLs that are not in the comment: {changed[:3]}; "
                            "copy URLs exactly")
    dropped = [url for url in sent if url not in got]
    if dropped:
        raise ContractError(f"{where} dropped URLs: {dropped[:3]}; keep every URL whole")
    length = len(_URL.sub("", ja))
    if length > MAX_JA_CHARS:
        raise ContractError(f"{where} is {length} characters long; summarise it to about 200")


def _comment_answer(item: Any, index: int, sources: dict[int, str]) -> CommentAnswer:
    entry = _exact_keys(item, {"id", "ja", "score"}, f"comments[{index}]")
    comment_id, ja, score = entry["id"], entry["ja"], entry["score"]
    if not _is_int(comment_id):
        raise ContractError(f"comments[{index}].id must be an integer, got {comment_id!r}")
    if comment_id not in sources:
        raise ContractError(f"comment id {comment_id} was not sent; answer only the ids sent")
    if not isinstance(ja, str):
        raise ContractError(f"comment {comment_id}: ja must be a string")
    if not _is_int(score) or not 0 <= score <= 100:
        raise ContractError(f"comment {comment_id}: score must be an integer 0-100, got {score!r}")
    check_japanese(ja, sources[comment_id], f"comment {comment_id}: ja")
    check_comment_text(ja, sources[comment_id], f"comment {comment_id}: ja")
    return CommentAnswer(comment_id, ja.strip(), score)


def parse_comments_answer(
    content: str, chunk: tuple[CommentSource, ...]
) -> tuple[CommentAnswer, ...]:
    data = _exact_keys(parse_json_text(content), {"comments"}, "the answer")
    items = data["comments"]
    if not isinstance(items, list):
        raise ContractError("`comments` must be a list")
    sources = {c.id: _clip(c.text, SOURCE_TEXT_LIMIT) for c in chunk}  # what the model saw
    answers = [_comment_answer(item, index, sources) for index, item in enumerate(items)]
    seen = [a.id for a in answers]
    duplicates = sorted({i for i in seen if seen.count(i) > 1})
    if duplicates:
        raise ContractError(f"comment ids answered more than once: {duplicates}")
    missing = [c.id for c in chunk if c.id not in set(seen)]
    if missing:
        raise ContractError(f"comment ids not answered: {missing}; answer every id sent")
    return tuple(answers)


def _check_title(title: Any, source: str) -> str:
    if not isinstance(title, str):
        raise ContractError("`title` must be a string")
    title = " ".join(title.split())
    check_japanese(title, source, "title")
    if _TITLE_PREFIX.search(title):
        raise ContractError("title must not contain Show HN / Ask HN / Tell HN / Launch HN")
    used = [char for char in _TITLE_BRACKETS if char in title]
    if used or _LONE_QUOTE.search(title):
        raise ContractError(f"title must not use brackets or quotes ({''.join(used) or 'quote'})")
    return title


def _check_tags(tags: Any, source: str) -> tuple[str, ...]:
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ContractError("`tags` must be a list of strings")
    kept: list[str] = []
    for raw in tags:
        tag = " ".join(raw.split())
        if not tag or any(tag.casefold() == k.casefold() for k in kept):
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise ContractError(f"tag {tag!r} is longer than {MAX_TAG_CHARS} characters")
        stray = stray_script(tag, source)
        if stray is not None:
            raise ContractError(f"tag {tag!r} contains {stray[0]} text")
        kept.append(tag)
    if not kept:
        raise ContractError("`tags` must hold at least one tag")
    return tuple(kept[:MAX_TAGS])


def parse_title_answer(content: str, context: ThreadContext) -> TitleAnswer:
    data = _exact_keys(parse_json_text(content), {"title", "tags"}, "the answer")
    source = f"{context.title}\n{context.text}"
    return TitleAnswer(_check_title(data["title"], source), _check_tags(data["tags"], source))


def _tag_key(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag).casefold()


def prefer_existing_tags(tags: tuple[str, ...], existing: tuple[str, ...]) -> tuple[str, ...]:
    """Tags spelled the way the site already spells them ('ai' -> 'AI', 'ＡＩ' -> 'AI')."""
    known = {}
    for tag in existing:
        known.setdefault(_tag_key(tag), tag)
    out: list[str] = []
    for tag in tags:
        spelled = known.get(_tag_key(tag), tag)
        if spelled not in out:
            out.append(spelled)
    return tuple(out)
