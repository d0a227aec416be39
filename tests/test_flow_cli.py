"""`a2icond build` and the command-line side of the flow commands (no network)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from a2icond import cli
from a2icond.aws.flow import FlowDefinition

DATA = Path(__file__).parent / "data" / "flow"
ROOT = Path(__file__).parent.parent


def run(*argv: str, capsys: Any) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_prints_the_request(capsys: Any) -> None:
    code, out, err = run("build", str(DATA / "full.flow.toml"), capsys=capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == FlowDefinition.from_toml(DATA / "full.flow.toml").to_request()
    assert out.endswith("}\n")


def test_build_writes_the_output_file(capsys: Any, tmp_path: Path) -> None:
    target = tmp_path / "request.json"
    code, out, _ = run("build", str(DATA / "public.flow.toml"), "-o", str(target), capsys=capsys)
    assert (code, out) == (0, "")
    request = json.loads(target.read_text())
    assert request["HumanLoopConfig"]["PublicWorkforceTaskPrice"]["AmountInUsd"]["Dollars"] == 1


def test_build_with_errors_exits_1_and_names_every_field(capsys: Any, tmp_path: Path) -> None:
    flow = tmp_path / "bad.flow.toml"
    flow.write_text(
        'name = "Bad Name"\n'
        'role_arn = "arn:aws:iam::1:role/x"\n'
        "[task]\n"
        'workteam_arn = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/t"\n'
        'ui_arn = "not-an-arn"\n'
        'title = ""\n'
        'description = "d"\n'
        "count = 5\n"
        'time_limit = "9h"\n'
        "keywords = []\n"
        "[output]\n"
        's3 = "bucket/prefix"\n'
    )
    target = tmp_path / "request.json"
    code, out, err = run("build", str(flow), "-o", str(target), capsys=capsys)
    assert (code, out) == (1, "")
    assert not target.exists()
    for field in (
        "FlowDefinitionName",
        "RoleArn",
        "HumanLoopConfig.HumanTaskUiArn",
        "HumanLoopConfig.TaskTitle",
        "HumanLoopConfig.TaskCount",
        "HumanLoopConfig.TaskTimeLimitInSeconds",
        "HumanLoopConfig.TaskKeywords",
        "OutputConfig.S3OutputPath",
    ):
        assert f": error[A2I060]: {field}: " in err, field
    assert err.rstrip().endswith("a2icond: 8 errors")
    assert (
        f"{flow}:9:1: error[A2I060]: HumanLoopConfig.TaskTimeLimitInSeconds: must be at most 28800"
        in err
    )


def test_build_warnings_go_to_stderr(capsys: Any, tmp_path: Path) -> None:
    flow = tmp_path / "f.flow.toml"
    text = (DATA / "minimal-custom.flow.toml").read_text()
    flow.write_text(
        text.replace("us-east-1:111122223333:human-task-ui", "eu-west-1:111122223333:human-task-ui")
    )
    code, out, err = run("build", str(flow), capsys=capsys)
    assert code == 0 and json.loads(out)
    assert ": warning[A2I150]: HumanLoopConfig.HumanTaskUiArn: is in region eu-west-1" in err
    code, out, _ = run("build", str(flow), "--strict", capsys=capsys)
    assert (code, out) == (1, "")


def test_build_of_invalid_toml(capsys: Any, tmp_path: Path) -> None:
    flow = tmp_path / "f.flow.toml"
    flow.write_text('name = "x"\n[task\n')
    code, _, err = run("build", str(flow), capsys=capsys)
    assert code == 1
    assert err.startswith(f"{flow}:2:6: error[A2I061]: invalid TOML:")


def test_flow_commands_do_not_import_boto3_until_run() -> None:
    code = (
        "import sys, a2icond.cli as c; c.build_parser(); "
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


def test_standin_runs_from_the_command_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "a2icond.testing.sagemaker"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("SageMaker stand-in listening on http://127.0.0.1:")
    finally:
        process.terminate()
        process.wait(timeout=10)
