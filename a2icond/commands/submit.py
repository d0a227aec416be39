"""`a2icond submit FLOW.toml`: create the flow definition and wait until it is Active.

Prints one line on success: `created ARN (Active)`, or `unchanged ARN (Active)` when an
identical definition is already deployed (or `replaced ...` with `--replace`).
"""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_PROBLEMS, add_aws_arguments, print_flow_error, timing_from


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "submit",
        help="create the flow definition in AWS and wait until it is Active",
        description="Validate a flow file and create its flow definition with boto3, then wait "
        "until it is Active. If one with the same name exists: identical -> `unchanged`; "
        "different -> the differences (exit 1), or with --replace delete it and create this one.",
    )
    p.add_argument("flow", metavar="FLOW.toml", help="the flow file")
    p.add_argument(
        "--dry-run", action="store_true", help="validate and print the request; send nothing"
    )
    p.add_argument("--no-wait", action="store_true", help="do not wait for Active")
    p.add_argument(
        "--replace",
        action="store_true",
        help="delete a different existing definition of that name and create this one",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings; send nothing")
    add_aws_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws.flow import FlowDefinition, FlowError, render_problems
    from ..report import use_color

    try:
        flow = FlowDefinition.from_toml(args.flow)
        if args.dry_run:
            from ..model import dump_json

            request = flow.to_request(region=args.region)
            warnings = flow.problems(region=args.region)
            if warnings:
                print(
                    render_problems(warnings, flow._all_texts(), color=use_color(sys.stderr)),
                    file=sys.stderr,
                )
                if args.strict:
                    return EXIT_PROBLEMS
            sys.stdout.write(dump_json(request, compact=False) + "\n")
            return EXIT_OK
        flow.to_request(region=args.region)  # every problem before touching the network
    except FlowError as exc:
        print_flow_error(exc)
        return EXIT_PROBLEMS

    from ..aws import submit as aws

    try:
        client = aws.make_client(
            region=args.region, profile=args.profile, endpoint_url=args.endpoint_url
        )
        region = client.meta.region_name
        request, problems = flow.build(region=region)
        if problems:
            print(
                render_problems(problems, flow._all_texts(), color=use_color(sys.stderr)),
                file=sys.stderr,
            )
            if args.strict:
                return EXIT_PROBLEMS
        result = aws.submit(
            client,
            request,
            wait=not args.no_wait,
            replace=args.replace,
            timing=timing_from(args),  # type: ignore[arg-type]
        )
    except aws.SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    print(result.line())
    return EXIT_OK


def print_submit_error(exc: object) -> None:
    from ..aws.submit import SubmitError

    assert isinstance(exc, SubmitError)
    print(f"a2icond: error: {exc.message}", file=sys.stderr)
    for difference in exc.differences:
        print(f"  {difference.text}", file=sys.stderr)
    if exc.hint:
        print(f"  = help: {exc.hint}", file=sys.stderr)
