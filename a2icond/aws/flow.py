"""The flow definition builder: from a flow file (TOML) or keyword arguments to a validated
`CreateFlowDefinition` request, and on to a live A2I workflow.

    >>> flow = FlowDefinition.from_toml("examples/textract/payroll.flow.toml")
    >>> request = flow.to_request()          # the exact kwargs for create_flow_definition
    >>> flow.submit()                        # create, wait for Active (or `unchanged`)

Three separate steps, each a function: `read_flow` (flow file -> `FlowDefinition`, whose
`file_problems` field carries what was wrong with the file itself: unknown keys, tables that are
not tables), `build_request` (`FlowDefinition` -> `Built`: the request and every problem, every
field validated, so a `dataclasses.replace`d value is checked as thoroughly as a read one) and
`a2icond.aws.submit.submit` / `a2icond.aws.plan` (request -> AWS). `FlowDefinition` is a frozen
plain value: it holds nothing computed.

Every problem is collected before anything is sent, so a user fixes the file in one pass; they
come back as a `FlowError` whose `.problems` are `Problem`s reading
`Field.Path: what is wrong (got VALUE)`, located in the flow file when it came from one.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..diagnostics import CompileError, Diagnostic
from ..model import REQUEST_SOURCE, SOURCES, Conditions, Source
from .submit import SubmitError, SubmitResult, Timing
from .validation import CONDITIONS_PATH, Problem, errors_in, validate_request

__all__ = [
    "Built",
    "FlowDefinition",
    "FlowError",
    "Problem",
    "SubmitError",
    "SubmitResult",
    "Timing",
    "build_request",
    "parse_duration",
    "read_flow",
    "version_suffix",
]

SOURCE_PATH = "HumanLoopRequestSource.AwsManagedHumanLoopRequestSource"


class FlowError(Exception):
    """A flow definition with errors; `.problems` lists every one (and the warnings).

    `str(error)` is one problem per line, errors first; `.render()` adds file locations and the
    offending source lines for the command line.
    """

    def __init__(self, problems: Sequence[Problem], texts: Mapping[str, str] | None = None):
        self.problems: list[Problem] = list(problems)
        self.texts: dict[str, str] = dict(texts or {})
        super().__init__("\n".join(p.text for p in self.errors) or "invalid flow definition")

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def render(self) -> str:
        return render_problems(self.problems, self.texts)


def render_problems(
    problems: Iterable[Problem],
    texts: Mapping[str, str | None] | None = None,
    *,
    color: bool = False,
) -> str:
    """Problems for a terminal: `FILE:LINE:COL: error: Field.Path: ...` plus the source line."""
    texts = dict(texts or {})
    out = []
    problems = list(problems)
    files = {name: i for i, name in reversed(list(enumerate(p.filename for p in problems)))}
    for p in sorted(problems, key=lambda p: _reading_order(p, files)):
        if p.filename and p.line and p.filename not in texts:
            texts[p.filename] = _source_text(p.filename)
        if p.filename:
            out.append(problem_diagnostic(p).render(texts.get(p.filename), color=color))
        else:
            line = f"{p.severity}[{problem_code(p)}]: {p.text}"
            out.append(line + (f"\n  = help: {p.hint}" if p.hint else ""))
    return "\n".join(out)


def problem_diagnostic(p: Problem) -> Diagnostic:
    """A problem as a `Diagnostic` (for `check`'s output formats): located in its file, or, when
    it has no line, about the whole file (line 0)."""
    column = (p.column or 1) if p.line else 0
    return Diagnostic(
        p.text,
        p.line,
        column,
        p.line,
        (p.end_column or column + 1) if p.line else 0,
        severity=p.severity,
        filename=p.filename,
        hint=p.hint,
        code=problem_code(p),
    )


def problem_diagnostics(problems: Iterable[Problem]) -> list[Diagnostic]:
    """`problem_diagnostic` of each, in reading order (errors, then warnings)."""
    problems = list(problems)
    files = {name: i for i, name in reversed(list(enumerate(p.filename for p in problems)))}
    return [problem_diagnostic(p) for p in sorted(problems, key=lambda p: _reading_order(p, files))]


def _reading_order(problem: Problem, files: Mapping[str, int]) -> tuple[bool, int, int, int]:
    """Errors, then warnings; each by file (in the order first named), line and column."""
    return (problem.severity != "error", files[problem.filename], problem.line, problem.column)


def _source_text(filename: str) -> str | None:
    """The text of a file a problem points into (a conditions file), for its source line."""
    from ..fileio import read_text

    try:
        return read_text(filename)
    except CompileError:
        return None


def problem_code(problem: Problem) -> str:
    """The diagnostic code of a problem: its own, else A2I060 (error) or A2I150 (warning)."""
    return problem.code or ("A2I060" if problem.severity == "error" else "A2I150")


# --- durations --------------------------------------------------------------------------------

_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
DURATION_HELP = "whole seconds, or a duration such as 90s, 30m, 12h, 1d, 1h30m"


def parse_duration(value: Any) -> int:
    """Seconds from `3600`, `"3600"`, `"1h"`, `"1h30m"`, `"1d12h"` or a `timedelta`.

    Units d, h, m, s, each at most once and largest first. Raises `ValueError` otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"must be {DURATION_HELP}")
    if isinstance(value, int):
        return value
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            raise ValueError("must be a whole number of seconds")
        return int(seconds)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("must be a whole number of seconds")
    if not isinstance(value, str):
        raise ValueError(f"must be {DURATION_HELP}")
    text = value.strip().lower().replace(" ", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"must be {DURATION_HELP}")
    return sum(int(n) * _UNITS[u] for n, u in zip(match.groups(), "dhms", strict=True) if n)


# --- the flow file's keys and their places in the request --------------------------------------


@dataclass(frozen=True)
class Field:
    attr: str  # keyword argument of FlowDefinition
    key: tuple[str, ...]  # key path in the flow file
    path: str  # field path in the request


FIELDS: tuple[Field, ...] = (
    Field("name", ("name",), "FlowDefinitionName"),
    Field("source", ("source",), SOURCE_PATH),
    Field("conditions", ("conditions",), CONDITIONS_PATH),
    Field("role_arn", ("role_arn",), "RoleArn"),
    Field("workteam_arn", ("task", "workteam_arn"), "HumanLoopConfig.WorkteamArn"),
    Field("human_task_ui_arn", ("task", "ui_arn"), "HumanLoopConfig.HumanTaskUiArn"),
    Field("task_title", ("task", "title"), "HumanLoopConfig.TaskTitle"),
    Field("task_description", ("task", "description"), "HumanLoopConfig.TaskDescription"),
    Field("task_count", ("task", "count"), "HumanLoopConfig.TaskCount"),
    Field(
        "task_availability_lifetime",
        ("task", "availability_lifetime"),
        "HumanLoopConfig.TaskAvailabilityLifetimeInSeconds",
    ),
    Field("task_time_limit", ("task", "time_limit"), "HumanLoopConfig.TaskTimeLimitInSeconds"),
    Field("task_keywords", ("task", "keywords"), "HumanLoopConfig.TaskKeywords"),
    Field("price_usd", ("task", "price_usd"), "HumanLoopConfig.PublicWorkforceTaskPrice"),
    Field("output_s3", ("output", "s3"), "OutputConfig.S3OutputPath"),
    Field("kms_key_id", ("output", "kms_key_id"), "OutputConfig.KmsKeyId"),
    Field("tags", ("tags",), "Tags"),
    Field("versioned", ("versioned",), "FlowDefinitionName"),
)
#: With `versioned = true`: `-` and this many hex digits of the request's content hash.
VERSION_DIGITS = 8
MAX_NAME = 63
TABLES = ("task", "output", "tags")
#: Keys allowed in each table of the flow file ("" is the top level).
FILE_KEYS: dict[str, tuple[str, ...]] = {
    "": ("name", "versioned", "source", "conditions", "role_arn", *TABLES),
    "task": tuple(f.key[1] for f in FIELDS if f.key[0] == "task"),
    "output": tuple(f.key[1] for f in FIELDS if f.key[0] == "output"),
}
#: Names people reach for (API, boto3, Python keywords), and the flow file's name for them.
ALIASES: dict[str, str] = {
    **{f.attr: f.key[-1] for f in FIELDS},
    **{f.path.rsplit(".", 1)[-1].lower(): f.key[-1] for f in FIELDS},
    "flowdefinitionname": "name",
    "human_task_ui": "ui_arn",
    "humantaskuiarn": "ui_arn",
    "task_ui_arn": "ui_arn",
    "workteam": "workteam_arn",
    "work_team_arn": "workteam_arn",
    "role": "role_arn",
    "price": "price_usd",
    "kms_key": "kms_key_id",
    "kms": "kms_key_id",
    "s3_output_path": "s3",
    "s3outputpath": "s3",
    "output_path": "s3",
    "task_count": "count",
    "lifetime": "availability_lifetime",
    "timeout": "time_limit",
}


def _meant_paths(data: Mapping[str, Any]) -> set[str]:
    """Request paths of fields given under a wrong name or in the wrong table. Their unknown-key
    error already says where they belong; "is required" for them would repeat one mistake."""
    by_key = {f.key: f.path for f in FIELDS}
    paths: set[str] = set()
    for table in ("", "task", "output"):
        section = data.get(table, {}) if table else data
        if not isinstance(section, Mapping):
            continue
        for key in section:
            if key in FILE_KEYS[table]:
                continue
            lowered = key.lower().replace("-", "_")
            name = ALIASES.get(lowered) or ALIASES.get(lowered.replace("_", "")) or lowered
            places = [(t, name) for t in (table, "", "task", "output") if name in FILE_KEYS[t]]
            close = difflib.get_close_matches(lowered, FILE_KEYS[table], n=1, cutoff=0.6)
            places += [(table, c) for c in close]  # as `_suggest` decides
            if places:
                where, found = places[0]
                given = data.get(where, {}) if where else data
                if isinstance(given, Mapping) and found in given:
                    continue  # the field is there too: its own problems still count
                path = by_key.get((where, found) if where else (found,))
                if path is not None:
                    paths.add(path)
    return paths


def _suggest(key: str, table: str) -> str:
    """`; did you mean "title"?`, `; it belongs under [task]`, both, or nothing."""
    known = FILE_KEYS[table]
    lowered = key.lower().replace("-", "_")
    name = ALIASES.get(lowered) or ALIASES.get(lowered.replace("_", "")) or lowered
    if name in known:
        return f'; did you mean "{name}"?' if name != key else ""
    for other, keys in FILE_KEYS.items():
        if other != table and name in keys:
            where = f"under [{other}]" if other else "at the top level"
            renamed = f'"{name}" ' if name != key else ""
            return f"; {renamed}belongs {where}" if renamed else f"; it belongs {where}"
    close = difflib.get_close_matches(lowered, known, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


# --- locating keys in the TOML text (tomllib gives values, not positions) ---------------------

_HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_PART = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)"""
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""\"([^"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)""", text)
    return tuple(a or b or c for a, b, c in parts)


def locate_keys(text: str) -> dict[tuple[str, ...], tuple[int, int, int]]:
    """`{("task", "count"): (line, column, end_column)}` for keys and table headers.

    A line scan, not a TOML parser: good enough to point at a key in a hand-written flow file;
    a key it cannot find is reported without a line.
    """
    found: dict[tuple[str, ...], tuple[int, int, int]] = {}
    table: tuple[str, ...] = ()
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith("[["):
            table = _split_key(header.group(1))
            column = line.index("[") + 1
            found.setdefault(table, (number, column, len(line.rstrip()) + 1))
            continue
        key = _KEY.match(line)
        if key:
            path = table + _split_key(key.group(1))
            column = len(line) - len(line.lstrip()) + 1
            found.setdefault(path, (number, column, len(line.rstrip()) + 1))
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = True
    return found


# --- the builder ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """What `build_request` made: the request, every problem (errors first, then warnings) and
    the texts of the files they point into (for rendering)."""

    request: dict[str, Any]
    problems: list[Problem]
    texts: dict[str, str]

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def error(self) -> FlowError:
        return FlowError(self.problems, self.texts)


@dataclass(frozen=True, kw_only=True)
class FlowDefinition:
    """A flow definition to build and submit. Arguments are named like the flow file's keys.

    `conditions` is a compiled `Conditions`, a path to a `.cond` or `.json` file, or the source
    text itself (condition language, or JSON starting with `{`). Durations are seconds, strings
    such as `"1h30m"`, or `timedelta`s; `price_usd` is a string such as `"0.036"`; `tags` is a
    mapping. Absent optional fields are absent from the request. `versioned=True` appends `-`
    and a short hash of the request's content to the name (see `version_suffix`).

    A frozen plain value: `dataclasses.replace(flow, task_count=3)` is a new definition that
    `build_request` validates in full, the flow file's own problems (`file_problems`) included.
    """

    name: str | None = None
    source: str | None = None
    conditions: Conditions | str | os.PathLike[str] | None = None
    role_arn: str | None = None
    workteam_arn: str | None = None
    human_task_ui_arn: str | None = None
    task_title: str | None = None
    task_description: str | None = None
    task_count: int | None = None
    task_availability_lifetime: int | str | timedelta | None = None
    task_time_limit: int | str | timedelta | None = None
    task_keywords: Sequence[str] | None = None
    price_usd: str | None = None
    output_s3: str | None = None
    kms_key_id: str | None = None
    tags: Mapping[str, str] | None = None
    versioned: bool = False
    #: Folder that relative `conditions` paths start from (the flow file's folder).
    base_dir: str | os.PathLike[str] | None = None
    #: Where this definition came from: the flow file's name and text (for located errors).
    filename: str = field(default="", repr=False)
    text: str | None = field(default=None, repr=False, compare=False)
    #: Problems of the flow file itself (unknown keys, ...), reported by every build.
    file_problems: tuple[Problem, ...] = field(default=(), repr=False)
    #: Request paths given under a wrong key (already an unknown-key problem): not also
    #: reported as missing.
    meant_paths: frozenset[str] = field(default=frozenset(), repr=False)

    # -- construction from a file --

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> FlowDefinition:
        """Read a flow file (`read_flow`). Raises `FlowError` for unreadable or invalid TOML;
        unknown keys are kept in `file_problems` and reported by `to_request`/`problems`."""
        return read_flow(path)

    @classmethod
    def from_toml_text(
        cls, text: str, *, filename: str = "<flow>", base_dir: str | os.PathLike[str] | None = None
    ) -> FlowDefinition:
        """A flow definition from flow-file text; `base_dir` anchors the conditions path."""
        return read_flow_text(text, filename=filename, base_dir=base_dir)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        filename: str = "<flow>",
        base_dir: str | os.PathLike[str] | None = None,
        text: str | None = None,
    ) -> FlowDefinition:
        """From the flow file's tables as a dict (what `tomllib` returns)."""
        return flow_from_dict(data, filename=filename, base_dir=base_dir, text=text)

    # -- building the request --

    def build(self, *, region: str | None = None) -> tuple[dict[str, Any], list[Problem]]:
        """The request and every problem with it (errors first, then warnings)."""
        built = build_request(self, region=region)
        return built.request, built.problems

    def problems(self, *, region: str | None = None) -> list[Problem]:
        """Every problem with this flow definition (errors, then warnings); nothing is sent."""
        return build_request(self, region=region).problems

    def to_request(self, *, region: str | None = None) -> dict[str, Any]:
        """The exact keyword arguments for `create_flow_definition`; `FlowError` if invalid.

        Warnings do not stop it; `problems()` returns them.
        """
        built = build_request(self, region=region)
        if built.errors:
            raise built.error()
        return built.request

    def submit(
        self,
        client: Any = None,
        wait: bool = True,
        replace: bool = False,
        *,
        timing: Timing | None = None,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> SubmitResult:
        """Create the flow definition (see `a2icond.aws.submit.submit`); returns the outcome.

        Without `client` one is made with boto3 (standard retries) from `region`, `profile` and
        `endpoint_url` (or `AWS_ENDPOINT_URL_SAGEMAKER`). Raises `FlowError` before sending
        anything if the request is invalid, and `SubmitError` for AWS's refusals.
        """
        from . import submit as aws

        if client is None:
            client = aws.make_client(region=region, profile=profile, endpoint_url=endpoint_url)
        request = self.to_request(region=client.meta.region_name)
        return aws.submit(client, request, wait=wait, replace=replace, timing=timing)


# --- reading -----------------------------------------------------------------------------------


def read_flow(path: str | os.PathLike[str]) -> FlowDefinition:
    """Read a flow file. Raises `FlowError` for an unreadable file or invalid TOML; the file's
    other problems (unknown keys, ...) are in the result's `file_problems`."""
    from ..fileio import read_text

    name = str(path)
    try:
        text = read_text(path)
    except CompileError as exc:
        raise FlowError([_problem_from_diagnostic(d) for d in exc.diagnostics]) from None
    base = Path(path).parent if name != "-" else Path.cwd()
    return read_flow_text(text, filename=name, base_dir=base)


def read_flow_text(
    text: str, *, filename: str = "<flow>", base_dir: str | os.PathLike[str] | None = None
) -> FlowDefinition:
    """`read_flow` for text already read; `base_dir` anchors the conditions path."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FlowError([_toml_problem(exc, filename)], {filename: text}) from None
    except RecursionError:
        problem = Problem("", "invalid TOML: nested too deeply").located(filename, 1, 1, 2)
        raise FlowError([problem], {filename: text}) from None
    return flow_from_dict(data, filename=filename, base_dir=base_dir, text=text)


def flow_from_dict(
    data: Mapping[str, Any],
    *,
    filename: str = "<flow>",
    base_dir: str | os.PathLike[str] | None = None,
    text: str | None = None,
) -> FlowDefinition:
    """A `FlowDefinition` from the flow file's tables as a dict (what `tomllib` returns)."""
    locations = locate_keys(text) if text else {}
    problems: list[Problem] = []

    def here(problem: Problem, key: tuple[str, ...]) -> Problem:
        return _locate(problem, key, locations, filename)

    for key, given in data.items():
        if key not in FILE_KEYS[""]:
            problems.append(here(Problem(key, "unknown key" + _suggest(key, ""), given), (key,)))
    for table in ("task", "output"):
        section = data.get(table, {})
        if not isinstance(section, Mapping):
            problems.append(here(Problem(table, "must be a table", section), (table,)))
            continue
        for key, item in section.items():
            if key not in FILE_KEYS[table]:
                problem = Problem(f"{table}.{key}", "unknown key" + _suggest(key, table), item)
                problems.append(here(problem, (table, key)))
    tags = data.get("tags")
    if tags is not None and not isinstance(tags, Mapping):
        problems.append(here(Problem("tags", "must be a table", tags), ("tags",)))
    conditions = data.get("conditions")
    if conditions is not None and not isinstance(conditions, str):
        problem = Problem(
            "conditions", "must be the path of a .cond or .json conditions file", conditions
        )
        problems.append(here(problem, ("conditions",)))
    kwargs: dict[str, Any] = {}
    for f in FIELDS:
        value: Any = data
        for part in f.key:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None:
            kwargs[f.attr] = value
    if isinstance(kwargs.get("conditions"), str):
        kwargs["conditions"] = Path(kwargs["conditions"])  # always a path in a flow file
    else:
        kwargs.pop("conditions", None)
    if isinstance(kwargs.get("tags"), Mapping):
        kwargs["tags"] = dict(kwargs["tags"])
    return FlowDefinition(
        **kwargs,
        base_dir=base_dir,
        filename=filename,
        text=text,
        file_problems=tuple(problems),
        meant_paths=frozenset(_meant_paths(data)),
    )


# --- building ----------------------------------------------------------------------------------


def build_request(flow: FlowDefinition, *, region: str | None = None) -> Built:
    """The request for `flow` and every problem with it, every field validated.

    `region` is where it will be sent, for the region warnings.
    """
    return _Builder(flow).build(region)


def version_suffix(request: Mapping[str, Any]) -> str:
    """`3f9a2c1e`: the first hex digits of the SHA-256 of the request's canonical content.

    Everything SageMaker cannot change in place counts (not the name, not the tags); the
    conditions count in canonical form, so equivalent conditions give the same version.
    """
    from ..equivalence import canonical_document

    content = {k: v for k, v in request.items() if k not in ("FlowDefinitionName", "Tags")}
    try:
        config = content["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
        conditions = canonical_document(config["HumanLoopActivationConditions"])
        content["HumanLoopActivationConfig"] = {
            "HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": conditions}
        }
    except (KeyError, TypeError, ValueError):
        pass
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:VERSION_DIGITS]


class _Builder:
    """One build of one flow: collects problems while converting each field."""

    def __init__(self, flow: FlowDefinition) -> None:
        self.flow = flow
        self.problems: list[Problem] = list(flow.file_problems)
        self.texts: dict[str, str] = {}
        self.converted: set[str] = set()  # paths whose value could not even be converted
        self.converted.update(flow.meant_paths)  # reported as unknown keys

    def bad(self, path: str, message: str, value: Any, hint: str = "") -> None:
        self.problems.append(Problem(path, message, value, hint=hint))
        self.converted.add(path)

    def build(self, region: str | None) -> Built:
        flow = self.flow
        request: dict[str, Any] = {}
        if flow.name is not None:
            request["FlowDefinitionName"] = flow.name

        source = self._source()
        conditions = self._conditions(source)
        if conditions is not None:
            if source is not None and source != conditions.source:
                self.bad(
                    SOURCE_PATH,
                    f"the flow says {source}, but the conditions are for {conditions.source}",
                    source,
                )
            request["HumanLoopRequestSource"] = {
                "AwsManagedHumanLoopRequestSource": conditions.request_source
            }
            request["HumanLoopActivationConfig"] = {
                "HumanLoopActivationConditionsConfig": {
                    "HumanLoopActivationConditions": conditions.to_json(compact=True)
                }
            }
        elif source is not None and flow.conditions is None:
            self.bad(
                SOURCE_PATH,
                "a source needs conditions; give conditions, or remove source for a custom "
                "task type",
                source,
            )

        config = self._human_loop_config()
        if config:
            request["HumanLoopConfig"] = config
        output: dict[str, Any] = {}
        if flow.output_s3 is not None:
            output["S3OutputPath"] = flow.output_s3
        if flow.kms_key_id is not None:
            output["KmsKeyId"] = flow.kms_key_id
        if output:
            request["OutputConfig"] = output
        if flow.role_arn is not None:
            request["RoleArn"] = flow.role_arn
        tags = self._tags()
        if tags:
            request["Tags"] = tags
        self._version(request)

        for problem in validate_request(request, region=region):
            if not any(problem.path.startswith(p) for p in self.converted):
                self.problems.append(problem)
        locations = locate_keys(flow.text) if flow.text and flow.filename else {}
        located = [self._located(p, locations) for p in self.problems]
        texts = dict(self.texts)
        if flow.text is not None and flow.filename:
            texts[flow.filename] = flow.text
        errors = errors_in(located)
        return Built(request, errors + [p for p in located if p.severity == "warning"], texts)

    # -- pieces --

    def _version(self, request: dict[str, Any]) -> None:
        versioned = self.flow.versioned
        if not isinstance(versioned, bool):
            self.bad("FlowDefinitionName", "versioned must be true or false", versioned)
            return
        name = request.get("FlowDefinitionName")
        if not versioned or not isinstance(name, str):
            return
        room = MAX_NAME - VERSION_DIGITS - 1
        if len(name) > room:
            self.bad(
                "FlowDefinitionName",
                f"with versioned = true the name gets a {VERSION_DIGITS + 1}-character suffix, "
                f"so it can have at most {room} characters",
                name,
            )
            return
        request["FlowDefinitionName"] = f"{name}-{version_suffix(request)}"

    def _located(
        self, problem: Problem, locations: Mapping[tuple[str, ...], tuple[int, int, int]]
    ) -> Problem:
        if problem.filename or not self.flow.filename:
            return problem
        return _locate(problem, self._key_for(problem.path), locations, self.flow.filename)

    def _key_for(self, path: str) -> tuple[str, ...]:
        """The flow-file key a request path came from (for pointing at it)."""
        flow = self.flow
        match = re.match(r"Tags\[(\d+)\]", path)
        if match and isinstance(flow.tags, Mapping):
            keys = list(flow.tags)
            index = int(match.group(1))
            return ("tags", str(keys[index])) if index < len(keys) else ("tags",)
        best: Field | None = None
        for f in FIELDS:
            if (path == f.path or path.startswith(f.path + ".") or path.startswith(f.path + "[")) \
                    and (best is None or len(f.path) > len(best.path)):  # fmt: skip
                best = f
        if best is not None:
            if best.attr == "source" and flow.source is None:
                return ("conditions",)
            return best.key
        if path.startswith("HumanLoopActivationConfig") or path.startswith(
            "HumanLoopRequestSource"
        ):
            return ("conditions",)
        if path.startswith("HumanLoopConfig"):
            return ("task",)
        if path.startswith("OutputConfig"):
            return ("output",)
        return ()

    def _source(self) -> Source | None:
        value = self.flow.source
        if value is None:
            return None
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in SOURCES:
                return lowered
            for name, full in REQUEST_SOURCE.items():
                if value == full:
                    return name
        self.bad(SOURCE_PATH, "must be rekognition or textract", value)
        return None

    def _conditions(self, source: Source | None) -> Conditions | None:
        flow = self.flow
        if flow.conditions is None:
            return None
        if not isinstance(flow.conditions, Conditions | str | os.PathLike):
            self.bad(
                CONDITIONS_PATH,
                "must be compiled conditions, a .cond/.json path or conditions text",
                flow.conditions,
            )
            self.converted.add("HumanLoopRequestSource")
            return None
        base = flow.base_dir
        if base is not None and not isinstance(base, str | os.PathLike):
            self.bad(CONDITIONS_PATH, "base_dir must be a folder path", base)
            return None
        if not isinstance(flow.conditions, Conditions) and "\0" in str(flow.conditions):
            self.bad(CONDITIONS_PATH, "must not contain a NUL character", str(flow.conditions))
            self.converted.add("HumanLoopRequestSource")
            return None
        try:
            conditions = load_conditions(flow.conditions, source=source, base_dir=base)
        except CompileError as exc:
            if exc.text is not None and exc.diagnostics:
                self.texts[exc.diagnostics[0].filename] = exc.text
            self.problems.extend(_problem_from_diagnostic(d) for d in exc.diagnostics)
            self.converted.add(CONDITIONS_PATH)
            self.converted.add("HumanLoopRequestSource")
            return None
        self.problems.extend(
            _problem_from_diagnostic(d) for d in conditions.diagnostics if d.severity == "warning"
        )
        return conditions

    def _human_loop_config(self) -> dict[str, Any]:
        flow = self.flow
        config: dict[str, Any] = {}
        simple = (
            ("WorkteamArn", flow.workteam_arn),
            ("HumanTaskUiArn", flow.human_task_ui_arn),
            ("TaskTitle", flow.task_title),
            ("TaskDescription", flow.task_description),
            ("TaskCount", flow.task_count),
        )
        for key, value in simple:
            if value is not None:
                config[key] = value
        durations: tuple[tuple[str, int | str | timedelta | None], ...] = (
            ("TaskAvailabilityLifetimeInSeconds", flow.task_availability_lifetime),
            ("TaskTimeLimitInSeconds", flow.task_time_limit),
        )
        for key, duration in durations:
            if duration is None:
                continue
            try:
                config[key] = parse_duration(duration)
            except ValueError as exc:
                self.bad(f"HumanLoopConfig.{key}", str(exc), duration)
        if flow.task_keywords is not None:
            keywords = flow.task_keywords
            config["TaskKeywords"] = (
                list(keywords) if isinstance(keywords, list | tuple) else (keywords)
            )
        if flow.price_usd is not None:
            from . import prices

            try:
                amount = prices.to_amount(prices.parse_price(flow.price_usd))
            except prices.PriceError as exc:
                self.bad("HumanLoopConfig.PublicWorkforceTaskPrice", str(exc), flow.price_usd)
            else:
                config["PublicWorkforceTaskPrice"] = {"AmountInUsd": amount}
        return config

    def _tags(self) -> list[dict[str, Any]]:
        tags = self.flow.tags
        if tags is None:
            return []
        if isinstance(tags, Mapping):
            return [{"Key": str(k), "Value": v} for k, v in tags.items()]
        if isinstance(tags, list | tuple) and all(isinstance(t, Mapping) for t in tags):
            return [dict(t) for t in tags]
        self.bad("Tags", "must be a table of key = value", tags)
        return []


def _locate(
    problem: Problem,
    key: tuple[str, ...],
    locations: Mapping[tuple[str, ...], tuple[int, int, int]],
    filename: str,
) -> Problem:
    """The problem pointed at `key` in the flow file (or its table, or just the file)."""
    for length in range(len(key), 0, -1):
        where = locations.get(key[:length])
        if where:
            return problem.located(filename, *where)
    return problem.located(filename, 0, 0, 0)


def _problem_from_diagnostic(d: Diagnostic) -> Problem:
    return Problem(
        "",
        d.message,
        severity="warning" if d.severity == "warning" else "error",
        hint=d.hint,
        filename=d.filename,
        line=d.line,
        column=d.column,
        end_column=d.end_column if d.end_line == d.line else 0,
        code=d.code,
    )


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml_problem(exc: tomllib.TOMLDecodeError, filename: str) -> Problem:
    message = str(exc)
    match = _TOML_AT.search(message)
    line = column = 1
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()]
    elif message.endswith("(at end of document)"):
        message = message.removesuffix("(at end of document)").strip()
        line, column = 0, 0
    message = message[:1].lower() + message[1:]
    problem = Problem("", f"invalid TOML: {message}", code="A2I061")
    return problem.located(filename, line, column, column + 1 if column else 0)


# --- conditions from whatever the caller gave --------------------------------------------------


def load_conditions(
    value: Conditions | str | os.PathLike[str],
    *,
    source: Source | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Conditions:
    """A `Conditions` from a compiled one, a path (`.cond`/`.json`) or source text.

    A string is a path when it is one line ending in `.cond` or `.json`; otherwise it is
    source text (JSON when it starts with `{`). Without `source` the conditions say it; when
    they cannot (only sampling), `source` decides. Raises `CompileError`.
    """
    if isinstance(value, Conditions):
        return value
    from .. import compiler

    if isinstance(value, os.PathLike) or _looks_like_path(value):
        path = Path(value)
        if base_dir is not None and not path.is_absolute():
            path = Path(base_dir) / path
        return _with_source_fallback(lambda s: compiler.load(path, source=s), source)
    text = str(value)
    if text.lstrip().startswith("{"):
        from ..jsonconditions import from_json_text

        return _with_source_fallback(
            lambda s: from_json_text(text, source=s, filename="<conditions>"), source
        )
    return _with_source_fallback(
        lambda s: compiler.compile(text, source=s, filename="<conditions>"), source
    )


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and text.strip().lower().endswith((".cond", ".json"))


def _with_source_fallback(
    load: Callable[[Source | None], Conditions], source: Source | None
) -> Conditions:
    """Load without a source first, so a mismatch with the flow's source is reported by the
    caller naming both; retry with the flow's source when the conditions cannot say it."""
    try:
        first: Conditions = load(None)
        return first
    except CompileError:
        if source is None:
            raise
    again: Conditions = load(source)
    return again


def summary_line(problems: Sequence[Problem]) -> str:
    """`2 errors, 1 warning` for the end of a report."""
    errors = len(errors_in(list(problems)))
    warnings = len(problems) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return ", ".join(parts)
