"""The curated thread YAML (`content/threads/<id>.yaml`): load, validate, dump.

Threads are plain dicts (ordered), so any key a curator adds survives a load/dump round trip.
Known keys are written in a fixed order, unknown ones after them in the order they came, so a
diff of a re-fetched or re-translated thread shows only what really changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import yaml_error_hint, yaml_error_line, yaml_problem
from hnmatome.core.writer import atomic_write_text

# Order of the keys as written. Fetched fields first, then what translation and curation fill in.
THREAD_KEYS = (
    "id", "title", "url", "by", "time", "score", "descendants", "text", "fetched_at", "source",
    "title_ja", "tags", "date", "draft", "slug",
    "max_comments", "max_replies", "min_score", "highlight_score",
)
COMMENT_KEYS = (
    "id", "parent", "depth", "by", "time", "replies", "text",
    "ja", "score", "color", "include", "edited", "reviewed",
    "dead", "gone", "needs_review",
)

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps timestamps as the strings the curator wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def _ordered(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    out = {k: data[k] for k in keys if k in data}
    out.update((k, v) for k, v in data.items() if k not in out)
    return out


def normalize(thread: dict[str, Any]) -> dict[str, Any]:
    """The thread with its keys in the canonical order (comments last)."""
    out = _ordered({k: v for k, v in thread.items() if k != "comments"}, THREAD_KEYS)
    out["comments"] = [_ordered(c, COMMENT_KEYS) for c in thread.get("comments") or []]
    return out


def dumps(thread: dict[str, Any]) -> str:
    return yaml.dump(
        normalize(thread), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=1_000_000,
    )


def loads(text: str, path: Path | str = "<string>") -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:  # syntax (MarkedYAMLError) or a character YAML refuses
        raise UserError(f"invalid YAML: {yaml_problem(exc)}", path, yaml_error_line(exc, text),
                        hint=yaml_error_hint(exc)
                        or "fix the syntax (a stray ':' or bad indentation is common)") from exc
    return validate(data, path)


def validate(data: Any, path: Path | str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UserError("a thread file must be a mapping with id, title and comments", path)
    if not isinstance(data.get("id"), int) or isinstance(data.get("id"), bool):
        raise UserError("missing or non-integer `id`", path,
                        hint="the HN item id, e.g. id: 42997340")
    comments = data.get("comments")
    if comments is None:
        data["comments"] = []
    elif not isinstance(comments, list):
        raise UserError("`comments` must be a list", path)
    seen: set[int] = set()
    for index, comment in enumerate(data["comments"]):
        if not isinstance(comment, dict) or not isinstance(comment.get("id"), int):
            raise UserError(f"comment #{index + 1} has no integer `id`", path)
        if comment["id"] in seen:
            raise UserError(f"comment {comment['id']} appears twice", path,
                            hint="delete one of the two entries")
        seen.add(comment["id"])
    return data


def comment_line(text: str, comment_id: int) -> int | None:
    """The 1-based line of `text` (a thread file) where comment `comment_id` starts (its `id:`
    line), for pointing a message at it; None when it cannot be found."""
    found = re.search(rf"^[ \t]*(?:-[ \t]+)?id:[ \t]*{comment_id}[ \t]*(?:#.*)?$", text,
                      re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UserError("thread file not found", path, hint="run `hnmatome fetch <id>`") from exc
    except UnicodeDecodeError as exc:
        raise UserError("thread file is not UTF-8", path) from exc
    return loads(text, path)


def save(path: Path, thread: dict[str, Any]) -> None:
    atomic_write_text(path, dumps(thread))
