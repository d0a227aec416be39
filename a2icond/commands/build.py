"""`a2icond build FLOW.toml`: the validated CreateFlowDefinition request as JSON, or as
Terraform JSON (`--format terraform`).

The JSON works as `aws sagemaker create-flow-definition --cli-input-json file://request.json`
and as the keyword arguments of boto3's `create_flow_definition`; the Terraform form is one
`aws_sagemaker_flow_definition` resource in a `.tf.json` file.
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
        "CreateFlowDefinition request as JSON, or with --format terraform as Terraform JSON "
        "(.tf.json) for one aws_sagemaker_flow_definition resource. Every problem is reported "
        "at once; nothing is sent to AWS.",
    )
    p.add_argument("flow", metavar="FLOW.toml", help="the flow file; - reads standard input")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead")
    p.add_argument(
        "--format",
        choices=("request", "terraform"),
        default="request",
        help="request: the CreateFlowDefinition JSON (default); terraform: a .tf.json resource",
    )
    p.add_argument(
        "--resource-name",
        metavar="LABEL",
        help="the Terraform resource name (default: the flow's name with - as _)",
    )
    p.add_argument(
        "--region", help="the region it will be created in (ARNs elsewhere are warned about)"
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws.flow import FlowError, build_request, read_flow, render_problems
    from ..model import dump_json
    from ..report import use_color

    try:
        built = build_request(read_flow(args.flow), region=args.region)
    except FlowError as exc:
        print_flow_error(exc)
        return EXIT_PROBLEMS
    if built.errors:
        print_flow_error(built.error())
        return EXIT_PROBLEMS
    if built.warnings:
        print(
            render_problems(built.warnings, built.texts, color=use_color(sys.stderr)),
            file=sys.stderr,
        )
        if args.strict:
            return EXIT_PROBLEMS
    document = built.request
    if args.format == "terraform":
        from ..aws.terraform import to_terraform

        document = to_terraform(built.request, args.resource_name)
    write_output(dump_json(document, compact=False) + "\n", args.output)
    return EXIT_OK
