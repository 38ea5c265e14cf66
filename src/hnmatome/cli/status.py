"""`hnmatome status`: queued, fetched, translated, draft and published threads in one table."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "status", help="show every thread: queued, fetched, translated, draft, published",
        description="One table of every queued and fetched thread and where it stands.")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from hnmatome.convert.status import collect_status, count_states
    from hnmatome.core.project import open_project

    project = open_project(Path(args.root) if args.root else None)
    rows = collect_status(project)
    if args.json:
        for row in rows:
            print(json.dumps({
                "id": row.id, "title": row.title, "state": row.state,
                "comments": row.comments, "translated": row.translated,
                "post": _shown(row.post, project.root), "notes": list(row.notes),
            }, ensure_ascii=False))
        return 0
    _print_table(rows, project.posts_dir)
    counts = count_states(rows)
    print(", ".join(f"{n} {state}" for state, n in counts.items()))
    return 0


def _print_table(rows: list, posts_dir: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for name in ("ID", "Title", "State", "Translated", "Post", "Notes"):
        table.add_column(name, overflow="fold")
    for row in rows:
        translated = f"{row.translated}/{row.comments}" if row.state != "queued" else ""
        table.add_row(str(row.id), row.title[:40], row.state, translated,
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
