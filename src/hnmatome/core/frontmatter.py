"""Split a content file into front matter (TOML `+++` or YAML `---`) and markdown body."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

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
        line = yaml_error_line(exc, source)
        raise UserError(f"invalid YAML front matter: {yaml_problem(exc)}", path,
                        line + 1 if line else None,  # +1: the opening `---` line
                        hint=yaml_error_hint(exc) or "values with ':' or '#' need quotes",
                        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError("YAML front matter must be a mapping of keys to values", path, 2)
    return data


# ------------------------------------------------------------------------------ YAML errors
# Shared with the thread files (core/thread_yaml.py). PyYAML's `problem_mark` is where its
# scanner gave up, which is often not where the mistake is: a key without ':' is noticed on
# the line after it, an unclosed quote or list at the next key or at the end of the file.

# What YAML accepts in a file (PyYAML's reader refuses anything else). Compiled when an
# error needs it: the character ranges take milliseconds to compile.
_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]"
_YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # as PyYAML counts lines


def yaml_error_line(exc: Exception, source: str) -> int | None:
    """The 1-based line of `source` where the mistake behind a PyYAML error is."""
    lines = _YAML_LINE_BREAK.split(source)
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    what = str(getattr(exc, "problem", None) or "")
    within = str(getattr(exc, "context", None) or "")
    if problem is None and context is None:
        bad = re.search(_NON_PRINTABLE, source)  # a ReaderError: an unacceptable character
        return len(_YAML_LINE_BREAK.findall(source, 0, bad.start())) + 1 if bad else None
    if problem is None or (context is not None and (
            "expected ':'" in what  # a key without ':' (keys are one line: where it starts)
            or ("end of stream" in what and "flow" not in within))):  # an unclosed quote
        return context.line + 1  # type: ignore[union-attr]
    index = problem.line
    if "flow" in within and context is not None and index > context.line:
        # An unclosed [list] or {mapping} swallows the next line (a value in a list may go on
        # over lines) and fails there: the ']' is missing on the line before.
        index -= 1
        while index > context.line and not lines[min(index, len(lines) - 1)].strip():
            index -= 1
    last = max((i for i, text in enumerate(lines) if text.strip()), default=0)
    return min(index, last) + 1


def yaml_problem(exc: Exception) -> str:
    """What PyYAML says is wrong, without its position (the caller names the line)."""
    if getattr(exc, "problem_mark", None) is None and getattr(exc, "context_mark", None) is None:
        character = getattr(exc, "character", None)
        if isinstance(character, str):
            return f"the invisible control character U+{ord(character):04X} is not allowed"
    return str(getattr(exc, "problem", None) or exc)


def yaml_error_hint(exc: Exception) -> str | None:
    """What to do about the most common YAML mistakes, or None."""
    what = str(getattr(exc, "problem", None) or "")
    within = str(getattr(exc, "context", None) or "")
    if "expected ':'" in what:
        return ("every line is `key: value`: add the ':', or indent the line if it continues "
                "the text above it")
    if "end of stream" in what and "quoted" in within:
        return "the quote that opens on this line is never closed"
    if "flow sequence" in within:
        return "a list [ ... ] is not closed with ] (or a ',' is missing between its items)"
    if "flow mapping" in within:
        return "a mapping { ... } is not closed with } (or a ',' is missing between its items)"
    if getattr(exc, "problem_mark", None) is None and getattr(exc, "character", None):
        return "delete it (most editors do not show it; it often comes with pasted text)"
    return None


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


_PLAIN_YAML = re.compile(r"[\w./-]+")
# A `# comment` after a key's value (quoted strings may hold a '#'; an unquoted value may not).
_TRAILING_COMMENT = re.compile(
    r"""[=:][ \t]*(?:'[^'\n]*'|"(?:[^"\\\n]|\\.)*"|[^'"#\s][^#\n]*?)?([ \t]+#.*)$""")


def with_key(text: str, key: str, value: str | bool) -> str:
    """`text` with its front matter's `key` set to `value`, the way a person edits it: the
    key's line (found whatever its case, as Hugo reads keys) is rewritten, keeping double
    quotes if it had them and a `# comment` after the value; a missing key becomes the front
    matter's last line; a file without front matter gets one. Every other byte stays; a front
    matter never closed is left alone."""
    delimiter = text.lstrip("\ufeff")[:3]
    if delimiter not in _DELIMITERS:
        return f"+++\n{_key_line_text(key, value, toml=True, double=False)}\n+++\n\n{text}"
    start = text.find("\n") + 1
    end = text.find(f"\n{delimiter}", start - 1)
    if start == 0 or end < 0:
        return text
    head, toml = text[start:end + 1], delimiter == "+++"
    found = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[=:].*$", head,
                      re.MULTILINE | re.IGNORECASE)
    double = found is not None and toml and '"' in found.group(0).partition("=")[2][:3]
    line = _key_line_text(key, value, toml=toml, double=double)
    if found is None:
        return text[:start] + head + line + "\n" + text[end + 1:]
    comment = _TRAILING_COMMENT.search(found.group(0))
    line += comment.group(1) if comment else ""
    head = head[:found.start()] + line + head[found.end():]
    return text[:start] + head + text[end + 1:]


def _key_line_text(key: str, value: str | bool, *, toml: bool, double: bool) -> str:
    if isinstance(value, bool):
        written = "true" if value else "false"
    elif toml:
        plain_literal = not double and "'" not in value and "\n" not in value
        written = f"'{value}'" if plain_literal else tomli_w.dumps({"v": value})[4:].strip()
    else:
        written = value if _PLAIN_YAML.fullmatch(value) else json.dumps(value, ensure_ascii=False)
    return f"{key} = {written}" if toml else f"{key}: {written}"
