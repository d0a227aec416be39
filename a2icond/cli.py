"""The `a2icond` command line: a thin dispatcher over `a2icond.commands.*`.

Each command lives in its own module with `add_parser(subparsers)` and a `run(args) -> int`;
modules import their heavy dependencies (boto3, the evaluator) inside `run`, so `a2icond check`
starts fast. Exit codes: 0 success, 1 diagnostics, 2 usage errors, 3 internal errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

#: Subcommand modules under `a2icond.commands`, in the order `--help` lists them.
COMMANDS = [
    "compile",
    "check",
    "schema",
    "build",
    "plan",
    "submit",
    "list",
    "describe",
    "delete",
    "eval",
    "simulate",
    "diff",
    "audit",
    "fmt",
    "decompile",
    "explain",
    "lsp",
]

EPILOG = """\
examples:
  a2icond compile examples/textract/payroll.cond
  a2icond compile review.cond --compact -o conditions.json
  a2icond check conditions/*.cond legacy/*.json
  a2icond schema --source textract > a2i-textract.schema.json
  a2icond fmt conditions/*.cond; a2icond decompile legacy.json -o review.cond
  a2icond submit examples/textract/payroll.flow.toml --dry-run
  a2icond simulate payroll.cond responses/ --flow payroll.flow.toml --jobs 4

exit status: 0 success, 1 problems found in the input, 2 usage error, 3 internal error
"""


def _width() -> int:
    """What argparse's formatter would take as the width: the terminal's (`$COLUMNS` first)
    less 2, as `shutil.get_terminal_size` gives it, 80 columns when there is no terminal."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, given the width: left to itself it imports `shutil` to ask, which
    is a twentieth of the start-up of `check` answering from its cache."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _width())


class _RawFormatter(_Formatter, argparse.RawDescriptionHelpFormatter):
    """The same, keeping the main help's epilog as written."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help (and subcommands' help) uses `_Formatter`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(**kwargs)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command's, or only `only`'s (a run of one command imports
    one command module; `--help` and usage errors see them all)."""
    from . import __version__

    parser = _Parser(
        prog="a2icond",
        description="Write, check, test and ship Amazon A2I human-loop activation conditions.",
        epilog=EPILOG,
        formatter_class=_RawFormatter,
    )
    parser.add_argument("--version", action="version", version=f"a2icond {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback for internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS if only is None else [only]:
        module = importlib.import_module(f"a2icond.commands.{name.replace('-', '_')}")
        module.add_parser(sub)
    for command in sub.choices.values():  # so that an unknown option shows this usage
        command.set_defaults(command_parser=command)
    return parser


def command_name(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, when it is plain: its first word, after only `--debug`."""
    for arg in argv:
        if arg == "--debug":
            continue
        return arg if arg in COMMANDS else None
    return None


def parse_arguments(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """argparse, plus two conventions: `--debug` is accepted anywhere on the line (before a
    `--`), and an unknown option is reported with the usage of the subcommand it was given to."""
    cut = argv.index("--") if "--" in argv else len(argv)
    debug = "--debug" in argv[:cut]
    argv = [a for a in argv[:cut] if a != "--debug"] + argv[cut:]
    args, extras = parser.parse_known_args(argv)
    if extras:
        command: argparse.ArgumentParser = getattr(args, "command_parser", parser)
        command.error(f"unrecognized arguments: {' '.join(extras)}")
    args.debug = debug
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_name(argv))
    args = parse_arguments(parser, argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("a2icond: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `a2icond compile x.cond | head`: the reader left; that is not an error of ours.
        sys.stderr.close()
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if args.debug:
            raise
        detail = f"{type(exc).__name__}: {exc}"
        submit = sys.modules.get("a2icond.aws.submit")  # loaded only if AWS was talked to
        if submit is not None:
            detail = submit.redact(detail)
        print(
            f"a2icond: internal error: {detail} "
            "(run with --debug for a traceback, and please report it)",
            file=sys.stderr,
        )
        return 3


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
