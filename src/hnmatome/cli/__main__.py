"""`python -m hnmatome.cli ARGS` is `hnmatome ARGS`."""

from hnmatome.cli import program

program()
