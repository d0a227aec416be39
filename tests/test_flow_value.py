"""`FlowDefinition` is a plain value: reading, building and submitting are separate functions,
and a `dataclasses.replace`d definition is validated as thoroughly as one read from a file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from a2icond.aws.flow import (
    FlowDefinition,
    FlowError,
    build_request,
    read_flow,
    version_suffix,
)

DATA = Path(__file__).parent / "data" / "flow"
FULL = DATA / "full.flow.toml"


def errors(flow: FlowDefinition) -> list[str]:
    return [p.text for p in build_request(flow).errors]


def test_replace_keeps_the_flow_files_problems(tmp_path: Path) -> None:
    path = tmp_path / "f.flow.toml"
    text = FULL.read_text().replace("count = 2", 'count = 2\ncolour = "red"')
    path.write_text(
        text.replace('"textract-example-1.json"', f'"{DATA / "textract-example-1.json"}"')
    )
    flow = read_flow(path)
    changed = dataclasses.replace(flow, task_count=3)
    assert errors(changed) == ['task.colour: unknown key (got "red")']
    with pytest.raises(FlowError):
        changed.to_request()
    located = build_request(changed).errors[0]
    assert (located.filename, located.line) == (str(path), 12)


def test_frozen() -> None:
    flow = read_flow(FULL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        flow.task_count = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"task_count": "3"}, 'HumanLoopConfig.TaskCount: must be an integer (got "3")'),
        ({"name": 5}, "FlowDefinitionName: must be a string (got 5)"),
        ({"tags": {"a": 1}}, "Tags[0].Value: must be a string (got 1)"),
        ({"task_keywords": "abc"}, 'HumanLoopConfig.TaskKeywords: must be a list (got "abc")'),
        (
            {"conditions": 5},
            "HumanLoopActivationConfig.HumanLoopActivationConditionsConfig."
            "HumanLoopActivationConditions: must be compiled conditions, a .cond/.json path or "
            "conditions text (got 5)",
        ),
        (
            {"base_dir": 3},
            "HumanLoopActivationConfig.HumanLoopActivationConditionsConfig."
            "HumanLoopActivationConditions: base_dir must be a folder path (got 3)",
        ),
        ({"versioned": "yes"}, 'FlowDefinitionName: versioned must be true or false (got "yes")'),
        (
            {"source": 7},
            "HumanLoopRequestSource.AwsManagedHumanLoopRequestSource: must be "
            "rekognition or textract (got 7)",
        ),
        (
            {"task_time_limit": [1]},
            "HumanLoopConfig.TaskTimeLimitInSeconds: must be whole "
            "seconds, or a duration such as 90s, 30m, 12h, 1d, 1h30m (got [1])",
        ),
    ],
)
def test_replace_cannot_bypass_validation(changes: dict[str, Any], expected: str) -> None:
    flow = dataclasses.replace(read_flow(FULL), **changes)
    assert expected in errors(flow)


def test_a_build_is_one_call_and_returns_everything() -> None:
    built = build_request(read_flow(FULL), region="eu-west-1")
    assert built.errors == []
    assert any("region us-east-1" in p.text for p in built.warnings)
    assert built.request["FlowDefinitionName"] == "payroll-review"
    assert str(FULL) in built.texts


def test_version_suffix_ignores_name_tags_and_how_conditions_are_written() -> None:
    request = read_flow(FULL).to_request()
    suffix = version_suffix(request)
    assert len(suffix) == 8 and int(suffix, 16) >= 0
    assert version_suffix({**request, "FlowDefinitionName": "x", "Tags": []}) == suffix
    changed = {**request, "RoleArn": "arn:aws:iam::111122223333:role/Other"}
    assert version_suffix(changed) != suffix
    versioned = dataclasses.replace(read_flow(FULL), versioned=True).to_request()
    assert versioned["FlowDefinitionName"] == f"payroll-review-{suffix}"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"price_usd": "1e400"},
            "HumanLoopConfig.PublicWorkforceTaskPrice: must be a price in "
            'US dollars such as "0.036" (far too large) (got "1e400")',
        ),
        (
            {"conditions": "a\0b.json"},
            "HumanLoopActivationConfig.HumanLoopActivationConditions"
            'Config.HumanLoopActivationConditions: must not contain a NUL character (got "a\\u0000b'
            '.json")',
        ),
    ],
)
def test_hostile_values_are_problems_not_crashes(changes: dict[str, Any], expected: str) -> None:
    flow = dataclasses.replace(read_flow(FULL), **changes)
    assert expected in errors(flow)


def test_deeply_nested_toml_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.flow.toml"
    path.write_text('name = "x"\nk = ' + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(FlowError) as caught:
        read_flow(path)
    assert "invalid TOML: nested too deeply" in caught.value.render()
