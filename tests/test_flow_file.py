"""The flow file (TOML) and the Python builder: mapping to the request, durations, tags,
unknown keys, TOML errors, conditions sources."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import a2icond
from a2icond.aws.flow import FlowDefinition, FlowError, parse_duration

DATA = Path(__file__).parent / "data" / "flow"
ROLE = "arn:aws:iam::111122223333:role/A2IExecution"
TEAM = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/payroll"
UI = "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/payroll-ui"
KMS = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TEXTRACT = "AWS/Textract/AnalyzeDocument/Forms/V1"
REKOGNITION = "AWS/Rekognition/DetectModerationLabels/Image/V3"


def compact(path: Path) -> str:
    return json.dumps(json.loads(path.read_text()), separators=(",", ":"), ensure_ascii=False)


def flow_text(**replace: str) -> str:
    """The minimal custom flow file with some lines replaced or added."""
    text = (DATA / "minimal-custom.flow.toml").read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def build(tmp_path: Path, text: str) -> FlowDefinition:
    path = tmp_path / "f.flow.toml"
    path.write_text(text)
    return FlowDefinition.from_toml(path)


def error_texts(flow: FlowDefinition) -> list[str]:
    return [p.text for p in flow.problems() if p.severity == "error"]


# --- file -> request ------------------------------------------------------------------------


def test_full_file_maps_one_to_one() -> None:
    request = FlowDefinition.from_toml(DATA / "full.flow.toml").to_request()
    assert request == {
        "FlowDefinitionName": "payroll-review",
        "HumanLoopRequestSource": {"AwsManagedHumanLoopRequestSource": TEXTRACT},
        "HumanLoopActivationConfig": {
            "HumanLoopActivationConditionsConfig": {
                "HumanLoopActivationConditions": compact(DATA / "textract-example-1.json")
            }
        },
        "HumanLoopConfig": {
            "WorkteamArn": TEAM,
            "HumanTaskUiArn": UI,
            "TaskTitle": "Review payroll fields",
            "TaskDescription": "Check the fields Textract was unsure of",
            "TaskCount": 2,
            "TaskAvailabilityLifetimeInSeconds": 86400,
            "TaskTimeLimitInSeconds": 5400,
            "TaskKeywords": ["payroll", "forms"],
        },
        "OutputConfig": {"S3OutputPath": "s3://example-bucket/a2i/", "KmsKeyId": KMS},
        "RoleArn": ROLE,
        "Tags": [
            {"Key": "team", "Value": "finance"},
            {"Key": "cost-center", "Value": "4711"},
        ],
    }
    # the order of the request follows boto3's request syntax
    assert list(request) == [
        "FlowDefinitionName",
        "HumanLoopRequestSource",
        "HumanLoopActivationConfig",
        "HumanLoopConfig",
        "OutputConfig",
        "RoleArn",
        "Tags",
    ]


def test_custom_task_type_has_no_source_and_no_activation_config() -> None:
    request = FlowDefinition.from_toml(DATA / "minimal-custom.flow.toml").to_request()
    assert "HumanLoopRequestSource" not in request
    assert "HumanLoopActivationConfig" not in request
    # optional fields absent from the file are absent from the request
    assert set(request["HumanLoopConfig"]) == {
        "WorkteamArn",
        "HumanTaskUiArn",
        "TaskTitle",
        "TaskDescription",
        "TaskCount",
    }
    assert request["OutputConfig"] == {"S3OutputPath": "s3://example-bucket/a2i/"}
    assert "Tags" not in request


def test_public_workforce_price_maps_to_amount() -> None:
    request = FlowDefinition.from_toml(DATA / "public.flow.toml").to_request()
    price = request["HumanLoopConfig"]["PublicWorkforceTaskPrice"]
    assert price == {"AmountInUsd": {"Dollars": 1, "Cents": 20, "TenthFractionsOfACent": 0}}
    assert request["HumanLoopRequestSource"]["AwsManagedHumanLoopRequestSource"] == REKOGNITION


def test_cond_file_is_compiled_and_source_comes_from_it() -> None:
    request = FlowDefinition.from_toml(DATA / "cond.flow.toml").to_request()
    conditions = a2icond.compile_file(DATA / "payroll.cond")
    text = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"][
        "HumanLoopActivationConditions"
    ]
    assert text == conditions.to_json(compact=True)
    assert request["HumanLoopRequestSource"]["AwsManagedHumanLoopRequestSource"] == TEXTRACT


@pytest.mark.parametrize(
    "path",
    [
        "examples/textract/payroll.flow.toml",
        "examples/rekognition/moderation.flow.toml",
        "examples/flows/public-moderation.flow.toml",
        "examples/flows/custom-review.flow.toml",
    ],
)
def test_examples_build_without_problems(path: str) -> None:
    flow = FlowDefinition.from_toml(Path(__file__).parent.parent / path)
    assert flow.problems() == []
    assert flow.to_request()["FlowDefinitionName"]


# --- the Python API ----------------------------------------------------------------------------


def test_keyword_api_equals_the_file() -> None:
    flow = FlowDefinition(
        name="payroll-review",
        source="textract",
        conditions=a2icond.load(DATA / "textract-example-1.json"),
        role_arn=ROLE,
        workteam_arn=TEAM,
        human_task_ui_arn=UI,
        task_title="Review payroll fields",
        task_description="Check the fields Textract was unsure of",
        task_count=2,
        task_availability_lifetime=timedelta(days=1),
        task_time_limit=5400,
        task_keywords=("payroll", "forms"),
        output_s3="s3://example-bucket/a2i/",
        kms_key_id=KMS,
        tags={"team": "finance", "cost-center": "4711"},
    )
    assert flow.to_request() == FlowDefinition.from_toml(DATA / "full.flow.toml").to_request()


@pytest.mark.parametrize(
    "conditions",
    [
        'sample 5%\nor label "Explicit" confidence > 90',  # condition-language text
        '{"Conditions":[{"ConditionType":"Sampling",'  # JSON text
        '"ConditionParameters":{"RandomSamplingPercentage":5}}]}',
        str(DATA / "rekognition-example-1.json"),  # a path string
        DATA / "rekognition-example-1.json",  # a Path
    ],
)
def test_conditions_accepts_text_paths_and_objects(conditions: object) -> None:
    flow = FlowDefinition(
        name="x",
        source="rekognition",
        conditions=conditions,  # type: ignore[arg-type]
        role_arn=ROLE,
        workteam_arn=TEAM,
        human_task_ui_arn=UI,
        task_title="t",
        task_description="d",
        task_count=1,
        output_s3="s3://b/p",
    )
    request = flow.to_request()
    assert request["HumanLoopRequestSource"]["AwsManagedHumanLoopRequestSource"] == REKOGNITION
    text = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"][
        "HumanLoopActivationConditions"
    ]
    assert json.loads(text)["Conditions"]


def test_lazy_export_from_package() -> None:
    assert a2icond.FlowDefinition is FlowDefinition
    assert a2icond.FlowError is FlowError


# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (3600, 3600),
        ("3600", 3600),
        ("90s", 90),
        ("30m", 1800),
        ("12h", 43200),
        ("1d", 86400),
        ("1h30m", 5400),
        ("1d12h", 129600),
        ("2h0m5s", 7205),
        (" 10M ", 600),
        (60.0, 60),
        (timedelta(minutes=2), 120),
    ],
)
def test_durations(value: object, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "1x", "30m1h", "1h1h", "h", "1.5h", 1.5, True, [], "1 hour"])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError, match=r"duration|whole"):
        parse_duration(value)


def test_bad_duration_in_file_names_the_field(tmp_path: Path) -> None:
    flow = build(tmp_path, flow_text(**{"count = 1": 'count = 1\ntime_limit = "1 hour"'}))
    errors = error_texts(flow)
    assert errors == [
        "HumanLoopConfig.TaskTimeLimitInSeconds: must be whole seconds, or a duration such as "
        '90s, 30m, 12h, 1d, 1h30m (got "1 hour")'
    ]


# --- tags --------------------------------------------------------------------------------------


def test_tags_keep_key_order_and_quoted_keys(tmp_path: Path) -> None:
    text = flow_text() + '\n[tags]\nzeta = "1"\n"a b" = "two words"\nalpha = ""\n'
    request = build(tmp_path, text).to_request()
    assert request["Tags"] == [
        {"Key": "zeta", "Value": "1"},
        {"Key": "a b", "Value": "two words"},
        {"Key": "alpha", "Value": ""},
    ]


def test_empty_tags_table_is_absent(tmp_path: Path) -> None:
    assert "Tags" not in build(tmp_path, flow_text() + "\n[tags]\n").to_request()


def test_tag_value_must_be_a_string(tmp_path: Path) -> None:
    flow = build(tmp_path, flow_text() + '\n[tags]\nok = "x"\nsize = 5\n')
    assert error_texts(flow) == ["Tags[1].Value: must be a string (got 5)"]
    located = flow.problems()[0]
    assert (located.line, located.column) == (16, 1)


# --- unknown keys and syntax errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('titel = "x"', 'task.titel: unknown key; did you mean "title"? (got "x")'),
        ('human_task_ui_arn = "x"', 'task.human_task_ui_arn: unknown key; did you mean "ui_arn"?'),
        ("task_count = 2", 'task.task_count: unknown key; did you mean "count"? (got 2)'),
        ('role_arn = "x"', "task.role_arn: unknown key; it belongs at the top level"),
        ("colour = 1", "task.colour: unknown key (got 1)"),
        ('s3 = "s3://b/"', "task.s3: unknown key; it belongs under [output]"),
    ],
)
def test_unknown_keys_in_task(tmp_path: Path, line: str, expected: str) -> None:
    flow = build(tmp_path, flow_text(**{"count = 1": f"count = 1\n{line}"}))
    errors = error_texts(flow)
    assert any(e.startswith(expected) for e in errors), errors
    assert len(errors) == 1


def test_unknown_top_level_key_and_other_problems_reported_together(tmp_path: Path) -> None:
    text = flow_text(**{'name = "custom-review"': 'name = "Bad_Name"\nworkteam = "x"'})
    text = text.replace("count = 1", "count = 0")
    flow = build(tmp_path, text)
    with pytest.raises(FlowError) as caught:
        flow.to_request()
    errors = [p.text for p in caught.value.errors]
    assert errors[0] == 'workteam: unknown key; "workteam_arn" belongs under [task] (got "x")'
    assert any(e.startswith("FlowDefinitionName: must be lowercase") for e in errors)
    assert "HumanLoopConfig.TaskCount: must be at least 1 (got 0)" in errors
    assert str(caught.value).splitlines() == errors
    rendered = caught.value.render()
    assert f"{tmp_path / 'f.flow.toml'}:2:1: error[A2I060]: workteam: unknown key" in rendered
    assert " 2 | workteam = " in rendered


def test_toml_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.flow.toml"
    path.write_text('name = "x"\n\n[task]\ncount = = 2\n')
    with pytest.raises(FlowError) as caught:
        FlowDefinition.from_toml(path)
    (problem,) = caught.value.problems
    assert (problem.filename, problem.line, problem.column) == (str(path), 4, 9)
    assert problem.message.startswith("invalid TOML: invalid value")
    assert f"{path}:4:9: error[A2I061]: invalid TOML" in caught.value.render()


def test_table_must_be_a_table(tmp_path: Path) -> None:
    flow = build(tmp_path, 'name = "x"\ntask = "nope"\n')
    assert 'task: must be a table (got "nope")' in error_texts(flow)


def test_missing_file_is_a_flow_error(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="cannot read file"):
        FlowDefinition.from_toml(tmp_path / "nope.toml")


# --- source and conditions ---------------------------------------------------------------------


def test_source_conflict_names_both(tmp_path: Path) -> None:
    text = flow_text(
        **{"role_arn": f'source = "rekognition"\nconditions = "{DATA / "payroll.cond"}"\nrole_arn'}
    )
    errors = error_texts(build(tmp_path, text))
    assert errors == [
        "HumanLoopRequestSource.AwsManagedHumanLoopRequestSource: the flow says rekognition, "
        'but the conditions are for textract (got "rekognition")'
    ]


def test_sampling_only_conditions_take_the_flow_source(tmp_path: Path) -> None:
    text = flow_text(
        **{"role_arn": f'source = "textract"\nconditions = "{DATA / "sampling.cond"}"\nrole_arn'}
    )
    request = build(tmp_path, text).to_request()
    assert request["HumanLoopRequestSource"]["AwsManagedHumanLoopRequestSource"] == TEXTRACT


def test_sampling_only_without_source_is_an_error(tmp_path: Path) -> None:
    text = flow_text(**{"role_arn": f'conditions = "{DATA / "sampling.cond"}"\nrole_arn'})
    problems = build(tmp_path, text).problems()
    assert problems and all(p.severity == "error" for p in problems)
    assert problems[0].filename == str(DATA / "sampling.cond")


def test_source_without_conditions_is_an_error(tmp_path: Path) -> None:
    errors = error_texts(
        build(tmp_path, flow_text(**{"role_arn": 'source = "textract"\nrole_arn'}))
    )
    assert len(errors) == 1
    assert errors[0].startswith("HumanLoopRequestSource.AwsManagedHumanLoopRequestSource: a ")


def test_unknown_source(tmp_path: Path) -> None:
    text = flow_text(
        **{"role_arn": f'source = "textrakt"\nconditions = "{DATA / "payroll.cond"}"\nrole_arn'}
    )
    errors = error_texts(build(tmp_path, text))
    assert errors == [
        "HumanLoopRequestSource.AwsManagedHumanLoopRequestSource: must be rekognition or "
        'textract (got "textrakt")'
    ]


def test_conditions_errors_are_located_in_the_conditions_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes((DATA / "textract-example-6.as-published.invalid.json").read_bytes())
    flow = build(tmp_path, flow_text(**{"role_arn": 'conditions = "bad.json"\nrole_arn'}))
    with pytest.raises(FlowError) as caught:
        flow.to_request()
    (problem,) = caught.value.errors
    assert problem.filename == str(bad)
    assert problem.line > 1
    assert "not valid JSON" in problem.message
    assert str(bad) in caught.value.render()


def test_missing_conditions_file(tmp_path: Path) -> None:
    flow = build(tmp_path, flow_text(**{"role_arn": 'conditions = "nope.cond"\nrole_arn'}))
    errors = error_texts(flow)
    assert len(errors) == 1 and "cannot read file" in errors[0]


def test_conditions_path_is_relative_to_the_flow_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text((DATA / "rekognition-example-1.json").read_text())
    path = tmp_path / "sub" / "f.flow.toml"
    path.write_text(flow_text(**{"role_arn": 'conditions = "c.json"\nrole_arn'}))
    monkeypatch.chdir(tmp_path)
    request = FlowDefinition.from_toml(Path("sub") / "f.flow.toml").to_request()
    assert request["HumanLoopRequestSource"]["AwsManagedHumanLoopRequestSource"] == REKOGNITION
