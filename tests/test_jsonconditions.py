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


# -- names: unknown condition types and parameters, at their key, with the closest name -------


def _rekognition(params: dict[str, Any], kind: str = "ModerationLabelConfidenceCheck") -> str:
    return json.dumps(
        {"Conditions": [{"ConditionType": kind, "ConditionParameters": params}]}, indent=2
    )


def test_misspelled_condition_type_is_unknown_not_mixed() -> None:
    text = _rekognition(
        {"ModerationLabelName": "Explicit", "ConfidenceGreaterThan": 90},
        kind="ModerationLabelConfidenceChek",
    )
    (d,) = errors(text)
    assert d.message == (
        "unknown condition type 'ModerationLabelConfidenceChek'; "
        "did you mean 'ModerationLabelConfidenceCheck'?"
    )
    assert "mixes" not in d.message
    assert (d.line, d.column) == (4, 24)  # the value of ConditionType
    assert d.end_column - d.column == len('"ModerationLabelConfidenceChek"')


def test_unknown_condition_type_without_a_close_name_lists_them() -> None:
    (d,) = errors(_rekognition({"X": 1}, kind="Banana"))
    assert d.message == "unknown condition type 'Banana'"
    assert d.hint == (
        "A2I's condition types are ModerationLabelConfidenceCheck, Sampling, "
        "ImportantFormKeyConfidenceCheck, MissingImportantFormKey"
    )


def test_unknown_type_next_to_known_ones_suggests_from_their_source() -> None:
    doc = {
        "Conditions": [
            {
                "ConditionType": "ImportantFormKeyConfidenceCheck",
                "ConditionParameters": {"ImportantFormKey": "A", "WordBlockConfidenceLessThan": 5},
            },
            {"ConditionType": "MissingImportantFormKeys", "ConditionParameters": {}},
        ]
    }
    (d,) = errors(json.dumps(doc))
    assert d.message.endswith("did you mean 'MissingImportantFormKey'?")


def test_aws_old_parameter_name_gets_the_current_one_at_its_key() -> None:
    text = _rekognition({"ModerationLabelName": "*", "ConfidenceLessThanOrEqual": 75})
    (d,) = errors(text)
    assert d.message == (
        "unknown parameter 'ConfidenceLessThanOrEqual' for ModerationLabelConfidenceCheck; "
        "did you mean 'ConfidenceLessThanEquals'?"
    )
    line = text.splitlines()[d.line - 1]
    assert line[d.column - 1 :].startswith('"ConfidenceLessThanOrEqual"')


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("confidenceLessThan", "ConfidenceLessThan"),
        ("ConfidenceLessthan", "ConfidenceLessThan"),
        ("ModerationLabel", "ModerationLabelName"),
        ("ConfidenceGreaterThanOrEquals", "ConfidenceGreaterThanEquals"),
    ],
)
def test_parameter_typos(wrong: str, right: str) -> None:
    params = {"ModerationLabelName": "X", "ConfidenceGreaterThan": 5, wrong: 5}
    if wrong == "ModerationLabel":
        params = {"ModerationLabel": "X", "ConfidenceGreaterThan": 5}
    messages = [d.message for d in errors(_rekognition(params))]
    assert f"unknown parameter '{wrong}' for ModerationLabelConfidenceCheck; " in messages[0]
    assert messages[0].endswith(f"did you mean '{right}'?")


def test_unknown_key_in_a_condition() -> None:
    doc = {"Conditions": [{"ConditionType": "Sampling", "ConditionParams": {}}]}
    (d,) = errors(json.dumps(doc), source="rekognition")
    assert (
        d.message
        == "unknown key 'ConditionParams' in a condition; did you mean 'ConditionParameters'?"
    )


def test_star_with_aliases_is_a_warning_and_the_aliases_are_left_out() -> None:
    """Seen three times in public code (aliases ["*"] and []); AWS's published schema allows
    any parameters; "*" checks every key, so aliases change nothing (docs/language.md)."""
    from a2icond.compiler import load_text

    for aliases in (["*"], []):
        doc = {
            "Conditions": [
                {
                    "ConditionType": "ImportantFormKeyConfidenceCheck",
                    "ConditionParameters": {
                        "ImportantFormKey": "*",
                        "ImportantFormKeyAliases": aliases,
                        "KeyValueBlockConfidenceLessThan": 90,
                        "WordBlockConfidenceLessThan": 75,
                    },
                }
            ]
        }
        text = json.dumps(doc, indent=2)
        result = load_text(text, filename="c.json")
        (w,) = result.warnings
        assert (w.code, w.severity) == ("A2I120", "warning")
        assert w.message == (
            'ImportantFormKeyAliases has no effect with "ImportantFormKey": "*" (every key is '
            "checked); a2icond leaves the aliases out"
        )
        assert text.splitlines()[w.line - 1][w.column - 1 :].startswith('"ImportantFormKeyAliases"')
        params = result.to_dict()["Conditions"][0]["ConditionParameters"]
        assert "ImportantFormKeyAliases" not in params
        assert "should not be valid" not in w.message


def test_missing_star_key_has_a_real_message() -> None:
    doc = {
        "Conditions": [
            {
                "ConditionType": "MissingImportantFormKey",
                "ConditionParameters": {"ImportantFormKey": "*"},
            }
        ]
    }
    (d,) = errors(json.dumps(doc))
    assert (
        d.message == 'MissingImportantFormKey needs a key\'s text: "*" (any key) cannot be missing'
    )


# -- conditions copied from A2I's own output -----------------------------------------------------

REAL_RECORD = Path(__file__).parent / "data" / "responses" / "a2i-output-textract-real.json"


def test_a_whole_a2i_output_record_gives_its_conditions() -> None:
    record = json.loads(REAL_RECORD.read_text("utf-8"))
    conditions = from_json_text(REAL_RECORD.read_text("utf-8"), filename="r.json")
    assert conditions.source == "textract"
    recorded = record["humanTaskActivationConditionResults"]
    assert "EvaluationResult" in json.dumps(recorded)
    assert "EvaluationResult" not in json.dumps(conditions.to_dict())
    assert len(conditions.to_dict()["Conditions"]) == len(recorded["Conditions"])


def _activation_output(conditions: dict[str, Any]) -> dict[str, Any]:
    return {
        "Blocks": [],
        "HumanLoopActivationOutput": {
            "HumanLoopArn": "arn:aws:sagemaker:us-east-1:111122223333:human-loop/x",
            "HumanLoopActivationReasons": ["ConditionsEvaluation"],
            "HumanLoopActivationConditionsEvaluationResults": json.dumps(conditions),
        },
    }


def test_human_loop_activation_output_gives_its_conditions_located_in_the_string() -> None:
    evaluated = {
        "Conditions": [
            {
                "EvaluationResult": True,
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {"ModerationLabelName": "X", "ConfidenceLessThen": 5},
            }
        ]
    }
    text = json.dumps(_activation_output(evaluated), indent=2)
    (d,) = errors(text)
    assert d.message.startswith("unknown parameter 'ConfidenceLessThen'")
    line = text.splitlines()[d.line - 1]
    assert "HumanLoopActivationConditionsEvaluationResults" in line
    assert line[d.column - 1 :].startswith('\\"ConfidenceLessThen\\"')
    evaluated["Conditions"][0]["ConditionParameters"] = {
        "ModerationLabelName": "X",
        "ConfidenceLessThan": 5,
    }
    alone = _activation_output(evaluated)["HumanLoopActivationOutput"]
    for document in (_activation_output(evaluated), alone):
        got = from_json_text(json.dumps(document)).to_dict()
        assert got == {
            "Conditions": [
                {
                    "ConditionType": "ModerationLabelConfidenceCheck",
                    "ConditionParameters": {"ModerationLabelName": "X", "ConfidenceLessThan": 5},
                }
            ]
        }


def test_describe_response_errors_point_inside_the_conditions_string() -> None:
    inner = {
        "Conditions": [
            {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 500}}
        ]
    }
    response = {
        "FlowDefinitionName": "x",
        "HumanLoopActivationConfig": {
            "HumanLoopActivationConditionsConfig": {
                "HumanLoopActivationConditions": json.dumps(inner)
            }
        },
    }
    text = json.dumps(response, indent=1)
    (d,) = errors(text, source="rekognition")
    line = text.splitlines()[d.line - 1]
    assert line[d.column - 1 : d.end_column - 1] == "500"
