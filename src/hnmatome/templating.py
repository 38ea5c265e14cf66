"""The Jinja environment for the site's page templates (templates/*.html).

Autoescape is on everywhere: titles, tags and comment text come from HN and an LLM. Undefined
names are errors, so a typo in a template fails the build with the template's file and line
instead of quietly rendering an empty string."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from hnmatome import template_fragments
from hnmatome.core.errors import UserError
from hnmatome.core.writer import replace_file
from hnmatome.taxonomy import month_label
from hnmatome.template_fragments import SharedFragments, shared_fragments
from hnmatome.template_runtime import quicken

WEEKDAYS_JA = "月火水木金土日"


def _cached_by_wall_time(
        format_date: Callable[[datetime], str]) -> Callable[[datetime | None], str]:
    """`format_date`, remembered: list pages and feeds format the same few thousand dates over
    and over. Keyed by the UTC offset too: two datetimes of one instant in different zones
    are equal (and hash alike) but print differently."""
    cached = functools.lru_cache(maxsize=1 << 14)(lambda value, _offset: format_date(value))

    @functools.wraps(format_date)
    def formatted(value: datetime | None) -> str:
        if not value:
            return ""
        return cached(value, value.utcoffset() if isinstance(value, datetime) else None)

    return formatted


@_cached_by_wall_time
def date_ja(value: datetime) -> str:
    """'2025年2月10日'."""
    return f"{value.year}年{value.month}月{value.day}日"


@_cached_by_wall_time
def date_short(value: datetime) -> str:
    """'2025/02/10', for dense lists."""
    if value.year >= 1000:  # strftime's %Y has four digits then; the f-string is 3x quicker
        return f"{value.year}/{value.month:02d}/{value.day:02d}"
    return value.strftime("%Y/%m/%d")


@_cached_by_wall_time
def date_iso(value: datetime) -> str:
    return value.isoformat()


@_cached_by_wall_time
def date_rfc822(value: datetime) -> str:
    """'Mon, 10 Feb 2025 08:38:56 +0900', for RSS: email.utils.format_datetime, whose import
    (with the socket module) is ~9 ms of a one-post rebuild; strftime in the C locale that
    Python keeps for dates says the same for an aware date of a four-digit year."""
    if value.tzinfo is None or value.year < 1000:
        from email.utils import format_datetime

        return format_datetime(value)
    return value.strftime("%a, %d %b %Y %H:%M:%S %z")


class Templates:
    """Loads templates from one directory. Pickles as just the directory (a worker process
    rebuilds its own environment), so it can travel with a render job."""

    def __init__(self, directory: Path, compiled_dir: Path | None = None) -> None:
        """`compiled_dir`: where compiled templates are kept between runs (the build cache);
        compiling the templates costs a fifth of a second per process."""
        self.directory = directory
        self.compiled_dir = compiled_dir
        self._env: jinja2.Environment | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"directory": self.directory, "compiled_dir": self.compiled_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"], state.get("compiled_dir"))  # type: ignore[misc]

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            self._env = self._make_env()
        return self._env

    def _make_env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.directory),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            keep_trailing_newline=True,
            bytecode_cache=CompiledTemplates(self.compiled_dir) if self.compiled_dir else None,
            extensions=[SharedFragments],
        )
        env.filters.update(date_ja=date_ja, date_short=date_short, date_iso=date_iso,
                           month_label=month_label)
        return quicken(env)

    def render(self, name: str, context: dict[str, Any], scope: object = None) -> str:
        """`scope`: an object that stays the same while the site-wide values of the contexts
        do (the site model); {% shared %} fragments are reused within it."""
        try:
            template = self.env.get_template(name)
            with shared_fragments(self.env).scope(scope):
                return template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise UserError(f"template error: {exc.message}", exc.filename or self._path(name),
                            exc.lineno) from exc
        except jinja2.TemplateNotFound as exc:
            raise UserError(f"template {exc.name!r} not found", self.directory,
                            hint="restore it from the hnmatome repository's templates/") from exc
        except jinja2.TemplateError as exc:
            path, line = self._failing_line(name)
            raise UserError(f"template error: {exc}", path, line) from exc

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


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates in files, written through the writer. Jinja checks each
    against its template's source and the Python version; the checksum here also covers
    what else shapes the compiled code (the Jinja release, the environment's options in this
    module, the {% shared %} extension), so a stale one is never used."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha1(_compiler_version() + source.encode("utf-8")).hexdigest()

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.directory / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self._path(bucket), "rb") as handle:
                bucket.load_bytecode(handle)
        except OSError:
            pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        buffer = io.BytesIO()
        bucket.write_bytecode(buffer)
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            replace_file(self._path(bucket), buffer.getvalue())


@functools.cache
def _compiler_version() -> bytes:
    parts = [jinja2.__version__.encode()]
    parts += [Path(module).read_bytes() for module in (__file__, template_fragments.__file__)]
    return hashlib.sha1(b"\0".join(parts)).digest()
