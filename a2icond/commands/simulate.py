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
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_source_option,
    load_conditions,
    print_diagnostics,
    usage_error,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..evaluation.simulation import SimulationReport


#: Far above any price per task (A2I's public prices are at most 2.40 USD).
MAX_PRICE = Decimal(1_000_000)
#: Decimals a price may have (A2I's are in tenths of a cent).
MAX_DECIMALS = 9


def _price(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a price in USD: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"not a price in USD: {text!r}")
    if value >= MAX_PRICE:  # arithmetic on 1e999999999 would build a billion-digit number
        raise argparse.ArgumentTypeError(f"must be less than {MAX_PRICE} USD: {text!r}")
    # 1e-999999999 would build the same billion-digit number, as a fraction's denominator
    tiny = value != 0 and value.adjusted() < -MAX_DECIMALS
    value = value.normalize()  # cheap, and 0E-999999999 becomes 0
    if tiny or int(value.as_tuple().exponent) < -MAX_DECIMALS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DECIMALS} decimals: {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


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
    p.add_argument("responses", metavar="RESPONSES", nargs="+", help="files, folders, .jsonl")
    p.add_argument(
        "--flow", metavar="FLOW.toml", help="read the task count and price from this flow file"
    )
    p.add_argument(
        "--task-count", type=_count, metavar="N", help="reviewers per human loop (default 1)"
    )
    p.add_argument("--price", type=_price, metavar="USD", help="price per task in USD, e.g. 0.036")
    p.add_argument(
        "--jobs", type=_jobs, default=1, metavar="N", help="worker processes (0: one per CPU)"
    )
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
                price = _price(str(flow_price))
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
    try:
        report = simulate(
            conditions,
            args.responses,
            task_count=task_count,
            price_usd=price,
            jobs=args.jobs,
            progress=True,
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
    return EXIT_PROBLEMS if report.errors else EXIT_OK


def _num(value: Any) -> str:
    """An expected count: exact integers without decimals, others with two."""
    f = float(value)
    return f"{int(f):,}" if f == int(f) else f"{f:,.2f}"


def render(report: SimulationReport) -> str:
    """The report for a terminal."""
    lines = [
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
    cost = report.estimated_cost_usd
    lines.append("")
    if cost is None:
        lines.append("estimated cost        unknown (give --price, or --flow with task.price_usd)")
    else:
        lines.append(
            f"estimated cost        ${float(cost):,.2f}  ({_num(report.human_loops_expected)} "
            f"loops x {report.task_count} task(s) x ${report.price_usd and float(report.price_usd)}"
            " per task)"
        )
    return "\n".join(lines)
