"""Thin shim: `python build.py [args]` is `hnmatome build [args]`; `build.py serve` serves."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from hnmatome.cli import program

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        args = ["build", *args]
    program(args)
