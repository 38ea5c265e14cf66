"""Digests of values and of the code, for the build cache.

A value's digest covers all of it (every dataclass field, every item, a closure's cells); a
value of a type not known here cannot be fingerprinted (`Unfingerprintable`), and whatever
depends on it is simply made again every time. (What templates read of their context is in
template_deps.py.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path, PurePath
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

DIGEST_SIZE = 16
# Libraries whose behaviour shapes the output: a new version may render differently.
RENDERING_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins",
                       "linkify-it-py", "pygments", "nh3", "pyyaml", "pagefind",
                       "pagefind-bin-extended")


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
        text = _plain_text(value, kind)
        if text is None:
            text = SEPARATOR.join(self._parts(value))
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


_PLAIN = frozenset({int, float, bool, type(None)})
_PLAIN_OR_STR = _PLAIN | {str}
SEPARATOR = "\x1f"
_OPENERS = {tuple: "(", list: "["}


def _plain_text(value: Any, kind: type) -> str | None:
    """What Digester._parts joins for a tuple, list or dict of nothing but str, int, float,
    bool and None (their reprs), made at once; None for anything else. Most digested
    containers are such (file digests, heads), and the general walk costs 3x more."""
    if kind is dict:
        if _PLAIN_OR_STR.issuperset(map(type, value)) and _PLAIN_OR_STR.issuperset(
                map(type, value.values())):
            return SEPARATOR.join(["{", *map(repr, chain.from_iterable(value.items()))])
        return None
    opener = _OPENERS.get(kind)
    if opener is not None and _PLAIN_OR_STR.issuperset(map(type, value)):
        return SEPARATOR.join([opener, *map(repr, value)])
    return None


# --------------------------------------------------------------------------- code


@functools.cache
def code_fingerprint() -> bytes:
    """The hnmatome source, the Python version and the versions of the rendering libraries:
    a new release (or a local edit of the code) never reuses pages the old code rendered."""
    package = Path(__file__).resolve().parent
    parts = [sys.version.encode()]
    for relative in source_files(package):
        parts += [relative.encode(), (package / relative).read_bytes()]
    versions = library_versions(RENDERING_LIBRARIES)
    parts += [f"{name}={versions[name]}".encode() for name in RENDERING_LIBRARIES]
    return digest_bytes(*parts)


SOURCE_SUFFIXES = (".py", ".txt", ".md")


def source_files(package: Path) -> list[str]:
    """The files of `package` the code fingerprint covers, relative (posix): those with a
    SOURCE_SUFFIXES suffix outside __pycache__ folders, in the order of their sorted Paths
    (part by part). os.walk and strings, as every build pays for this: sorting Paths and
    globbing through __pycache__ cost several times more."""
    if "__pycache__" in package.parts:
        return []
    found = []
    for folder, folders, files in os.walk(package):
        folders[:] = [name for name in folders if name != "__pycache__"]
        prefix = Path(folder).relative_to(package).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        found += [prefix + name for name in files if _suffix(name) in SOURCE_SUFFIXES
                  and os.path.isfile(os.path.join(folder, name))]
    return sorted(found, key=lambda relative: relative.split("/"))


def _suffix(name: str) -> str:
    """PurePath(name).suffix."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def library_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed versions by distribution name ('none' when missing), read from the
    *.dist-info folder names on sys.path as importlib.metadata finds them (first on the
    path wins); importing importlib.metadata alone costs a build 30-100 ms."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith((".dist-info", ".egg-info")):
                name, _, version = entry.rsplit(".", 1)[0].partition("-")
                found.setdefault(_normal(name), version)
    return {name: found.get(key, "none") for key, name in wanted.items()}


def _normal(name: str) -> str:
    """PEP 503 normalisation, with the underscores dist-info folder names use."""
    return re.sub(r"[-_.]+", "_", name).lower()
