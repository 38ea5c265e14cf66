"""Split a content file into front matter (TOML `+++` or YAML `---`) and markdown body."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from hnmatome.core.errors import UserError

_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_WHERE = re.compile(r"\s*\((?:at line \d+, column \d+|at end of document)\)")
_DELIMITERS = {"+++": "toml", "---": "yaml"}


def _closing_offset(text: str, delimiter: str, start: int) -> tuple[int, int] | None:
    """(start, end) offsets of the closing delimiter line, searching from `start`."""
    needle = f"\n{delimiter}"
    position = text.find(needle, start)
    while position >= 0:
        line_end = text.find("\n", position + 1)
        line_end = len(text) if line_end < 0 else line_end + 1
        if text[position + 1 : line_end].rstrip() == delimiter:
            return position + 1, line_end
        position = text.find(needle, position + 1)
    return None


def _load_toml(source: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        found = _TOML_LINE.search(text)
        # +1: the opening delimiter line; 'end of document' is the closing delimiter line
        line = int(found.group(1)) + 1 if found else source.count("\n") + 2
        message = _TOML_WHERE.sub("", text).strip()
        raise UserError(f"invalid TOML front matter: {message}", path, line,
                        hint="strings need quotes (title = '...'), lists brackets: "
                             "tags = ['a', 'b']") from exc


def _load_yaml(source: str, path: Path) -> dict[str, Any]:
    # imported here: most sites use TOML, and PyYAML costs every build ~20 ms to import
    import yaml

    # the C loader is several times faster; PyYAML wheels normally ship it
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(source, Loader=loader)  # a safe loader (CSafeLoader/SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"invalid YAML front matter: {problem}", path, line,
                        hint="values with ':' or '#' need quotes") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError("YAML front matter must be a mapping of keys to values", path, 2)
    return data


def parse_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """(meta, body, body_line): body_line is the 1-based file line where the body starts."""
    text = text.removeprefix("\ufeff")
    first_end = text.find("\n")
    first = (text if first_end < 0 else text[:first_end]).rstrip()
    style = _DELIMITERS.get(first)
    if style is None:
        return {}, text, 1
    closing = _closing_offset(text, first, first_end)
    if closing is None:
        raise UserError(f"front matter opened with {first!r} on line 1 is never closed", path, 1,
                        hint=f"add a line containing only {first} after the last key")
    source = text[first_end + 1 : closing[0]]
    meta = _load_toml(source, path) if style == "toml" else _load_yaml(source, path)
    return meta, text[closing[1] :], text.count("\n", 0, closing[1]) + 1


def key_line(text: str, key: str) -> int | None:
    """The 1-based line on which front matter `key` is set (for pointing errors at it)."""
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[=:]",
                         re.MULTILINE | re.IGNORECASE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
