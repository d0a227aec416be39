"""`a2icond eval`: human and JSON Lines output, record comparison, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a2icond.cli import main

from .response_builders import Pair, rekognition, selected_ids, textract
from .test_evaluation import RECORD, record_conditions


@pytest.fixture
def record_conditions_file(tmp_path: Path) -> Path:
    path = tmp_path / "insurance.json"
    record = json.loads(RECORD.read_text("utf-8"))
    path.write_text(json.dumps(record_conditions(record), indent=2), "utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_real_record_json(
    capsys: pytest.CaptureFixture[str], record_conditions_file: Path
) -> None:
    code, out, err = run(capsys, "eval", str(record_conditions_file), str(RECORD), "--json")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert list(line) == [
        "Response",
        "HumanLoopActivated",
        "humanTaskActivationConditionResults",
        "selectedAiServiceResponse",
        "DependsOnSampling",
        "SampledNodes",
        "Draws",
        "RecordDifferences",
    ]
    assert line["DependsOnSampling"] is False
    assert line["SampledNodes"] == [] and line["Draws"] == []
    assert line["RecordDifferences"] == []  # a record, and it agrees
    record = json.loads(RECORD.read_text("utf-8"))
    assert line["Response"] == str(RECORD)
    assert line["HumanLoopActivated"] is True
    assert (
        line["humanTaskActivationConditionResults"] == record["humanTaskActivationConditionResults"]
    )
    assert selected_ids(line["selectedAiServiceResponse"]) == selected_ids(
        record["selectedAiServiceResponse"]
    )
    assert err == ""


def test_eval_real_record_human(
    capsys: pytest.CaptureFixture[str], record_conditions_file: Path
) -> None:
    code, out, _ = run(capsys, "eval", str(record_conditions_file), str(RECORD))
    assert code == 0
    assert out.startswith(f"{RECORD}: human loop starts\n")
    assert '[0.1] ImportantFormKeyConfidenceCheck "Total:"' in out
    assert "-> true" in out and "-> false" in out
    assert "selected: 4 block(s)" in out
    assert "A2I's record: all 7 results and the selection agree" in out


def test_eval_reports_record_differences(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, record_conditions_file: Path
) -> None:
    record = json.loads(RECORD.read_text("utf-8"))
    record["humanTaskActivationConditionResults"]["Conditions"][0]["Or"][3]["EvaluationResult"] = (
        False
    )
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(record), "utf-8")
    code, out, _ = run(capsys, "eval", str(record_conditions_file), str(tampered))
    assert code == 1
    assert "A2I's record differs in 1 place(s):" in out
    assert "Conditions[0].Or[3]: EvaluationResult is true here, false in the record" in out
    code, out, err = run(capsys, "eval", str(record_conditions_file), str(tampered), "--json")
    assert code == 1
    line = json.loads(out)
    assert line["HumanLoopActivated"] is True
    assert line["RecordDifferences"] == [
        {
            "where": "Conditions[0].Or[3]",
            "message": "EvaluationResult is true here, false in the record",
            "sampled": False,
        }
    ]
    assert "differs from A2I's record: Conditions[0].Or[3]" in err


def test_eval_cond_file_many_responses_and_bad_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cond = tmp_path / "review.cond"
    cond.write_text('label "Explicit" confidence > 90 or any label confidence < 10\n', "utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(rekognition([("Explicit", 95.0)])), "utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps(rekognition([("Drugs", 50.0)], "camel")) + "\nnot json\n", "utf-8")
    wrong = tmp_path / "textract.json"
    wrong.write_text(json.dumps(textract([Pair("Name")])), "utf-8")
    code, out, err = run(
        capsys,
        "eval",
        str(cond),
        str(good),
        str(jsonl),
        str(wrong),
        str(tmp_path / "missing.json"),
        "--json",
    )
    assert code == 1
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["Response"] for r in results] == [str(good), f"{jsonl}:1"]
    assert [r["HumanLoopActivated"] for r in results] == [True, False]
    assert results[1]["selectedAiServiceResponse"] == {
        "moderationLabels": [],
        "moderationModelVersion": "7.0",
    }
    assert f"{jsonl}:2: error: not valid JSON (column 1)" in err
    assert f"{wrong}: error: the conditions are for rekognition" in err
    assert "missing.json: error: cannot read file" in err
    assert "Traceback" not in err


def test_eval_bad_conditions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cond = tmp_path / "bad.cond"
    cond.write_text('label "X" confidence >> 90\n', "utf-8")
    response = tmp_path / "r.json"
    response.write_text(json.dumps(rekognition([])), "utf-8")
    code, _, err = run(capsys, "eval", str(cond), str(response))
    assert code == 1
    assert f"{cond}:1:" in err and "error" in err


def test_eval_sampling_only_json_needs_no_source(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cond = tmp_path / "sample.json"
    cond.write_text(
        json.dumps(
            {
                "Conditions": [
                    {
                        "ConditionType": "Sampling",
                        "ConditionParameters": {"RandomSamplingPercentage": 100},
                    }
                ]
            }
        )
    )
    response = tmp_path / "r.json"
    response.write_text(json.dumps(textract([Pair("Name")])), "utf-8")
    code, out, _ = run(capsys, "eval", str(cond), str(response))
    assert code == 0
    assert "human loop starts (depends on a Sampling draw)" in out
    assert "(draw 0." in out
    code, out, _ = run(capsys, "eval", str(cond), str(response), "--json")
    line: dict[str, Any] = json.loads(out)
    assert len(line["selectedAiServiceResponse"]["Blocks"]) > 0  # everything
