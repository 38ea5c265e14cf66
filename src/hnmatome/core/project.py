"""Where a project's files live. Every path the tool reads or writes is derived here."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from hnmatome.core.errors import UserError
from hnmatome.core.settings import Settings, load_settings


@dataclass(frozen=True)
class Project:
    root: Path
    settings: Settings

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def posts_dir(self) -> Path:
        return self.content_dir / "posts"

    @property
    def threads_dir(self) -> Path:
        return self.content_dir / "threads"

    @property
    def queue_path(self) -> Path:
        return self.content_dir / "queue.txt"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def public_dir(self) -> Path:
        return self.root / "public"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "hnmatome"

    def thread_path(self, item_id: int) -> Path:
        return self.threads_dir / f"{item_id}.yaml"


NOT_A_PROJECT_HINT = ("run hnmatome in your site's folder (or name it with -C DIR), or make a "
                      "new site with `hnmatome init DIR`")


def is_project(folder: Path) -> bool:
    """A folder holding a pyproject.toml with a [tool.hnmatome] table."""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # an unreadable pyproject.toml is still the project's: loading it says what is wrong
        return (folder / "pyproject.toml").is_file()
    tool = data.get("tool")
    return isinstance(tool, dict) and "hnmatome" in tool


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (the working directory) that is a project;
    UserError when there is none. Nothing is created either way."""
    here = (start or Path.cwd()).resolve()
    if start is not None and not here.is_dir():
        raise UserError(f"no such folder: {here}", hint=NOT_A_PROJECT_HINT)
    for candidate in (here, *here.parents):
        if is_project(candidate):
            return candidate
    raise UserError(f"not an hnmatome project (no pyproject.toml with [tool.hnmatome] in {here} "
                    "or a folder above it)", hint=NOT_A_PROJECT_HINT)


def open_project(root: Path | None = None) -> Project:
    root = find_root(root)
    return Project(root=root, settings=load_settings(root))
