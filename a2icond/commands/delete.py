"""`a2icond delete NAME`: delete a flow definition (optionally waiting until it is gone)."""

from __future__ import annotations

import argparse
import sys

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_aws_arguments,
    aws_client,
    print_submit_error,
    timing_from,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser(
        "delete",
        help="delete a deployed flow definition",
        description="Delete a flow definition. Prints `deleting NAME`, or with --wait "
        "`deleted NAME` once DescribeFlowDefinition no longer finds it.",
    )
    p.add_argument("name", metavar="NAME", help="the flow definition's name")
    p.add_argument("--wait", action="store_true", help="wait until it is gone")
    add_aws_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws import submit as aws

    try:
        client = aws_client(args)
        found = aws.delete(
            client,
            args.name,
            wait=args.wait,
            timing=timing_from(args),  # type: ignore[arg-type]
        )
    except aws.SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    if not found:
        print(f"a2icond: error: no flow definition named {args.name}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{'deleted' if args.wait else 'deleting'} {args.name}")
    return EXIT_OK
