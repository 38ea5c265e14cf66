"""What rendering a template reads: its files and the parts of its context it uses.

A template's dependencies are read from its syntax tree and the trees of every template it
extends, includes or imports. A context name used only through constant attribute paths
(`entry.title`, `pager.total`) or only for its truth (`{% if older %}`) depends on just those
parts; any other use (iterating it, passing it to a macro, calling a method) depends on the
whole value. Reading more than a template needs is safe; reading less never happens: every
read of a free name is found in the trees."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes

from .fingerprint import MISSING, NOT_FOUND, SEPARATOR, TRUTH, Digester, digest_bytes


@dataclass(frozen=True)
class TemplateUse:
    """What rendering one template reads: its files and the parts of the context it uses."""

    files: bytes  # digest of every template file it is made of
    uses: Mapping[str, frozenset[tuple[str, ...]]]  # name -> paths; () means the whole value

    def context_digest(self, context: Mapping[str, Any], digester: Digester) -> bytes:
        parts = [self.files.hex()]
        for name, paths in self._sorted_uses:
            parts.append(name)
            value = context.get(name, NOT_FOUND)
            if value is NOT_FOUND:
                parts.append(MISSING)
                continue
            for path in paths:
                parts.append(repr(path))
                parts.append(digester.at_path(value, path))
        return digest_bytes(SEPARATOR.join(parts).encode("utf-8", "surrogatepass"))

    @functools.cached_property
    def _sorted_uses(self) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
        return tuple((name, tuple(sorted(self.uses[name]))) for name in sorted(self.uses))


class TemplateAnalysis:
    """Reads templates' syntax trees once per build (templates/ does not change mid-build)."""

    def __init__(self, directory: Path, env: jinja2.Environment,
                 known: dict[str, TemplateUse] | None = None) -> None:
        """`env`: the environment the templates render in (its filters and tests). `known`:
        analyses of these very template files (a build cache keeps them by a digest of
        templates/), filled in as templates are analysed."""
        self.directory = directory
        self._env = env
        self._trees: dict[str, nodes.Template | None] = {}
        self._sources: dict[str, bytes] = {}
        self._uses: dict[str, TemplateUse] = known if known is not None else {}

    def use(self, name: str) -> TemplateUse:
        found = self._uses.get(name)
        if found is None:
            found = self._uses[name] = self._analyse(name)
        return found

    def _tree(self, name: str) -> nodes.Template | None:
        if name not in self._trees:
            path = self.directory / name
            try:
                source = path.read_bytes()
                self._sources[name] = source
                self._trees[name] = self._env.parse(source.decode("utf-8"), name, str(path))
            except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
                self._sources.setdefault(name, b"\x00unreadable")
                self._trees[name] = None  # the render reports it properly
        return self._trees[name]

    def _closure(self, name: str) -> list[str]:
        """`name` and every template it extends, includes or imports, statically; a name
        computed at render time means any template may be used."""
        seen: list[str] = []
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.append(current)
            tree = self._tree(current)
            if tree is None:
                continue
            for referenced in meta.find_referenced_templates(tree):
                if referenced is None:
                    return sorted(set(seen) | set(self._all_templates()))
                pending.append(referenced)
        return seen

    def _all_templates(self) -> Iterable[str]:
        return (path.relative_to(self.directory).as_posix()
                for path in sorted(self.directory.rglob("*")) if path.is_file())

    def _analyse(self, name: str) -> TemplateUse:
        names = sorted(self._closure(name))
        uses: dict[str, set[tuple[str, ...]]] = {}
        for member in names:
            tree = self._tree(member)
            try:
                found = list(_context_uses(tree)) if tree is not None else []
            except jinja2.TemplateError:
                found = []  # the render reports it; an output that fails is never cached
            for key, path in found:
                uses.setdefault(key, set()).add(path)
        files = digest_bytes(*(part for member in names
                               for part in (member.encode(), self._sources[member])))
        return TemplateUse(files, {key: _minimal(paths) for key, paths in uses.items()})


def _minimal(paths: set[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """Drop paths that a shorter path already covers (the whole value covers everything)."""
    kept = set()
    for path in sorted(paths, key=len):
        if not any(path[: len(short)] == short for short in kept):
            kept.add(path)
    return frozenset(kept)


def _context_uses(tree: nodes.Template) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(name, path) for every read of an undeclared name in `tree`. A name a template also
    declares locally (a loop variable, a macro argument) may be counted as a context read too:
    reading more than needed is safe, reading less is not."""
    free = meta.find_undeclared_variables(tree)
    parents: dict[int, nodes.Node] = {}
    for node in _walk(tree, parents):
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in free:
            yield node.name, _access_path(node, parents)


def _walk(tree: nodes.Node, parents: dict[int, nodes.Node]) -> Iterator[nodes.Node]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in node.iter_child_nodes():
            parents[id(child)] = node
            stack.append(child)


def _access_path(node: nodes.Name, parents: dict[int, nodes.Node]) -> tuple[str, ...]:
    path: list[str] = []
    current: nodes.Node = node
    while True:
        parent = parents.get(id(current))
        if isinstance(parent, nodes.Getattr) and parent.node is current:
            path.append(parent.attr)
        elif (isinstance(parent, nodes.Getitem) and parent.node is current
              and isinstance(parent.arg, nodes.Const) and isinstance(parent.arg.value, str)):
            path.append(parent.arg.value)
        else:
            break
        current = parent
    parent = parents.get(id(current))
    if isinstance(parent, nodes.Call) and parent.node is current and path:
        path.pop()  # a method call: the method may read anything of its object
    elif _only_truth(current, parents):
        path.append(TRUTH)
    return tuple(path)


def _only_truth(node: nodes.Node, parents: dict[int, nodes.Node]) -> bool:
    parent = parents.get(id(node))
    if isinstance(parent, (nodes.If, nodes.CondExpr)):
        return parent.test is node
    if isinstance(parent, nodes.Not):
        return True
    if isinstance(parent, (nodes.And, nodes.Or)):
        return _only_truth(parent, parents)  # `a or b` yields a value unless itself a test
    return False


