"""`python -m a2icond` runs the same CLI as the console script."""

from a2icond.cli import entry

entry()
