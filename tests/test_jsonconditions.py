"""JSON activation-condition files: validation, located errors, source inference, extraction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a2icond.diagnostics import CompileError, Diagnostic
from a2icond.jsonconditions import from_json_text

AWS = Path(__file__).parent / "data" / "aws-doc-examples"
PUBLISHED = Path(__file__).parent / "data" / "aws-published"
VALID = sorted(p for p in AWS.glob("*-example-*.json") if "as-published" not in p.name)


def errors(text: str, **kwargs: Any) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        from_json_text(text, filename="c.json", **kwargs)
    return info.value.errors


def test_reference_copies_are_present() -> None:
    assert len(VALID) == 13


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_valid_aws_example_passes(path: Path) -> None:
    conditions = from_json_text(path.read_text(), filename=path.name, require_source=False)
    assert conditions.to_dict() == json.loads(path.read_text())
    if "example-3" not in path.name:  # the sampling-only examples fit both sources
        assert conditions.source == path.name.split("-")[0]


def test_published_example_with_missing_comma() -> None:
    (d,) = errors((PUBLISHED / "textract-example-6.as-published.invalid.json").read_text())
    assert (d.line, d.column) == (36, 25)
    assert "not valid JSON" in d.message


def test_published_example_with_extra_brace() -> None:
    (d,) = errors((PUBLISHED / "textract-example-7.as-published.invalid.json").read_text())
    assert (d.line, d.column) == (24, 9)


def test_published_bare_condition() -> None:
    (d,) = errors((PUBLISHED / "textract-example-4.as-published.bare-condition.json").read_text())
    assert "bare condition" in d.message
    assert "Conditions" in d.hint


def test_schema_error_points_at_the_offending_value() -> None:
    text = """{
  "Conditions": [
    {
      "ConditionType": "ModerationLabelConfidenceCheck",
      "ConditionParameters": {
        "ModerationLabelName": "Explicit",
        "ConfidenceGreaterThan": 150
      }
    }
  ]
}"""
    (d,) = errors(text)
    assert (d.line, d.column) == (7, 34)
    assert d.message.startswith("Conditions[0].ConditionParameters.ConfidenceGreaterThan:")


def test_unknown_parameter_is_named() -> None:
    doc = {
        "Conditions": [
            {
                "ConditionType": "ImportantFormKeyConfidenceCheck",
                "ConditionParameters": {"ImportantFormKey": "A", "KeyConfidenceLessThan": 5},
            }
        ]
    }
    found = errors(json.dumps(doc, indent=2))
    assert any("KeyConfidenceLessThan" in d.message for d in found)


def test_group_of_one_member_is_rejected() -> None:
    doc = {
        "Conditions": [
            {
                "Or": [
                    {
                        "ConditionType": "Sampling",
                        "ConditionParameters": {"RandomSamplingPercentage": 5},
                    }
                ]
            }
        ]
    }
    found = errors(json.dumps(doc), source="rekognition")
    assert any("at least two members" in d.message for d in found)


def test_three_levels_of_nesting_are_rejected() -> None:
    s = {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 5}}
    doc = {"Conditions": [{"And": [s, {"Or": [s, {"And": [s, s]}]}]}]}
    assert errors(json.dumps(doc), source="rekognition")
    ok = {"Conditions": [{"And": [s, {"Or": [s, s]}]}]}
    assert from_json_text(json.dumps(ok), source="rekognition").to_dict() == ok


def test_mixed_sources_are_rejected() -> None:
    doc = {
        "Conditions": [
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {"ModerationLabelName": "A", "ConfidenceLessThan": 5},
            },
            {
                "ConditionType": "MissingImportantFormKey",
                "ConditionParameters": {"ImportantFormKey": "A"},
            },
        ]
    }
    (d,) = errors(json.dumps(doc))
    assert "mixes Rekognition and Textract" in d.message


def test_given_source_must_match() -> None:
    doc = {
        "Conditions": [
            {
                "ConditionType": "MissingImportantFormKey",
                "ConditionParameters": {"ImportantFormKey": "A"},
            }
        ]
    }
    (d,) = errors(json.dumps(doc), source="rekognition")
    assert "textract" in d.message


def test_sampling_only_needs_a_source_when_required() -> None:
    doc = json.dumps(
        {
            "Conditions": [
                {
                    "ConditionType": "Sampling",
                    "ConditionParameters": {"RandomSamplingPercentage": 5},
                }
            ]
        }
    )
    (d,) = errors(doc)
    assert "cannot be inferred" in d.message
    assert from_json_text(doc, source="textract").source == "textract"


def test_conditions_inside_a_request_or_describe_response() -> None:
    inner = json.loads((AWS / "textract-example-1.json").read_text())
    request = {
        "FlowDefinitionName": "x",
        "HumanLoopActivationConfig": {
            "HumanLoopActivationConditionsConfig": {
                "HumanLoopActivationConditions": json.dumps(inner)
            }
        },
    }
    assert from_json_text(json.dumps(request)).to_dict() == inner


def test_size_limit() -> None:
    s = {
        "ConditionType": "ModerationLabelConfidenceCheck",
        "ConditionParameters": {"ModerationLabelName": "X" * 100, "ConfidenceLessThan": 5},
    }
    (d,) = errors(json.dumps({"Conditions": [s] * 100}))
    assert "at most 10240" in d.message


def test_deeply_nested_json_is_a_clean_error() -> None:
    assert errors("[" * 100_000 + "]" * 100_000)
