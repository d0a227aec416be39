"""The decompiler: JSON -> .cond that compiles back to the normalized JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings

import a2icond
from a2icond import schemas
from a2icond.decompiler import key_name, number
from a2icond.diagnostics import CompileError
from a2icond.formatter import format_source
from a2icond.model import MAX_JSON_LENGTH, dump_json

from .authoring_helpers import canonical_json, documents, normalize

DATA = Path(__file__).parent / "data" / "authoring" / "decompile"
EXAMPLES = sorted(p for p in DATA.glob("*.json") if ".as-published." not in p.name)
STRICT = {s: jsonschema.Draft7Validator(schemas.schema(s)) for s in ("rekognition", "textract")}


def round_trip(document: Any, source: str | None = None) -> str:
    """Decompile, compile back, and compare with the normalized input; returns the program."""
    text = a2icond.decompile(json.dumps(document), source=source)  # type: ignore[arg-type]
    compiled = a2icond.compile(text, source=source)  # type: ignore[arg-type]
    assert canonical_json(compiled.to_dict()) == canonical_json(normalize(document)), text
    return text


def source_of(path: Path) -> str:
    return "rekognition" if path.name.startswith("rekognition") else "textract"


def test_the_examples_are_all_there() -> None:
    assert len([p for p in EXAMPLES if "example" in p.name]) == 13


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_round_trip(path: Path) -> None:
    document = json.loads(path.read_text())
    text = round_trip(document, source_of(path))
    assert format_source(text, source=source_of(path)) == text  # the output is canonical


def test_aws_rekognition_example_1_uses_between_and_the_top_level_chain() -> None:
    document = json.loads((DATA / "rekognition-example-1.json").read_text())
    assert a2icond.decompile(document) == (
        "source rekognition\n\n"
        '   label "Graphic Male Nudity" confidence between 90 and 99\n'
        'or label "Graphic Female Nudity" confidence between 80 and 99\n'
    )


def test_real_a2i_record_declares_keys_and_uses_any_key_missing() -> None:
    document = json.loads((DATA / "a2i-output-textract-real.conditions.json").read_text())
    text = round_trip(document)
    lines = text.splitlines()
    # declarations longer than fmt's 88 columns wrap their alias lists (docs/formatting.md)
    assert lines[2:5] == [
        'key policy_number = "Policy Number:" aka',
        '    "Policy No.", "Policy #:", "Policy Number.", "Policy No:", "Policy NO:", "Policy #."',
        'key total         = "Total:" aka',
    ]
    assert lines[6:9] == [
        'key device_id     = "Device ID:" aka',
        '    "Serial Number:",',
        '    "Device S/N:",',
    ]
    assert all(len(line) <= 88 for line in lines)
    lines = text.split("\n\n")[-1].splitlines()
    assert lines == [
        "   policy_number (confidence < 50 or word confidence < 85)",
        "or total (confidence < 45 or word confidence < 85)",
        "or device_id (confidence < 45 or word confidence < 85)",
        "or any key missing",
    ]


def test_key_used_once_stays_inline_and_group_keeps_threshold_order() -> None:
    document = json.loads((DATA / "textract-example-6.json").read_text())
    text = round_trip(document)
    assert 'key pay_date = "Pay Date" aka "PayDate", "DateOfPay", "pay-date"' in text
    assert "or (sample 5% and pay_date (confidence < 90 or word confidence > 90))" in text


def test_reverse_between_with_empty_range_keeps_explicit_atoms() -> None:
    document = {
        "Conditions": [
            {
                "And": [
                    {
                        "ConditionType": "ModerationLabelConfidenceCheck",
                        "ConditionParameters": {
                            "ModerationLabelName": "Violence",
                            "ConfidenceLessThanEquals": 10,
                        },
                    },
                    {
                        "ConditionType": "ModerationLabelConfidenceCheck",
                        "ConditionParameters": {
                            "ModerationLabelName": "Violence",
                            "ConfidenceGreaterThanEquals": 20,
                        },
                    },
                ]
            }
        ]
    }
    text = round_trip(document)
    assert "between" not in text


def test_numbers_keep_their_type() -> None:
    assert number(90).text == "90"
    assert number(90.0).text == "90.0"
    assert number(97.5).text == "97.5"
    assert number(1e-05).text == "0.00001"
    document = {
        "Conditions": [
            {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 5.0}}
        ]
    }
    assert "sample 5.0%" in round_trip(document, "rekognition")


def test_key_names_are_readable_unique_identifiers() -> None:
    taken: set[str] = set()
    assert key_name("Employee Name", taken) == "employee_name"
    assert key_name("Employee-Name:", taken) == "employee_name_2"
    assert key_name("Source", taken) == "source_key"
    assert key_name("1st Item", taken) == "key_1st_item"
    assert key_name("Größe", taken) == "groe"
    assert key_name("???", taken) == "form_key"
    assert key_name("日付", taken) == "form_key_2"


def test_sampling_only_without_source_has_no_source_line() -> None:
    document = json.loads((DATA / "rekognition-example-3.json").read_text())
    text = a2icond.decompile(document)
    assert text == "sample 5%\n"
    for source in ("rekognition", "textract"):
        assert a2icond.compile(text, source=source).to_dict() == document  # type: ignore[arg-type]
    assert a2icond.decompile(document, source="textract").startswith("source textract\n")


def test_build_request_and_describe_response_are_accepted() -> None:
    conditions = json.loads((DATA / "textract-example-1.json").read_text())
    wrapped = {
        "HumanLoopActivationConfig": {
            "HumanLoopActivationConditionsConfig": {
                "HumanLoopActivationConditions": json.dumps(conditions)
            }
        }
    }
    assert a2icond.decompile(wrapped) == a2icond.decompile(conditions)


@pytest.mark.parametrize(
    ("name", "line", "column"),
    [
        ("textract-example-6.as-published.invalid.json", 36, 25),
        ("textract-example-7.as-published.invalid.json", 24, 9),
    ],
)
def test_invalid_json_gets_a_located_diagnostic(name: str, line: int, column: int) -> None:
    with pytest.raises(CompileError) as info:
        a2icond.decompile((DATA / name).read_text(), filename=name)
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == (line, column)
    assert "not valid JSON" in diagnostic.message


def test_schema_violations_are_compile_errors() -> None:
    with pytest.raises(CompileError, match="at least two members"):
        a2icond.decompile(
            {
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
            },
            source="rekognition",
        )


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "a2icond", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_decompile_writes_output(tmp_path: Path) -> None:
    out = tmp_path / "example.cond"
    result = run_cli("decompile", str(DATA / "textract-example-1.json"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert a2icond.compile_file(out).to_dict() == json.loads(
        (DATA / "textract-example-1.json").read_text()
    )


def test_cli_decompile_invalid_json_is_located_not_a_traceback() -> None:
    path = DATA / "textract-example-6.as-published.invalid.json"
    result = run_cli("decompile", str(path))
    assert result.returncode == 1
    assert f"{path}:36:25: error[A2I012]: not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_decompile_sampling_only_warns_and_source_flag_adds_the_line() -> None:
    path = str(DATA / "textract-example-3.json")
    plain = run_cli("decompile", path)
    assert plain.returncode == 0 and plain.stdout == "sample 5%\n"
    assert "no `source` line" in plain.stderr
    given_source = run_cli("decompile", path, "--source", "textract")
    assert given_source.stdout.startswith("source textract\n") and given_source.stderr == ""


def test_cli_decompile_missing_file() -> None:
    result = run_cli("decompile", "/nonexistent/x.json")
    assert result.returncode == 1 and "cannot read file" in result.stderr


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(documents())
def test_generated_documents_round_trip(generated: tuple[str, dict[str, Any]]) -> None:
    source, document = generated
    STRICT[source].validate(document)  # the strategy makes valid documents only
    assume(len(dump_json(document)) <= MAX_JSON_LENGTH)
    text = round_trip(document, source)
    assert format_source(text, source=source) == text  # type: ignore[arg-type]
