"""`a2icond decompile FILE.json`: turn existing activation-conditions JSON into a .cond file.

Takes a bare `{"Conditions": [...]}` document, a `build` request or a
`describe-flow-definition` response. Invalid JSON gets a located diagnostic, exit 1.
"""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_PROBLEMS, add_source_option, print_diagnostics, write_output

EXIT_INTERNAL = 3


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "decompile",
        help="turn activation-conditions JSON into a .cond file",
        description="Turn HumanLoopActivationConditions JSON (a file, or a whole build request "
        "or describe-flow-definition response) into a canonical .cond program that compiles "
        "back to the same conditions.",
    )
    p.add_argument("file", metavar="FILE.json", help="the JSON file; - reads standard input")
    add_source_option(p, "documents with only Sampling conditions")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..decompiler import DecompileError, decompile
    from ..diagnostics import CompileError
    from ..fileio import read_text

    text: str | None = None
    try:
        text = read_text(args.file)
        program = decompile(text, source=args.source, filename=args.file)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text if exc.text is not None else text)
        return EXIT_PROBLEMS
    except DecompileError as exc:
        print(f"a2icond: {args.file}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    if not program.startswith("source "):
        print(
            f"{args.file}: warning: only Sampling conditions, so the source cannot be told; "
            "the program has no `source` line (give --source to add one)",
            file=sys.stderr,
        )
    return write_output(program, args.output)
