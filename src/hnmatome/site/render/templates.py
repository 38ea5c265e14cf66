"""The Jinja environment for the site's page templates (templates/*.html).

Autoescape is on everywhere: titles, tags and comment text come from HN and an LLM. Undefined
names are errors, so a typo in a template fails the build with the template's file and line
instead of quietly rendering an empty string.

A context value may be `Lazy`: it is computed when a template first reads its name, so a page
reads (and its build records) only what its templates use."""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from hnmatome.core.errors import UserError
from hnmatome.site.markup.phrases import phrases_filter
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


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_rfc822(value: datetime) -> str:
    """'Mon, 10 Feb 2025 08:38:56 +0900', for RSS (RFC 822 names are English whatever the
    locale; a date without an offset says -0000, as email.utils does)."""
    zone = value.strftime("%z") or "-0000"
    return (f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} "
            f"{value.year:04d} {value.hour:02d}:{value.minute:02d}:{value.second:02d} {zone}")


class _RecordingEnvironment(jinja2.Environment):
    """An environment that tells `on_load` every template a render loads: the page's own,
    and every one it extends, includes or imports (Jinja's compiled templates load them
    through get_template, a documented method to override). So what a page is made of is
    known as it renders, without reading the templates apart."""

    on_load: Callable[[str], object] = staticmethod(lambda name: None)

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        template = super().get_template(name, parent, globals)
        if template.name is not None:
            self.on_load(template.name)
        return template


class Templates:
    """The page templates of one directory. Compiled templates are kept in `compiled_dir`
    between runs (Jinja's own bytecode cache), when given. `on_load(name)` is called for
    every template a render loads (the site view records it: SiteView.template). `phrased`:
    texts already cut between phrases, by text (the `phrases` filter cuts others itself)."""

    def __init__(self, directory: Path, compiled_dir: Path | None = None,
                 on_load: Callable[[str], object] | None = None,
                 phrased: Mapping[str, str] | None = None) -> None:
        self.directory = directory
        self.env = _RecordingEnvironment(
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
        if on_load is not None:
            self.env.on_load = on_load
        self.env.context_class = LazyContext
        self.env.filters.update(date_ja=date_ja, date_short=date_short, date_iso=date_iso,
                                month_label=month_label,
                                phrases=phrases_filter(phrased or {}))

    def load_all(self) -> None:
        """Load (compile, or read compiled) every page template now: before workers fork,
        so they share them. A broken template is reported when a page renders it."""
        for name in self.env.list_templates(filter_func=lambda name: not name.startswith(
                "shortcodes/")):
            with contextlib.suppress(jinja2.TemplateError, UnicodeDecodeError):
                self.env.get_template(name)

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise UserError(f"template error: {exc.message}", exc.filename or self._path(name),
                            exc.lineno, hint="fix the Jinja syntax on that line") from exc
        except jinja2.TemplateNotFound as exc:
            raise UserError(f"template {exc.name!r} not found", self.directory,
                            hint="restore it from the hnmatome repository's templates/") from exc
        except jinja2.TemplateError as exc:
            path, line = self._failing_line(name)
            raise UserError(f"template error: {exc}", path, line,
                            hint="docs/reader-features.md lists the names each template is "
                                 "given") from exc

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
