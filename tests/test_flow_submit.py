"""Submission end to end: the real boto3 client (serialization, signing, retries, error parsing)
against the SageMaker stand-in on 127.0.0.1, through the CLI and the Python API."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from a2icond import cli
from a2icond.aws.flow import FlowDefinition
from a2icond.aws.submit import SubmitError, Timing, make_client
from a2icond.testing.sagemaker import Reply, StandIn

DATA = Path(__file__).parent / "data" / "flow"
FULL = DATA / "full.flow.toml"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
ARN = "arn:aws:sagemaker:us-east-1:111122223333:flow-definition/payroll-review"
FAST = ["--poll-interval", "0.01", "--timeout", "5"]
CREATE, DESCRIBE, DELETE = "CreateFlowDefinition", "DescribeFlowDefinition", "DeleteFlowDefinition"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials only, no user config, no metadata service."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SAGEMAKER", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    assert "Traceback" not in err
    return code, out, err


def submit(standin: StandIn, capsys: Any, *extra: str, flow: Path = FULL) -> tuple[int, str, str]:
    return run("submit", str(flow), "--endpoint-url", standin.url, *FAST, *extra, capsys=capsys)


def expected_request() -> dict[str, Any]:
    """What `a2icond build` prints for the flow (its exact value is tested in test_flow_file)."""
    return FlowDefinition.from_toml(FULL).to_request()


LIST_TAGS, ADD_TAGS, DELETE_TAGS = "ListTags", "AddTags", "DeleteTags"
PLAN_CREATE = f"payroll-review: create {ARN}\n"


def last_line(text: str) -> str:
    return text.rstrip("\n").splitlines()[-1]


def test_create_and_wait(standin: StandIn, capsys: Any) -> None:
    code, out, err = submit(standin, capsys)
    assert (code, out, err) == (0, f"created {ARN} (Active)\n", PLAN_CREATE)
    assert standin.operations() == [DESCRIBE, CREATE, DESCRIBE]
    assert standin.bodies(CREATE) == [expected_request()]
    assert standin.bodies(DESCRIBE) == [{"FlowDefinitionName": "payroll-review"}] * 2
    headers = standin.received[1].headers
    assert headers["X-Amz-Target"] == "SageMaker.CreateFlowDefinition"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "Credential=AKIAIOSFODNN7EXAMPLE/" in headers["Authorization"]
    assert "/us-east-1/sagemaker/aws4_request" in headers["Authorization"]
    assert "a2icond/" in headers["User-Agent"]
    assert standin.tags("payroll-review") == {"team": "finance", "cost-center": "4711"}


def test_build_output_is_the_request_sent(standin: StandIn, capsys: Any) -> None:
    code, out, _ = run("build", str(FULL), capsys=capsys)
    assert code == 0
    submit(standin, capsys)
    assert standin.bodies(CREATE) == [json.loads(out)]


def test_initializing_then_active_with_progress(capsys: Any) -> None:
    with StandIn(initializing_polls=2) as standin:
        code, out, err = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.operations() == [DESCRIBE, CREATE, DESCRIBE, DESCRIBE, DESCRIBE]
    progress = err.splitlines()[1:]
    assert progress[0].startswith("  payroll-review: creating: Initializing (")
    assert progress[-1].startswith("  payroll-review: creating: Active (")
    assert len(progress) == 2  # a line per status change, not per poll


def test_failed_prints_the_reason(capsys: Any) -> None:
    with StandIn(fail_reason="The work team does not exist.") as standin:
        code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    assert last_line(err) == (
        "a2icond: error: flow definition payroll-review failed: The work team does not exist."
    )


def test_no_wait(standin: StandIn, capsys: Any) -> None:
    code, out, _ = submit(standin, capsys, "--no-wait")
    assert (code, out) == (0, f"submitted {ARN} (Initializing)\n")
    assert standin.operations() == [DESCRIBE, CREATE]


def deployed_variant(**changes: Any) -> dict[str, Any]:
    """The request as AWS would hold it, conditions re-serialized with other order/spacing."""
    request = expected_request()
    activation = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    document = json.loads(activation["HumanLoopActivationConditions"])
    for condition in document["Conditions"]:
        condition["ConditionParameters"] = dict(reversed(condition["ConditionParameters"].items()))
    activation["HumanLoopActivationConditions"] = json.dumps(
        dict(reversed(document.items())), indent=4
    )
    for key, value in changes.items():
        request["HumanLoopConfig"][key] = value
    return request


def with_conditions(request: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    activation = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    activation["HumanLoopActivationConditions"] = json.dumps(document)
    return request


def conditions_of(request: dict[str, Any]) -> dict[str, Any]:
    activation = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    document: dict[str, Any] = json.loads(activation["HumanLoopActivationConditions"])
    return document


def test_identical_is_unchanged(standin: StandIn, capsys: Any) -> None:
    standin.put(deployed_variant())
    code, out, err = submit(standin, capsys)
    assert (code, out) == (0, f"unchanged {ARN} (Active)\n")
    assert err == f"payroll-review: unchanged {ARN} (Active)\n"
    assert standin.operations() == [DESCRIBE, LIST_TAGS]


def test_second_identical_submit_says_unchanged(standin: StandIn, capsys: Any) -> None:
    assert submit(standin, capsys)[1].startswith("created ")
    code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"unchanged {ARN} (Active)\n")


def test_aws_top_level_or_is_equivalent_nothing_to_do(standin: StandIn, capsys: Any) -> None:
    """AWS's usual shape deployed, our unwrapped members in the flow: no replace advised."""
    request = expected_request()
    document = conditions_of(request)
    wrapped = {"Conditions": [{"Or": document["Conditions"][::-1]}]}
    standin.put(with_conditions(request, wrapped))
    code, out, err = submit(standin, capsys, "--replace")
    assert (code, out) == (0, f"equivalent {ARN} (Active)\n")
    assert "written differently but mean the same" in err
    assert standin.operations() == [DESCRIBE, LIST_TAGS]


def test_absent_time_limit_equals_the_default(standin: StandIn, capsys: Any) -> None:
    flow = DATA / "minimal-custom.flow.toml"
    deployed = FlowDefinition.from_toml(flow).to_request()
    deployed["HumanLoopConfig"]["TaskTimeLimitInSeconds"] = 3600
    deployed["HumanLoopConfig"]["TaskAvailabilityLifetimeInSeconds"] = 864000
    standin.put(deployed)
    code, out, _ = submit(standin, capsys, flow=flow)
    assert code == 0 and out.startswith("unchanged ")


def test_changed_tags_are_updated_in_place(standin: StandIn, capsys: Any) -> None:
    deployed = expected_request()
    deployed["Tags"] = [
        {"Key": "team", "Value": "payroll"},
        {"Key": "owner", "Value": "someone"},
    ]
    standin.put(deployed)
    code, out, err = submit(standin, capsys)
    assert (code, out) == (0, f"tags updated {ARN} (Active)\n")
    assert err.splitlines() == [
        f"payroll-review: update tags {ARN} (Active)",
        '  + tag cost-center = "4711"',
        '  ~ tag team: "payroll" → "finance"',
        '  - tag owner (was "someone")',
    ]
    assert standin.operations() == [DESCRIBE, LIST_TAGS, ADD_TAGS, DELETE_TAGS]
    assert standin.bodies(ADD_TAGS) == [
        {
            "ResourceArn": ARN,
            "Tags": [{"Key": "cost-center", "Value": "4711"}, {"Key": "team", "Value": "finance"}],
        }
    ]
    assert standin.bodies(DELETE_TAGS) == [{"ResourceArn": ARN, "TagKeys": ["owner"]}]
    assert standin.tags("payroll-review") == {"team": "finance", "cost-center": "4711"}
    assert DELETE not in standin.operations() and CREATE not in standin.operations()


def test_different_fields_refuse_without_replace(standin: StandIn, capsys: Any) -> None:
    standin.put(deployed_variant(TaskCount=1, TaskTitle="Old title"))
    code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[:3] == [
        f"payroll-review: replace {ARN} (Active)",
        '  HumanLoopConfig.TaskTitle: "Old title" → "Review payroll fields"',
        "  HumanLoopConfig.TaskCount: 1 → 2",
    ]
    assert lines[3].startswith("a2icond: error: payroll-review must be replaced")
    assert "nothing was changed" in lines[3]
    assert "--replace" in lines[4] and "versioned = true" in lines[4]
    assert standin.operations() == [DESCRIBE, LIST_TAGS]


def test_different_conditions_are_a_diff_of_programs(standin: StandIn, capsys: Any) -> None:
    deployed = expected_request()
    document = conditions_of(deployed)
    document["Conditions"][1]["ConditionParameters"]["KeyValueBlockConfidenceLessThan"] = 70
    standin.put(with_conditions(deployed, document))
    code, _, err = submit(standin, capsys)
    assert code == 1
    assert "  --- deployed payroll-review\n" in err
    assert f"  +++ {FULL}\n" in err
    removed = [line for line in err.splitlines() if line.startswith("  -") and "70" in line]
    added = [line for line in err.splitlines() if line.startswith("  +") and "65" in line]
    assert len(removed) == 1 and len(added) == 1, err


def test_replace_without_a_terminal_needs_yes(standin: StandIn, capsys: Any) -> None:
    standin.put(deployed_variant(TaskCount=1))
    code, out, err = submit(standin, capsys, "--replace")
    assert (code, out) == (1, "")
    assert "not on a terminal to ask, so nothing was deleted" in err
    assert "--yes" in err
    assert DELETE not in standin.operations()
    assert standin.flows["payroll-review"].request["HumanLoopConfig"]["TaskCount"] == 1


def test_replace_deletes_waits_and_creates(capsys: Any) -> None:
    with StandIn(deleting_polls=2, initializing_polls=1) as standin:
        standin.put(deployed_variant(TaskCount=1))
        code, out, err = submit(standin, capsys, "--replace", "--yes")
        assert (code, out) == (0, f"replaced {ARN} (Active)\n")
        assert standin.operations() == [
            DESCRIBE,  # plan: different
            LIST_TAGS,
            DELETE,
            DESCRIBE,  # Deleting
            DESCRIBE,  # Deleting
            DESCRIBE,  # ResourceNotFound
            CREATE,
            DESCRIBE,  # Initializing
            DESCRIBE,  # Active
        ]
        assert standin.bodies(CREATE) == [expected_request()]
        assert standin.bodies(DELETE) == [{"FlowDefinitionName": "payroll-review"}]
        assert standin.flows["payroll-review"].request["HumanLoopConfig"]["TaskCount"] == 2
    progress = [line.split(" (")[0] for line in err.splitlines() if line.startswith("    ") is False
                and line.startswith("  payroll-review:")]  # fmt: skip
    assert progress == [
        "  payroll-review: deleting: Deleting",
        "  payroll-review: deleting: gone",
        "  payroll-review: creating: Initializing",
        "  payroll-review: creating: Active",
    ]


def test_create_failing_after_delete_saves_the_request(
    standin: StandIn, capsys: Any, tmp_path: Path
) -> None:
    standin.put(deployed_variant(TaskCount=1))
    standin.script(CREATE, Reply.error("ResourceLimitExceeded", "too many flow definitions"))
    code, out, err = submit(standin, capsys, "--replace", "--yes", "--save-failed", str(tmp_path))
    assert (code, out) == (1, "")
    saved = tmp_path / "payroll-review.request.json"
    assert "a2icond: error: FLOW DEFINITION payroll-review WAS DELETED AND NOT CREATED AGAIN" in err
    assert f"the request is saved in {saved}" in err
    assert f"file://{saved}" in err
    assert json.loads(saved.read_text()) == expected_request()
    assert "payroll-review" not in standin.flows


def test_ctrl_c_after_delete_says_what_was_done(
    standin: StandIn, capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from a2icond.aws import submit as aws

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    standin.put(deployed_variant(TaskCount=1))
    monkeypatch.setattr(aws, "wait_gone", interrupted)
    code, out, err = submit(standin, capsys, "--replace", "--yes", "--save-failed", str(tmp_path))
    assert (code, out) == (130, "")
    assert "a2icond: interrupted. Done so far: deleted payroll-review." in err
    assert "WAS DELETED AND NOT CREATED AGAIN" in err
    assert (tmp_path / "payroll-review.request.json").exists()


def test_failed_deployment_is_replaced_with_its_reason(standin: StandIn, capsys: Any) -> None:
    standin.put(expected_request(), "Failed", failure_reason="The role cannot be assumed.")
    code, out, err = submit(standin, capsys, "--replace", "--yes")
    assert (code, out) == (0, f"replaced {ARN} (Active)\n")
    assert err.splitlines()[:2] == [
        f"payroll-review: replace {ARN} (Failed)",
        "  deployed status Failed: The role cannot be assumed.",
    ]


def test_a_name_held_by_a_deleting_definition_is_waited_for(capsys: Any) -> None:
    with StandIn(deleting_polls=2) as standin:
        standin.put(deployed_variant(TaskCount=1), "Deleting")
        code, out, err = submit(standin, capsys)
        assert (code, out) == (0, f"created {ARN} (Active)\n")
        assert "after the definition being deleted under this name is gone" in err
        assert standin.operations() == [DESCRIBE, DESCRIBE, DESCRIBE, CREATE, DESCRIBE]


def test_throttling_is_retried_by_botocore(standin: StandIn, capsys: Any) -> None:
    standin.script(CREATE, Reply.error("ThrottlingException", "Rate exceeded"))
    code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.operations() == [DESCRIBE, CREATE, CREATE, DESCRIBE]
    assert standin.bodies(CREATE) == [expected_request(), expected_request()]


def test_throttling_retries_are_bounded(standin: StandIn, capsys: Any) -> None:
    standin.script(DESCRIBE, *[Reply.error("ThrottlingException", "Rate exceeded")] * 10)
    code, _, err = submit(standin, capsys)
    assert code == 1
    assert last_line(err).startswith(
        "a2icond: error: describing payroll-review: AWS is throttling requests (still, after "
        "retries)"
    )
    # botocore's standard mode: the first attempt and `max_attempts` (4) retries, backing off
    assert standin.operations() == [DESCRIBE] * 5


ROLE_NOT_READY = (
    "Could not assume role arn:aws:iam::111122223333:role/A2IExecution. Please ensure that the "
    "role exists and allows principal 'sagemaker.amazonaws.com' to assume the role."
)


def test_role_not_yet_assumable_is_retried(standin: StandIn, capsys: Any) -> None:
    standin.script(
        CREATE,
        Reply.error("ValidationException", ROLE_NOT_READY),
        Reply.error("ValidationException", ROLE_NOT_READY),
    )
    code, out, err = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.operations() == [DESCRIBE, CREATE, CREATE, CREATE, DESCRIBE]
    progress = [line.split(" (")[0] for line in err.splitlines()[1:]]
    assert progress == [
        "  payroll-review: creating: role not assumable yet, retry 1",
        "  payroll-review: creating: role not assumable yet, retry 2",
        "  payroll-review: creating: Active",
    ]
    assert standin.bodies(CREATE) == [expected_request()] * 3


def test_role_retry_is_bounded(standin: StandIn) -> None:
    standin.script(CREATE, *[Reply.error("ValidationException", ROLE_NOT_READY)] * 50)
    client = make_client(endpoint_url=standin.url)
    timing = Timing(poll_interval=0.01, iam_retry_timeout=0.1, iam_retry_max_delay=0.02)
    with pytest.raises(SubmitError, match="AWS rejected the request: Could not assume role"):
        FlowDefinition.from_toml(FULL).submit(client, timing=timing)
    assert 2 <= standin.operations().count(CREATE) < 20


def test_other_validation_errors_are_not_retried(standin: StandIn, capsys: Any) -> None:
    standin.script(CREATE, Reply.error("ValidationException", "The S3 bucket is in us-west-2."))
    code, _, err = submit(standin, capsys)
    assert code == 1
    assert err == PLAN_CREATE + (
        "a2icond: error: creating payroll-review: AWS rejected the request: "
        "The S3 bucket is in us-west-2.\n"
    )
    assert standin.operations() == [DESCRIBE, CREATE]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("AccessDeniedException", "creating payroll-review: access denied: not allowed"),
        ("ResourceLimitExceeded", "creating payroll-review: an AWS limit was reached: not allowed"),
        ("ExpiredTokenException", "the AWS credentials have expired"),
        ("UnrecognizedClientException", "AWS rejected the credentials (UnrecognizedClient"),
    ],
)
def test_refusals_are_one_clean_line(
    standin: StandIn, capsys: Any, error: str, message: str
) -> None:
    standin.script(CREATE, Reply.error(error, f"not allowed {SECRET}"))
    code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    assert err.startswith(PLAN_CREATE)
    rest = err.removeprefix(PLAN_CREATE)
    assert rest.startswith(f"a2icond: error: {message}")
    assert rest.count("\n") == 1


def test_missing_credentials(standin: StandIn, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("a2icond: error: no AWS credentials found")
    assert standin.received == []


def test_unknown_profile(standin: StandIn, capsys: Any) -> None:
    code, _, err = submit(standin, capsys, "--profile", "nope")
    assert (code, err) == (1, "a2icond: error: AWS profile not found: nope\n")


def test_endpoint_from_environment(standin: StandIn, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", standin.url)
    code, out, _ = run("submit", str(FULL), *FAST, capsys=capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.bodies(CREATE) == [expected_request()]


def test_dry_run_sends_nothing(standin: StandIn, capsys: Any) -> None:
    code, out, _ = submit(standin, capsys, "--dry-run")
    assert code == 0
    assert json.loads(out) == expected_request()
    assert standin.received == []


def test_invalid_flow_sends_nothing(standin: StandIn, capsys: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.flow.toml"
    conditions = DATA / "textract-example-1.json"
    text = FULL.read_text().replace("count = 2", "count = 0")
    bad.write_text(text.replace('"textract-example-1.json"', f'"{conditions}"'))
    code, out, err = submit(standin, capsys, flow=bad)
    assert (code, out) == (1, "")
    assert "HumanLoopConfig.TaskCount: must be at least 1 (got 0)" in err
    assert standin.received == []


def test_region_warning_when_sending_elsewhere(standin: StandIn, capsys: Any) -> None:
    code, out, err = submit(standin, capsys, "--region", "eu-west-1")
    assert code == 0 and out.startswith("created ")
    assert (
        "warning[A2I150]: HumanLoopConfig.WorkteamArn: is in region us-east-1, but the flow " in err
    )
    assert "/eu-west-1/sagemaker/" in standin.received[0].headers["Authorization"]


# --- describe and delete -----------------------------------------------------------------------


def test_describe_prints_json_that_load_reads(
    standin: StandIn, capsys: Any, tmp_path: Path
) -> None:
    import a2icond

    submit(standin, capsys)
    code, out, _ = run("describe", "payroll-review", "--endpoint-url", standin.url, capsys=capsys)
    assert code == 0
    described = json.loads(out)
    assert described["FlowDefinitionArn"] == ARN
    assert described["FlowDefinitionStatus"] == "Active"
    (tmp_path / "described.json").write_text(out)
    loaded = a2icond.load(tmp_path / "described.json")
    assert loaded == a2icond.load(DATA / "textract-example-1.json")
    code, out, _ = run(
        "describe", "payroll-review", "--conditions", "--endpoint-url", standin.url, capsys=capsys
    )
    assert json.loads(out) == json.loads((DATA / "textract-example-1.json").read_text())


def test_describe_unknown(standin: StandIn, capsys: Any) -> None:
    code, out, err = run("describe", "nope", "--endpoint-url", standin.url, capsys=capsys)
    assert (code, out, err) == (1, "", "a2icond: error: no flow definition named nope\n")


def test_delete_and_wait(capsys: Any) -> None:
    with StandIn(deleting_polls=1) as standin:
        standin.put(expected_request())
        code, out, _ = run(
            "delete", "payroll-review", "--wait", "--endpoint-url", standin.url, *FAST,
            capsys=capsys,
        )  # fmt: skip
        assert (code, out) == (0, "deleted payroll-review\n")
        assert standin.operations() == [DELETE, DESCRIBE, DESCRIBE]
        assert standin.flows == {}
        code, _, err = run("delete", "payroll-review", "--endpoint-url", standin.url, capsys=capsys)
        assert (code, err) == (1, "a2icond: error: no flow definition named payroll-review\n")


# --- the Python API ----------------------------------------------------------------------------


def test_api_submit_and_conflict(standin: StandIn) -> None:
    client = make_client(endpoint_url=standin.url)
    timing = Timing(poll_interval=0.01, timeout=5)
    flow = FlowDefinition.from_toml(FULL)
    result = flow.submit(client, timing=timing)
    assert (result.action, result.arn, result.status) == ("created", ARN, "Active")
    assert flow.submit(client, timing=timing).action == "unchanged"
    changed = dataclasses.replace(flow, task_count=3)
    with pytest.raises(SubmitError) as caught:
        changed.submit(client, timing=timing)
    assert [d.path for d in caught.value.differences] == ["HumanLoopConfig.TaskCount"]
    assert changed.submit(client, timing=timing, replace=True).action == "replaced"
    assert standin.flows["payroll-review"].request["HumanLoopConfig"]["TaskCount"] == 3


def test_region_from_aws_region(standin: StandIn, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert "/us-east-1/sagemaker/" in standin.received[0].headers["Authorization"]


def test_no_region(standin: StandIn, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("a2icond: error: no AWS region: use --region")
    assert standin.received == []


# --- the confirmation on a terminal (a real pseudo-terminal, the CLI in a subprocess) ----------


def submit_on_a_terminal(standin: StandIn, answer: str) -> tuple[int, str, str]:
    """Run `submit --replace` with standard input and error on a pty; answer the prompt."""
    import os
    import pty
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "a2icond", "submit", str(FULL), "--replace",
         "--endpoint-url", standin.url, *FAST],
        stdin=slave, stderr=slave, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while b"Type yes to continue: " not in seen and time.monotonic() < deadline:
            seen += os.read(master, 4096)
        os.write(master, answer.encode() + b"\n")
        out, _ = process.communicate(timeout=30)
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, out, seen.decode().replace("\r\n", "\n")


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_replace_asks_on_a_terminal(standin: StandIn, answer: str) -> None:
    standin.put(deployed_variant(TaskCount=1))
    code, out, err = submit_on_a_terminal(standin, answer)
    assert "Replacing deletes payroll-review and creates it again" in err
    if answer == "yes":
        assert (code, out) == (0, f"replaced {ARN} (Active)\n")
        assert standin.operations().count(DELETE) == 1
        assert standin.flows["payroll-review"].request["HumanLoopConfig"]["TaskCount"] == 2
    else:
        assert (code, out) == (1, "")
        assert "a2icond: not confirmed; nothing was deleted" in err
        assert DELETE not in standin.operations()


def test_unreachable_endpoint_is_one_line(capsys: Any) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    code, out, err = run("plan", str(FULL), "--endpoint-url", url, capsys=capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"a2icond: error: describing payroll-review: cannot connect to {url}")
    assert "--endpoint-url" in err and err.count("\n") == 1
