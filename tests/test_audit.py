"""`a2icond audit`: A2I output records against a2icond's evaluation of their own conditions.

Data: the real production record in tests/data/responses/ and the SageMaker guide's records in
tests/data/records/ (provenance in each folder's PROVENANCE.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a2icond.cli import main
from a2icond.evaluation.audit import audit

DATA = Path(__file__).parent / "data"
REAL = DATA / "responses" / "a2i-output-textract-real.json"
GUIDE = DATA / "records" / "smdg-output-record-rekognition.completed.json"
PUBLISHED = DATA / "records" / "smdg-output-record-textract.as-published.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def record(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def test_real_records_agree(capsys: pytest.CaptureFixture[str]) -> None:
    report = audit([str(REAL), str(GUIDE)])
    assert (report.total.records, report.total.agree, report.total.disagree) == (2, 2, 0)
    assert set(report.flows) == {"insurance-validation-flowv6", "flow-definition-name"}
    code, out, err = run(capsys, "audit", str(REAL), str(GUIDE))
    assert code == 0, err
    assert out.startswith("agreement 100.00%: 2 of 2 records agree\n")
    assert "insurance-validation-flowv6" in out and "flow-definition-name" in out


def test_a_tampered_record_disagrees_with_node_and_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = record(REAL)
    node = doc["humanTaskActivationConditionResults"]["Conditions"][0]["Or"][3]
    node["EvaluationResult"] = not node["EvaluationResult"]
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(doc), "utf-8")
    (folder / "b.json").write_text(REAL.read_text("utf-8"), "utf-8")
    code, out, _ = run(capsys, "audit", str(folder), "--json")
    assert code == 1
    report = json.loads(out)
    assert (report["records"], report["agree"], report["disagree"]) == (2, 1, 1)
    assert report["agreementRate"] == 0.5
    [dis] = report["disagreements"]
    assert dis["record"] == str(folder / "a.json")
    assert dis["flowDefinition"] == "insurance-validation-flowv6"
    assert {
        "where": "Conditions[0].Or[3]",
        "message": "EvaluationResult is true here, false in the record",
        "sampled": False,
    } in dis["differences"]
    flows = report["flowDefinitions"]["insurance-validation-flowv6"]
    assert (flows["records"], flows["disagree"]) == (2, 1)
    code, out, _ = run(capsys, "audit", str(folder))
    assert "disagreements (1):" in out
    assert "Conditions[0].Or[3]: EvaluationResult is true here, false in the record" in out


def test_published_records_with_elisions_are_unreadable_not_a_crash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "audit", str(PUBLISHED), str(REAL))
    assert code == 1
    assert f"{PUBLISHED}: error: not valid JSON (line 8, column" in err
    assert "1 of 1 records agree; 1 could not be read" in out
    assert "Traceback" not in err


def test_a_response_that_is_not_a_record(capsys: pytest.CaptureFixture[str]) -> None:
    plain = DATA / "responses" / "textract-analyzedocument-employment-application.json"
    code, _, err = run(capsys, "audit", str(plain))
    assert code == 1
    assert "not an A2I output record" in err


def test_sampling_only_differences_are_not_disagreements(tmp_path: Path) -> None:
    doc = record(GUIDE)
    doc["inputContent"]["humanTaskActivationConditionResults"]["Conditions"].append(
        {
            "ConditionType": "Sampling",
            "ConditionParameters": {"RandomSamplingPercentage": 50},
            "EvaluationResult": True,
        }
    )
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc), "utf-8")
    report = audit([str(path)])
    if report.total.agree == 0:  # our draw differs from A2I's recorded one
        assert report.total.sampled_only == 1 and report.total.disagree == 0
        assert all(d.sampled for d in report.sampled[0].differences)
    else:
        assert report.total.agree == 1
    # flip the recorded draw: exactly one of the two versions differs at the draw
    node = doc["inputContent"]["humanTaskActivationConditionResults"]["Conditions"][1]
    node["EvaluationResult"] = False
    path.write_text(json.dumps(doc), "utf-8")
    flipped = audit([str(path)])
    assert flipped.total.disagree == 0
    assert flipped.total.sampled_only + report.total.sampled_only == 1


def test_conditions_must_be_equivalent_when_given(tmp_path: Path) -> None:
    conditions = record(GUIDE)["inputContent"]["humanTaskActivationConditionResults"]

    def bare(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: bare(v) for k, v in value.items() if k != "EvaluationResult"}
        return [bare(v) for v in value] if isinstance(value, list) else value

    same = bare(conditions)
    # the same meaning written differently: the Or's members swapped, unwrapped to the top
    reordered = {"Conditions": list(reversed(same["Conditions"][0]["Or"]))}
    assert audit([str(GUIDE)], conditions=reordered).total.agree == 1
    other = {"Conditions": [same["Conditions"][0]["Or"][0]]}
    report = audit([str(GUIDE)], conditions=other)
    assert report.total.disagree == 1
    assert "not equivalent" in report.disagreements[0].differences[0].message
