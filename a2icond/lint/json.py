"""Lint of JSON activation-condition files: the rules that need no source text.

`lint_json` walks a validated document and hands each condition object to the rules registered
for `JsonCondition`; warnings point at the value in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import model
from ..diagnostics import Diagnostic, Span
from . import registry
from .context import Reporter

JsonPath = list[str | int]


@dataclass(frozen=True)
class JsonCondition:
    """One condition of a JSON document and its JSON path there."""

    condition: model.Condition
    path: model.JsonPath

    @property
    def type(self) -> str:
        return self.condition.condition_type

    @property
    def parameters(self) -> Any:
        return self.condition.parameters

    def parameter_path(self, name: str) -> JsonPath:
        return [*self.path, model.CONDITION_PARAMETERS, name]


class JsonContext(Reporter):
    """A JSON document being linted; `locate` maps a JSON path to its span in the file."""

    def __init__(self, locate: Callable[[JsonPath], Span], filename: str) -> None:
        super().__init__(filename)
        self.locate = locate

    def warn_at(self, path: JsonPath, code: str, message: str, hint: str = "") -> None:
        self.warn(self.locate(path), code, message, hint)


def lint_json(document: Any, locate: Callable[[JsonPath], Span], filename: str) -> list[Diagnostic]:
    """Label-name and `sample 100%` warnings for a validated JSON conditions document.

    `locate` maps a JSON path to its span in the file, so warnings point at the value.
    """
    context = JsonContext(locate, filename)
    members = [model.node_from_dict(m) for m in document[model.CONDITIONS]]
    for step in model.walk(members):
        if isinstance(step.node, model.Condition):
            registry.dispatch(context, JsonCondition(step.node, step.path))
    return sorted(context.found, key=lambda d: (d.line, d.column))
