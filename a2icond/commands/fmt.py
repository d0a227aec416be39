"""`a2icond fmt FILE...`: rewrite .cond files in the canonical layout, comments kept.

A file that does not compile is never touched (its diagnostics are printed, exit 1). Writes are
atomic. `--check` writes nothing and exits 1 naming the files that would change; `--diff` prints
the changes instead of writing them; `-` formats standard input to standard output.
"""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_PROBLEMS, add_source_option, print_diagnostics, write_failed

EXIT_INTERNAL = 3


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fmt",
        help="format .cond files in the canonical layout",
        description="Rewrite .cond files in the one canonical layout, keeping every comment. "
        "A file that does not compile is left alone. The compiled JSON never changes.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="PATH",
        help=".cond files, or folders (their .cond files, recursively); - reads standard input",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the files that would change",
    )
    p.add_argument("--diff", action="store_true", help="print a diff instead of writing")
    add_source_option(p)
    p.set_defaults(func=run)


def _diff(path: str, before: str, after: str) -> str:
    from ..textdiff import unified_diff

    return unified_diff(before, after, f"{path} (original)", f"{path} (formatted)")


def format_one(path: str, args: argparse.Namespace) -> int:
    """Format one file; returns its exit status."""
    from ..diagnostics import CompileError
    from ..fileio import atomic_write, read_text
    from ..formatter import FormatterError, format_source

    text: str | None = None
    try:
        text = read_text(path)
        result = format_source(text, filename=path, source=args.source)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text if exc.text is not None else text)
        return EXIT_PROBLEMS
    except FormatterError as exc:
        print(
            f"a2icond: internal error: {path}: {exc}; the file is left unchanged "
            "(please report it with this file)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    changed = result != text
    if args.diff and changed:
        sys.stdout.write(_diff(path, text, result))
    if args.check:
        if changed:
            print(f"would reformat: {path}", file=sys.stderr)
            return EXIT_PROBLEMS
        return EXIT_OK
    if args.diff:
        return EXIT_OK
    if path == "-":
        sys.stdout.write(result)
        sys.stdout.flush()
    elif changed:
        try:
            atomic_write(path, result)
        except (OSError, ValueError) as exc:
            return write_failed(path, exc)
        print(f"reformatted: {path}", file=sys.stderr)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    from ._common import expand_files

    files, empty = expand_files(args.files, (".cond",))
    for folder in empty:
        print(f"a2icond: warning: no .cond files under {folder}", file=sys.stderr)
    statuses = [format_one(path, args) for path in files]
    return max(statuses, default=EXIT_OK)
