"""Sampling (A2I109): `sample 100%` sends every request to review, so nothing else matters."""

from __future__ import annotations

from .. import ast
from . import registry
from .context import Context
from .json import JsonCondition, JsonContext

FAMILY = "sampling"

SAMPLE_ALL = registry.code(
    "A2I109",
    "sample-everything",
    family=FAMILY,
    summary="`sample 100%`: every request goes to human review",
)

_HINT = "use a smaller percentage; every other condition is moot next to it"


@registry.rule(ast.Sampling, codes=(SAMPLE_ALL,))
def check_sampling(context: Context, node: ast.Sampling) -> None:
    if node.percent.value >= 100:
        context.warn(
            node.span,
            SAMPLE_ALL,
            f"`sample {node.percent.text}%` sends every request to human review",
            hint=_HINT,
        )


@registry.rule(JsonCondition, codes=(SAMPLE_ALL,))
def check_json_sampling(context: JsonContext, condition: JsonCondition) -> None:
    if condition.type == "Sampling" and condition.parameters["RandomSamplingPercentage"] == 100:
        context.warn_at(
            condition.parameter_path("RandomSamplingPercentage"),
            SAMPLE_ALL,
            "RandomSamplingPercentage 100 sends every request to human review",
            _HINT,
        )
