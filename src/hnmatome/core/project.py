"""Where a project's files live. Every path the tool reads or writes is derived here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def find_root(start: Path | None = None) -> Path:
    """The nearest directory at or above `start` holding pyproject.toml or content/."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").exists() or (candidate / "content").is_dir():
            return candidate
    return here


def open_project(root: Path | None = None) -> Project:
    root = find_root(root)
    return Project(root=root, settings=load_settings(root))
