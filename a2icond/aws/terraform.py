"""A `CreateFlowDefinition` request as Terraform JSON syntax (`.tf.json`): one
`aws_sagemaker_flow_definition` resource, every argument and block named as the Terraform AWS
provider names them (hashicorp/terraform-provider-aws, `flow_definition.go`).

Blocks are written as one-element lists (Terraform JSON accepts an object or a list for a block;
lists say "block" unambiguously). The conditions are the same compact string `submit` sends,
tags a map. Strings are escaped for Terraform's template syntax (`${` -> `$${`, `%{` -> `%%{`),
so a key's text is never read as an interpolation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

RESOURCE_TYPE = "aws_sagemaker_flow_definition"

#: HumanLoopConfig member -> provider argument.
_HUMAN_LOOP = {
    "HumanTaskUiArn": "human_task_ui_arn",
    "WorkteamArn": "workteam_arn",
    "TaskCount": "task_count",
    "TaskDescription": "task_description",
    "TaskTitle": "task_title",
    "TaskAvailabilityLifetimeInSeconds": "task_availability_lifetime_in_seconds",
    "TaskTimeLimitInSeconds": "task_time_limit_in_seconds",
    "TaskKeywords": "task_keywords",
}
_AMOUNT = {
    "Cents": "cents",
    "Dollars": "dollars",
    "TenthFractionsOfACent": "tenth_fractions_of_a_cent",
}


def resource_label(name: str) -> str:
    """A Terraform resource name for a flow definition name: `payroll-review` ->
    `payroll_review` (a label starts with a letter or underscore)."""
    label = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return label if label[:1].isalpha() or label[:1] == "_" else f"flow_{label}"


def escape(value: Any) -> Any:
    """Strings escaped for Terraform's template syntax, recursively."""
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return [escape(v) for v in value]
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    return value


def to_terraform(request: Mapping[str, Any], label: str | None = None) -> dict[str, Any]:
    """The `.tf.json` document for a validated request."""
    name = str(request["FlowDefinitionName"])
    resource: dict[str, Any] = {"flow_definition_name": name, "role_arn": request["RoleArn"]}
    config = request.get("HumanLoopConfig", {})
    loop: dict[str, Any] = {arg: config[key] for key, arg in _HUMAN_LOOP.items() if key in config}
    price = config.get("PublicWorkforceTaskPrice", {}).get("AmountInUsd")
    if price is not None:
        amount = {arg: price.get(key, 0) for key, arg in _AMOUNT.items()}
        loop["public_workforce_task_price"] = [{"amount_in_usd": [amount]}]
    resource["human_loop_config"] = [loop]
    output = request.get("OutputConfig", {})
    block = {"s3_output_path": output.get("S3OutputPath")}
    if "KmsKeyId" in output:
        block["kms_key_id"] = output["KmsKeyId"]
    resource["output_config"] = [block]
    source = request.get("HumanLoopRequestSource", {}).get("AwsManagedHumanLoopRequestSource")
    if source is not None:
        resource["human_loop_request_source"] = [{"aws_managed_human_loop_request_source": source}]
    activation = request.get("HumanLoopActivationConfig")
    if activation is not None:
        text = activation["HumanLoopActivationConditionsConfig"]["HumanLoopActivationConditions"]
        resource["human_loop_activation_config"] = [
            {
                "human_loop_activation_conditions_config": [
                    {"human_loop_activation_conditions": text}
                ]
            }
        ]
    tags = request.get("Tags")
    if tags:
        resource["tags"] = {t["Key"]: t["Value"] for t in tags}
    return {"resource": {RESOURCE_TYPE: {label or resource_label(name): escape(resource)}}}
