"""One module per CLI subcommand; see `hnmatome.cli`."""
