"""A quick `dataclasses.replace`, and constructor, for the frozen dataclasses builds make
and copy by the thousand (pages without their markdown, entries with their statistics)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, TypeVar

T = TypeVar("T")


def replaced(instance: T, **changes: Any) -> T:
    """`dataclasses.replace(instance, **changes)` for a frozen dataclass with no
    __post_init__ and no slots: its fields copied, some changed, without running __init__
    (a dozen times quicker). Unknown names raise, as replace does."""
    fields = instance.__dict__
    unknown = changes.keys() - fields.keys()
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)[0]!r}")
    copy = object.__new__(type(instance))
    copy.__dict__.update(fields, **changes)
    return copy


def made(made_type: type[T], /, **fields: Any) -> T:
    """`made_type(**fields)` for a frozen dataclass with no __post_init__, every field given,
    without running its __init__ (which sets each field through object.__setattr__: a
    15-field entry is made 3x quicker). A missing or unknown name raises, as __init__ does."""
    names = _field_names(made_type)
    if fields.keys() != names:
        raise TypeError(f"{made_type.__name__} needs exactly the fields {sorted(names)}")
    instance = object.__new__(made_type)
    instance.__dict__.update(fields)
    return instance


@functools.cache
def _field_names(kind: type) -> frozenset[str]:
    return frozenset(field.name for field in dataclasses.fields(kind))
