"""`a2icond diff OLD NEW CORPUS...`: what a change to activation conditions will do.

OLD and NEW are `.cond` / `.json` files, `git:REV:PATH` (the file as it is at a git revision,
read with `git show`), or `flow:NAME` (the conditions of a deployed flow definition, read with
`DescribeFlowDefinition`). The report: expected human loops, certain loops, rate and cost before
and after; each top-level condition kept, added or removed (matched by meaning); the documents
whose verdict changes. `--json` for machines, `--format markdown` for a pull-request comment,
`--fail-if-rate-increase 2%` as a CI gate.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_aws_arguments,
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

if TYPE_CHECKING:  # pragma: no cover
    from fractions import Fraction

    from ..evaluation.diff import DiffReport
    from ..model import Conditions

EXIT_INTERRUPTED = 130
#: Changed documents shown in text and Markdown (JSON lists up to 1,000).
SHOWN = 50


class SpecError(Exception):
    """OLD or NEW cannot be read; the message is printable."""


def _points(text: str) -> Fraction:
    """`2%`, `2` (percentage points) or `0.5%` -> a fraction of documents (0.02)."""
    from fractions import Fraction

    value = text.strip().removesuffix("%")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a percentage such as 2%: {text!r}") from None
    if not number.is_finite() or number < 0:
        raise argparse.ArgumentTypeError(f"not a percentage such as 2%: {text!r}")
    return Fraction(number) / 100


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diff",
        help="what a change to activation conditions does over a corpus",
        description="Evaluate OLD and NEW activation conditions over a corpus and report what "
        "changes: expected human loops, rate and cost before and after, each condition kept, "
        "added or removed, and the documents whose verdict changes. OLD and NEW are .cond or "
        ".json files, git:REV:PATH (a file at a git revision) or flow:NAME (a deployed flow "
        "definition).",
    )
    p.add_argument("old", metavar="OLD", help="FILE, git:REV:PATH or flow:NAME")
    p.add_argument("new", metavar="NEW", help="FILE, git:REV:PATH or flow:NAME")
    p.add_argument(
        "corpus",
        metavar="CORPUS",
        nargs="+",
        help="response files, folders, .jsonl files, s3://BUCKET/PREFIX/",
    )
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="text for a terminal, markdown for a pull-request comment",
    )
    p.add_argument(
        "--fail-if-rate-increase",
        type=_points,
        metavar="PCT",
        help="exit 1 when the loop rate grows by more than PCT percentage points (2%% means "
        "from 5%% to more than 7%% of documents)",
    )
    p.add_argument(
        "--task-count", type=task_count_argument, default=1, metavar="N", help="reviewers per loop"
    )
    p.add_argument(
        "--price", type=price_argument, metavar="USD", help="public-workforce price per task"
    )
    p.add_argument(
        "--object-price",
        type=object_price_argument,
        metavar="USD",
        help="A2I's charge per reviewed object",
    )
    add_source_option(p, "conditions that neither say nor imply it")
    add_aws_arguments(p, waits=False)
    add_s3_arguments(p, profile_region=False)
    p.set_defaults(func=run)


def load_spec(spec: str, args: argparse.Namespace) -> Conditions:
    """OLD or NEW as conditions. Raises `CompileError` (bad conditions) or `SpecError`."""
    from ..compiler import load_text

    if spec.startswith("git:"):
        import subprocess

        rev, sep, path = spec[4:].partition(":")
        if not sep or not rev or not path:
            raise SpecError(f"{spec}: expected git:REV:PATH, e.g. git:main:review.cond")
        try:
            shown = subprocess.run(
                ["git", "show", f"{rev}:{path}"],
                capture_output=True,
                check=False,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpecError(f"{spec}: cannot run git: {exc}") from None
        if shown.returncode != 0:
            message = shown.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SpecError(f"{spec}: {message[-1] if message else 'git show failed'}")
        try:
            text = shown.stdout.decode("utf-8")
        except UnicodeDecodeError:
            raise SpecError(f"{spec}: not UTF-8 text") from None
        return load_text(text, filename=spec, source=args.source, require_source=False)
    if spec.startswith("flow:"):
        return _deployed(spec, spec[5:], args)
    return load_conditions(spec, args.source)


def _deployed(spec: str, name: str, args: argparse.Namespace) -> Conditions:
    """The conditions of a deployed flow definition (`DescribeFlowDefinition`)."""
    from ..aws.submit import SubmitError, describe, make_client
    from ..jsonconditions import from_json_text

    if not name:
        raise SpecError(f"{spec}: expected flow:NAME")
    try:
        client = make_client(
            region=args.region, profile=args.profile, endpoint_url=args.endpoint_url
        )
        response = describe(client, name)
    except SubmitError as exc:
        raise SpecError(f"{spec}: {exc}") from None
    if response is None:
        raise SpecError(f"{spec}: no flow definition named {name!r}")
    config = response.get("HumanLoopActivationConfig") or {}
    text = (config.get("HumanLoopActivationConditionsConfig") or {}).get(
        "HumanLoopActivationConditions"
    )
    if not isinstance(text, str):
        raise SpecError(f"{spec}: the flow definition has no activation conditions")
    return from_json_text(text, source=args.source, filename=f"{spec}.json", require_source=False)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import CompileError
    from ..evaluation.diff import diff

    if args.json and args.format != "text":
        return usage_error("--json and --format markdown are alternatives; give one")
    plans = []
    for spec in (args.old, args.new):
        try:
            plans.append(load_spec(spec, args))
        except CompileError as exc:
            print_diagnostics(exc.diagnostics, exc.text)
            return EXIT_PROBLEMS
        except SpecError as exc:
            print(f"a2icond: error: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    for conditions in plans:
        problem = price_problem(args.price, conditions.source)
        if problem is not None:
            return usage_error(f"--price: {problem}")
    try:
        report = diff(
            plans[0],
            plans[1],
            args.corpus,
            old_name=args.old,
            new_name=args.new,
            s3=s3_options(args),  # type: ignore[arg-type]
            task_count=args.task_count,
            price_usd=args.price,
            object_price_usd=args.object_price,
        )
    except ValueError as exc:
        return usage_error(str(exc))
    for name, message in report.failures:
        print(f"{name}: error: {message}", file=sys.stderr)
    if args.json:
        out = report.to_dict()
        if args.fail_if_rate_increase is not None:
            out["failIfRateIncrease"] = float(args.fail_if_rate_increase)
            out["failed"] = report.rate_increase > args.fail_if_rate_increase
        sys.stdout.write(json.dumps(out) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(report, args.fail_if_rate_increase) + "\n")
    else:
        sys.stdout.write(render_text(report, args.fail_if_rate_increase) + "\n")
    sys.stdout.flush()
    if report.interrupted:
        print("a2icond: interrupted; the report covers the documents read so far", file=sys.stderr)
        return EXIT_INTERRUPTED
    status = EXIT_PROBLEMS if report.errors else EXIT_OK
    if args.fail_if_rate_increase is not None and report.rate_increase > args.fail_if_rate_increase:
        print(
            f"a2icond: the loop rate grows by {float(report.rate_increase) * 100:.2f} points "
            f"({float(report.before.rate):.2%} -> {float(report.after.rate):.2%}), more than "
            f"the {float(args.fail_if_rate_increase) * 100:g} allowed by --fail-if-rate-increase",
            file=sys.stderr,
        )
        status = EXIT_PROBLEMS
    return status


# -- rendering ----------------------------------------------------------------------------------


def _num(value: Fraction | float | int) -> str:
    f = float(value)
    return f"{int(f):,}" if f == int(f) else f"{f:,.2f}"


def _signed(value: Fraction | float) -> str:
    f = float(value)
    return "0" if f == 0 else f"{'+' if f > 0 else '-'}{_num(abs(f))}"


def _cost(value: Fraction | None) -> str:
    return "unknown" if value is None else f"${float(value):,.2f}"


def _cost_change(before: Fraction | None, after: Fraction | None) -> str:
    if before is None or after is None:
        return ""
    change = float(after - before)
    return "$0.00" if change == 0 else f"{'+' if change > 0 else '-'}${abs(change):,.2f}"


def _rows(report: DiffReport) -> list[tuple[str, str, str, str]]:
    b, a = report.before, report.after
    return [
        (
            "expected human loops",
            _num(b.expected),
            _num(a.expected),
            _signed(a.expected - b.expected),
        ),
        ("loops certain", _num(b.certain), _num(a.certain), _signed(a.certain - b.certain)),
        (
            "rate",
            f"{float(b.rate):.2%}",
            f"{float(a.rate):.2%}",
            f"{float(report.rate_increase) * 100:+.2f} points",
        ),
        (
            "estimated cost",
            _cost(b.cost_usd),
            _cost(a.cost_usd),
            _cost_change(b.cost_usd, a.cost_usd),
        ),
    ]


def _holds(value: Fraction | None) -> str:
    return "-" if value is None else _num(value)


def render_text(report: DiffReport, gate: Fraction | None = None) -> str:
    lines = [
        f"{report.old_name} -> {report.new_name} over {report.documents:,} documents"
        + (f" ({report.errors:,} could not be read, listed above)" if report.errors else ""),
    ]
    if report.interrupted:
        lines.insert(0, "INTERRUPTED: partial report of the documents read before Ctrl-C")
    if report.equivalent:
        lines.append("the two sets of conditions are equivalent: no document can change")
    lines.append("")
    lines.append(f"{'':<22}{'before':>12}{'after':>12}  change")
    for label, before, after, delta in _rows(report):
        lines.append(f"{label:<22}{before:>12}{after:>12}  {delta}")
    lines.append("")
    lines.append("conditions (holds: expected documents)")
    for m in report.members:
        lines.append(
            f"  {m.status:<8} {_holds(m.holds_old):>8} -> {_holds(m.holds_new):<8} {m.text}"
        )
    lines.append("")
    lines.append(f"documents whose verdict changes: {report.changed:,}")
    for change in report.changes[:SHOWN]:
        lines.append(f"  {change.name}: {change.kind}")
    if report.changed > SHOWN:
        lines.append(f"  ... and {report.changed - SHOWN:,} more (--json lists up to 1,000)")
    if gate is not None:
        verdict = "FAILS" if report.rate_increase > gate else "passes"
        lines.append("")
        lines.append(
            f"--fail-if-rate-increase {float(gate) * 100:g}%: {verdict} "
            f"({float(report.rate_increase) * 100:+.2f} points)"
        )
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(report: DiffReport, gate: Fraction | None = None) -> str:
    """A pull-request comment: a summary table, the conditions, the changed documents."""
    out = [f"### a2icond diff: `{_md(report.old_name)}` → `{_md(report.new_name)}`", ""]
    if report.interrupted:
        out += ["> **Interrupted**: partial report of the documents read before Ctrl-C.", ""]
    summary = f"{report.documents:,} documents"
    if report.errors:
        summary += f", {report.errors:,} could not be read"
    if report.equivalent:
        summary += "; the conditions are equivalent"
    out += [summary + ".", ""]
    if gate is not None:
        failed = report.rate_increase > gate
        out += [
            f"{'❌' if failed else '✅'} `--fail-if-rate-increase {float(gate) * 100:g}%`: the "
            f"rate changes by {float(report.rate_increase) * 100:+.2f} points.",
            "",
        ]
    out += ["| | before | after | change |", "| --- | ---: | ---: | ---: |"]
    out += [f"| {label} | {b} | {a} | {c} |" for label, b, a, c in _rows(report)]
    out += [
        "",
        "| condition | status | holds before | holds after |",
        "| --- | --- | ---: | ---: |",
    ]
    out += [
        f"| `{_md(m.text)}` | {m.status} | {_holds(m.holds_old)} | {_holds(m.holds_new)} |"
        for m in report.members
    ]
    out += [
        "",
        f"<details><summary>{report.changed:,} document(s) whose verdict changes</summary>",
        "",
    ]
    if report.changes:
        out += ["| document | before | after |", "| --- | --- | --- |"]
        out += [
            f"| `{_md(c.name)}` | {c.to_dict()['before']} | {c.to_dict()['after']} |"
            for c in report.changes[:SHOWN]
        ]
        if report.changed > SHOWN:
            out.append(f"| … {report.changed - SHOWN:,} more | | |")
    out += ["", "</details>"]
    return "\n".join(out)
