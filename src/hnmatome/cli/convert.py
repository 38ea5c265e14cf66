"""`hnmatome convert [ID ...] [--force]`: thread YAML -> Hugo-format posts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hnmatome.cli import AddParser
    from hnmatome.convert.run import ConvertReport


def register(add_parser: AddParser) -> None:
    parser = add_parser(
        "convert", help="turn curated thread YAML into matome posts (content/posts/)",
        description="Write the post of every thread whose YAML changed since its post was "
                    "written, or of the threads given. A post edited by hand is left alone.")
    parser.add_argument("items", nargs="*", metavar="ID_OR_URL",
                        help="threads to convert (default: every changed thread)")
    parser.add_argument("--force", action="store_true",
                        help="also overwrite posts edited by hand (each gets a .bak copy first)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from hnmatome.convert.run import convert_changed
    from hnmatome.core.project import open_project
    from hnmatome.hn.ids import parse_item_ids

    project = open_project(Path(args.root) if args.root else None)
    ids = parse_item_ids(args.items) if args.items else None
    report = convert_changed(project, ids, force=args.force)
    print_report(report, project.root)
    report.raise_for_errors()
    return 0


def print_report(report: ConvertReport, root: Path, *, edited: bool = True) -> None:
    """What convert did, on stdout; its warnings on stderr. `edited`: also name the posts left
    alone because they were edited by hand (the build's own convert does not: it would say the
    same on every build; `hnmatome convert` and `hnmatome status` say it)."""
    for backup in report.backups:
        print(f"saved {_shown(backup, root)} (the hand edit)")
    for old, new in report.moved:
        print(f"moved {_shown(old, root)} -> {_shown(new, root)} (its date or slug changed)")
    for path in report.written:
        print(f"wrote {_shown(path, root)}")
    if edited:
        for path in report.edited:
            print(f"left alone {_shown(path, root)}: edited by hand, or not written by convert "
                  "(`hnmatome convert --force` overwrites it after saving a .bak)")
    print_warnings(report)
    counts = [f"{len(report.written)} written", f"{len(report.unchanged)} up to date"]
    if edited:
        counts.append(f"{len(report.edited)} edited by hand")
    if report.warnings:
        counts.append(f"{len(report.warnings)} warning(s)")
    print(", ".join([*counts, f"{len(report.errors)} failed"]))


def print_warnings(report: ConvertReport) -> None:
    for notice in report.warnings:
        print(f"warning: {notice}", file=sys.stderr)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
