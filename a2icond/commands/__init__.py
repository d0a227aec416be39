"""One module per CLI subcommand; see `a2icond.cli`."""
