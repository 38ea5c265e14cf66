"""`hnmatome` command line: one subcommand per module in `hnmatome.cli`.

Each command module has `register(subparsers)`, which adds its parser and sets `func` to a
`run(args) -> int`. Heavy imports happen inside `run`, so `hnmatome --help` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from hnmatome import __version__
from hnmatome.core.errors import UserError

COMMANDS = ("build", "serve", "queue", "fetch", "translate", "convert", "publish", "status")


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line parser; `only`: register just that command (see `named_command`)."""
    parser = argparse.ArgumentParser(
        prog="hnmatome",
        description="Curated Japanese translations of Hacker News threads, as a static site.",
    )
    parser.add_argument("--version", action="version", version=f"hnmatome {__version__}")
    parser.add_argument("-C", "--root", default=None,
                        help="project directory (default: the nearest one with pyproject.toml)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"hnmatome.cli.{name}").register(subparsers)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The command `argv` runs when it names one plainly, after nothing but `-C DIR` or
    `--root DIR`; None for anything else (help, abbreviations...). Parsing such a command
    line needs only that command's parser, and making every parser (argparse sizes the
    terminal for each option) costs a one-post rebuild ~10 ms."""
    index = 0
    while index < len(argv) and argv[index] in ("-C", "--root"):
        index += 2
    return argv[index] if index < len(argv) and argv[index] in COMMANDS else None


def main(argv: Sequence[str] | None = None, *, exiting: bool = False) -> int:
    """`exiting`: the process ends after the command (`program`), which a command may use
    to leave work to a process of its own (`build`: the cache) and skip tidying up."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser(named_command(arguments))
    args = parser.parse_args(arguments)
    args.exiting = exiting
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
    """The `hnmatome` executable: `main`, then exit. After a build, without tearing the
    interpreter down: freeing a big site's million objects one by one took 0.1 s of a
    one-post rebuild, and nothing a build leaves needs it (the output streams are flushed
    here; the build cache is written already, or by its own process: cache_lock.py)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    code = main(arguments, exiting=True)
    if named_command(arguments) != "build":
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        code = code or 1
    os._exit(code)

