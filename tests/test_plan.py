"""`plan`, many flows, versioned names, `list` and `describe --cond`: end to end through the real
boto3 client against the SageMaker stand-in (`a2icond.testing.sagemaker`) on 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from a2icond import cli
from a2icond.aws.flow import FlowDefinition
from a2icond.testing.sagemaker import Reply, StandIn

DATA = Path(__file__).parent / "data" / "flow"
FULL = DATA / "full.flow.toml"
FAST = ["--poll-interval", "0.01", "--timeout", "5"]
CREATE, DESCRIBE, DELETE = "CreateFlowDefinition", "DescribeFlowDefinition", "DeleteFlowDefinition"
LIST_TAGS, LIST = "ListTags", "ListFlowDefinitions"
ARN = "arn:aws:sagemaker:us-east-1:111122223333:flow-definition/"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials only, no user config, no metadata service."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-for-tests")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def run(*argv: str, capsys: Any) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def flow_file(folder: Path, name: str, *, count: int = 2, extra: str = "", **tags: str) -> Path:
    """A copy of the full flow file named `name`, conditions by absolute path."""
    text = FULL.read_text().replace('name = "payroll-review"', f'name = "{name}"\n{extra}')
    text = text.replace(
        '"textract-example-1.json"', json.dumps(str(DATA / "textract-example-1.json"))
    )
    text = text.replace("count = 2", f"count = {count}")
    if tags:
        text = (
            text.split("[tags]")[0]
            + "[tags]\n"
            + "".join(f'{k} = "{v}"\n' for k, v in tags.items())
        )
    path = folder / f"{name}.flow.toml"
    path.write_text(text)
    return path


def request_of(path: Path) -> dict[str, Any]:
    return FlowDefinition.from_toml(path).to_request()


def conditions_of(request: dict[str, Any]) -> dict[str, Any]:
    config = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    return json.loads(config["HumanLoopActivationConditions"])  # type: ignore[no-any-return]


def set_conditions(request: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    config = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    config["HumanLoopActivationConditions"] = json.dumps(document)
    return request


@pytest.fixture
def five(tmp_path: Path, standin: StandIn) -> Path:
    """A folder of five flows, one per plan action, the deployed side set up in the stand-in."""
    folder = tmp_path / "flows"
    folder.mkdir()
    flow_file(folder, "a-new")
    standin.put(request_of(flow_file(folder, "b-same")))
    wrapped = request_of(flow_file(folder, "c-wrapped"))
    document = conditions_of(wrapped)
    standin.put(set_conditions(wrapped, {"Conditions": [{"Or": document["Conditions"]}]}))
    tagged = request_of(flow_file(folder, "d-tags", team="finance", new="yes"))
    tagged["Tags"] = [{"Key": "team", "Value": "payroll"}, {"Key": "old", "Value": "x"}]
    standin.put(tagged)
    standin.put(request_of(flow_file(folder, "e-changed", count=1)))
    flow_file(folder, "e-changed", count=3)
    (folder / "notes.txt").write_text("not a flow file")
    return folder


def test_plan_a_folder_read_only(five: Path, standin: StandIn, capsys: Any) -> None:
    before = {name: (dict(f.request), list(f.tags)) for name, f in standin.flows.items()}
    code, out, err = run("plan", str(five), "--endpoint-url", standin.url, capsys=capsys)
    assert (code, err) == (0, "")
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert heads == [
        f"a-new: create {ARN}a-new",
        f"b-same: unchanged {ARN}b-same (Active)",
        f"c-wrapped: equivalent {ARN}c-wrapped (Active): the deployed conditions are written "
        "differently but mean the same",
        f"d-tags: update tags {ARN}d-tags (Active)",
        f"e-changed: replace {ARN}e-changed (Active)",
        "Plan: 1 to create, 1 unchanged, 1 equivalent, 1 to update tags, 1 to replace",
    ]
    assert '  + tag new = "yes"' in out
    assert '  ~ tag team: "payroll" → "finance"' in out
    assert '  - tag old (was "x")' in out
    assert "  HumanLoopConfig.TaskCount: 1 → 3" in out
    assert set(standin.operations()) == {DESCRIBE, LIST_TAGS}
    assert standin.operations().count(DESCRIBE) == 5
    assert {name: (dict(f.request), list(f.tags)) for name, f in standin.flows.items()} == before


def test_detailed_exitcode(five: Path, standin: StandIn, capsys: Any) -> None:
    code, _, _ = run(
        "plan", str(five), "--detailed-exitcode", "--endpoint-url", standin.url, capsys=capsys
    )
    assert code == 4
    in_sync = [str(five / "b-same.flow.toml"), str(five / "c-wrapped.flow.toml")]
    code, out, _ = run(
        "plan", *in_sync, "--detailed-exitcode", "--endpoint-url", standin.url, capsys=capsys
    )
    assert code == 0
    assert out.splitlines()[-1] == "Plan: 1 unchanged, 1 equivalent"


def test_plan_problems_and_usage(tmp_path: Path, standin: StandIn, capsys: Any) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run("plan", str(empty), "--endpoint-url", standin.url, capsys=capsys)
    assert (code, err) == (2, f"a2icond: error: no *.flow.toml files in {empty}\n")
    bad = flow_file(tmp_path, "bad", count=0)
    code, out, err = run(
        "plan", str(bad), "--detailed-exitcode", "--endpoint-url", standin.url, capsys=capsys
    )
    assert (code, out) == (1, "")
    assert "HumanLoopConfig.TaskCount: must be at least 1 (got 0)" in err
    twin = tmp_path / "twin"
    twin.mkdir()
    flow_file(twin, "same-name")
    (twin / "other.flow.toml").write_text((twin / "same-name.flow.toml").read_text())
    code, _, err = run("plan", str(twin), "--endpoint-url", standin.url, capsys=capsys)
    assert code == 1 and "both define flow definition same-name" in err
    assert standin.received == []


def test_plan_shows_conditions_as_a_diff_of_programs(
    tmp_path: Path, standin: StandIn, capsys: Any
) -> None:
    path = flow_file(tmp_path, "payroll-review")
    deployed = request_of(path)
    document = conditions_of(deployed)
    document["Conditions"].pop()
    standin.put(set_conditions(deployed, document))
    code, out, _ = run("plan", str(path), "--endpoint-url", standin.url, capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"payroll-review: replace {ARN}payroll-review (Active)"
    assert lines[1:3] == ["  --- deployed payroll-review", f"  +++ {path}"]
    added = [line for line in lines if line.startswith("  +") and not line.startswith("  +++")]
    removed = [line for line in lines if line.startswith("  -") and not line.startswith("  ---")]
    assert len(added) >= 1 and removed == [], out


def test_submit_many_with_one_summary(five: Path, standin: StandIn, capsys: Any) -> None:
    code, out, err = run(
        "submit", str(five), "--replace", "--yes", "--endpoint-url", standin.url, *FAST,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        f"created {ARN}a-new (Active)",
        f"unchanged {ARN}b-same (Active)",
        f"equivalent {ARN}c-wrapped (Active)",
        f"tags updated {ARN}d-tags (Active)",
        f"replaced {ARN}e-changed (Active)",
    ]
    assert err.splitlines()[-1] == (
        "a2icond: 1 created, 1 unchanged, 1 equivalent, 1 tags updated, 1 replaced"
    )
    assert standin.tags("d-tags") == {"team": "finance", "new": "yes"}
    code, out, _ = run(
        "plan", str(five), "--detailed-exitcode", "--endpoint-url", standin.url, capsys=capsys
    )
    assert code == 0 and out.splitlines()[-1] == "Plan: 4 unchanged, 1 equivalent"


def test_submit_many_stops_at_the_first_failure(
    tmp_path: Path, standin: StandIn, capsys: Any
) -> None:
    paths = [flow_file(tmp_path, name) for name in ("one", "two", "three")]

    def refuse_two(body: dict[str, Any]) -> Reply | None:
        if body["FlowDefinitionName"] != "two":
            return None  # the stand-in creates it
        return Reply.error("ResourceLimitExceeded", "limit of flow definitions reached")

    # "one" is created, "two" refused, "three" never tried.
    standin.script(CREATE, refuse_two, refuse_two, refuse_two)
    code, out, err = run(
        "submit", *map(str, paths), "--endpoint-url", standin.url, *FAST, capsys=capsys
    )
    assert code == 1
    assert out == f"created {ARN}one (Active)\n"
    assert "a2icond: error: creating two: an AWS limit was reached" in err
    assert "a2icond: stopped at two; applied before it: one" in err
    assert "a2icond: not applied: three" in err
    assert list(standin.flows) == ["one"]


def test_versioned_names_are_content_hashes(tmp_path: Path, standin: StandIn, capsys: Any) -> None:
    path = flow_file(tmp_path, "payroll-review", extra="versioned = true")
    code, out, err = run("submit", str(path), "--endpoint-url", standin.url, *FAST, capsys=capsys)
    assert code == 0, err
    first = re.fullmatch(rf"created ({ARN}payroll-review-([0-9a-f]{{8}})) \(Active\)\n", out)
    assert first, out
    assert f"payroll-review-{first.group(2)}: create {first.group(1)}" in err

    # A change makes a new version beside the old one; nothing is deleted.
    flow_file(tmp_path, "payroll-review", count=3, extra="versioned = true")
    code, out, err = run("plan", str(path), "--endpoint-url", standin.url, capsys=capsys)
    second = re.search(r"payroll-review-([0-9a-f]{8}): create", out)
    assert second and second.group(1) != first.group(2)
    run("submit", str(path), "--endpoint-url", standin.url, *FAST, capsys=capsys)
    assert DELETE not in standin.operations()
    assert len(standin.flows) == 2

    # Equivalent conditions (AWS's top-level Or) keep the version; tags are not part of it.
    wrapped = tmp_path / "wrapped.json"
    document = json.loads((DATA / "textract-example-1.json").read_text())
    wrapped.write_text(json.dumps({"Conditions": [{"Or": document["Conditions"][::-1]}]}))
    text = path.read_text().replace(
        json.dumps(str(DATA / "textract-example-1.json")), '"wrapped.json"'
    )
    path.write_text(text.replace('team = "finance"', 'team = "payroll"'))
    code, out, _ = run("plan", str(path), "--endpoint-url", standin.url, capsys=capsys)
    assert f"payroll-review-{second.group(1)}: update tags" in out

    # list shows the versions.
    code, out, _ = run(
        "list", "--prefix", "payroll-review-", "--endpoint-url", standin.url, capsys=capsys
    )
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert sorted(names) == sorted(f"payroll-review-{h}" for h in (first.group(2), second.group(1)))


def test_versioned_name_must_leave_room_for_the_suffix(tmp_path: Path, capsys: Any) -> None:
    path = flow_file(tmp_path, "n" * 60, extra="versioned = true")
    code, _, err = run("build", str(path), capsys=capsys)
    assert code == 1
    assert (
        "with versioned = true the name gets a 9-character suffix, so it can have at most 54" in err
    )


def test_list_reads_every_page(capsys: Any) -> None:
    with StandIn(page_size=2) as standin:
        request = request_of(FULL)
        for i in range(5):
            standin.put({**request, "FlowDefinitionName": f"flow-{i}"}, created=1_700_000_000 + i)
        standin.put({**request, "FlowDefinitionName": "broken"}, "Failed",
                    failure_reason="no such work team", created=1_600_000_000)  # fmt: skip
        code, out, _ = run("list", "--endpoint-url", standin.url, capsys=capsys)
        assert code == 0
        lines = out.splitlines()
        assert [line.split()[0] for line in lines] == [f"flow-{i}" for i in range(4, -1, -1)] + [
            "broken"
        ]
        assert lines[0].split()[1:] == ["Active", "2023-11-14", "22:13:24Z"]
        assert lines[-1].endswith("no such work team")
        assert standin.operations() == [LIST] * 3
        code, out, _ = run(
            "list", "--prefix", "flow-3", "--arn", "--endpoint-url", standin.url, capsys=capsys
        )
        assert out.split()[0] == f"{ARN}flow-3"


def test_describe_cond_prints_a_program(standin: StandIn, capsys: Any) -> None:
    import a2icond

    request = request_of(FULL)
    document = conditions_of(request)
    standin.put(set_conditions(request, {"Conditions": [{"Or": document["Conditions"]}]}))
    code, out, _ = run(
        "describe", "payroll-review", "--cond", "--endpoint-url", standin.url, capsys=capsys
    )
    assert code == 0
    assert out.startswith("source textract\n")
    from a2icond.equivalence import equivalent

    assert equivalent(a2icond.compile(out), document)


def test_describes_run_concurrently(tmp_path: Path, standin: StandIn, capsys: Any) -> None:
    """Three describes wait at one barrier: they pass only if all three are in flight at once."""
    import threading

    barrier = threading.Barrier(3, timeout=10)

    def together(body: dict[str, Any]) -> Reply | None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return Reply.error("ValidationException", "the describes did not overlap")
        return None  # the stand-in answers: not found

    standin.script(DESCRIBE, together, together, together)
    paths = [str(flow_file(tmp_path, name)) for name in ("one", "two", "three")]
    code, out, err = run("plan", *paths, "--endpoint-url", standin.url, capsys=capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Plan: 3 to create"


def test_tags_are_read_from_every_page(tmp_path: Path, capsys: Any) -> None:
    tags = {f"k{i}": f"v{i}" for i in range(5)}
    path = flow_file(tmp_path, "tagged", **tags)
    with StandIn(page_size=2) as standin:
        standin.put(request_of(path))
        code, out, _ = run("plan", str(path), "--endpoint-url", standin.url, capsys=capsys)
        assert code == 0
        assert out.splitlines()[0] == f"tagged: unchanged {ARN}tagged (Active)"
        assert standin.operations() == [DESCRIBE, LIST_TAGS, LIST_TAGS, LIST_TAGS]
