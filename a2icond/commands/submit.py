"""`a2icond submit FLOW.toml... | FOLDER`: apply the plan (see `a2icond plan`).

The plan goes to standard error first, then each flow is applied in order, stopping at the first
failure: create and wait for `Active`; tags updated in place; a replacement (delete, wait until
gone, create) only with `--replace`, confirmed on a terminal or by `--yes`. Standard output gets
one line per flow, `created ARN (Active)` (or `unchanged`, `equivalent`, `tags updated`,
`replaced`, `submitted` with --no-wait); several flows end with a summary line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ._common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    add_aws_arguments,
    aws_client,
    build_flows,
    flow_paths,
    print_submit_error,
    timing_from,
    usage_error,
)

#: A progress line at least this often while waiting, besides every status change.
PROGRESS_EVERY = 10.0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "submit",
        help="create or update flow definitions in AWS (applies the plan)",
        description="Validate flow files, print the plan (as `a2icond plan` does) and apply "
        "it: create and wait until Active, update tags in place, and with --replace delete and "
        "create again a definition whose other fields changed (there is no update API).",
    )
    p.add_argument(
        "flows", nargs="+", metavar="FLOW.toml|FOLDER", help="flow files, or folders of them"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="validate and print the request(s); send nothing"
    )
    p.add_argument("--no-wait", action="store_true", help="do not wait for Active")
    p.add_argument(
        "--replace",
        action="store_true",
        help="delete a definition that must be replaced and create it again (asks first)",
    )
    p.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="confirm --replace without asking (needed when not on a terminal)",
    )
    p.add_argument(
        "--save-failed",
        metavar="FOLDER",
        default=".",
        help="where a request is saved when its definition was deleted and could not be "
        "created again (default: the current folder)",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings; send nothing")
    add_aws_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..aws import plan as planning
    from ..aws.submit import SubmitError

    try:
        paths = flow_paths(args.flows)
    except ValueError as exc:
        return usage_error(str(exc))
    if args.dry_run:
        return _dry_run(paths, args.region, args.strict)
    try:
        client = aws_client(args)
        region = client.meta.region_name
    except SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    built = build_flows(paths, region, strict=args.strict)
    if built is None:
        return EXIT_PROBLEMS
    try:
        plans = planning.plan_all(client, [(b.request, path) for path, b in built])
    except SubmitError as exc:
        print_submit_error(exc)
        return EXIT_PROBLEMS
    for plan in plans:
        print(plan.render(region), file=sys.stderr)
    replacements = [p for p in plans if p.action == planning.REPLACE]
    if replacements and not args.replace:
        names = ", ".join(p.name for p in replacements)
        print(
            f"a2icond: error: {names} must be replaced (deleted and created again): the "
            "fields above cannot be changed in place; nothing was changed",
            file=sys.stderr,
        )
        print(
            "  = help: there is no update API: rerun with --replace (it asks first), or set "
            "versioned = true in the flow file to create a new version beside the old one",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    if replacements and not _confirmed(replacements, args.yes):
        return EXIT_PROBLEMS
    return _apply_all(client, plans, args)


def _dry_run(paths: list[str], region: str | None, strict: bool) -> int:
    from ..model import dump_json

    built = build_flows(paths, region, strict=strict)
    if built is None:
        return EXIT_PROBLEMS
    requests = [b.request for _, b in built]
    value: Any = requests[0] if len(requests) == 1 else requests
    sys.stdout.write(dump_json(value, compact=False) + "\n")
    return EXIT_OK


def _confirmed(replacements: list[Any], yes: bool) -> bool:
    """`--yes`, or `yes` typed at a terminal; otherwise refuse (nothing is deleted)."""
    names = ", ".join(p.name for p in replacements)
    if yes:
        return True
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        print(
            f"a2icond: error: replacing {names} deletes the deployed definition; not on a "
            "terminal to ask, so nothing was deleted",
            file=sys.stderr,
        )
        print("  = help: rerun with --yes to confirm the replacement", file=sys.stderr)
        return False
    print(
        f"Replacing deletes {names} and creates it again; human loops cannot start on it "
        "until it is Active again.",
        file=sys.stderr,
    )
    sys.stderr.write("Type yes to continue: ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline().strip().lower()
    except KeyboardInterrupt:
        answer = ""
    if answer != "yes":
        print("a2icond: not confirmed; nothing was deleted", file=sys.stderr)
        return False
    return True


class _Reporter:
    """Progress lines on standard error: every status change, and every PROGRESS_EVERY s."""

    def __init__(self) -> None:
        self.last: tuple[str, str, str] = ("", "", "")
        self.printed_at = 0.0

    def __call__(self, name: str, doing: str, status: str, elapsed: float) -> None:
        key = (name, doing, status)
        now = time.monotonic()
        first = key[:2] != self.last[:2]
        if first and status in ("Active", "gone"):  # no wait at all: nothing to report
            self.last = key
            return
        if key != self.last or now - self.printed_at >= PROGRESS_EVERY:
            self.last, self.printed_at = key, now
            print(f"  {name}: {doing}: {status} ({elapsed:.0f}s)", file=sys.stderr, flush=True)


def _apply_all(client: Any, plans: list[Any], args: argparse.Namespace) -> int:
    from ..aws import plan as planning
    from ..aws.submit import SubmitError

    progress = planning.Progress(report=_Reporter())
    applied: list[Any] = []
    rescue = Path(args.save_failed)
    for plan in plans:
        try:
            result = planning.apply(
                client,
                plan,
                confirmed=args.replace,
                wait=not args.no_wait,
                timing=timing_from(args),  # type: ignore[arg-type]
                progress=progress,
                rescue_dir=rescue,
            )
        except SubmitError as exc:
            print_submit_error(exc)
            _not_applied(plans, applied, plan)
            return EXIT_PROBLEMS
        except KeyboardInterrupt:
            _interrupted(progress, rescue)
            _not_applied(plans, applied, plan)
            return EXIT_INTERRUPTED
        applied.append(result)
        print(result.line(), flush=True)
    if len(plans) > 1:
        print(f"a2icond: {planning.summary(plans, done=True)}", file=sys.stderr)
    return EXIT_OK


def _not_applied(plans: list[Any], applied: list[Any], failed: Any) -> None:
    rest = [p.name for p in plans[len(applied) :] if p is not failed]
    if len(plans) > 1:
        done = ", ".join(a.plan.name for a in applied) or "none"
        print(f"a2icond: stopped at {failed.name}; applied before it: {done}", file=sys.stderr)
        if rest:
            print(f"a2icond: not applied: {', '.join(rest)}", file=sys.stderr)


def _interrupted(progress: Any, rescue: Path) -> None:
    from ..aws import plan as planning

    done = "; ".join(progress.done) or "nothing changed yet"
    print(f"\na2icond: interrupted. Done so far: {done}.", file=sys.stderr)
    if progress.deleted_not_created is not None:
        error = planning.deleted_but_not_created(
            "interrupted before the create", progress.deleted_not_created, rescue
        )
        print_submit_error(error)
    else:
        print(
            "a2icond: no definition is left deleted; a create already sent goes on in "
            "SageMaker: run a2icond plan to see where things stand",
            file=sys.stderr,
        )
