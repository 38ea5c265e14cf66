"""`hnmatome queue add|list|remove`: the ids waiting in content/queue.txt."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "queue", help="list, add or remove HN ids waiting to be fetched (content/queue.txt)",
        description="Manage content/queue.txt. Without an action, lists the queue.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="queue item ids or HN item URLs")
    add.add_argument("items", nargs="*", metavar="ID_OR_URL",
                     help="42997340 or https://news.ycombinator.com/item?id=42997340")
    add.add_argument("--top", type=int, metavar="N",
                     help="also queue the N highest-ranked current stories (topstories.json)")
    add.add_argument("--api-base", metavar="URL",
                     help="HN API base URL (default: $HNMATOME_HN_API or the official API)")
    actions.add_parser("list", help="show the queued ids")
    remove = actions.add_parser("remove", help="take ids off the queue")
    remove.add_argument("items", nargs="+", metavar="ID_OR_URL")
    parser.set_defaults(func=run)


def _add(args: argparse.Namespace) -> int:
    from hnmatome.core.errors import UserError
    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids
    from hnmatome.hn.queue_file import add_ids

    project = open_project(Path(args.root) if args.root else None)
    ids = parse_item_ids(args.items)
    if args.top is not None:
        if args.top < 1:
            raise UserError("--top needs a positive number of stories")
        ids += [i for i in _top_ids(args.api_base, args.top) if i not in ids]
    if not ids:
        raise UserError("nothing to add", hint="give ids or HN URLs, or --top N")
    result = add_ids(project.queue_path, ids, lambda i: project.thread_path(i).exists())
    for item_id in result.added:
        print(f"queued {item_id}")
    for item_id in result.already_queued:
        print(f"skipped {item_id}: already queued")
    for item_id in result.already_fetched:
        shown = _relative(project.thread_path(item_id), project.root)
        print(f"skipped {item_id}: already fetched ({shown}); "
              f"`hnmatome fetch {item_id}` fetches it again")
    return 0


def _top_ids(api_base: str | None, count: int) -> list[int]:
    import asyncio

    from hnmatome.hn.api import DEFAULT_API_BASE
    from hnmatome.hn.fetch import API_ENV, FetchOptions, base_url, top_story_ids

    base = base_url(api_base, API_ENV, DEFAULT_API_BASE, "--api-base")
    return asyncio.run(top_story_ids(FetchOptions(api_base=base), count))


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def _list(args: argparse.Namespace) -> int:
    from hnmatome.core.project import open_project
    from hnmatome.hn.queue_file import read_ids

    project = open_project(Path(args.root) if args.root else None)
    ids = read_ids(project.queue_path)
    if not ids:
        print("the queue is empty (add ids with `hnmatome queue add ID`)")
    for item_id in ids:
        note = "  (fetched before; fetching again merges)" if project.thread_path(
            item_id).exists() else ""
        print(f"{item_id}{note}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids
    from hnmatome.hn.queue_file import remove_ids

    project = open_project(Path(args.root) if args.root else None)
    ids = parse_item_ids(args.items)
    removed = remove_ids(project.queue_path, ids)
    for item_id in ids:
        print(f"removed {item_id}" if item_id in removed else f"{item_id} was not queued")
    return 0


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    if action == "add":
        return _add(args)
    if action == "remove":
        return _remove(args)
    return _list(args)
