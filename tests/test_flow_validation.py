"""Request validation against botocore's service model and the A2I rules.

Properties (Hypothesis):
- every request our validation accepts is accepted by botocore's own parameter validation and
  by `botocore.stub.Stubber` on a real client;
- for every constraint in the service model (enumerated from the model at run time), a value
  that breaks it is rejected by ours, with its field path.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
import regex
from botocore.stub import Stubber
from botocore.validate import validate_parameters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a2icond.aws.validation import (
    input_shape,
    java_to_python,
    matches,
    validate_request,
)

DATA = Path(__file__).parent / "data" / "flow"
PUBLIC = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def compact(name: str) -> str:
    return json.dumps(json.loads((DATA / name).read_text()), separators=(",", ":"))


CONDITIONS = {
    "AWS/Textract/AnalyzeDocument/Forms/V1": compact("textract-example-1.json"),
    "AWS/Rekognition/DetectModerationLabels/Image/V3": compact("rekognition-example-1.json"),
}

# --- strategies for valid field values (written from the reference, not from our code) -------

digits12 = st.from_regex(r"[0-9]{12}", fullmatch=True)
names = st.from_regex(r"[a-z0-9](-?[a-z0-9]){0,40}", fullmatch=True)
regions = st.sampled_from(["us-east-1"])
slug = st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True)
line_breaks = {"\n", "\r", "\x85", "\u2028", "\u2029"}
titles = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xD7FF), min_size=1, max_size=128)
descriptions = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFFFD).filter(lambda c: c not in line_breaks),
    min_size=1,
    max_size=255,
)
keyword = st.from_regex(r"[A-Za-z0-9]{1,12}( [A-Za-z0-9]{1,8})?", fullmatch=True)
tag_chars = st.characters(categories=["L", "N", "Zs"]) | st.sampled_from("_.:/=+-@")
tag_keys = st.text(tag_chars, min_size=1, max_size=128).filter(
    lambda k: not k.lower().startswith("aws:")
)
tag_values = st.text(tag_chars, max_size=256)
role_arns = st.builds(
    lambda a, n: f"arn:aws:iam::{a}:role/{n}",
    digits12,
    st.from_regex(r"[A-Za-z0-9_+=,.@-]{1,40}", fullmatch=True),
)
kms_ids = st.builds(
    lambda a, k: f"arn:aws:kms:us-east-1:{a}:key/{k}", digits12, st.uuids().map(str)
) | st.from_regex(r"alias/[a-zA-Z0-9/_-]{1,20}", fullmatch=True)
s3_paths = st.builds(
    lambda b, p: f"s3://{b}/{p}",
    st.from_regex(r"[a-z0-9][a-z0-9.-]{2,30}", fullmatch=True),
    st.from_regex(r"[a-zA-Z0-9/_-]{0,40}", fullmatch=True),
)
ALLOWED_CUSTOM = ["0.012", "0.036", "0.120", "1.200"]


@st.composite
def valid_requests(draw: st.DrawFn, force: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Valid requests; `force` names optional parts that must be present."""
    account = draw(digits12)
    request: dict[str, Any] = {"FlowDefinitionName": draw(names)}
    sources = list(CONDITIONS) if "source" in force else [None, *CONDITIONS]
    source = draw(st.sampled_from(sources))
    if source is not None:
        request["HumanLoopRequestSource"] = {"AwsManagedHumanLoopRequestSource": source}
        request["HumanLoopActivationConfig"] = {
            "HumanLoopActivationConditionsConfig": {
                "HumanLoopActivationConditions": CONDITIONS[source]
            }
        }
    public = "price" in force or draw(st.booleans())
    config: dict[str, Any] = {
        "WorkteamArn": PUBLIC
        if public
        else f"arn:aws:sagemaker:us-east-1:{account}:workteam/private-crowd/{draw(slug)}",
        "HumanTaskUiArn": f"arn:aws:sagemaker:us-east-1:{account}:human-task-ui/{draw(slug)}",
        "TaskTitle": draw(titles),
        "TaskDescription": draw(descriptions),
        "TaskCount": draw(st.integers(1, 3)),
    }
    if draw(st.booleans()):
        config["TaskAvailabilityLifetimeInSeconds"] = draw(st.integers(1, 864_000))
    if draw(st.booleans()):
        config["TaskTimeLimitInSeconds"] = draw(st.integers(30, 28_800))
    if "keywords" in force or draw(st.booleans()):
        config["TaskKeywords"] = draw(st.lists(keyword, min_size=1, max_size=5))
    if public:
        price = draw(st.sampled_from(ALLOWED_CUSTOM))
        tenths = round(float(price) * 1000)
        config["PublicWorkforceTaskPrice"] = {
            "AmountInUsd": {
                "Dollars": tenths // 1000,
                "Cents": tenths % 1000 // 10,
                "TenthFractionsOfACent": tenths % 10,
            }
        }
    request["HumanLoopConfig"] = config
    output: dict[str, Any] = {"S3OutputPath": draw(s3_paths)}
    if draw(st.booleans()):
        output["KmsKeyId"] = draw(kms_ids)
    request["OutputConfig"] = output
    request["RoleArn"] = draw(role_arns)
    if "tags" in force or draw(st.booleans()):
        keys = draw(st.lists(tag_keys, min_size="tags" in force, max_size=6, unique=True))
        request["Tags"] = [{"Key": k, "Value": draw(tag_values)} for k in keys]
    return request


# --- botocore as the oracle --------------------------------------------------------------------

_CLIENT: Any = None


def client() -> Any:
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        ).client("sagemaker")
    return _CLIENT


@functools.cache
def botocore_shape() -> Any:
    """botocore's own copy of the input shape (a fresh session, not the one ours uses)."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    return model.operation_model("CreateFlowDefinition").input_shape


def botocore_accepts(request: dict[str, Any]) -> None:
    """Raises if botocore's validation or the Stubber refuses `request`."""
    validate_parameters(request, botocore_shape())
    sagemaker = client()
    arn = "arn:aws:sagemaker:us-east-1:111122223333:flow-definition/x"
    with Stubber(sagemaker) as stub:
        stub.add_response("create_flow_definition", {"FlowDefinitionArn": arn}, request)
        assert sagemaker.create_flow_definition(**request)["FlowDefinitionArn"] == arn
        stub.assert_no_pending_responses()


@SETTINGS
@given(valid_requests())
def test_valid_requests_pass_ours_and_botocores(request: dict[str, Any]) -> None:
    problems = validate_request(request)
    assert problems == [], [p.text for p in problems]
    botocore_accepts(request)


# Junk for mutations: wrong types, empties, out-of-range numbers, odd strings.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 1_000_000),
    st.text(max_size=6),
    st.sampled_from(["", " ", "a" * 300, "\x00", "arn:aws:x", "s3://", "0"]),
    st.lists(st.text(max_size=3), max_size=6),
    st.dictionaries(st.sampled_from(["Key", "Value", "X"]), st.text(max_size=3), max_size=2),
)


def member_paths(shape: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            out.append((*prefix, name))
            out.extend(member_paths(member, (*prefix, name)))
    elif shape.type_name == "list":
        out.extend(member_paths(shape.member, (*prefix, 0)))
    return out


PATHS = member_paths(input_shape())


def set_path(request: dict[str, Any], path: tuple[Any, ...], value: Any, delete: bool) -> bool:
    """Set (or delete) `path` in request if its parent exists; True when done."""
    node: Any = request
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or not node:
            return False
        if delete:
            node.pop(0)
        else:
            node[0] = value
        return True
    if not isinstance(node, dict):
        return False
    if delete:
        node.pop(last, None)
    else:
        node[last] = value
    return True


@SETTINGS
@given(
    valid_requests(),
    st.lists(
        st.tuples(st.sampled_from(PATHS), junk, st.booleans())
        | st.tuples(st.just(("Unknown",)), junk, st.just(False)),
        min_size=1,
        max_size=3,
    ),
)
def test_whatever_ours_accepts_botocore_accepts(
    request: dict[str, Any], mutations: list[tuple[tuple[Any, ...], Any, bool]]
) -> None:
    for path, value, delete in mutations:
        set_path(request, path, value, delete)
    problems = [p for p in validate_request(request) if p.severity == "error"]
    if not problems:
        botocore_accepts(request)


# --- every constraint in the model is enforced, with its path ----------------------------------


def constraints(shape: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str, Any]]:
    """(path, constraint, bound) for every constraint the model states, walked at run time."""
    out: list[tuple[tuple[Any, ...], str, Any]] = []
    if shape.type_name == "structure":
        for name in shape.required_members:
            out.append(((*path, name), "required", None))
        for name, member in shape.members.items():
            out.append(((*path, name), "type", member.type_name))
            out.extend(constraints(member, (*path, name)))
        return out
    if shape.type_name == "list":
        out.extend(constraints(shape.member, (*path, 0)))
    for key in ("min", "max", "pattern"):
        if key in shape.metadata:
            out.append((path, key, shape.metadata[key]))
    if getattr(shape, "enum", None):
        out.append((path, "enum", list(shape.enum)))
    return [(p, kind, bound) for p, kind, bound in out if not (kind == "min" and bound == 0)]


CONSTRAINTS = constraints(input_shape())


def test_the_model_has_the_constraints_we_expect() -> None:
    kinds = {(".".join(map(str, p)), k) for p, k, _ in CONSTRAINTS}
    assert ("FlowDefinitionName", "pattern") in kinds
    assert ("HumanLoopConfig.TaskCount", "max") in kinds
    assert ("Tags.0.Key", "pattern") in kinds
    assert ("HumanLoopConfig.TaskKeywords", "max") in kinds
    assert ("HumanLoopRequestSource.AwsManagedHumanLoopRequestSource", "enum") in kinds
    assert len(CONSTRAINTS) > 40


def shape_at(path: tuple[Any, ...]) -> Any:
    shape = input_shape()
    for step in path:
        shape = shape.member if isinstance(step, int) else shape.members[step]
    return shape


def break_value(valid: Any, kind: str, bound: Any, shape: Any, data: st.DataObject) -> Any:
    """A value that breaks the constraint, per the model's own meaning."""
    if kind == "type":
        return data.draw(
            st.sampled_from(
                {
                    "string": [5, True, ["x"], {"a": 1}],
                    "integer": ["5", 1.5, True, None],
                    "list": ["x", 3, {"a": 1}],
                    "structure": ["x", 3, ["x"]],
                }[bound]
            )
        )
    if kind == "min" and shape.type_name == "string":
        return valid[: bound - 1] if len(valid) >= bound else "a" * (bound - 1)
    if kind == "max" and shape.type_name == "string":
        return valid + "a" * (bound + 1 - len(valid) + data.draw(st.integers(0, 5)))
    if kind == "min" and shape.type_name == "integer":
        return bound - data.draw(st.integers(1, 100))
    if kind == "max" and shape.type_name == "integer":
        return bound + data.draw(st.integers(1, 100))
    if kind == "min" and shape.type_name == "list":
        return []
    if kind == "max" and shape.type_name == "list":
        return [copy.deepcopy(valid[0]) for _ in range(bound + 1)]
    if kind == "enum":
        return data.draw(st.sampled_from(["", "X" + bound[0], bound[0].lower()]))
    if kind == "pattern":
        # NUL is in no class and is no line terminator, so Python's reading of the pattern is
        # Java's; a pattern that accepts it anywhere gets a leading line break instead.
        for candidate in (f"\x00{valid}", f"{valid}\x00", f"\n{valid}"):
            if not regex.fullmatch(bound, candidate):
                return candidate
        raise AssertionError(f"no breaking value for {bound}")
    raise AssertionError(kind)


def valid_with_member(data: st.DataObject, path: tuple[Any, ...]) -> dict[str, Any]:
    """A valid request in which every step of `path` exists."""
    force = {
        "tags": "Tags" in path,
        "keywords": "TaskKeywords" in path,
        "source": "HumanLoopRequestSource" in path or "HumanLoopActivationConfig" in path,
        "price": "PublicWorkforceTaskPrice" in path,
    }
    return data.draw(valid_requests(frozenset(k for k, v in force.items() if v)))


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


@pytest.mark.parametrize(
    ("path", "kind", "bound"),
    CONSTRAINTS,
    ids=[f"{dotted(p)}-{k}" for p, k, _ in CONSTRAINTS],
)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_model_constraint_is_enforced_with_its_path(
    path: tuple[Any, ...], kind: str, bound: Any, data: st.DataObject
) -> None:
    request = valid_with_member(data, path)
    node: Any = request
    for step in path[:-1]:
        node = node[step]
    if kind == "required":
        del node[path[-1]]
    else:
        valid = node.get(path[-1]) if isinstance(node, dict) else node[path[-1]]
        if valid is None:  # an optional member this request lacks: take one from the model
            valid = "a" if shape_at(path).type_name == "string" else 1
        node[path[-1]] = break_value(valid, kind, bound, shape_at(path), data)
    problems = validate_request(request)
    wanted = dotted(path)
    assert any(p.severity == "error" and p.path == wanted for p in problems), (
        wanted,
        [p.text for p in problems],
    )


# --- Java patterns -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "value", "ok"),
    [
        (r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "Zürich 2024 — x", False),  # em dash is no letter
        (r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "Zürich 2024 ü:/=+-@_.", True),
        (r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "日本語 ١٢٣", True),
        (".+", "one line", True),
        (".+", "two\nlines", False),
        (".+", "carriage\rreturn", False),  # Java's `.` stops at \r too
        (".+", "next\u0085line", False),
        (r"[\t\n\r -\uD7FF\uE000-\uFFFD]*", "tab\tnewline\n", True),
        (r"[\t\n\r -\uD7FF\uE000-\uFFFD]*", "emoji \U0001f600", False),  # outside the BMP
        (r"[a-z0-9](-*[a-z0-9]){0,62}", "a--b", True),
        (r"[a-z0-9](-*[a-z0-9]){0,62}", "ab-", False),
        (r"[a-z0-9](-*[a-z0-9]){0,62}", "prefix ok-but-not-anchored", False),
        (r"[.]", ".", True),  # a dot inside a class stays a dot
        (r"\.", ".", True),
        (r"\.", "x", False),
    ],
)
def test_java_patterns_full_match(pattern: str, value: str, ok: bool) -> None:
    assert matches(pattern, value) is ok


def test_dot_translation_leaves_classes_and_escapes() -> None:
    assert java_to_python(r"[.]\..") == r"[.]\.[^\n\r\u0085\u2028\u2029]"


# --- A2I rules and messages --------------------------------------------------------------------


def base() -> dict[str, Any]:
    return {
        "FlowDefinitionName": "flow",
        "HumanLoopConfig": {
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/t",
            "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/ui",
            "TaskTitle": "t",
            "TaskDescription": "d",
            "TaskCount": 1,
        },
        "OutputConfig": {"S3OutputPath": "s3://bucket/p"},
        "RoleArn": "arn:aws:iam::111122223333:role/r",
    }


def texts(request: dict[str, Any], **kwargs: Any) -> list[str]:
    return [p.text for p in validate_request(request, **kwargs)]


def test_base_is_valid() -> None:
    assert texts(base()) == []


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("TaskCount", 0, "HumanLoopConfig.TaskCount: must be at least 1 (got 0)"),
        ("TaskCount", 4, "HumanLoopConfig.TaskCount: must be at most 3 (got 4)"),
        ("TaskCount", True, "HumanLoopConfig.TaskCount: must be an integer (got true)"),
        (
            "TaskAvailabilityLifetimeInSeconds",
            864_001,
            "HumanLoopConfig.TaskAvailabilityLifetimeInSeconds: must be at most 864000 seconds "
            "(10 days) (got 864001)",
        ),
        (
            "TaskAvailabilityLifetimeInSeconds",
            0,
            "HumanLoopConfig.TaskAvailabilityLifetimeInSeconds: must be at least 1 (got 0)",
        ),
        (
            "TaskTimeLimitInSeconds",
            28_801,
            "HumanLoopConfig.TaskTimeLimitInSeconds: must be at most 28800 seconds (8 hours) "
            "(got 28801)",
        ),
        (
            "TaskTimeLimitInSeconds",
            29,
            "HumanLoopConfig.TaskTimeLimitInSeconds: must be at least 30 (got 29)",
        ),
        ("TaskTitle", "", 'HumanLoopConfig.TaskTitle: must not be empty (got "")'),
    ],
)
def test_rule_messages(field: str, value: Any, expected: str) -> None:
    request = base()
    request["HumanLoopConfig"][field] = value
    assert texts(request) == [expected]


def test_limits_are_inclusive() -> None:
    request = base()
    request["HumanLoopConfig"].update(
        TaskAvailabilityLifetimeInSeconds=864_000, TaskTimeLimitInSeconds=28_800, TaskCount=3
    )
    assert texts(request) == []
    request["HumanLoopConfig"].update(
        TaskAvailabilityLifetimeInSeconds=1, TaskTimeLimitInSeconds=30
    )
    assert texts(request) == []


def test_all_problems_at_once() -> None:
    request = base()
    del request["RoleArn"]
    request["HumanLoopConfig"]["TaskCount"] = 9
    request["OutputConfig"]["S3OutputPath"] = "bucket"
    request["Extra"] = 1
    paths = [p.path for p in validate_request(request)]
    assert sorted(paths) == sorted(
        ["RoleArn", "HumanLoopConfig.TaskCount", "OutputConfig.S3OutputPath", "Extra"]
    )
    assert "RoleArn: is required (got nothing)" in texts(request)


def test_missing_human_loop_config() -> None:
    request = base()
    del request["HumanLoopConfig"]
    assert [p.path for p in validate_request(request)] == ["HumanLoopConfig"]


def test_activation_config_needs_a_request_source() -> None:
    request = base()
    request["HumanLoopActivationConfig"] = {
        "HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": "{}"}
    }
    assert [p.path for p in validate_request(request)] == ["HumanLoopActivationConfig"]


def test_conditions_are_checked_against_the_request_source() -> None:
    request = base()
    request["HumanLoopRequestSource"] = {
        "AwsManagedHumanLoopRequestSource": "AWS/Rekognition/DetectModerationLabels/Image/V3"
    }
    request["HumanLoopActivationConfig"] = {
        "HumanLoopActivationConditionsConfig": {
            "HumanLoopActivationConditions": compact("textract-example-1.json")
        }
    }
    (problem,) = validate_request(request)
    assert problem.path.endswith("HumanLoopActivationConditions")
    assert "textract" in problem.message and "rekognition" in problem.message


def test_conditions_longer_than_10240_characters() -> None:
    request = base()
    request["HumanLoopRequestSource"] = {
        "AwsManagedHumanLoopRequestSource": "AWS/Rekognition/DetectModerationLabels/Image/V3"
    }
    conditions = json.dumps({"Conditions": [{"ConditionType": "Sampling",
        "ConditionParameters": {"RandomSamplingPercentage": 5}}] * 200})  # fmt: skip
    request["HumanLoopActivationConfig"] = {
        "HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": conditions}
    }
    problems = validate_request(request)
    assert any("at most 10240 characters" in p.text for p in problems)
    assert all(p.path.endswith("HumanLoopActivationConditions") for p in problems)


def test_tag_rules() -> None:
    request = base()
    request["Tags"] = [
        {"Key": "a", "Value": "1"},
        {"Key": "a", "Value": "2"},
        {"Key": "aws:owner", "Value": "x"},
    ]
    assert texts(request) == [
        'Tags[1].Key: duplicate tag key (got "a")',
        'Tags[2].Key: must not start with aws: (reserved by AWS) (got "aws:owner")',
    ]


def test_region_warnings() -> None:
    request = base()
    request["HumanLoopConfig"]["HumanTaskUiArn"] = (
        "arn:aws:sagemaker:eu-west-1:111122223333:human-task-ui/ui"
    )
    problems = validate_request(request)
    assert [(p.path, p.severity) for p in problems] == [
        ("HumanLoopConfig.HumanTaskUiArn", "warning")
    ]
    problems = validate_request(base(), region="eu-west-1")
    assert [p.path for p in problems] == [
        "HumanLoopConfig.WorkteamArn",
        "HumanLoopConfig.HumanTaskUiArn",
    ]
    assert all(p.severity == "warning" and "eu-west-1" in p.message for p in problems)


def test_long_values_are_shortened_in_messages() -> None:
    request = base()
    request["HumanLoopConfig"]["TaskTitle"] = "x" * 500
    (text,) = texts(request)
    assert text.startswith("HumanLoopConfig.TaskTitle: must be at most 128 characters long")
    assert text.endswith('..." (500 characters))')
    assert len(text) < 200
