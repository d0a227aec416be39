"""`a2icond build --format terraform`: Terraform JSON for one `aws_sagemaker_flow_definition`,
checked against the provider's argument names, nesting and limits as recorded in
tests/data/terraform/terraform-aws_sagemaker_flow_definition.md (provenance in the
PROVENANCE.md beside it), and against an HCL module parsed with python-hcl2. No Terraform binary
is available here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from a2icond import cli
from a2icond.aws.flow import FlowDefinition
from a2icond.aws.terraform import to_terraform

DATA = Path(__file__).parent / "data"
FACTS = (DATA / "terraform" / "terraform-aws_sagemaker_flow_definition.md").read_text()
FLOWS = DATA / "flow"


def provider_arguments() -> dict[str, str]:
    """Top-level argument -> kind (`string`, `block`, `map of string`), from the facts table."""
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", FACTS, re.MULTILINE)
    return {name: kind.strip() for name, kind in rows}


def nested_arguments(block: str) -> set[str]:
    """Names given for a block in the facts: `name` followed by a parenthesis or as `holds`."""
    if block == "human_loop_config":
        paragraph = FACTS[FACTS.index("`human_loop_config` block:") :].split("\n\n")[0]
        return set(re.findall(r"`(\w+)` \(", paragraph))
    row = next(line for line in FACTS.splitlines() if line.startswith(f"| `{block}` "))
    return set(re.findall(r"`(\w+)`", row.split("|")[4])) - {block}


def export(flow: str) -> dict[str, Any]:
    request = FlowDefinition.from_toml(FLOWS / flow).to_request()
    return to_terraform(request)


def the_resource(document: dict[str, Any]) -> dict[str, Any]:
    ((label, resource),) = document["resource"]["aws_sagemaker_flow_definition"].items()
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", label)
    return resource  # type: ignore[no-any-return]


def is_block(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)


@pytest.mark.parametrize("flow", ["full.flow.toml", "public.flow.toml", "minimal-custom.flow.toml"])
def test_every_argument_is_the_providers(flow: str) -> None:
    arguments = provider_arguments()
    assert {"flow_definition_name", "role_arn", "human_loop_config", "tags"} <= set(arguments)
    resource = the_resource(export(flow))
    for name, value in resource.items():
        assert name in arguments, name
        kind = arguments[name]
        if kind == "block":
            assert is_block(value), name
            assert set(value[0]) <= nested_arguments(name) | {
                "public_workforce_task_price",
                "human_loop_activation_conditions_config",
            }, name
        elif kind.startswith("map"):
            assert isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        else:
            assert isinstance(value, str), name
    required = [n for n, row in re.findall(r"^\| `(\w+)` \| [^|]+ \| (yes) \|", FACTS, re.M)]
    assert set(required) <= set(resource)


def test_human_loop_config_names_and_limits() -> None:
    loop = the_resource(export("full.flow.toml"))["human_loop_config"][0]
    assert set(loop) <= nested_arguments("human_loop_config")
    assert {"human_task_ui_arn", "workteam_arn", "task_count", "task_title"} <= set(loop)
    limits = dict(re.findall(r"`(\w+)` \([^)]*?(\d+\.\.\d+)\)", FACTS))
    for name, value in loop.items():
        if name in limits and isinstance(value, int):
            low, high = map(int, limits[name].split(".."))
            assert low <= value <= high, name
    assert loop["task_availability_lifetime_in_seconds"] == 86400
    assert loop["task_time_limit_in_seconds"] == 5400
    assert loop["task_keywords"] == ["payroll", "forms"]


def test_public_price_nesting() -> None:
    loop = the_resource(export("public.flow.toml"))["human_loop_config"][0]
    price = loop["public_workforce_task_price"]
    assert is_block(price) and is_block(price[0]["amount_in_usd"])
    amount = price[0]["amount_in_usd"][0]
    assert set(amount) == {"cents", "dollars", "tenth_fractions_of_a_cent"}
    assert all(name in FACTS for name in amount)


def test_conditions_are_the_string_submit_sends_and_tags_a_map() -> None:
    request = FlowDefinition.from_toml(FLOWS / "full.flow.toml").to_request()
    resource = the_resource(to_terraform(request))
    activation = resource["human_loop_activation_config"][0]
    conditions = activation["human_loop_activation_conditions_config"][0]
    text = conditions["human_loop_activation_conditions"]
    sent = request["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    assert text == sent["HumanLoopActivationConditions"]
    assert 1 <= len(text) <= 10240 and json.loads(text)["Conditions"]
    assert resource["human_loop_request_source"] == [
        {"aws_managed_human_loop_request_source": "AWS/Textract/AnalyzeDocument/Forms/V1"}
    ]
    assert resource["tags"] == {"team": "finance", "cost-center": "4711"}


def test_custom_task_type_has_no_source_or_activation() -> None:
    resource = the_resource(export("minimal-custom.flow.toml"))
    assert "human_loop_request_source" not in resource
    assert "human_loop_activation_config" not in resource


def test_template_syntax_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "c.cond").write_text('source textract\nkey "Total ${x} %{y}" confidence < 50\n')
    flow = (FLOWS / "full.flow.toml").read_text().replace("textract-example-1.json", "c.cond")
    (tmp_path / "f.flow.toml").write_text(flow)
    request = FlowDefinition.from_toml(tmp_path / "f.flow.toml").to_request()
    dumped = json.dumps(to_terraform(request))
    assert "Total $${x} %%{y}" in dumped and "Total ${x}" not in dumped


def strip_hcl(value: Any) -> Any:
    """python-hcl2's parse without its markers and quotes, to compare shapes."""
    if isinstance(value, dict):
        return {k.strip('"'): strip_hcl(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [strip_hcl(v) for v in value]
    return value


def test_same_shape_as_the_hcl_module() -> None:
    """The documented HCL module (the `file()` way) and the export name and nest alike."""
    hcl = strip_hcl(hcl2.loads((DATA / "terraform" / "module.tf").read_text()))
    written = hcl["resource"][0]["aws_sagemaker_flow_definition"]["payroll_review"]
    exported = the_resource(export("full.flow.toml"))

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if is_block(v)}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return [shape(value[0])]
        return None

    assert set(written) <= set(exported)
    assert shape({k: exported[k] for k in written if k != "tags"}) == shape(
        {k: v for k, v in written.items() if k != "tags"}
    )
    loop = written["human_loop_config"][0]
    assert set(loop) <= set(exported["human_loop_config"][0])


def test_cli_writes_tf_json(tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "payroll.tf.json"
    code = cli.main(
        ["build", str(FLOWS / "full.flow.toml"), "--format", "terraform", "-o", str(target)]
    )
    assert code == 0
    document = json.loads(target.read_text())
    assert list(document["resource"]["aws_sagemaker_flow_definition"]) == ["payroll_review"]
    code = cli.main(
        ["build", str(FLOWS / "full.flow.toml"), "--format", "terraform", "--resource-name", "x"]
    )
    out, _ = capsys.readouterr()
    assert code == 0 and list(json.loads(out)["resource"]["aws_sagemaker_flow_definition"]) == ["x"]
