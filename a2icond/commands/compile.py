"""`a2icond compile FILE.cond`: print (or write) the HumanLoopActivationConditions JSON."""

from __future__ import annotations

import argparse

from ._common import EXIT_PROBLEMS, add_source_option, print_diagnostics, write_output


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "compile",
        help="compile a .cond file to activation-conditions JSON",
        description="Compile a .cond file to the JSON that CreateFlowDefinition takes as "
        "HumanLoopActivationConditions. Errors and warnings go to standard error.",
    )
    p.add_argument("file", metavar="FILE.cond", help="the file to compile; - reads standard input")
    add_source_option(p)
    p.add_argument(
        "--compact",
        action="store_true",
        help="print the exact string to send (no spaces); with -o, no trailing newline",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..compiler import compile as compile_text
    from ..diagnostics import CompileError
    from ..fileio import read_text

    filename = "<stdin>" if args.file == "-" else args.file
    try:
        text = read_text(args.file, filename)
        conditions = compile_text(text, source=args.source, filename=filename)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text)
        return EXIT_PROBLEMS
    print_diagnostics(conditions.diagnostics, text)
    if args.strict and conditions.warnings:
        return EXIT_PROBLEMS
    output = conditions.to_json(compact=args.compact)
    if not (args.compact and args.output and args.output != "-"):
        output += "\n"
    return write_output(output, args.output)
