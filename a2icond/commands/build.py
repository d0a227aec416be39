"""`a2icond build FLOW.toml`: the validated CreateFlowDefinition request as JSON.

The output works as `aws sagemaker create-flow-definition --cli-input-json file://request.json`
and as the keyword arguments of boto3's `create_flow_definition`.
"""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_PROBLEMS, print_flow_error, write_output


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "build",
        help="build the CreateFlowDefinition request from a flow file",
        description="Validate a flow file (TOML) and everything it references, and print the "
        "CreateFlowDefinition request as JSON. Every problem is reported at once; nothing is "
        "sent to AWS.",
    )
    p.add_argument("flow", metavar="FLOW.toml", help="the flow file; - reads standard input")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead")
    p.add_argument(
        "--region", help="the region it will be created in (ARNs elsewhere are warned about)"
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws.flow import FlowDefinition, FlowError, render_problems
    from ..model import dump_json
    from ..report import use_color

    try:
        flow = FlowDefinition.from_toml(args.flow)
        request = flow.to_request(region=args.region)
    except FlowError as exc:
        print_flow_error(exc)
        return EXIT_PROBLEMS
    warnings = flow.problems(region=args.region)
    if warnings:
        print(
            render_problems(warnings, flow._all_texts(), color=use_color(sys.stderr)),
            file=sys.stderr,
        )
        if args.strict:
            return EXIT_PROBLEMS
    write_output(dump_json(request, compact=False) + "\n", args.output)
    return EXIT_OK
