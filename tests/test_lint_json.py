"""Lint on JSON activation-condition files: label names and sampling everything, located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import a2icond
from a2icond.compiler import load_text

NOTEBOOK = """{
  "Conditions": [
    {"ConditionType": "ModerationLabelConfidenceCheck",
     "ConditionParameters": {"ModerationLabelName": "Female Swimwear Or Underwear",
                             "ConfidenceLessThan": 90}},
    {"Or": [
      {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 100}},
      {"ConditionType": "ModerationLabelConfidenceCheck",
       "ConditionParameters": {"ModerationLabelName": "explicit", "ConfidenceLessThan": 90}}
    ]}
  ]
}"""


def test_old_and_misspelled_labels_and_sample_all_are_warned_at_the_value() -> None:
    warnings = load_text(NOTEBOOK, filename="nb.json").diagnostics
    assert [(d.line, d.column, d.code) for d in warnings] == [
        (4, 53, "A2I102"),
        (7, 89, "A2I109"),
        (9, 55, "A2I101"),
    ]
    assert all(d.severity == "warning" for d in warnings)
    assert "Female Swimwear or Underwear" in warnings[0].hint
    assert warnings[2].hint == 'did you mean "Explicit"?'


def test_clean_json_has_no_warnings() -> None:
    clean = NOTEBOOK.replace("Or Underwear", "or Underwear").replace('"explicit"', '"Explicit"')
    clean = clean.replace('"RandomSamplingPercentage": 100', '"RandomSamplingPercentage": 5')
    assert load_text(clean, filename="clean.json").diagnostics == ()


def test_check_strict_fails_on_json_warnings(tmp_path: Path) -> None:
    from a2icond import cli

    path = tmp_path / "nb.json"
    path.write_text(NOTEBOOK, encoding="utf-8")
    assert cli.main(["check", str(path)]) == 0
    assert cli.main(["check", "--strict", str(path)]) == 1


def test_compile_rejects_non_text_clearly() -> None:
    with pytest.raises(TypeError, match="compile_file"):
        a2icond.compile(Path("x.cond"))  # type: ignore[arg-type]
    assert json.loads(a2icond.compile('label "Explicit" confidence > 5').to_json())
