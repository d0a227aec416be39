"""`a2icond list [--prefix P]`: the flow definitions in the region (ListFlowDefinitions, every
page), newest first: name, status, creation time. With `versioned = true` flow files, the
versions of one flow are `--prefix NAME-`."""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_PROBLEMS, add_aws_arguments, aws_client, print_submit_error


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "list",
        help="list the deployed flow definitions",
        description="List the flow definitions in the region, newest first (every page of "
        "ListFlowDefinitions): name, status, creation time (UTC), and the failure reason of a "
        "Failed one.",
    )
    p.add_argument("--prefix", metavar="P", default="", help="only names starting with P")
    p.add_argument("--arn", action="store_true", help="print ARNs instead of names")
    add_aws_arguments(p, waits=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws import submit as aws

    try:
        client = aws_client(args)
        rows = []
        with aws.aws_errors("listing flow definitions"):
            paginator = client.get_paginator("list_flow_definitions")
            for page in paginator.paginate(SortOrder="Descending"):
                for item in page.get("FlowDefinitionSummaries", []):
                    if str(item.get("FlowDefinitionName", "")).startswith(args.prefix):
                        rows.append(item)
    except aws.SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    key = "FlowDefinitionArn" if args.arn else "FlowDefinitionName"
    width = max((len(str(r.get(key, ""))) for r in rows), default=0)
    for row in rows:
        created = row.get("CreationTime")
        when = created.strftime("%Y-%m-%d %H:%M:%SZ") if hasattr(created, "strftime") else ""
        line = f"{row.get(key, '')!s:<{width}}  {row.get('FlowDefinitionStatus', ''):<12}  {when}"
        if row.get("FailureReason"):
            line += f"  {row['FailureReason']}"
        print(line.rstrip())
    if not rows:
        what = f" starting with {args.prefix}" if args.prefix else ""
        print(f"a2icond: no flow definitions{what}", file=sys.stderr)
    return EXIT_OK
