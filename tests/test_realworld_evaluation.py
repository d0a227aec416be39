"""Evaluating real responses right (issue 10, "Reading real JSON right"): the sampling seed
across SDKs, A2I results embedded in a response, the model version in the selection, video
moderation, the source of a Sampling-only program, JSON given as a program, and simulate's
per-condition rows. Data: tests/data/realworld/ (provenance in its README.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import a2icond
from a2icond.cli import main
from a2icond.evaluation.evaluate import evaluate
from a2icond.evaluation.responses import normalize
from a2icond.evaluation.simulation import simulate

DATA = Path(__file__).parent / "data" / "realworld"
RESPONSES = DATA / "responses"
RECORDS = DATA / "records"


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sampling_seed_is_the_same_across_sdks_and_a2i_output() -> None:
    """The JS SDK's `$metadata`, boto3's `ResponseMetadata` and `HumanLoopActivationOutput`
    change nothing about the document, so the same document draws the same way."""
    js = load(RESPONSES / "trp-test-response.json")
    assert "$metadata" in js
    bare = {k: v for k, v in js.items() if k != "$metadata"}
    boto3 = {**bare, "ResponseMetadata": {"RequestId": "x", "HTTPStatusCode": 200}}
    activated = {
        **bare,
        "HumanLoopActivationOutput": {
            "HumanLoopArn": "arn:aws:sagemaker:us-east-1:111122223333:human-loop/x",
            "HumanLoopActivationReasons": ["ConditionsEvaluation"],
        },
    }
    seeds = {normalize(d).canonical_bytes() for d in (js, bare, boto3, activated)}
    assert len(seeds) == 1
    program = a2icond.compile("source textract\nsample 50%\n")
    draws = {evaluate(program, d).draws[0].value for d in (js, bare, boto3, activated)}
    assert len(draws) == 1
    changed = copy.deepcopy(bare)
    changed["Blocks"][0]["Confidence"] = 1.0
    assert normalize(changed).canonical_bytes() not in seeds


RECORD_CONDITIONS = (
    RECORDS / "smdg-output-record-rekognition.humanTaskActivationConditionResults.json"
)


def _with_activation_output(response: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    return {
        **response,
        "HumanLoopActivationOutput": {
            "HumanLoopActivationReasons": ["ConditionsEvaluation"],
            "HumanLoopActivationConditionsEvaluationResults": json.dumps(results),
        },
    }


def test_a2i_results_in_a_response_are_compared_like_a_records() -> None:
    results = load(RECORD_CONDITIONS)  # A2I's results for its record: true, [true, false]
    conditions = a2icond.load(RECORD_CONDITIONS)
    response = load(RESPONSES / "awscli-detect-moderation-labels.json")
    # this response has no "Suggestive": our results are false, [false, false]
    result = evaluate(conditions, _with_activation_output(response, results))
    assert result.differences is not None
    assert [str(d) for d in result.differences] == [
        "Conditions[0]: EvaluationResult is false here, true in the record",
        "Conditions[0].Or[0]: EvaluationResult is false here, true in the record",
    ]
    agreeing = copy.deepcopy(results)
    agreeing["Conditions"][0]["EvaluationResult"] = False
    agreeing["Conditions"][0]["Or"][0]["EvaluationResult"] = False
    result = evaluate(conditions, _with_activation_output(response, agreeing))
    assert result.differences == ()
    assert evaluate(conditions, response).differences is None


def test_rekognition_selection_keeps_the_model_version_like_a2is_record() -> None:
    """Rebuild the guide's Rekognition record from its complete parts: our selection must be
    A2I's `selectedAiServiceResponse`, `moderationModelVersion` included."""
    selected = load(RECORDS / "smdg-output-record-rekognition.selectedAiServiceResponse.json")
    record = {
        "aiServiceResponse": {
            "moderationLabels": selected["moderationLabels"],
            "moderationModelVersion": "3.0",
        },
        "humanTaskActivationConditionResults": load(RECORD_CONDITIONS),
        "selectedAiServiceResponse": selected,
    }
    result = evaluate(a2icond.load(RECORD_CONDITIONS), record)
    assert result.selected == selected
    assert result.differences == ()
    boto3 = load(RESPONSES / "awscli-detect-moderation-labels.json")
    result = evaluate(a2icond.compile('label "Violence" confidence > 90'), boto3)
    assert result.selected == {
        "ModerationLabels": [boto3["ModerationLabels"][1]],
        "ModerationModelVersion": "3.0",
    }


def test_video_moderation_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    program = tmp_path / "m.cond"
    program.write_text('label "Explicit Nudity" confidence > 50\n')
    video = RESPONSES / "rekdg-get-content-moderation-2018.json"
    code, _, err = run(capsys, "eval", str(program), str(video))
    assert code == 1
    assert err.strip() == (
        f"{video}: error: a video moderation response (GetContentModeration: labels with a "
        "Timestamp); A2I supports image moderation only (DetectModerationLabels)"
    )


def test_sampling_only_program_takes_only_its_sources_responses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    program = tmp_path / "t.cond"
    program.write_text("source textract\nsample 10%\n")
    image = RESPONSES / "awscli-detect-moderation-labels.json"
    code, _, err = run(capsys, "eval", str(program), str(image))
    assert code == 1
    assert "the conditions are for textract, but this is a rekognition response" in err
    report = simulate(
        a2icond.compile_file(program), [str(image), str(RESPONSES / "trp-test-response.json")]
    )
    assert (report.documents, report.errors) == (1, 1)
    # a Sampling-only JSON document says no source: it fits both services
    either = {
        "Conditions": [
            {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 10}}
        ]
    }
    assert evaluate(either, load(image)).kind == "rekognition"
    assert evaluate(either, load(RESPONSES / "trp-test-response.json")).kind == "textract"
    # the source travels to worker processes with the plan
    report = simulate(a2icond.compile_file(program), [str(image)] * 3, jobs=2)
    assert (report.documents, report.errors) == (0, 3)


def test_json_given_as_a_program_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    program = tmp_path / "copied.cond"
    program.write_text(RECORD_CONDITIONS.read_text("utf-8"))
    code, _, err = run(
        capsys, "eval", str(program), str(RESPONSES / "awscli-detect-moderation-labels.json")
    )
    assert code == 1
    assert f"{program}:1:1: error[A2I003]: unexpected character '{{'" in err
    assert (
        "  = help: this file holds JSON, not the condition language: name it *.json to check it "
        "as activation conditions, or `a2icond decompile` it to a .cond program"
    ) in err.splitlines()


def test_simulate_shows_the_members_of_aws_usual_top_level_or(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    responses = [
        str(RESPONSES / n)
        for n in ("awscli-detect-moderation-labels.json", "rekdg-moderation-2018.json")
    ]
    code, out, err = run(capsys, "simulate", str(RECORD_CONDITIONS), *responses)
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith("  [")]
    assert [r.split()[0] for r in rows] == ["[0].Or[0]", "[0].Or[1]"]
    assert rows[0].endswith('label "Suggestive" confidence < 98')
    assert rows[1].endswith('label "Female Swimwear Or Underwear" confidence > 98')
    code, out, _ = run(capsys, "simulate", str(RECORD_CONDITIONS), *responses, "--json")
    conditions = json.loads(out)["conditions"]
    assert [(c["path"], c["line"]) for c in conditions] == [
        ("Conditions[0].Or[0]", None),
        ("Conditions[0].Or[1]", None),
    ]
    program = tmp_path / "p.cond"
    program.write_text(
        '# review\nsource rekognition\n\n   label "Violence" confidence > 90\nor sample 5%\n'
    )
    code, out, _ = run(capsys, "simulate", str(program), *responses)
    rows = [line for line in out.splitlines() if line.startswith("  [")]
    assert rows[0].split()[0] == "[0]" and rows[0].endswith(
        'label "Violence" confidence > 90  (line 4)'
    )
    assert rows[1].endswith("sample 5%  (line 5)")


def test_simulate_rows_are_the_same_in_worker_processes() -> None:
    responses = [str(RESPONSES / "awscli-detect-moderation-labels.json")] * 20
    responses += [str(RESPONSES / "rekdg-moderation-2018.json")] * 20
    conditions = a2icond.load(RECORD_CONDITIONS)
    here = simulate(conditions, responses)
    there = simulate(conditions, responses, jobs=2)
    assert here == there
    assert [c.path for c in there.conditions] == ["Conditions[0].Or[0]", "Conditions[0].Or[1]"]
