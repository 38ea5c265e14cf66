"""Prompt files a curator can tune. The package ships defaults (`<name>.md` beside this file); a
file of the same name in the project's `prompts/` directory replaces the default."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from hnmatome.core.errors import UserError

PROMPT_NAMES = ("comments", "title", "reask")


def default_prompt(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")


def load_prompt(name: str, override_dir: Path | None = None) -> str:
    """The prompt `name`: `<override_dir>/<name>.md` when present, else the packaged default."""
    if name not in PROMPT_NAMES:
        raise ValueError(f"unknown prompt {name!r}")
    if override_dir is not None:
        path = override_dir / f"{name}.md"
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8").strip()
            except UnicodeDecodeError as exc:
                raise UserError("prompt file is not UTF-8", path) from exc
            if not text:
                raise UserError("prompt file is empty", path,
                                hint="write the prompt, or delete the file to use the default")
            return text
    return default_prompt(name).strip()
