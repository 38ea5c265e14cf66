"""`hnmatome` command line: one subcommand per module in `hnmatome.cli`.

Each command module has `register(add_parser)`, which adds its parser and sets `func` to a
`run(args) -> int`. Heavy imports happen inside `run`, so `hnmatome --help` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from hnmatome import __version__
from hnmatome.core.errors import UserError

COMMANDS = ("init", "build", "serve", "queue", "fetch", "translate", "convert", "cards",
            "check", "publish", "status")
AddParser = Callable[..., argparse.ArgumentParser]  # argparse's add_subparsers().add_parser


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
        importlib.import_module(f"hnmatome.cli.{name}").register(subparsers.add_parser)
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


def program(argv: Sequence[str] | None = None) -> NoReturn:
    """The `hnmatome` executable."""
    sys.exit(main(argv))
