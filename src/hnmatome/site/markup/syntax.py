"""Hugo shortcode syntax: `{{< name params >}}`, `{{% name %}}`, closing and self-closing tags.

The body is split into text and shortcode nodes; paired shortcodes hold their inner nodes.
Quoted values follow Hugo's lexer exactly, because real content depends on its quirks:
a value ends at the first `"` not preceded by a backslash, a newline inside is an error, and
if the value contains an escaped quote every backslash in it is dropped, otherwise none is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class ShortcodeSyntaxError(Exception):
    """Bad shortcode syntax at `line` (1-based, within the text parsed)."""

    def __init__(self, message: str, line: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


class Shortcode(NamedTuple):
    """One shortcode tag (with its inner nodes when paired). A NamedTuple: pages hold
    hundreds, and it is the cheapest immutable record to build."""

    name: str
    markdown: bool  # {{% %}}: the output is markdown, part of the page's markdown
    named: Mapping[str, Any]
    positional: tuple[Any, ...]
    line: int
    inner: tuple[Node, ...] | None = None  # None: not a paired shortcode
    inner_source: str = ""
    source: str = ""

    def get(self, key: str | int, default: Any = None) -> Any:
        """Like Hugo's .Get: a name for named parameters, an index for positional ones."""
        if isinstance(key, int):
            return self.positional[key] if key < len(self.positional) else default
        return self.named.get(key, default)


Node = str | Shortcode

_SPACE = re.compile(r"\s*")
_NAME = re.compile(r"[A-Za-z0-9_][\w./-]*")
_PARAM_NAME = re.compile(r"[\w.-]+")
_NAMED = re.compile(r"([\w.-]+)\s*=\s*")
_QUOTED = re.compile(r'"((?:[^"\\\n]++|\\"|\\(?![`"]))*+)"')
_RAW = re.compile(r"`([^`]*)`")
_INT = re.compile(r"[-+]?\d+")
# The common shapes, read in one match: named parameters with plain quoted values (no
# backslash), and closing tags. Anything else goes through the full lexer, which agrees on these.
_PLAIN_OPEN = re.compile(
    r'\{\{([<%])\s*([A-Za-z0-9_][\w.-]*)((?:\s+[\w.-]+="[^"\\\n]*")*+)\s*([>%])\}\}')
_CLOSERS = {"<": ">", "%": "%"}
# A plain leaf tag `{{< name a="v" >}}` / `{{% name a="v" %}}` as one match, else an opening.
_NAME_AND_PARAMS = r'\s*([A-Za-z0-9_][\w.-]*)((?:\s+[\w.-]+="[^"\\\n]*")*+)\s*'
# The matomeQuote card as the converter writes it (every card in the corpus) comes first: its
# four values are read by this one match, with no second pass over the parameters. It reads
# exactly what the plain leaf branch would read from the same text.
_CARD_PARAMS = ("body", "userName", "createdAt", "color")
_CARD = r"\{\{<\s*matomeQuote" + "".join(
    rf'\s+{param}="([^"\\\n]*)"' for param in _CARD_PARAMS) + r"\s*>\}\}"
_LEAF_OR_OPEN = rf"\{{\{{<{_NAME_AND_PARAMS}>\}}\}}|\{{\{{%{_NAME_AND_PARAMS}%\}}\}}|\{{\{{[<%]"
_OPEN_OR_LEAF = re.compile(f"{_CARD}|{_LEAF_OR_OPEN}")
_PLAIN_PARAM = re.compile(r'([\w.-]+)="([^"]*)"')
_PLAIN_CLOSE = re.compile(r"\{\{([<%])\s*/\s*([A-Za-z0-9_][\w.-]*)\s*([>%])\}\}")
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _typed(value: str) -> Any:
    """Unquoted values are typed as Hugo types them: integers, floats, booleans."""
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if value in ("true", "false"):
        return value == "true"
    return value


class _Lexer:
    def __init__(self, text: str, paired: Mapping[str, bool]) -> None:
        self.text = text
        self.paired = paired
        self.line = 1
        self.line_pos = 0

    def line_at(self, pos: int) -> int:
        # Lines are counted incrementally: bodies hold hundreds of shortcodes.
        if pos >= self.line_pos:
            self.line += self.text.count("\n", self.line_pos, pos)
        else:
            self.line -= self.text.count("\n", pos, self.line_pos)
        self.line_pos = pos
        return self.line

    def fail(self, message: str, pos: int, hint: str | None = None) -> ShortcodeSyntaxError:
        return ShortcodeSyntaxError(message, self.line_at(pos), hint)

    def skip_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def quoted(self, pos: int, start: int) -> tuple[str, int]:
        found = _QUOTED.match(self.text, pos)
        if found is None:
            rest = self.text[pos + 1 :]
            if re.match(r'(?:[^"\\\n]|\\"|\\(?!`))*\\`', rest):
                raise self.fail("unrecognized escape character \\` in a shortcode value", start)
            raise self.fail("unterminated quoted string in shortcode parameter", start,
                            hint='a quoted value must end with " on the same line')
        value = found.group(1)
        if '\\"' in value:
            value = value.replace("\\", "")
        return value, found.end()

    def value(self, pos: int, close: str, start: int) -> tuple[Any, int]:
        char = self.text[pos : pos + 1]
        if char == '"':
            return self.quoted(pos, start)
        if char == "`":
            found = _RAW.match(self.text, pos)
            if found is None:
                raise self.fail("unterminated raw string (`) in shortcode parameter", start)
            return found.group(1), found.end()
        end = pos
        while end < len(self.text) and not self.text[end].isspace():
            if self.text.startswith(close, end):
                break
            end += 1
        if end == pos:
            raise self.fail("missing value after '=' in shortcode", start)
        return _typed(self.text[pos:end]), end

    def tag(self, start: int, kind: str) -> tuple[dict[str, Any], int]:
        """Parse one tag from `{{<`/`{{%` at `start`; returns its parts and the end offset."""
        close = ">}}" if kind == "<" else "%}}"
        pos = self.skip_space(start + 3)
        closing = self.text.startswith("/", pos)
        if closing:
            pos = self.skip_space(pos + 1)
        found = _NAME.match(self.text, pos)
        if found is None:
            raise self.fail("expected a shortcode name after {{" + kind, start)
        name = found.group(0).rstrip("/")
        pos = found.start() + len(name)
        named: dict[str, Any] = {}
        positional: list[Any] = []
        while True:
            pos = self.skip_space(pos)
            if pos >= len(self.text):
                raise self.fail(f"shortcode {name!r} is not closed with {close}", start)
            if self.text.startswith(close, pos):
                return self.parts(name, closing, False, named, positional, start), pos + 3
            if self.text.startswith("/", pos):
                after = self.skip_space(pos + 1)
                if self.text.startswith(close, after):
                    return self.parts(name, closing, True, named, positional, start), after + 3
            if closing:
                raise self.fail(f"closing shortcode {name!r} takes no parameters", start)
            pos = self.param(pos, close, start, named, positional)

    def param(self, pos: int, close: str, start: int, named: dict[str, Any],
              positional: list[Any]) -> int:
        found = _NAMED.match(self.text, pos)
        if found:
            if positional:
                raise self.fail("cannot mix named and positional shortcode parameters", start)
            value, end = self.value(found.end(), close, start)
            named[found.group(1)] = value
            return end
        if named:
            raise self.fail("cannot mix named and positional shortcode parameters", start)
        char = self.text[pos]
        if char in '"`':
            value, end = self.value(pos, close, start)
            positional.append(value)
            return end
        word = _PARAM_NAME.match(self.text, pos)
        if word is None:
            raise self.fail(f"unexpected character {char!r} in shortcode", start,
                            hint="parameters with spaces or symbols must be quoted")
        positional.append(_typed(word.group(0)))
        return word.end()

    def parts(self, name: str, closing: bool, self_closing: bool, named: dict[str, Any],
              positional: list[Any], start: int) -> dict[str, Any]:
        return {"name": name, "closing": closing, "self_closing": self_closing,
                "named": named, "positional": tuple(positional), "line": self.line_at(start)}


@dataclass
class _Frame:
    opening: dict[str, Any]
    markdown: bool
    start: int  # offset of the opening tag
    inner_start: int
    nodes: list[Node] = field(default_factory=list)


def _comment_end(text: str, pos: int, kind: str) -> int:
    """End of a `{{</* … */>}}` shortcode comment (Hugo's way to show a shortcode literally)."""
    found = re.compile(r"\*/\s*" + re.escape(_CLOSERS[kind]) + r"\}\}").search(text, pos)
    return found.end() if found else -1


def parse_shortcodes(text: str, paired: Mapping[str, bool]) -> list[Node]:
    """Split `text` into text and shortcode nodes. `paired` maps every known shortcode name to
    whether it takes inner content; an unknown name is a ShortcodeSyntaxError."""
    lexer = _Lexer(text, paired)
    card_is_leaf = paired.get("matomeQuote") is False
    root: list[Node] = []
    stack: list[_Frame] = []
    pos = 0
    while (found := _OPEN_OR_LEAF.search(text, pos)) is not None:
        start = found.start()
        nodes = stack[-1].nodes if stack else root
        if start > pos:
            nodes.append(text[pos:start])
        if found[1] is not None and card_is_leaf:
            body, user, created_at, color = found.group(1, 2, 3, 4)  # in _CARD_PARAMS order
            named = {"body": body, "userName": user, "createdAt": created_at, "color": color}
            # tuple.__new__: the NamedTuple's own __new__ is a Python call, at 94k cards.
            nodes.append(tuple.__new__(Shortcode, ("matomeQuote", False, named, (),
                                                   lexer.line_at(start), None, "", found[0])))
            pos = found.end()
            continue
        name = found[5] or found[7]
        if name and paired.get(name) is False:
            # The bulk of the rest: a whole leaf shortcode in one match.
            markdown = found[5] is None
            params = found[8] if markdown else found[6]
            nodes.append(Shortcode(name, markdown, dict(_PLAIN_PARAM.findall(params)), (),
                                   lexer.line_at(start), None, "", found[0]))
            pos = found.end()
            continue
        kind = text[start + 2]
        comment_start = lexer.skip_space(start + 3)
        if text.startswith("/*", comment_start):
            end = _comment_end(text, comment_start, kind)
            if end < 0:
                raise lexer.fail("shortcode comment {{" + kind + "/* is never closed", start)
            literal = text[comment_start + 2 : end - 3].rstrip()
            nodes.append("{{" + kind + literal.removesuffix("*/") + _CLOSERS[kind] + "}}")
            pos = end
            continue
        parts, end = _plain_tag(text, start, kind, lexer) or lexer.tag(start, kind)
        pos = end
        _place(parts, kind, start, end, text, lexer, root, stack)
    if stack:
        frame = stack[-1]
        raise ShortcodeSyntaxError(
            f"shortcode {frame.opening['name']!r} is opened here but never closed",
            frame.opening["line"],
            hint=f"add {{{{< /{frame.opening['name']} >}}}} after its content")
    if pos < len(text):
        root.append(text[pos:])
    return [node for node in root if node != ""]


def _plain_tag(text: str, start: int, kind: str,
               lexer: _Lexer) -> tuple[dict[str, Any], int] | None:
    close = _CLOSERS[kind]
    found = _PLAIN_OPEN.match(text, start)
    if found and found.group(4) == close:
        named = dict(_PLAIN_PARAM.findall(found.group(3)))
        return lexer.parts(found.group(2), False, False, named, [], start), found.end()
    found = _PLAIN_CLOSE.match(text, start)
    if found and found.group(3) == close:
        return lexer.parts(found.group(2), True, False, {}, [], start), found.end()
    return None


def _place(parts: dict[str, Any], kind: str, start: int, end: int, text: str, lexer: _Lexer,
           root: list[Node], stack: list[_Frame]) -> None:
    name = parts["name"]
    nodes = stack[-1].nodes if stack else root
    if parts["closing"]:
        if not stack or stack[-1].opening["name"] != name:
            open_name = stack[-1].opening["name"] if stack else None
            hint = f"the open shortcode is {open_name!r}" if open_name else "nothing is open"
            raise ShortcodeSyntaxError(
                f"closing shortcode {name!r} does not match an open shortcode", parts["line"], hint)
        frame = stack.pop()
        inner = tuple(node for node in frame.nodes if node != "")
        parent = stack[-1].nodes if stack else root
        parent.append(_make(frame.opening, frame.markdown, inner,
                            text[frame.inner_start:start], text[frame.start:end]))
        return
    if name not in lexer.paired:
        raise ShortcodeSyntaxError(
            f"unknown shortcode {name!r}", parts["line"],
            hint="known shortcodes: " + ", ".join(sorted(lexer.paired)) +
                 "; add a template templates/shortcodes/<name>.html for a new one")
    if lexer.paired[name] and not parts["self_closing"]:
        stack.append(_Frame(parts, kind == "%", start, end))
        return
    inner = () if parts["self_closing"] and lexer.paired[name] else None
    nodes.append(_make(parts, kind == "%", inner, "", text[start:end]))


def _make(parts: dict[str, Any], markdown: bool, inner: tuple[Node, ...] | None,
          inner_source: str, source: str) -> Shortcode:
    return Shortcode(name=parts["name"], markdown=markdown, named=parts["named"],
                     positional=parts["positional"], line=parts["line"], inner=inner,
                     inner_source=inner_source, source=source)
