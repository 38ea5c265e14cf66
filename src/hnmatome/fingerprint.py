"""Fingerprints: short digests of everything an output is made from, for the build cache.

Two rules keep the cache from ever serving a stale page:
- A value's digest covers all of it (every dataclass field, every item, a closure's cells);
  a value of a type not known here cannot be fingerprinted (`Unfingerprintable`), and its
  output is simply rendered every time.
- A template's dependencies are read from its syntax tree (and the trees of every template it
  extends, includes or imports): a context name used only through constant attribute paths
  (`entry.title`, `pager.total`) or only for its truth (`{% if older %}`) depends on just those
  parts; any other use depends on the whole value.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import hashlib
import importlib.metadata
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
from jinja2 import meta, nodes

DIGEST_SIZE = 16
# Libraries whose behaviour shapes the output: a new version may render differently.
RENDERING_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins",
                       "linkify-it-py", "pygments", "nh3", "pyyaml")
TRUTH = "<truth>"  # pseudo attribute: the value is only tested for truth


class Unfingerprintable(TypeError):
    """A value whose content cannot be digested (its output is never taken from the cache)."""


def digest_bytes(*parts: bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


# --------------------------------------------------------------------------- values


class Digester:
    """Digests of values. Dataclass instances and tuples are remembered by identity (with a
    reference, so an id is never reused while remembered): the site model is shared by every
    output of a build, so each entry is digested once.

    A value is encoded as text: primitives by their repr (which escapes every control
    character, so the separator below never occurs inside one), containers as a hash of their
    parts joined by the separator."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, str]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def of(self, value: Any) -> bytes:
        return digest_bytes(self._encode(value).encode("utf-8", "surrogatepass"))

    def _encode(self, value: Any) -> str:
        kind = type(value)
        if kind is str or kind in _PLAIN:
            return repr(value)
        remembered = self._memo.get(id(value))
        if remembered is not None and remembered[0] is value:
            return remembered[1]
        if isinstance(value, str):  # Markup escapes differently from str in a template
            return ("M" if hasattr(value, "__html__") else "S") + repr(str(value))
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            return f"T{value.isoformat()}|{getattr(value, 'tzinfo', None)!s}"
        if isinstance(value, (bytes, PurePath)):
            return f"{kind.__name__}{value!r}"
        text = _SEPARATOR.join(self._parts(value))
        encoded = "#" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                        digest_size=DIGEST_SIZE).hexdigest()
        if kind is tuple or kind in self._fields or dataclasses.is_dataclass(value):
            self._memo[id(value)] = (value, encoded)
        return encoded

    def _parts(self, value: Any) -> Iterator[str]:
        kind = type(value)
        names = self._fields.get(kind)
        if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            yield kind.__qualname__
            for name in names:
                yield self._encode(getattr(value, name))
        elif isinstance(value, (list, tuple)):
            yield "[" if isinstance(value, list) else "("
            yield from map(self._encode, value)
        elif isinstance(value, Mapping):
            yield "{"
            for key, item in value.items():  # in order: a template may iterate it
                yield self._encode(key)
                yield self._encode(item)
        elif isinstance(value, (set, frozenset)):
            yield "set"
            yield from sorted(map(self._encode, value))
        elif callable(value):
            yield from self._callable(value)
        else:
            raise Unfingerprintable(f"cannot fingerprint a {type(value).__qualname__}")

    def _callable(self, value: Callable[..., Any]) -> Iterator[str]:
        # The code itself is covered by code_fingerprint(); what varies is the data it sees.
        if isinstance(value, MethodType):
            yield "method:" + value.__func__.__qualname__
            yield self._encode(value.__self__)
        elif isinstance(value, FunctionType):
            yield f"function:{value.__module__}.{value.__qualname__}"
            for cell in value.__closure__ or ():
                yield self._encode(cell.cell_contents)
            for default in value.__defaults__ or ():
                yield self._encode(default)
        elif isinstance(value, BuiltinFunctionType):
            owner = getattr(value, "__self__", None)
            if owner is not None and not isinstance(owner, type(sys)):
                raise Unfingerprintable(f"cannot fingerprint the bound builtin {value!r}")
            yield f"builtin:{value.__module__}.{value.__qualname__}"
        else:
            raise Unfingerprintable(f"cannot fingerprint the callable {value!r}")

    def at_path(self, value: Any, path: tuple[str, ...]) -> str:
        """Encoding of the part of `value` a template reaches through `path` (Jinja's lookup
        rules: attribute, else item)."""
        for step in path:
            if step == TRUTH:
                return "truth:1" if value else "truth:0"
            value = _jinja_lookup(value, step)
            if value is _NOT_FOUND:
                return _MISSING
        return self._encode(value)


_PLAIN = frozenset({int, float, bool, type(None)})
_SEPARATOR = "\x1f"
_MISSING = "<missing>"
_NOT_FOUND = object()


def _jinja_lookup(value: Any, step: str) -> Any:
    try:
        return getattr(value, step)
    except AttributeError:
        pass
    try:
        return value[step]
    except (TypeError, LookupError, AttributeError):
        return _NOT_FOUND


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class TemplateUse:
    """What rendering one template reads: its files and the parts of the context it uses."""

    files: bytes  # digest of every template file it is made of
    uses: Mapping[str, frozenset[tuple[str, ...]]]  # name -> paths; () means the whole value

    def context_digest(self, context: Mapping[str, Any], digester: Digester) -> bytes:
        parts = [self.files.hex()]
        for name, paths in self._sorted_uses:
            parts.append(name)
            value = context.get(name, _NOT_FOUND)
            if value is _NOT_FOUND:
                parts.append(_MISSING)
                continue
            for path in paths:
                parts.append(repr(path))
                parts.append(digester.at_path(value, path))
        return digest_bytes(_SEPARATOR.join(parts).encode("utf-8", "surrogatepass"))

    @functools.cached_property
    def _sorted_uses(self) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
        return tuple((name, tuple(sorted(self.uses[name]))) for name in sorted(self.uses))


class TemplateAnalysis:
    """Reads templates' syntax trees once per build (templates/ does not change mid-build)."""

    def __init__(self, directory: Path, env: jinja2.Environment) -> None:
        """`env`: the environment the templates render in (its filters and tests)."""
        self.directory = directory
        self._env = env
        self._trees: dict[str, nodes.Template | None] = {}
        self._sources: dict[str, bytes] = {}
        self._uses: dict[str, TemplateUse] = {}

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


# --------------------------------------------------------------------------- code


@functools.cache
def code_fingerprint() -> bytes:
    """The hnmatome source, the Python version and the versions of the rendering libraries:
    a new release (or a local edit of the code) never reuses pages the old code rendered."""
    package = Path(__file__).resolve().parent
    parts = [sys.version.encode()]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".md") and "__pycache__" not in \
                path.parts:
            parts += [path.relative_to(package).as_posix().encode(), path.read_bytes()]
    for name in RENDERING_LIBRARIES:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=none".encode())
    return digest_bytes(*parts)
