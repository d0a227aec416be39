"""Sampling (A2I109): `sample 100%` sends every request to review, so nothing else matters."""

from __future__ import annotations

from .. import ast
from ..model import SAMPLING, SAMPLING_PERCENTAGE, SAMPLING_RANGE
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
    if node.percent.value >= SAMPLING_RANGE[1]:
        context.warn(
            node.span,
            SAMPLE_ALL,
            f"`sample {node.percent.text}%` sends every request to human review",
            hint=_HINT,
        )


@registry.rule(JsonCondition, codes=(SAMPLE_ALL,))
def check_json_sampling(context: JsonContext, condition: JsonCondition) -> None:
    if condition.type != SAMPLING:
        return
    percentage = condition.parameters[SAMPLING_PERCENTAGE]
    if percentage >= SAMPLING_RANGE[1]:
        context.warn_at(
            condition.parameter_path(SAMPLING_PERCENTAGE),
            SAMPLE_ALL,
            f"{SAMPLING_PERCENTAGE} {percentage} sends every request to human review",
            _HINT,
        )
