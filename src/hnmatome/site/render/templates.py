"""The Jinja environment for the site's page templates (templates/*.html).

Autoescape is on everywhere: titles, tags and comment text come from HN and an LLM. Undefined
names are errors, so a typo in a template fails the build with the template's file and line
instead of quietly rendering an empty string.

A context value may be `Lazy`: it is computed when a template first reads its name, so a page
reads (and its build records) only what its templates use."""

from __future__ import annotations

import hashlib
import sys
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from hnmatome.core.errors import UserError
from hnmatome.site.taxonomy import month_label


class Lazy:
    """A context value made on first read (once per render)."""

    __slots__ = ("_make", "_value")
    _UNSET = object()

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._value: Any = Lazy._UNSET

    def get(self) -> Any:
        if self._value is Lazy._UNSET:
            self._value = self._make()
        return self._value


class LazyContext(jinja2.runtime.Context):
    """A template context that makes Lazy values when they are read (Jinja's documented way
    to change how names resolve: Context.resolve_or_missing)."""

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        return value.get() if type(value) is Lazy else value


def date_ja(value: datetime | None) -> str:
    """'2025年2月10日'."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def date_short(value: datetime | None) -> str:
    """'2025/02/10', for dense lists."""
    return value.strftime("%Y/%m/%d") if value else ""


def date_iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def date_rfc822(value: datetime) -> str:
    """'Mon, 10 Feb 2025 08:38:56 +0900', for RSS."""
    return format_datetime(value)


class Templates:
    """The page templates of one directory. Compiled templates are kept in `compiled_dir`
    between runs (Jinja's own bytecode cache), when given."""

    def __init__(self, directory: Path, compiled_dir: Path | None = None) -> None:
        self.directory = directory
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            keep_trailing_newline=True,
            bytecode_cache=(jinja2.FileSystemBytecodeCache(str(compiled_dir))
                            if compiled_dir else None),
        )
        self.env.context_class = LazyContext
        self.env.filters.update(date_ja=date_ja, date_short=date_short, date_iso=date_iso,
                                month_label=month_label)
        self._digests: dict[str, bytes] = {}

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise UserError(f"template error: {exc.message}", exc.filename or self._path(name),
                            exc.lineno) from exc
        except jinja2.TemplateNotFound as exc:
            raise UserError(f"template {exc.name!r} not found", self.directory,
                            hint="restore it from the hnmatome repository's templates/") from exc
        except jinja2.TemplateError as exc:
            path, line = self._failing_line(name)
            raise UserError(f"template error: {exc}", path, line) from exc

    def files_digest(self, name: str) -> bytes:
        """A digest of `name` and every template it extends, includes or imports (a name
        computed while rendering could be any template: then all of them)."""
        found = self._digests.get(name)
        if found is None:
            digest = hashlib.blake2b(digest_size=16)
            for member in sorted(self._closure(name)):
                digest.update(member.encode() + b"\0" + self._source(member) + b"\0")
            found = self._digests[name] = digest.digest()
        return found

    def _closure(self, name: str) -> set[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for referenced in self._references(current):
                if referenced is None:
                    return seen | set(self._all_templates())
                pending.append(referenced)
        return seen

    def _references(self, name: str) -> Iterable[str | None]:
        try:
            tree = self.env.parse(self._source(name).decode("utf-8"), name)
        except (UnicodeDecodeError, jinja2.TemplateSyntaxError):
            return ()  # rendering it reports the problem
        return meta.find_referenced_templates(tree)

    def _source(self, name: str) -> bytes:
        try:
            return (self.directory / name).read_bytes()
        except OSError:
            return b"\0missing"

    def _all_templates(self) -> list[str]:
        return sorted(path.relative_to(self.directory).as_posix()
                      for path in self.directory.rglob("*") if path.is_file())

    def _path(self, name: str) -> Path:
        return self.directory / name

    def _failing_line(self, name: str) -> tuple[Path, int | None]:
        """The innermost template frame of the exception being handled (Jinja rewrites its
        traceback so those frames carry the template's file name and line)."""
        found: tuple[Path, int | None] = (self._path(name), None)
        for frame, line in traceback.walk_tb(sys.exc_info()[2]):
            filename = frame.f_code.co_filename
            if filename.startswith(str(self.directory)):
                found = (Path(filename), line)
        return found
