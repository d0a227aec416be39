"""Validation of a whole `CreateFlowDefinition` request before anything is sent to AWS.

Two layers, every problem reported at once as `Field.Path: what is wrong (got VALUE)`:

1. the constraints of botocore's service model, read at run time (required members, types,
   string lengths, Java-style patterns as full matches, integer ranges, enums, list lengths), so
   the checks follow AWS's model as botocore is updated; botocore itself checks only types,
   required members and minimums;
2. the A2I rules the model lacks (task lifetime and time limit maxima, public-workforce prices,
   one region, the activation conditions themselves, tags).

botocore is imported only when a request is validated, never when this module is imported.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from .. import model
from . import prices

if TYPE_CHECKING:  # pragma: no cover
    from botocore.model import Shape

Severity = Literal["error", "warning"]

OPERATION = "CreateFlowDefinition"
CONDITIONS_PATH = ".".join(model.CONDITIONS_PATH)
PUBLIC_WORKFORCE_SUFFIX = ":workteam/public-crowd/default"
MAX_LIFETIME = 864_000  # 10 days; A2I and the Terraform provider
MAX_TIME_LIMIT = 28_800  # 8 hours


class _Missing:
    """The value of a field that is absent; renders as `nothing` in `(got nothing)`."""

    def __repr__(self) -> str:
        return "nothing"


#: Pass as `Problem.value` for an absent field: the message ends `(got nothing)`.
MISSING: Any = _Missing()
_NOTHING: Any = object()


@dataclass(frozen=True)
class Problem:
    """One problem with one field of the request (or of the flow file that builds it).

    `path` is the request's field path (`HumanLoopConfig.TaskCount`, `Tags[0].Key`); `filename`,
    `line` and `column` say where in the flow file the field came from, when known.
    """

    path: str
    message: str
    value: Any = _NOTHING
    severity: Severity = "error"
    hint: str = ""
    filename: str = ""
    line: int = 0
    column: int = 0
    end_column: int = 0
    code: str = ""  # a2icond.codes: set for conditions' diagnostics and TOML; else A2I060/A2I150

    @property
    def text(self) -> str:
        """`Field.Path: what is wrong (got VALUE)`."""
        head = f"{self.path}: {self.message}" if self.path else self.message
        if self.value is _NOTHING:
            return head
        return f"{head} (got {format_value(self.value)})"

    def __str__(self) -> str:
        return self.text

    def located(self, filename: str, line: int, column: int, end_column: int) -> Problem:
        return Problem(
            self.path,
            self.message,
            self.value,
            self.severity,
            self.hint,
            filename,
            line,
            column,
            end_column,
            self.code,
        )


def format_value(value: Any, limit: int = 80) -> str:
    """A short, unambiguous rendering of a value for an error message."""
    if value is MISSING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        if len(value) > limit:
            shown = json.dumps(value[: limit - 10], ensure_ascii=False)[:-1]
            return f'{shown}..." ({len(value):,} characters)'
        return json.dumps(value, ensure_ascii=False)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def join_path(parent: str, member: str | int) -> str:
    if isinstance(member, int):
        return f"{parent}[{member}]"
    return f"{parent}.{member}" if parent else member


# --- the service model -----------------------------------------------------------------------


@functools.cache
def input_shape() -> Shape:
    """The `CreateFlowDefinition` input shape from the service model botocore ships."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    return model.operation_model(OPERATION).input_shape


# Java regexes: `.` excludes these line terminators (Python's `.` excludes only "\n").
_JAVA_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"


def java_to_python(pattern: str) -> str:
    """Rewrite the unescaped `.` outside classes to Java's meaning; the rest `regex` reads as is.

    The `regex` package understands `\\p{L}`, `\\p{Z}`, `\\p{N}` and `\\uXXXX` like Java does.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < len(pattern) and pattern[i] == "]":  # a literal ] first in a class
                out.append("\\]")
                i += 1
            continue
        elif ch == ".":
            out.append(_JAVA_DOT)
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@functools.cache
def compiled_pattern(pattern: str) -> Any:
    import regex

    return regex.compile(java_to_python(pattern), regex.VERSION0)


def matches(pattern: str, value: str) -> bool:
    """Whether `value` matches the model's `pattern` as a whole (AWS anchors its patterns)."""
    return compiled_pattern(pattern).fullmatch(value) is not None


#: What some patterns mean, in words, keyed by the model's shape name; the pattern is shown too.
PATTERN_WORDS: dict[str, str] = {
    "FlowDefinitionName": "lowercase letters, digits and hyphens, starting and ending with a "
    "letter or digit",
    "WorkteamArn": "a SageMaker work team ARN, arn:aws:sagemaker:REGION:ACCOUNT:workteam/...",
    "HumanTaskUiArn": "a SageMaker human task UI ARN, "
    "arn:aws:sagemaker:REGION:ACCOUNT:human-task-ui/...",
    "RoleArn": "an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME",
    "S3Uri": "an S3 location, s3://BUCKET/PREFIX",
    "KmsKeyId": "a KMS key id, key ARN, alias or alias ARN",
    "FlowDefinitionTaskKeyword": "letters and digits, words separated by single spaces",
    "FlowDefinitionTaskTitle": "printable text",
    "FlowDefinitionTaskDescription": "one line of text",
    "TagKey": "letters, digits, spaces and _ . : / = + - @",
    "TagValue": "letters, digits, spaces and _ . : / = + - @",
}

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "list": "a list",
    "structure": "a table",
    "boolean": "true or false",
}


def _type_ok(value: Any, type_name: str) -> bool:
    if type_name == "string":
        return isinstance(value, str)
    if type_name in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "list":
        return isinstance(value, list | tuple)
    if type_name in ("structure", "map"):
        return isinstance(value, Mapping)
    if type_name == "boolean":
        return isinstance(value, bool)
    return True


def check_shape(value: Any, shape: Shape, path: str, problems: list[Problem]) -> None:
    """Every constraint of `shape` (and its members) that `value` breaks, appended to problems."""
    kind = shape.type_name
    if not _type_ok(value, kind):
        problems.append(Problem(path, f"must be {_TYPE_WORDS.get(kind, kind)}", value))
        return
    meta = shape.metadata
    if kind == "structure":
        members = shape.members
        for name in shape.required_members:
            if name not in value or value[name] is None:
                problems.append(Problem(join_path(path, name), "is required", MISSING))
        for name, item in value.items():
            if name not in members:
                known = ", ".join(members)
                problems.append(
                    Problem(join_path(path, name), f"is not a known field (known: {known})", item)
                )
            elif item is not None:
                check_shape(item, members[name], join_path(path, name), problems)
            elif name not in shape.required_members:
                kind_words = _TYPE_WORDS.get(members[name].type_name, members[name].type_name)
                problems.append(Problem(join_path(path, name), f"must be {kind_words}", None))
    elif kind == "list":
        if "min" in meta and len(value) < meta["min"]:
            problems.append(Problem(path, f"must have at least {meta['min']} item(s)", list(value)))
        if "max" in meta and len(value) > meta["max"]:
            problems.append(Problem(path, f"must have at most {meta['max']} items", list(value)))
        for index, item in enumerate(value):
            check_shape(item, shape.member, join_path(path, index), problems)
    elif kind == "string":
        if "min" in meta and len(value) < meta["min"]:
            what = (
                "must not be empty"
                if meta["min"] == 1
                else (f"must be at least {meta['min']} characters long")
            )
            problems.append(Problem(path, what, value))
        if "max" in meta and len(value) > meta["max"]:
            problems.append(Problem(path, f"must be at most {meta['max']} characters long", value))
        enum = getattr(shape, "enum", None) or []
        if enum and value not in enum:
            problems.append(Problem(path, f"must be one of {', '.join(enum)}", value))
        pattern = meta.get("pattern")
        reported_empty = value == "" and meta.get("min", 0) >= 1
        if pattern and not reported_empty and not matches(pattern, value):
            words = PATTERN_WORDS.get(shape.name)
            what = f"must be {words}" if words else "must match the model's pattern"
            problems.append(Problem(path, f"{what} (pattern {pattern})", value))
    elif kind in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            problems.append(Problem(path, f"must be at least {meta['min']}", value))
        if "max" in meta and value > meta["max"]:
            problems.append(Problem(path, f"must be at most {meta['max']}", value))


# --- A2I rules beyond the model --------------------------------------------------------------


def task_type(request: Mapping[str, Any]) -> prices.TaskType:
    """`textract`, `rekognition` or `custom`, from `HumanLoopRequestSource`."""
    source = request.get("HumanLoopRequestSource")
    name = source.get("AwsManagedHumanLoopRequestSource") if isinstance(source, Mapping) else None
    if isinstance(name, str) and "/Textract/" in name:
        return "textract"
    if isinstance(name, str) and "/Rekognition/" in name:
        return "rekognition"
    return "custom"


_ARN_REGION = re.compile(r"arn:aws[a-z\-]*:[a-z0-9\-]+:([a-z0-9\-]*):")


def arn_region(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    match = _ARN_REGION.match(value)
    return match.group(1) or None if match else None


def _sub(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def check_a2i(
    request: Mapping[str, Any], problems: list[Problem], region: str | None = None
) -> None:
    """The A2I rules that botocore's model does not express."""
    config = request.get("HumanLoopConfig")
    if config is None:
        problems.append(
            Problem(
                "HumanLoopConfig",
                "is required: A2I needs a work team, a worker task UI and the task settings",
                MISSING,
            )
        )
    lifetime = _sub(config, "TaskAvailabilityLifetimeInSeconds")
    if _is_int(lifetime) and lifetime > MAX_LIFETIME:
        problems.append(
            Problem(
                "HumanLoopConfig.TaskAvailabilityLifetimeInSeconds",
                f"must be at most {MAX_LIFETIME} seconds (10 days)",
                lifetime,
            )
        )
    limit = _sub(config, "TaskTimeLimitInSeconds")
    if _is_int(limit) and limit > MAX_TIME_LIMIT:
        problems.append(
            Problem(
                "HumanLoopConfig.TaskTimeLimitInSeconds",
                f"must be at most {MAX_TIME_LIMIT} seconds (8 hours)",
                limit,
            )
        )
    _check_price(request, config, problems)
    _check_conditions(request, problems)
    _check_tags(request.get("Tags"), problems)
    _check_regions(request, config, problems, region)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_price(request: Mapping[str, Any], config: Any, problems: list[Problem]) -> None:
    workteam = _sub(config, "WorkteamArn")
    public = isinstance(workteam, str) and workteam.endswith(PUBLIC_WORKFORCE_SUFFIX)
    price = _sub(config, "PublicWorkforceTaskPrice")
    amount = _sub(price, "AmountInUsd")
    path = "HumanLoopConfig.PublicWorkforceTaskPrice"
    if price is not None and not public and isinstance(workteam, str):
        problems.append(
            Problem(
                path,
                "a price is paid only to the public workforce (a work team ending in "
                "workteam/public-crowd/default); remove it for a private or vendor work team",
                _price_text(amount, price),
            )
        )
    if public and price is None:
        problems.append(
            Problem(
                path,
                "is required with the public workforce (Mechanical Turk): give one of the "
                f"allowed prices, {prices.allowed_text(task_type(request))}",
                MISSING,
            )
        )
    if price is not None and public:
        if amount is None:
            problems.append(Problem(f"{path}.AmountInUsd", "is required", MISSING))
            return
        if not isinstance(amount, Mapping):
            return  # the model check reports the type
        parts = [amount.get(k) for k in ("Dollars", "Cents", "TenthFractionsOfACent")]
        if not all(p is None or _is_int(p) for p in parts):
            return  # the model check reports the type
        value = prices.from_amount(amount)
        kind = task_type(request)
        if not prices.is_allowed(value, kind):
            problems.append(
                Problem(
                    f"{path}.AmountInUsd",
                    f"must be one of the allowed prices for {prices.TASK_TYPE_NAMES[kind]} "
                    f"tasks: {prices.allowed_text(kind)}",
                    Decimal(format(value, ".3f")),
                )
            )


def _price_text(amount: Any, price: Any) -> Any:
    if isinstance(amount, Mapping):
        try:
            return prices.from_amount(amount)
        except (TypeError, ValueError):
            pass
    return price


def _check_conditions(request: Mapping[str, Any], problems: list[Problem]) -> None:
    activation = request.get("HumanLoopActivationConfig")
    source = request.get("HumanLoopRequestSource")
    if activation is not None and source is None:
        problems.append(
            Problem(
                "HumanLoopActivationConfig",
                "activation conditions need HumanLoopRequestSource (Rekognition or Textract); "
                "a custom task type has neither",
                "conditions",
            )
        )
        return
    text = _sub(_sub(activation, "HumanLoopActivationConditionsConfig"),
                "HumanLoopActivationConditions")  # fmt: skip
    if not isinstance(text, str) or not text:
        return
    name = _sub(source, "AwsManagedHumanLoopRequestSource")
    from ..model import REQUEST_SOURCE

    wanted = next((s for s, v in REQUEST_SOURCE.items() if v == name), None)
    from ..diagnostics import CompileError
    from ..jsonconditions import from_json_text

    try:
        from_json_text(text, source=wanted, filename="conditions", require_source=False)
    except CompileError as exc:
        for diagnostic in exc.errors:
            problems.append(Problem(CONDITIONS_PATH, diagnostic.message, text))


def _check_tags(tags: Any, problems: list[Problem]) -> None:
    if not isinstance(tags, list | tuple):
        return
    seen: set[str] = set()
    for index, tag in enumerate(tags):
        key = _sub(tag, "Key")
        if not isinstance(key, str):
            continue
        if key in seen:
            problems.append(Problem(f"Tags[{index}].Key", "duplicate tag key", key))
        seen.add(key)
        if key.lower().startswith("aws:"):
            problems.append(
                Problem(f"Tags[{index}].Key", "must not start with aws: (reserved by AWS)", key)
            )


def _check_regions(
    request: Mapping[str, Any], config: Any, problems: list[Problem], region: str | None
) -> None:
    fields = [
        ("HumanLoopConfig.WorkteamArn", _sub(config, "WorkteamArn")),
        ("HumanLoopConfig.HumanTaskUiArn", _sub(config, "HumanTaskUiArn")),
        ("OutputConfig.KmsKeyId", _sub(request.get("OutputConfig"), "KmsKeyId")),
    ]
    located = [(path, arn_region(value), value) for path, value in fields]
    located = [(path, where, value) for path, where, value in located if where]
    if region:
        for path, where, value in located:
            if where != region:
                problems.append(
                    Problem(
                        path,
                        f"is in region {where}, but the flow definition is created in {region}",
                        value,
                        severity="warning",
                    )
                )
        return
    if located:
        first_path, first_region, _ = located[0]
        for path, where, value in located[1:]:
            if where != first_region:
                problems.append(
                    Problem(
                        path,
                        f"is in region {where}, but {first_path} is in {first_region}; "
                        "A2I needs them in one region",
                        value,
                        severity="warning",
                    )
                )


# --- entry point -----------------------------------------------------------------------------


def validate_request(request: Mapping[str, Any], *, region: str | None = None) -> list[Problem]:
    """Every problem with a `CreateFlowDefinition` request: errors first, then warnings.

    `region`, when given, is where the request will be sent; ARNs elsewhere are warnings.
    """
    problems: list[Problem] = []
    if not isinstance(request, Mapping):
        return [Problem("", "the request must be a JSON object", request)]
    check_shape(request, input_shape(), "", problems)
    check_a2i(request, problems, region)
    errors = [p for p in problems if p.severity == "error"]
    return errors + [p for p in problems if p.severity == "warning"]


def errors_in(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
