"""`a2icond audit RECORDS...`: does a2icond's evaluation still match what A2I recorded?

Over A2I output records (files, folders, JSON Lines, `s3://bucket/prefix/`): each record's own
conditions evaluated on its own response and compared with A2I's results node by node; the
agreement rate, every disagreement with the node and the values, per flow definition. Exit 1 when
any record disagrees or cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_s3_arguments,
    add_source_option,
    load_conditions,
    print_diagnostics,
    s3_options,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..evaluation.audit import AuditReport

EXIT_INTERRUPTED = 130


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit",
        help="compare A2I's recorded condition results with a2icond's evaluation",
        description="Evaluate each A2I output record's own activation conditions on its own "
        "response and compare with the results A2I recorded: agreement rate, every "
        "disagreement with the node and the values, per flow definition. Differences only at "
        "nodes that depend on a Sampling draw are reported but are not disagreements (A2I's "
        "draw is random). Exit 1 when anything disagrees.",
    )
    p.add_argument(
        "records",
        metavar="RECORDS",
        nargs="+",
        help="output.json files, folders, .jsonl files, s3://BUCKET/PREFIX/",
    )
    p.add_argument(
        "--conditions",
        metavar="FILE",
        help="also require every record's conditions to be equivalent to these (.cond/.json)",
    )
    add_source_option(p, "--conditions that neither say nor imply it")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    add_s3_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import CompileError
    from ..evaluation.audit import audit

    conditions = None
    if args.conditions:
        try:
            conditions = load_conditions(args.conditions, args.source)
        except CompileError as exc:
            print_diagnostics(exc.diagnostics, exc.text)
            return EXIT_PROBLEMS
    report = audit(args.records, conditions=conditions, s3=s3_options(args))  # type: ignore[arg-type]
    for name, message in report.failures:
        print(f"{name}: error: {message}", file=sys.stderr)
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict()) + "\n")
    else:
        sys.stdout.write(render(report) + "\n")
    sys.stdout.flush()
    if report.interrupted:
        print("a2icond: interrupted; the report covers the records read so far", file=sys.stderr)
        return EXIT_INTERRUPTED
    total = report.total
    return EXIT_PROBLEMS if total.disagree or total.unreadable else EXIT_OK


def render(report: AuditReport) -> str:
    t = report.total
    evaluated = t.records - t.unreadable
    lines = []
    if report.interrupted:
        lines.append("INTERRUPTED: partial report of the records read before Ctrl-C")
    lines.append(
        f"agreement {t.rate:.2%}: {t.agree + t.sampled_only:,} of {evaluated:,} records agree"
        + (f" ({t.sampled_only:,} differ only at Sampling draws)" if t.sampled_only else "")
        + (f"; {t.unreadable:,} could not be read, listed above" if t.unreadable else "")
    )
    lines.append("")
    width = max([len("flow definition"), *map(len, report.flows)])
    lines.append(
        f"{'flow definition':<{width}}  records  agree  sampling-only  disagree  unreadable"
    )
    for name, f in sorted(report.flows.items()):
        lines.append(
            f"{name:<{width}}  {f.records:>7,}  {f.agree:>5,}  {f.sampled_only:>13,}  "
            f"{f.disagree:>8,}  {f.unreadable:>10,}"
        )
    if report.disagreements:
        lines.append("")
        lines.append(f"disagreements ({t.disagree:,}):")
        for d in report.disagreements:
            lines.append(f"  {d.record} [{d.flow}]")
            lines.extend(f"    {diff}" for diff in d.differences)
    if report.sampled:
        lines.append("")
        lines.append("differences only at Sampling draws (expected; not disagreements):")
        for d in report.sampled[:20]:
            lines.append(f"  {d.record} [{d.flow}]")
            lines.extend(f"    {diff}" for diff in d.differences)
    return "\n".join(lines)
