"""`hnmatome cards [ID_OR_URL_OR_POST ...] [--all]`: make or refresh the share cards of posts."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from hnmatome.core.errors import UserError

if TYPE_CHECKING:
    from hnmatome.cli import AddParser
    from hnmatome.convert.cards import CardsReport


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "cards", help="make or refresh the share cards (card.png) of existing posts",
        description="Draw each post's share card (card.png beside its index.md: title, site "
                    "name, main tags) and name it as the post's featureimage. A post with an "
                    "image someone chose keeps it. Unchanged cards are not rewritten. "
                    "`convert` makes the card of every post it writes; run this after changing "
                    "the site title, or for posts convert did not write.")
    parser.add_argument("items", nargs="*", metavar="ID_OR_URL_OR_POST",
                        help="threads (their post is found by `hnid`) or post files or folders")
    parser.add_argument("--all", action="store_true", dest="every",
                        help="every post under content/posts/, with or without hnid")
    parser.add_argument("--redraw", action="store_true",
                        help="draw every card again, even one drawn from the same title, tags "
                             "and site name (after an upgrade of Pillow or the font)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from hnmatome.convert.cards import refresh_cards
    from hnmatome.core.errors import UserErrors
    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids

    project = open_project(Path(args.root) if args.root else None)
    if not args.items and not args.every:
        raise UserError("name the posts whose cards to make, or pass --all", project.posts_dir,
                        hint="hnmatome cards 42997340, hnmatome cards content/posts/…/, "
                             "or hnmatome cards --all")
    paths = [_post_path(item, project.root) for item in args.items if not _is_id(item)]
    ids = parse_item_ids([item for item in args.items if _is_id(item)])
    started = time.perf_counter()
    report = refresh_cards(project, ids, paths, every=args.every, redraw=args.redraw)
    print_report(report, project.root, time.perf_counter() - started)
    if len(report.errors) == 1:
        raise report.errors[0]
    if report.errors:
        raise UserErrors(report.errors)
    return 0


def _post_path(item: str, root: Path) -> Path:
    """A post named on the command line: from the current folder, else from the project's."""
    path = Path(item)
    return path if path.is_absolute() or path.exists() else root / path


def _is_id(item: str) -> bool:
    """A thread id or HN URL; anything else names a post file or folder."""
    return item.strip().isdigit() or "://" in item or item.startswith("news.ycombinator.com")


def print_report(report: CardsReport, root: Path, seconds: float) -> None:
    for path in report.written:
        print(f"wrote {_shown(path, root)}")
    for path in report.own_image:
        print(f"kept {_shown(path, root)}: it has an image of its own (featureimage)")
    for path in report.not_bundle:
        print(f"no card for {_shown(path, root)}: not a bundle (move it to a folder as "
              "index.md to give it one)")
    drawn = len(report.written) + len(report.unchanged)
    each = f", {seconds / drawn * 1000:.0f} ms a card" if drawn else ""
    print(f"{len(report.written)} written, {len(report.unchanged)} up to date, "
          f"{len(report.linked)} posts now name their card (featureimage = 'card.png'), "
          f"{len(report.own_image)} with their own image, {len(report.errors)} failed{each}")


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
