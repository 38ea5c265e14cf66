"""`hnmatome publish ID ... | --all [--undo]`: reviewed drafts go live."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "publish", help="publish reviewed draft posts (draft = false)",
        description="Set draft = false in the thread YAML and its post, so the post is built "
                    "into the site. Review drafts first with `hnmatome serve`.")
    parser.add_argument("items", nargs="*", metavar="ID_OR_URL", help="threads to publish")
    parser.add_argument("--all", action="store_true", help="publish every draft post")
    parser.add_argument("--undo", action="store_true",
                        help="turn the posts back into drafts instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from hnmatome.cli.convert import print_report
    from hnmatome.convert.publish import publish
    from hnmatome.core.errors import UserError
    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids

    if bool(args.items) == bool(args.all):
        raise UserError("give the thread ids to publish, or --all (not both)",
                        hint="hnmatome publish 42997340   or   hnmatome publish --all")
    project = open_project(Path(args.root) if args.root else None)
    ids = parse_item_ids(args.items) if args.items else None
    report = publish(project, ids, draft=args.undo)
    word = "draft again" if args.undo else "published"
    for item_id in report.changed:
        print(f"{word}: {item_id}")
    for item_id in report.unchanged:
        print(f"already {word}: {item_id}")
    for path in report.edited_posts:
        print(f"set draft = {str(args.undo).lower()} in {path} (edited by hand, not rewritten)")
    if report.convert.written or report.convert.errors:
        print_report(report.convert, project.root)
    if not report.changed and not report.unchanged:
        print("no draft posts to publish" if not args.undo else "nothing to change")
    report.convert.raise_for_errors()
    return 0
