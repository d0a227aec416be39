"""`a2icond simulate CONDITIONS RESPONSES...`: expected human loops and cost over a corpus.

Streams the responses (files, folders, JSON Lines), never stops on a bad document (it is counted
and listed), and reports the expected number of human loops (Sampling counted by its exact
probability), the loops certain whatever the draws, the rate, how often each top-level condition
holds and is the only one holding, and the estimated cost.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_s3_arguments,
    add_source_option,
    load_conditions,
    object_price_argument,
    price_argument,
    price_problem,
    print_diagnostics,
    s3_options,
    task_count_argument,
    usage_error,
)

#: Exit status after Ctrl-C (128 + SIGINT), with the partial report printed.
EXIT_INTERRUPTED = 130

if TYPE_CHECKING:  # pragma: no cover
    from ..evaluation.simulation import SimulationReport


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per CPU) or more: {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "simulate",
        help="expected human loops and cost of conditions over stored responses",
        description="Evaluate activation conditions over a corpus of stored responses: "
        "expected human loops (each Sampling condition counted by its exact probability), "
        "loops certain regardless of sampling, the rate, how often each top-level condition "
        "holds and is the only one holding, and the estimated cost. RESPONSES are files, "
        "folders (every *.json below them) and JSON Lines files (.jsonl, .ndjson).",
    )
    p.add_argument("conditions", metavar="CONDITIONS", help="a .cond or .json conditions file")
    p.add_argument(
        "responses",
        metavar="RESPONSES",
        nargs="+",
        help="files, folders, .jsonl, s3://BUCKET/PREFIX/",
    )
    p.add_argument(
        "--flow", metavar="FLOW.toml", help="read the task count and price from this flow file"
    )
    p.add_argument(
        "--task-count",
        type=task_count_argument,
        metavar="N",
        help="reviewers per human loop (default 1)",
    )
    p.add_argument(
        "--price",
        type=price_argument,
        metavar="USD",
        help="public-workforce price per task in USD, one AWS allows for the source, e.g. 0.036",
    )
    p.add_argument(
        "--object-price",
        type=object_price_argument,
        metavar="USD",
        help="A2I's charge per reviewed object (image or page) in USD, from your pricing tier; "
        "not included unless given",
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="worker processes (0: one per CPU; default 1, or one per CPU with --scheduler local)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster: a scheduler address (tcp://host:8786), or "
        "'local' for a local cluster of --jobs worker processes (pip install 'a2icond[dask]')",
    )
    add_s3_arguments(p)
    add_source_option(p, "conditions that neither say nor imply it")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=run)


def flow_task(path: str) -> tuple[int | None, Any]:
    """`[task] count` and `price_usd` from a flow file, through the flow builder's reader.

    Raises `ValueError` with a printable message when the file cannot be used.
    """
    from ..aws.flow import FlowDefinition, FlowError

    try:
        flow = FlowDefinition.from_toml(path)
    except FlowError as exc:
        raise ValueError(exc.render()) from None
    return flow.task_count, flow.price_usd


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import CompileError
    from ..evaluation.simulation import simulate

    task_count: Any = args.task_count
    price: Any = args.price
    if args.flow:
        try:
            flow_count, flow_price = flow_task(args.flow)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_PROBLEMS
        if task_count is None:
            task_count = flow_count
        if price is None and flow_price is not None:
            try:
                price = price_argument(str(flow_price))
            except argparse.ArgumentTypeError as exc:
                print(f"{args.flow}: error: task.price_usd: {exc}", file=sys.stderr)
                return EXIT_PROBLEMS
        if task_count is not None and (
            isinstance(task_count, bool) or not isinstance(task_count, int) or task_count < 1
        ):
            print(
                f"{args.flow}: error: task.count must be a positive integer (got {task_count!r})",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
    if task_count is None:
        task_count = 1
    try:
        conditions = load_conditions(args.conditions, args.source)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text)
        return EXIT_PROBLEMS
    problem = price_problem(price, conditions.source)
    if problem is not None:
        where = f"{args.flow}: task.price_usd" if args.price is None else "--price"
        return usage_error(f"{where}: {problem}")
    try:
        report = simulate(
            conditions,
            args.responses,
            task_count=task_count,
            price_usd=price,
            object_price_usd=args.object_price,
            jobs=(0 if args.scheduler == "local" else 1) if args.jobs is None else args.jobs,
            progress=True,
            s3=s3_options(args),  # type: ignore[arg-type]
            scheduler=args.scheduler,
        )
    except ValueError as exc:
        return usage_error(str(exc))
    for name, message in report.failures:
        print(f"{name}: error: {message}", file=sys.stderr)
    if report.errors > len(report.failures):
        print(
            f"a2icond: ... and {report.errors - len(report.failures)} more bad inputs",
            file=sys.stderr,
        )
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict()) + "\n")
    else:
        sys.stdout.write(render(report) + "\n")
    sys.stdout.flush()
    if report.interrupted:
        print("a2icond: interrupted; the report covers the documents read so far", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_PROBLEMS if report.errors else EXIT_OK


def _num(value: Any) -> str:
    """An expected count: exact integers without decimals, others with two."""
    f = float(value)
    return f"{int(f):,}" if f == int(f) else f"{f:,.2f}"


def render(report: SimulationReport) -> str:
    """The report for a terminal."""
    lines = [
        "INTERRUPTED: partial report of the documents read before Ctrl-C"
        if report.interrupted
        else "",
        f"documents             {report.documents:,}"
        + (f"  ({report.errors:,} could not be read, listed above)" if report.errors else ""),
        f"human loops expected  {_num(report.human_loops_expected)}"
        f"  (rate {float(report.rate):.2%})",
        f"human loops certain   {report.human_loops_certain:,}  (whatever the Sampling draws)",
        "",
        "condition              holds (expected)  only one holding",
    ]
    for stat in report.conditions:
        where = stat.path.removeprefix("Conditions") or f"[{stat.index}]"
        text = stat.condition + (f"  (line {stat.line})" if stat.line else "")
        lines.append(
            f"  {where:<18}{_num(stat.holds):>18}  {_num(stat.only_one):>16}  {text}".rstrip()
        )
    lines.append("")
    lines.extend(render_cost(report))
    return "\n".join(line for i, line in enumerate(lines) if line or i)


def render_cost(report: SimulationReport) -> list[str]:
    """The cost lines: total, then each part or why it is missing."""
    cost = report.estimated_cost_usd
    loops = _num(report.human_loops_expected)
    out = []
    if cost is None:
        out.append("estimated cost        unknown (give --price and/or --object-price, or --flow)")
        return out
    out.append(f"estimated cost        ${float(cost):,.2f}")
    if report.workforce_cost_usd is not None:
        out.append(
            f"  workforce           ${float(report.workforce_cost_usd):,.2f}  ({loops} loops x "
            f"{report.task_count} task(s) x ${float(report.price_usd or 0):g} per task)"
        )
    else:
        out.append("  workforce           not included (no --price: a private workforce is free)")
    if report.a2i_cost_usd is not None:
        out.append(
            f"  A2I                 ${float(report.a2i_cost_usd):,.2f}  ({loops} reviewed objects "
            f"x ${float(report.object_price_usd or 0):g})"
        )
    else:
        out.append("  A2I                 not included (give --object-price from your tier)")
    return out
