"""`hnmatome status`: queued, fetched, draft and published threads, and how much of each is
translated, in one table."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser
    from hnmatome.convert.status import ThreadStatus


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "status", help="show every thread: queued, fetched, draft or published, and translated",
        description="One table of every queued and fetched thread and where it stands.")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from hnmatome.convert.status import collect_status, summary_line
    from hnmatome.core.project import open_project

    project = open_project(Path(args.root) if args.root else None)
    rows = collect_status(project)
    if args.json:
        for row in rows:
            print(json.dumps({
                "id": row.id, "title": row.title, "state": row.state,
                "comments": row.comments, "translated": row.translated,
                "title_translated": row.title_translated,
                "post": _shown(row.post, project.root), "notes": list(row.notes),
            }, ensure_ascii=False))
        return 0
    _print_table(rows, project.posts_dir)
    print(summary_line(rows))
    return 0


def _print_table(rows: list[ThreadStatus], posts_dir: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from hnmatome.convert.status import translated_cell

    table = Table(show_lines=False, header_style="bold")
    for name in ("ID", "Title", "State", "Translated", "Post", "Notes"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(str(row.id), row.title[:40], row.state, translated_cell(row),
                      _folder(row.post, posts_dir), "; ".join(row.notes))
    Console(soft_wrap=False).print(table)


def _folder(path: Path | None, posts_dir: Path) -> str:
    if path is None:
        return ""
    shown = _shown(path.parent if path.name == "index.md" else path, posts_dir)
    return shown + "/" if path.name == "index.md" else shown


def _shown(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
