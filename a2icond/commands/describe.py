"""`a2icond describe NAME`: the deployed flow definition as JSON (DescribeFlowDefinition), its
conditions as JSON (`--conditions`) or as a `.cond` program (`--cond`)."""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_PROBLEMS, add_aws_arguments, aws_client, print_submit_error


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "describe",
        help="show a deployed flow definition",
        description="Print DescribeFlowDefinition's response as JSON (a2icond check/load read "
        "it back). With --conditions, only the activation conditions, decoded; with --cond, "
        "the activation conditions as a canonical .cond program (what decompile prints).",
    )
    p.add_argument("name", metavar="NAME", help="the flow definition's name")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--conditions", action="store_true", help="print only the activation conditions (JSON)"
    )
    shown.add_argument(
        "--cond", action="store_true", help="print the activation conditions as a .cond program"
    )
    add_aws_arguments(p, waits=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ..aws import submit as aws
    from ..model import dump_json

    try:
        deployed = aws.describe(aws_client(args), args.name)
    except aws.SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    if deployed is None:
        print(f"a2icond: error: no flow definition named {args.name}", file=sys.stderr)
        return EXIT_PROBLEMS
    document = json.loads(json.dumps(deployed, default=_json_default))
    if not (args.conditions or args.cond):
        sys.stdout.write(dump_json(document, compact=False) + "\n")
        return EXIT_OK
    text = aws.conditions_text(document)
    if text is None:
        print(
            f"a2icond: error: {args.name} has no activation conditions (custom task type)",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    if args.conditions:
        try:
            sys.stdout.write(dump_json(json.loads(text), compact=False) + "\n")
        except json.JSONDecodeError:
            sys.stdout.write(text + "\n")
        return EXIT_OK
    from ..decompiler import DecompileError, decompile
    from ..diagnostics import CompileError

    try:
        sys.stdout.write(decompile(document, filename=f"<{args.name}>"))
    except (CompileError, DecompileError) as exc:
        print(
            f"a2icond: error: the deployed conditions of {args.name} cannot be read as "
            f"conditions: {exc}",
            file=sys.stderr,
        )
        print(
            f"  = help: a2icond describe {args.name} --conditions shows them as JSON",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    return EXIT_OK


def _json_default(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)
