"""`hnmatome` builds only the parser of the command a command line names: whatever the
command line, the result (arguments, or the exit and message) equals the full parser's."""

from __future__ import annotations

import argparse
import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from hnmatome.cli import COMMANDS, make_parser, named_command


def _outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = vars(parser.parse_args(argv))
        except SystemExit as exit_:
            result = ("exit", exit_.code)
    return result, out.getvalue(), err.getvalue()


def test_a_plain_command_line_names_its_command() -> None:
    assert named_command(["build", "--no-search"]) == "build"
    assert named_command(["-C", "site", "build"]) == "build"
    assert named_command(["--root", "build", "serve", "-p", "1"]) == "serve"
    assert named_command(["-C"]) is None
    assert named_command(["--help"]) is None
    assert named_command(["-Csite", "build"]) is None  # left to argparse
    assert named_command(["buil"]) is None
    assert named_command([]) is None


tokens = st.sampled_from(["-C", "--root", "site", "build", "status", "queue", "add", "1",
                          "--drafts", "--out", "-j", "0", "2", "-h", "--version", "--ro",
                          "--no-search", "-q", "bogus", "--"])


@settings(max_examples=60, deadline=None)
@given(st.lists(tokens, max_size=6))
def test_the_named_command_parses_as_the_full_parser_does(argv: list[str]) -> None:
    full = _outcome(make_parser(), argv)
    assert _outcome(make_parser(named_command(argv)), argv) == full


def test_every_command_parses_alone_as_with_the_others() -> None:
    for name in COMMANDS:
        argv = ["-C", "site", name, "--help"]
        assert _outcome(make_parser(name), argv) == _outcome(make_parser(), argv)
