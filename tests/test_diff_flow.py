"""`diff flow:NAME ...`: the deployed definition's conditions, read with boto3's real
DescribeFlowDefinition against the SageMaker stand-in on 127.0.0.1 (moto has no flow
definitions)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from a2icond.cli import main
from a2icond.testing.sagemaker import StandIn

from .response_builders import rekognition

DEPLOYED = {
    "Conditions": [
        {
            "ConditionType": "ModerationLabelConfidenceCheck",
            "ConditionParameters": {"ModerationLabelName": "Explicit", "ConfidenceGreaterThan": 90},
        }
    ]
}

REKOGNITION_SOURCE = "AWS/Rekognition/DetectModerationLabels/Image/V3"
WORKTEAM = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/t"


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    server = StandIn().start()
    try:
        server.put(
            {
                "FlowDefinitionName": "moderation-review",
                "HumanLoopRequestSource": {"AwsManagedHumanLoopRequestSource": REKOGNITION_SOURCE},
                "HumanLoopActivationConfig": {
                    "HumanLoopActivationConditionsConfig": {
                        "HumanLoopActivationConditions": json.dumps(DEPLOYED)
                    }
                },
                "HumanLoopConfig": {
                    "WorkteamArn": WORKTEAM,
                    "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/u",
                    "TaskTitle": "t",
                    "TaskDescription": "d",
                    "TaskCount": 1,
                },
                "OutputConfig": {"S3OutputPath": "s3://bucket/out/"},
                "RoleArn": "arn:aws:iam::111122223333:role/A2I",
            }
        )
        yield server
    finally:
        server.stop()


def test_diff_against_the_deployed_definition(
    standin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, labels in enumerate([[("Explicit", 95.0)], [("Explicit", 85.0)], [("Drugs", 50.0)]]):
        (corpus / f"{i}.json").write_text(json.dumps(rekognition(labels)), "utf-8")
    new = tmp_path / "new.cond"
    new.write_text('label "Explicit" confidence > 80\n', "utf-8")
    aws = ["--region", "us-east-1", "--endpoint-url", standin.url]
    code = main(["diff", "flow:moderation-review", str(new), str(corpus), "--json", *aws])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert report["old"] == "flow:moderation-review"
    assert report["before"]["humanLoopsExpected"] == 1.0
    assert report["after"]["humanLoopsExpected"] == 2.0
    assert [c["document"] for c in report["changes"]] == [str(corpus / "1.json")]
    assert standin.bodies("DescribeFlowDefinition") == [{"FlowDefinitionName": "moderation-review"}]
    # the deployed definition against itself, written the same: equivalent, nothing changes
    same = tmp_path / "same.json"
    same.write_text(json.dumps(DEPLOYED), "utf-8")
    code = main(["diff", "flow:moderation-review", str(same), str(corpus), "--json", *aws])
    assert code == 0 and json.loads(capsys.readouterr().out)["equivalent"] is True


def test_a_missing_flow_definition_is_a_clear_error(
    standin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.cond"
    new.write_text('label "Explicit" confidence > 80\n', "utf-8")
    code = main(
        [
            "diff",
            "flow:nope",
            str(new),
            str(tmp_path),
            "--region",
            "us-east-1",
            "--endpoint-url",
            standin.url,
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "a2icond: error: flow:nope: no flow definition named 'nope'" in err
    assert "Traceback" not in err
