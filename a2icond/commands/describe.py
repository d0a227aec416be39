"""`a2icond describe NAME`: the deployed flow definition as JSON (DescribeFlowDefinition)."""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_PROBLEMS, add_aws_arguments


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser(
        "describe",
        help="show a deployed flow definition",
        description="Print DescribeFlowDefinition's response as JSON (a2icond check/load read "
        "it back). With --conditions, only the activation conditions, decoded.",
    )
    p.add_argument("name", metavar="NAME", help="the flow definition's name")
    p.add_argument("--conditions", action="store_true", help="print only the activation conditions")
    add_aws_arguments(p, waits=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ..aws import submit as aws
    from ..model import dump_json

    try:
        client = aws.make_client(
            region=args.region, profile=args.profile, endpoint_url=args.endpoint_url
        )
        deployed = aws.describe(client, args.name)
    except aws.SubmitError as exc:
        print(f"a2icond: error: {exc.message}", file=sys.stderr)
        return EXIT_PROBLEMS
    if deployed is None:
        print(f"a2icond: error: no flow definition named {args.name}", file=sys.stderr)
        return EXIT_PROBLEMS
    document = json.loads(json.dumps(deployed, default=_json_default))
    if args.conditions:
        try:
            text = document["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"][
                "HumanLoopActivationConditions"
            ]
            document = json.loads(text)
        except (KeyError, TypeError, json.JSONDecodeError):
            print(
                f"a2icond: error: {args.name} has no activation conditions (custom task type)",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
    sys.stdout.write(dump_json(document, compact=False) + "\n")
    return EXIT_OK


def _json_default(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)
