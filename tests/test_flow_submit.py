"""Submission end to end: the real boto3 client (serialization, signing, retries, error parsing)
against the SageMaker stand-in on 127.0.0.1, through the CLI and the Python API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from a2icond import cli
from a2icond.aws.flow import FlowDefinition
from a2icond.aws.submit import SubmitError, Timing, make_client
from tests.sagemaker_standin import Reply, StandIn

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


def test_create_and_wait(standin: StandIn, capsys: Any) -> None:
    code, out, err = submit(standin, capsys)
    assert (code, out, err) == (0, f"created {ARN} (Active)\n", "")
    assert standin.operations() == [CREATE, DESCRIBE]
    assert standin.bodies(CREATE) == [expected_request()]
    assert standin.bodies(DESCRIBE) == [{"FlowDefinitionName": "payroll-review"}]
    headers = standin.received[0].headers
    assert headers["X-Amz-Target"] == "SageMaker.CreateFlowDefinition"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "Credential=AKIAIOSFODNN7EXAMPLE/" in headers["Authorization"]
    assert "/us-east-1/sagemaker/aws4_request" in headers["Authorization"]
    assert "a2icond/" in headers["User-Agent"]


def test_build_output_is_the_request_sent(standin: StandIn, capsys: Any) -> None:
    code, out, _ = run("build", str(FULL), capsys=capsys)
    assert code == 0
    submit(standin, capsys)
    assert standin.bodies(CREATE) == [json.loads(out)]


def test_initializing_then_active(capsys: Any) -> None:
    with StandIn(initializing_polls=2) as standin:
        code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.operations() == [CREATE, DESCRIBE, DESCRIBE, DESCRIBE]


def test_failed_prints_the_reason(capsys: Any) -> None:
    with StandIn(fail_reason="The work team does not exist.") as standin:
        code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    assert err == (
        "a2icond: error: flow definition payroll-review failed: The work team does not exist.\n"
    )


def test_no_wait(standin: StandIn, capsys: Any) -> None:
    code, out, _ = submit(standin, capsys, "--no-wait")
    assert (code, out) == (0, f"submitted {ARN} (Initializing)\n")
    assert standin.operations() == [CREATE]


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


def test_resource_in_use_identical_is_unchanged(standin: StandIn, capsys: Any) -> None:
    standin.put(deployed_variant())
    code, out, err = submit(standin, capsys)
    assert (code, out, err) == (0, f"unchanged {ARN} (Active)\n", "")
    assert standin.operations() == [CREATE, DESCRIBE]


def test_second_identical_submit_says_unchanged(standin: StandIn, capsys: Any) -> None:
    assert submit(standin, capsys)[1].startswith("created ")
    code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"unchanged {ARN} (Active)\n")


def test_absent_time_limit_equals_the_default(standin: StandIn, capsys: Any) -> None:
    flow = DATA / "minimal-custom.flow.toml"
    deployed = FlowDefinition.from_toml(flow).to_request()
    deployed["HumanLoopConfig"]["TaskTimeLimitInSeconds"] = 3600
    deployed["HumanLoopConfig"]["TaskAvailabilityLifetimeInSeconds"] = 864000
    standin.put(deployed)
    code, out, _ = submit(standin, capsys, flow=flow)
    assert code == 0 and out.startswith("unchanged ")


def test_resource_in_use_different_shows_the_differences(standin: StandIn, capsys: Any) -> None:
    standin.put(deployed_variant(TaskCount=1, TaskTitle="Old title"))
    code, out, err = submit(standin, capsys)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith("a2icond: error: a different flow definition named payroll-review")
    assert lines[1:3] == [
        '  HumanLoopConfig.TaskTitle: deployed "Old title", this definition has '
        '"Review payroll fields"',
        "  HumanLoopConfig.TaskCount: deployed 1, this definition has 2",
    ]
    assert "--replace" in lines[3]
    assert standin.operations() == [CREATE, DESCRIBE]


def test_different_conditions_are_shown_by_path(standin: StandIn, capsys: Any) -> None:
    deployed = expected_request()
    activation = deployed["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    document = json.loads(activation["HumanLoopActivationConditions"])
    document["Conditions"][1]["ConditionParameters"]["KeyValueBlockConfidenceLessThan"] = 70
    activation["HumanLoopActivationConditions"] = json.dumps(document)
    standin.put(deployed)
    code, _, err = submit(standin, capsys)
    assert code == 1
    assert (
        "  HumanLoopActivationConditions.Conditions[1].ConditionParameters."
        "KeyValueBlockConfidenceLessThan: deployed 70, this definition has 65\n"
    ) in err


def test_replace_deletes_waits_and_creates(capsys: Any) -> None:
    with StandIn(deleting_polls=2, initializing_polls=1) as standin:
        standin.put(deployed_variant(TaskCount=1))
        code, out, err = submit(standin, capsys, "--replace")
        assert (code, out, err) == (0, f"replaced {ARN} (Active)\n", "")
        assert standin.operations() == [
            CREATE,  # ResourceInUse
            DESCRIBE,  # compare: different
            DELETE,
            DESCRIBE,  # Deleting
            DESCRIBE,  # Deleting
            DESCRIBE,  # ResourceNotFound
            CREATE,
            DESCRIBE,  # Initializing
            DESCRIBE,  # Active
        ]
        assert standin.bodies(CREATE) == [expected_request(), expected_request()]
        assert standin.bodies(DELETE) == [{"FlowDefinitionName": "payroll-review"}]
        assert standin.flows["payroll-review"].request["HumanLoopConfig"]["TaskCount"] == 2


def test_replace_of_identical_is_unchanged(standin: StandIn, capsys: Any) -> None:
    standin.put(deployed_variant())
    code, out, _ = submit(standin, capsys, "--replace")
    assert (code, out) == (0, f"unchanged {ARN} (Active)\n")
    assert DELETE not in standin.operations()


def test_throttling_is_retried_by_botocore(standin: StandIn, capsys: Any) -> None:
    standin.script(CREATE, Reply.error("ThrottlingException", "Rate exceeded"))
    code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.operations() == [CREATE, CREATE, DESCRIBE]
    assert standin.bodies(CREATE) == [expected_request(), expected_request()]


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
    code, out, _ = submit(standin, capsys)
    assert (code, out) == (0, f"created {ARN} (Active)\n")
    assert standin.operations() == [CREATE, CREATE, CREATE, DESCRIBE]
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
    assert err == (
        "a2icond: error: creating payroll-review: AWS rejected the request: "
        "The S3 bucket is in us-west-2.\n"
    )
    assert standin.operations() == [CREATE]


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
    assert err.startswith(f"a2icond: error: {message}")
    assert err.count("\n") == 1


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
    changed = FlowDefinition.from_toml(FULL)
    changed.task_count = 3
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
