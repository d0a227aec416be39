"""`a2icond compile FILE.cond`: print (or write) the HumanLoopActivationConditions JSON."""

from __future__ import annotations

import argparse

from ._common import EXIT_OK, EXIT_PROBLEMS, print_diagnostics, write_output


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "compile",
        help="compile a .cond file to activation-conditions JSON",
        description="Compile a .cond file to the JSON that CreateFlowDefinition takes as "
        "HumanLoopActivationConditions. Errors and warnings go to standard error.",
    )
    p.add_argument("file", metavar="FILE.cond", help="the file to compile; - reads standard input")
    p.add_argument(
        "--source",
        choices=("rekognition", "textract"),
        help="the source, for files that neither say nor imply it",
    )
    p.add_argument(
        "--compact",
        action="store_true",
        help="print the exact string to send (no spaces); with -o, no trailing newline",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..compiler import compile_file
    from ..diagnostics import CompileError

    try:
        conditions = compile_file(args.file, source=args.source)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text)
        return EXIT_PROBLEMS
    text = conditions.to_json(compact=args.compact)
    if not (args.compact and args.output and args.output != "-"):
        text += "\n"
    if conditions.diagnostics:
        from ..fileio import read_text

        source_text = None if args.file == "-" else read_text(args.file)
        print_diagnostics(conditions.diagnostics, source_text)
    if args.strict and conditions.warnings:
        return EXIT_PROBLEMS
    write_output(text, args.output)
    return EXIT_OK
