"""`a2icond plan FLOW.toml... | FOLDER`: what `submit` would do, read-only.

Only DescribeFlowDefinition and ListTags are called (concurrently for several flows). Each flow
gets one of `create`, `unchanged`, `equivalent`, `update tags`, `replace`, with what differs;
then one summary line.
"""

from __future__ import annotations

import argparse
import sys

from ._common import (
    EXIT_CHANGES,
    EXIT_OK,
    EXIT_PROBLEMS,
    add_aws_arguments,
    aws_client,
    build_flows,
    flow_paths,
    print_submit_error,
    usage_error,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "plan",
        help="show what submit would do (read-only)",
        description="Validate flow files and compare each with what is deployed, calling only "
        "DescribeFlowDefinition and ListTags. Prints create / unchanged / equivalent / update "
        "tags / replace per flow (conditions as a diff of canonical .cond programs, other "
        "fields as `Field.Path: old → new`, tags by key) and a summary line.",
    )
    p.add_argument(
        "flows", nargs="+", metavar="FLOW.toml|FOLDER", help="flow files, or folders of them"
    )
    p.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when everything is in sync, 4 when changes are pending",
    )
    add_aws_arguments(p, waits=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws import plan as planning
    from ..aws.submit import SubmitError

    try:
        paths = flow_paths(args.flows)
    except ValueError as exc:
        return usage_error(str(exc))
    try:
        client = aws_client(args)
        region = client.meta.region_name
    except SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    built = build_flows(paths, region)
    if built is None:
        return EXIT_PROBLEMS
    try:
        plans = planning.plan_all(client, [(b.request, path) for path, b in built])
    except SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    for plan in plans:
        print(plan.render(region))
    print(f"Plan: {planning.summary(plans)}")
    sys.stdout.flush()
    if args.detailed_exitcode and not all(p.in_sync for p in plans):
        return EXIT_CHANGES
    return EXIT_OK
