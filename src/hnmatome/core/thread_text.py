"""Key changes made to the *text* of a thread file, the way a person would make them in an
editor, so the file keeps its layout: the other lines, `# comments`, blank lines, key order and
quoting stay exactly as they were.

The text is composed with PyYAML (`yaml.compose`), whose nodes know where each key and value
start and end, so a value spanning several lines (a `|` block, a block or flow list) is found
whole. A key that is set replaces everything from its name to the end of its value's last line;
a missing key is inserted on its own line after the key that comes before it in the canonical
order (`thread_yaml.THREAD_KEYS` / `COMMENT_KEYS`), or at the end of its mapping; a deleted key
loses its lines. Values are written by the dumper `thread_yaml.dumps` uses, so an edit made here
looks like one made by fetch or translate.

A `# comment` ending the first line of a replaced key (or the last line of a one-line value) is
kept, moved to the end of the new value's first line; comments inside a replaced multi-line value
and on the lines of a deleted key go with them. Layouts this cannot edit line by line (flow
mappings such as `{id: 1, ja: …}`, aliases, a key sharing a line with the `- ` of a list item
that is to be deleted) raise `UnusualLayout`; `edited` then writes the whole file instead.

Every program edit of a thread file comes through here: the studio's saves (review/thread_edit.py)
and `publish` (convert/publish.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError

# The C composer gives the same marks (character indexes) as the Python one, only faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The dumper of thread files (multi-line strings as `|` blocks, unicode kept): an edit made here
# must look like what `fetch` and `translate` write. It is private to core/thread_yaml only
# because nothing outside the project should depend on it.
_Dumper = thread_yaml._Dumper

_AFTER_KEY_COMMENT = re.compile(r"[ \t]*:([ \t]+#.*)")  # `tags:  # note`
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*([ \t]+#.*)")  # `ja: |-  # note`
_TRAILING_COMMENT = re.compile(r"([ \t]+#.*)")  # `include: false  # note`
_BLOCK_INDICATORS = re.compile(r"[|>][-+0-9]*")


class UnusualLayout(Exception):
    """The text cannot be edited line by line; the caller writes the whole file instead."""


@dataclass(frozen=True)
class _Entry:
    key: str
    column: int  # where the key starts on its line: the mapping's indentation
    start: int  # index of the key's first character
    end: int  # index of the line break ending the entry's last line (or len(text))
    comment: str  # a `# comment` ending its first or only line, with the blanks before it


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str
    order: tuple[int, int]  # at one place: insertions first, in canonical key order


def edit_text(text: str, thread: Mapping[str, Any],
              comments: Mapping[int, Mapping[str, Any]], *, quoted: bool = False) -> str:
    """`text` with the thread keys `thread` and, per position in its `comments` list, the comment
    keys `comments` set (None: deleted). `quoted` writes strings in double quotes, on one line,
    for values whose natural block style does not fit where they go (`|+` before a blank line).
    The caller checks that the result loads as intended: this works on the text alone."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise UnusualLayout(str(exc)) from exc
    newline = "\r\n" if "\r\n" in text else "\n"
    splices = _mapping_splices(text, root, thread, thread_yaml.THREAD_KEYS, newline, quoted)
    if comments:
        items = _value_of(root, "comments")
        if not isinstance(items, yaml.SequenceNode) or items.flow_style is True:
            raise UnusualLayout("the comments are not a block list")
        for index, changes in comments.items():
            if not 0 <= index < len(items.value):
                raise UnusualLayout(f"no comment at position {index}")
            splices += _mapping_splices(text, items.value[index], changes,
                                        thread_yaml.COMMENT_KEYS, newline, quoted)
    return _apply(text, splices)


def edited(text: str, thread: Mapping[str, Any], comments: Mapping[int, Mapping[str, Any]],
           expected: Mapping[str, Any], path: Path | str = "<string>") -> str:
    """`text` with the keys changed as `edit_text` changes them, checked to load as `expected`
    (the thread as it must be afterwards). When no line edit gives that (an unusual layout),
    the whole file is written from `expected`: every value kept, its comments not."""
    for quoted in (False, True):  # double quotes fit anywhere a `|+` block might not
        try:
            result = edit_text(text, thread, comments, quoted=quoted)
            if thread_yaml.loads(result, path) == expected:
                return result
        except (UnusualLayout, UserError):
            continue  # the layout defeats a line edit: try the next way
    return thread_yaml.dumps(dict(expected))


def _value_of(mapping: yaml.Node, key: str) -> yaml.Node | None:
    found = None
    for key_node, value_node in mapping.value:  # the last one wins, as when the file is loaded
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = value_node
    return found


def _mapping_splices(text: str, node: yaml.Node | None, changes: Mapping[str, Any],
                     order: tuple[str, ...], newline: str, quoted: bool) -> list[_Splice]:
    if not changes:
        return []
    if not isinstance(node, yaml.MappingNode) or node.flow_style is True or not node.value:
        raise UnusualLayout("not a block mapping")
    entries = [_entry(text, key, value) for key, value in node.value]
    by_key = {entry.key: entry for entry in entries}  # the last one wins, as when loaded
    indent = " " * entries[0].column

    def rank(key: str) -> int:
        return order.index(key) if key in order else len(order)

    splices = []
    for key, value in changes.items():
        entry = by_key.get(key)
        if entry is None and value is not None:
            at, lead = _insertion_point(text, entries, rank(key), rank, newline)
            lines = _entry_lines(key, value, quoted)
            body = newline.join([indent + lines[0], *_indented(lines[1:], indent)])
            splices.append(_Splice(at, at, lead + body + newline, (0, rank(key))))
        elif entry is not None and value is None:
            splices.append(_deletion(text, entry))
        elif entry is not None:
            lines = _entry_lines(key, value, quoted)
            body = newline.join([lines[0] + entry.comment, *_indented(lines[1:], indent)])
            splices.append(_Splice(entry.start, entry.end, body, (1, 0)))
    return splices


def _entry(text: str, key: yaml.Node, value: yaml.Node) -> _Entry:
    if not isinstance(key, yaml.ScalarNode) or key.start_mark.line != key.end_mark.line:
        raise UnusualLayout("a key that is not a plain one-line name")
    last = _last_index(text, value)
    if value.start_mark.index < key.end_mark.index or last < key.end_mark.index:
        raise UnusualLayout(f"`{key.value}` is an alias of a value written elsewhere")
    end = _line_end(text, last)
    return _Entry(key.value, key.start_mark.column, key.start_mark.index, end,
                  _kept_comment(text, key, value, end))


def _is_block_collection(node: yaml.Node) -> bool:
    return isinstance(node, yaml.CollectionNode) and node.flow_style is not True


def _is_block_scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


def _last_index(text: str, node: yaml.Node) -> int:
    """Index of the last character that belongs to `node`'s value."""
    if _is_block_collection(node) and node.value:
        last = node.value[-1]
        return _last_index(text, last[1] if isinstance(node, yaml.MappingNode) else last)
    start, end = node.start_mark.index, node.end_mark.index
    if _is_block_scalar(node):
        indicators = _BLOCK_INDICATORS.match(text, start)
        if indicators is None or "+" not in indicators.group():
            # A block ends where the next key starts: the blank lines before that are layout,
            # not value (unless `+` keeps them), so they are left where they are.
            while end - 1 > start and text[end - 1] in " \t\r\n":
                end -= 1
    return max(end - 1, start)


def _kept_comment(text: str, key: yaml.Node, value: yaml.Node, end: int) -> str:
    key_line_end = _line_end(text, key.start_mark.index)
    if _is_block_collection(value):
        found = _AFTER_KEY_COMMENT.fullmatch(text, key.end_mark.index, key_line_end)
    elif _is_block_scalar(value):
        found = _BLOCK_HEADER_COMMENT.fullmatch(text, value.start_mark.index, key_line_end)
    else:
        found = _TRAILING_COMMENT.fullmatch(text, value.end_mark.index, end)
    return found.group(1) if found else ""


def _entry_lines(key: str, value: Any, quoted: bool) -> list[str]:
    """`key: value` as the thread dumper writes it, one string per line, unindented."""
    if quoted and isinstance(value, str):
        scalar = yaml.dump(value, Dumper=_Dumper, default_style='"', allow_unicode=True,
                           width=1_000_000)
        return [f"{key}: {scalar.splitlines()[0]}"]
    dumped = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                       default_flow_style=False, width=1_000_000)
    lines = dumped.split("\n")[:-1]
    if lines[-1] == "...":  # the document end the dumper adds after a `|+` block
        lines.pop()
    return lines


def _indented(lines: list[str], indent: str) -> list[str]:
    # An empty line of a block scalar needs no indentation, and trailing blanks are noise.
    return [indent + line if line else line for line in lines]


def _insertion_point(text: str, entries: list[_Entry], rank: int,
                     rank_of: Callable[[str], int], newline: str) -> tuple[int, str]:
    """Where a missing key of this rank goes: after the entry just before the first one that
    comes after it in the canonical order (so a comment line above that one stays with it),
    or after the last entry; and the line break to put first when the text lacks one there."""
    later = next((i for i, entry in enumerate(entries) if rank_of(entry.key) > rank),
                 len(entries))
    if later == 0:
        raise UnusualLayout("a key before the first one")
    at = _next_line(text, entries[later - 1].end)
    lead = newline if at == len(text) and text and not text.endswith("\n") else ""
    return at, lead


def _deletion(text: str, entry: _Entry) -> _Splice:
    line_start = text.rfind("\n", 0, entry.start) + 1
    if text[line_start:entry.start].strip():
        raise UnusualLayout(f"`{entry.key}` shares its line with the list item's `- `")
    return _Splice(line_start, _next_line(text, entry.end), "", (1, 0))


def _line_end(text: str, index: int) -> int:
    """Index of the line break (`\\n`, or the `\\r` of `\\r\\n`) ending the line of `index`."""
    end = text.find("\n", index)
    if end < 0:
        return len(text)
    return end - 1 if end - 1 >= index and text[end - 1] == "\r" else end


def _next_line(text: str, end: int) -> int:
    found = text.find("\n", end)
    return len(text) if found < 0 else found + 1


def _apply(text: str, splices: list[_Splice]) -> str:
    out: list[str] = []
    at = 0
    for splice in sorted(splices, key=lambda s: (s.start, s.order)):
        if splice.start < at:
            raise UnusualLayout("two changes overlap")
        out += [text[at:splice.start], splice.text]
        at = splice.end
    out.append(text[at:])
    return "".join(out)
