"""`hnmatome init DIR`: a new site, ready to build, from the templates and static files that
ship with hnmatome (as `hugo new site` does)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser

PYPROJECT = """\
[project]
name = "{name}"
version = "0.1.0"

# Site settings (every key is optional; docs/configuration.md lists them all).
[tool.hnmatome]
title = "海外テックの反応まとめ"
description = "Hacker Newsの話題を日本語でまとめて紹介するブログ"
base_url = "https://example.org/"
"""
ABOUT = """\
+++
title = 'このブログについて'
+++
Hacker Newsの話題を日本語でまとめて紹介しています。

[記事一覧へ]({{% ref "/posts/" %}})
"""
QUEUE = "# Hacker News threads to fetch: an item id or URL a line (hnmatome queue add ID)\n"
GITIGNORE = "/public/\n/.cache/\n"


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "init", help="make a new site in DIR, ready to build",
        description="Make a new site in DIR (a new or empty folder): pyproject.toml with the "
                    "site settings, content/, and the shipped templates/ and static/.")
    parser.add_argument("dir", type=Path, metavar="DIR", help="the new site's folder")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from hnmatome.core.errors import UserError
    from hnmatome.core.writer import atomic_write_text, copy_file

    target = args.dir.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{target} is not empty", hint="name a new or empty folder")
    shipped = _shipped()
    files = {"pyproject.toml": PYPROJECT.format(name=target.name or "blog"),
             "content/about.md": ABOUT, "content/queue.txt": QUEUE, ".gitignore": GITIGNORE}
    for rel, text in files.items():
        atomic_write_text(target / rel, text)
    (target / "content" / "posts").mkdir(parents=True, exist_ok=True)
    for folder in ("templates", "static", ".github"):
        for path in sorted((shipped / folder).rglob("*")):
            if path.is_file():
                copy_file(path, target / path.relative_to(shipped))
    print(f"made a new site in {target}\nnext: cd {target} && hnmatome build "
          "(or hnmatome serve to preview it)", file=sys.stdout)
    return 0


def _shipped() -> Path:
    """The hnmatome checkout this command runs from: its templates/ and static/ are the
    shipped ones."""
    from hnmatome.core.errors import UserError

    root = Path(__file__).resolve().parents[3]
    if not (root / "templates" / "base.html").is_file() or not (root / "static").is_dir():
        raise UserError("the shipped templates/ and static/ are not beside this hnmatome",
                        hint="run init from a clone of the hnmatome repository installed with "
                             'pip install -e ".[test]"')
    return root
