"""Recording what an output reads.

Everything a template, a feed or a shortcode learns about the site comes from a *query*: a
method of the site's read API (site/view.py) marked with `@query`. Each call of a query, while
a recording is active, adds the query's key and a digest of its answer to the recording. So
an output renders inside `recording()`, and what it read is known without anyone listing it:
a template that starts reading something new records it the first time it renders.

A later build asks the same queries of its own site (`answers_same`); an output whose every
recorded answer is unchanged would render to the same bytes, and is kept."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Key = tuple[Any, ...]  # (query name, *arguments)
Reads = dict[Key, bytes]  # what one output read: query key -> digest of the answer
MISSING = b"missing"  # the digest of an answer that is an error (a `ref` to no page)
DIGEST_SIZE = 16

_recordings: list[Reads] = []  # the active recordings, innermost last
QUERIES: set[str] = set()  # names of every @query method

Method = TypeVar("Method", bound=Callable[..., Any])


@contextmanager
def recording() -> Iterator[Reads]:
    """Record the queries answered inside the block (and inside nested recordings)."""
    reads: Reads = {}
    _recordings.append(reads)
    try:
        yield reads
    finally:
        _recordings.pop()


def record(key: Key, digest: bytes) -> None:
    for reads in _recordings:
        reads[key] = digest


def query(method: Method) -> Method:
    """Mark a method of a site view as a query: its answer is computed once per view (the
    view's `answers` table), and every call is recorded with the answer's digest."""
    name = method.__name__
    QUERIES.add(name)

    @functools.wraps(method)
    def answered(view: Any, *arguments: Any) -> Any:
        key = (name, *arguments)
        found = view.answers.get(key)
        if found is None:
            value = method(view, *arguments)
            found = view.answers[key] = (value, digest_of(value), key)
        if _recordings:
            record(found[2], found[1])  # one key object per query: shared by the records
        return found[0]

    return answered  # type: ignore[return-value]


def answer_digest(view: Any, key: Key) -> bytes:
    """The digest of `view`'s answer to a recorded query; MISSING when it fails (the page a
    `ref` named is gone) or the query no longer exists."""
    name, *arguments = key
    if name not in QUERIES:
        return MISSING
    try:
        getattr(view, name)(*arguments)
    except (LookupError, TypeError, ValueError):
        return MISSING
    return view.answers[key][1]


def answers_same(view: Any, reads: Iterable[tuple[Key, bytes]]) -> bool:
    answers = view.answers
    for key, digest in reads:
        found = answers.get(key)  # most queries were asked already, by another output
        if (found[1] if found is not None else answer_digest(view, key)) != digest:
            return False
    return True


# --------------------------------------------------------------------------- digests

# repr of an object that shows no content ('<Foo object at 0x7f..>', functions, methods)
_OPAQUE = re.compile(r" at 0x[0-9a-fA-F]+>")


class Opaque(TypeError):
    """A value whose repr does not show its content: it cannot be a query's answer."""


class Digested:
    """The base of an answer that carries the digest of everything it holds, made once with
    it (`digest`): a rendered body, whose HTML is long and was digested when it was rendered.
    digest_of takes that digest as it is."""

    __slots__ = ()
    digest: bytes


def digest_of(value: Any) -> bytes:
    """A digest of everything in `value`, a query's answer: plain data (strings, numbers,
    dates, tuples, dicts, frozen dataclasses of those), whose repr shows all of it, or a
    `Digested`. A dataclass instance is digested once per build (posts and terms are shared
    by many answers), so a tuple holding them is digested part by part; any other tuple is
    plain data, digested whole."""
    if isinstance(value, Digested):
        return value.digest
    if type(value) is tuple:
        if any(hasattr(part, "__dataclass_fields__") or isinstance(part, Digested)
               for part in value):
            return _hash(b"(" + b"".join(map(digest_of, value)))
        return _hash(_text(value).encode("utf-8", "surrogatepass"))
    if not hasattr(value, "__dataclass_fields__"):
        return _hash(_text(value).encode("utf-8", "surrogatepass"))
    found = _remembered.get(id(value))
    if found is None or found[0] is not value:  # kept with the value: its id is not reused
        text = _text(value).encode("utf-8", "surrogatepass")
        found = _remembered[id(value)] = (value, _hash(text))
    return found[1]


_remembered: dict[int, tuple[Any, bytes]] = {}


def forget_remembered() -> None:
    """Drop the digests of one build's objects (a serve process builds many times)."""
    _remembered.clear()


def _text(value: Any) -> str:
    text = repr(value)
    if _OPAQUE.search(text):
        raise Opaque(f"a query answered with a value that shows no content: {text[:80]}")
    return text


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()
