"""Helpers shared by the CLI commands: options, loading conditions, printing diagnostics and
flow-file errors, exit codes. Commands import this module, never each other."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..vocabulary import SOURCES as SOURCES

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from ..aws.flow import Built
    from ..diagnostics import Diagnostic
    from ..model import Conditions
    from ..report import FileResult

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_CHANGES = 4  # plan --detailed-exitcode: changes pending
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def add_source_option(
    parser: argparse.ArgumentParser,
    what: str = "files that neither say nor imply it",
    *,
    required: bool = False,
) -> None:
    """The `--source` option every command that reads conditions shares."""
    parser.add_argument(
        "--source", choices=SOURCES, required=required, help=f"the source, for {what}"
    )


def print_diagnostics(
    diagnostics: Iterable[Diagnostic], text: str | None = None, stream: TextIO | None = None
) -> None:
    from ..diagnostics import render_all
    from ..report import use_color

    diagnostics = list(diagnostics)
    stream = stream or sys.stderr
    if diagnostics:
        print(render_all(diagnostics, text, color=use_color(stream)), file=stream)


def add_output_format_option(parser: argparse.ArgumentParser) -> None:
    """`--output-format text|json|json-lines|github|sarif`: ruff's names (docs/diagnostics.md)."""
    from ..report import FORMATS

    parser.add_argument(
        "--output-format",
        choices=FORMATS,
        default="text",
        help="how to print diagnostics: text for people (default), json (an array), json-lines, "
        "github (workflow commands that annotate a pull request), sarif (code scanning)",
    )


def print_report(
    results: Sequence[FileResult], output_format: str, *, verbose: bool = False
) -> None:
    """Diagnostics of a run on standard output in `output_format`, then the summary line
    (`Found 3 errors and 1 warning in 2 files`): on standard output after text, on standard
    error after a machine format, so that standard output stays parseable."""
    from ..report import render, render_text, summary, use_color

    if output_format == "text":
        color = use_color(sys.stdout)
        for result in results:
            if result.diagnostics:
                print(render_text([result], color=color))
            elif verbose:
                print(f"{result.path}: ok ({result.detail})")
        line = summary(results)
        if line:
            print(line)
        sys.stdout.flush()
        return
    rendered = render(results, output_format)
    if rendered or output_format in ("json", "sarif"):
        sys.stdout.write(rendered + "\n")
        sys.stdout.flush()
    line = summary(results)
    if line:
        print(line, file=sys.stderr)


def usage_error(message: str) -> int:
    print(f"a2icond: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def write_output(text: str, output: str | None) -> int:
    """Print to standard output, or write `output` atomically; the exit status.

    A write that fails (a missing or read-only folder, a folder named as the file, a full disk)
    is one located line and exit 1; an existing file is then left as it was.
    """
    if output and output != "-":
        from ..fileio import atomic_write

        try:
            atomic_write(output, text)
        except (OSError, ValueError) as exc:
            return write_failed(output, exc)
    else:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            return write_failed("<stdout>", exc)
    return EXIT_OK


def write_failed(path: str, exc: BaseException) -> int:
    """`PATH: error: cannot write: REASON` (exit 1), for any output that could not be written."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    print(f"{path}: error: cannot write: {reason}", file=sys.stderr)
    return EXIT_PROBLEMS


def load_conditions(path: str, source: str | None) -> Conditions:
    """A `.cond` file compiled, or a `.json` file validated (a Sampling-only JSON file needs
    no source here: it evaluates the same against both services). Raises `CompileError`."""
    from ..compiler import load

    return load(path, source=source, require_source=False)  # type: ignore[arg-type]


def print_flow_error(exc: object) -> None:
    """Every problem, located, then a count."""
    from ..aws.flow import FlowError, render_problems, summary_line
    from ..report import use_color

    assert isinstance(exc, FlowError)
    print(render_problems(exc.problems, exc.texts, color=use_color(sys.stderr)), file=sys.stderr)
    print(f"a2icond: {summary_line(exc.problems)}", file=sys.stderr)


def add_aws_arguments(p: argparse.ArgumentParser, *, waits: bool = True) -> None:
    """--region, --profile, --endpoint-url (and the waiting options), shared by the commands
    that call SageMaker."""
    p.add_argument("--region", help="AWS region (default: the profile's or AWS_REGION)")
    p.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default one)")
    p.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="SageMaker endpoint (default: AWS_ENDPOINT_URL_SAGEMAKER, else AWS's)",
    )
    if waits:
        p.add_argument(
            "--timeout",
            type=_seconds,
            default=600.0,
            metavar="S",
            help="give up waiting after S seconds (default 600)",
        )
        p.add_argument(
            "--poll-interval",
            type=_seconds,
            default=2.0,
            metavar="S",
            help="seconds between status checks (default 2)",
        )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def timing_from(args: argparse.Namespace) -> object:
    from ..aws.submit import Timing

    return Timing(
        poll_interval=args.poll_interval,
        timeout=args.timeout,
        iam_retry_timeout=min(120.0, args.timeout),
        iam_retry_max_delay=max(args.poll_interval, min(10.0, args.poll_interval * 8)),
    )


#: Folders never searched: hidden ones (`.git`, `.venv`, ...) and these.
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})

#: What marks a file in a folder as holding activation conditions, by suffix (a file named on
#: the command line is always read; in a folder only these are, so `package.json` is not).
_MARKERS: dict[str, tuple[str, ...]] = {
    ".json": (
        '"Conditions"',
        "HumanLoopActivationConditions",
        "humanTaskActivationConditionResults",
    ),
    ".py": ("HumanLoopActivationConditions", "ConditionType"),
    ".ipynb": ("HumanLoopActivationConditions", "ConditionType"),
    ".tf": ("human_loop_activation_conditions",),
}


def _wanted(path: Path, suffixes: tuple[str, ...]) -> bool:
    name = path.name.lower()
    if name.startswith("."):
        return False
    if name.endswith(".flow.toml"):
        return ".toml" in suffixes
    suffix = path.suffix.lower()
    if suffix not in suffixes or suffix == ".toml":
        return False
    markers = _MARKERS.get(suffix)
    if not markers:
        return True
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return True  # named in the output with its read error
    if not any(m in text for m in markers):
        return False
    return suffix != ".json" or _json_holds_conditions(text)


def _json_holds_conditions(text: str) -> bool:
    """A JSON file whose top level is conditions, a request or response holding them, an A2I
    record or a `HumanLoopActivationOutput` (not, say, an index that mentions them)."""
    import json

    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return True  # a broken conditions file is reported, not skipped
    if not isinstance(document, dict):
        return False
    members = document.get("Conditions")
    if isinstance(members, list):  # not, say, an ELB rule's {"Conditions": [{"Field": ...}]}
        return any(isinstance(m, dict) and {"ConditionType", "And", "Or"} & set(m) for m in members)
    keys = {"HumanLoopActivationConfig", "humanTaskActivationConditionResults"}
    keys |= {"HumanLoopActivationOutput", "HumanLoopActivationConditionsEvaluationResults"}
    return bool(keys & set(document))


def expand_files(paths: Iterable[str], suffixes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Files named on the command line, folders replaced by the files under them (sorted,
    recursively, hidden folders skipped) that have one of `suffixes` and, for `.json`, `.py`,
    `.ipynb` and `.tf`, look like they hold activation conditions; `.toml` means `*.flow.toml`.

    Returns the files and the folders that held none.
    """
    import os

    files: list[str] = []
    empty: list[str] = []
    for given in paths:
        if given == "-" or not os.path.isdir(given):
            files.append(given)
            continue
        from pathlib import Path

        before = len(files)
        for root, dirs, names in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
            for name in sorted(names):
                path = Path(root) / name
                if _wanted(path, suffixes):
                    files.append(str(path))
        if len(files) == before:
            empty.append(given)
    return files, empty


# --- flow files (build, plan, submit) ----------------------------------------------------------


def flow_paths(arguments: Iterable[str]) -> list[str]:
    """Flow files from the command line: files as given, folders as their `*.flow.toml` files
    (recursively, sorted). A folder without any is a usage error (`ValueError`)."""
    from pathlib import Path

    paths: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if argument != "-" and path.is_dir():
            found = sorted(str(p) for p in path.rglob("*.flow.toml") if p.is_file())
            if not found:
                raise ValueError(f"no *.flow.toml files in {argument}")
            paths.extend(found)
        else:
            paths.append(argument)
    return paths


def build_flows(
    paths: Iterable[str], region: str | None, *, strict: bool = False
) -> list[tuple[str, Built]] | None:
    """Read and build every flow file once; print every problem. Returns `(path, Built)` pairs,
    or None when any has errors (or warnings, with `strict`; or two build the same name)."""
    from ..aws.flow import FlowError, build_request, read_flow, render_problems
    from ..report import use_color

    built: list[tuple[str, Built]] = []
    failed = False
    names: dict[str, str] = {}
    for path in paths:
        try:
            result = build_request(read_flow(path), region=region)
        except FlowError as exc:
            print_flow_error(exc)
            failed = True
            continue
        if result.errors:
            print_flow_error(result.error())
            failed = True
            continue
        if result.warnings:
            print(
                render_problems(result.warnings, result.texts, color=use_color(sys.stderr)),
                file=sys.stderr,
            )
            if strict:
                failed = True
        name = str(result.request.get("FlowDefinitionName"))
        if name in names:
            print(
                f"a2icond: error: {path} and {names[name]} both define flow definition {name}",
                file=sys.stderr,
            )
            failed = True
        names[name] = path
        built.append((path, result))
    return None if failed else built


def aws_client(args: argparse.Namespace) -> Any:
    """A SageMaker client from --region/--profile/--endpoint-url (raises `SubmitError`)."""
    from ..aws import submit as aws

    return aws.make_client(region=args.region, profile=args.profile, endpoint_url=args.endpoint_url)


def print_submit_error(exc: object) -> None:
    """An AWS failure: one line, the differing fields, what to do."""
    from ..aws.submit import SubmitError

    assert isinstance(exc, SubmitError)
    print(f"a2icond: error: {exc.message}", file=sys.stderr)
    for difference in exc.differences:
        print(f"  {difference.text}", file=sys.stderr)
    if exc.hint:
        print(f"  = help: {exc.hint}", file=sys.stderr)


def add_s3_arguments(p: argparse.ArgumentParser, *, profile_region: bool = True) -> None:
    """--profile, --region (unless `add_aws_arguments` gave them) and --s3-concurrency, for the
    commands that read `s3://` corpora."""
    if profile_region:
        p.add_argument("--region", help="AWS region for S3 (default: the profile's or AWS_REGION)")
        p.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default one)")
    p.add_argument(
        "--s3-concurrency",
        type=_positive,
        default=16,
        metavar="N",
        help="S3 objects read at once (default 16); the endpoint is AWS_ENDPOINT_URL_S3's",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def s3_options(args: argparse.Namespace) -> object:
    """The `S3Options` the S3 arguments describe."""
    from ..evaluation.s3 import S3Options

    return S3Options(
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        workers=getattr(args, "s3_concurrency", 16),
    )


def price_argument(text: str) -> Any:
    """`--price`: a public-workforce price, read by the rules of a flow file's `price_usd`."""
    from ..aws.prices import PriceError, parse_price

    try:
        return parse_price(text)
    except PriceError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} {exc}") from None


#: Far above any charge per object; arithmetic on 1e999999999 would build a billion-digit number.
MAX_OBJECT_PRICE = 1_000_000
#: Decimals an amount may have: 1e-999999999 would build that number as a denominator.
MAX_DECIMALS = 9


def object_price_argument(text: str) -> Any:
    """`--object-price`: a non-negative amount of US dollars (A2I's charge per object),
    bounded so that exact cost arithmetic stays cheap."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip().removeprefix("$"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount of US dollars: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"not an amount of US dollars: {text!r}")
    if value >= MAX_OBJECT_PRICE:
        raise argparse.ArgumentTypeError(f"must be less than {MAX_OBJECT_PRICE} USD: {text!r}")
    tiny = value != 0 and value.adjusted() < -MAX_DECIMALS
    value = value.normalize()  # cheap, and 0E-999999999 becomes 0
    if tiny or int(value.as_tuple().exponent) < -MAX_DECIMALS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DECIMALS} decimals: {text!r}")
    return value


def task_count_range() -> tuple[int, int]:
    """`HumanLoopConfig.TaskCount`'s range from botocore's SageMaker model (1..3 today)."""
    try:
        import botocore.session

        model = botocore.session.get_session().get_service_model("sagemaker")
        meta = model.shape_for("HumanLoopConfig").members["TaskCount"].metadata
        return int(meta.get("min", 1)), int(meta.get("max", 3))
    except Exception:  # botocore missing or its model changed shape: the documented range
        return 1, 3


def task_count_argument(text: str) -> int:
    """`--task-count`: workers per object, within what `CreateFlowDefinition` accepts."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    low, high = task_count_range()
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"must be from {low} to {high} (HumanLoopConfig.TaskCount): {text!r}"
        )
    return value


def price_problem(price: Any, source: str | None) -> str | None:
    """Why `price` is not one AWS allows for the conditions' task type, or None."""
    if price is None or source not in ("textract", "rekognition"):
        return None
    from decimal import Decimal

    from ..aws.prices import TASK_TYPE_NAMES, allowed_text, is_allowed

    if is_allowed(Decimal(price), source):  # type: ignore[arg-type]
        return None
    return (
        f"{price} is not a price AWS allows for {TASK_TYPE_NAMES[source]} tasks: "  # type: ignore[index]
        f"{allowed_text(source)}"  # type: ignore[arg-type]
    )
