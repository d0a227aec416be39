"""Helpers shared by the CLI commands: printing diagnostics and choosing exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TextIO

from ..diagnostics import Diagnostic, render_all

SOURCES = ("rekognition", "textract")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def add_source_option(
    parser: argparse.ArgumentParser,
    what: str = "files that neither say nor imply it",
    *,
    required: bool = False,
) -> None:
    """The `--source` option every command that reads conditions shares."""
    parser.add_argument(
        "--source", choices=SOURCES, required=required, help=f"the source, for {what}"
    )


def print_diagnostics(
    diagnostics: Iterable[Diagnostic], text: str | None = None, stream: TextIO | None = None
) -> None:
    diagnostics = list(diagnostics)
    if diagnostics:
        print(render_all(diagnostics, text), file=stream or sys.stderr)


def usage_error(message: str) -> int:
    print(f"a2icond: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def write_output(text: str, output: str | None) -> None:
    """Print to standard output, or write `output` atomically."""
    if output and output != "-":
        from ..fileio import atomic_write

        atomic_write(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
