"""`hnmatome` command line: one subcommand per module in `hnmatome.commands`.

Each command module has `register(subparsers)`, which adds its parser and sets `func` to a
`run(args) -> int`. Heavy imports happen inside `run`, so `hnmatome --help` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__
from .errors import UserError

COMMANDS = ("build", "serve", "queue", "fetch", "translate", "convert", "publish", "status")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hnmatome",
        description="Curated Japanese translations of Hacker News threads, as a static site.",
    )
    parser.add_argument("--version", action="version", version=f"hnmatome {__version__}")
    parser.add_argument("-C", "--root", default=None,
                        help="project directory (default: the nearest one with pyproject.toml)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
