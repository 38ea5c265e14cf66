"""`python -m hnmatome ARGS` is `hnmatome ARGS`."""

from hnmatome.cli import program

program()
