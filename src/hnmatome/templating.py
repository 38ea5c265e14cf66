"""The Jinja environment for the site's page templates (templates/*.html).

Autoescape is on everywhere: titles, tags and comment text come from HN and an LLM. Undefined
names are errors, so a typo in a template fails the build with the template's file and line
instead of quietly rendering an empty string."""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from .errors import UserError
from .taxonomy import month_label

WEEKDAYS_JA = "月火水木金土日"


def date_ja(value: datetime | None) -> str:
    """'2025年2月10日'."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def date_short(value: datetime | None) -> str:
    """'2025/02/10', for dense lists."""
    return value.strftime("%Y/%m/%d") if value else ""


def date_iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


class Templates:
    """Loads templates from one directory. Pickles as just the directory (a worker process
    rebuilds its own environment), so it can travel with a render job."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._env: jinja2.Environment | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"directory": self.directory}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"])  # type: ignore[misc]

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
        )
        env.filters.update(date_ja=date_ja, date_short=date_short, date_iso=date_iso,
                           month_label=month_label)
        return env

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
