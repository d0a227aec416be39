"""Lint of JSON activation-condition files: the rules that need no source text.

`lint_json` walks a validated document and hands each condition object to the rules registered
for `JsonCondition`; warnings point at the value in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostic, Span
from . import registry
from .context import Reporter

JsonPath = list[str | int]


@dataclass(frozen=True)
class JsonCondition:
    """One condition object of a JSON document and where it sits."""

    node: dict[str, Any]
    path: tuple[str | int, ...]

    @property
    def type(self) -> str | None:
        value = self.node.get("ConditionType")
        return value if isinstance(value, str) else None

    @property
    def parameters(self) -> dict[str, Any]:
        params = self.node.get("ConditionParameters", {})
        return params if isinstance(params, dict) else {}

    def parameter_path(self, name: str) -> JsonPath:
        return [*self.path, "ConditionParameters", name]


class JsonContext(Reporter):
    """A JSON document being linted; `locate` maps a JSON path to its span in the file."""

    def __init__(self, locate: Callable[[JsonPath], Span], filename: str) -> None:
        super().__init__(filename)
        self.locate = locate

    def warn_at(self, path: JsonPath, code: str, message: str, hint: str = "") -> None:
        self.warn(self.locate(path), code, message, hint)


def conditions(document: Any) -> list[JsonCondition]:
    """Every condition object of a document, groups before their members."""
    out: list[JsonCondition] = []
    stack = [JsonCondition(m, ("Conditions", i)) for i, m in enumerate(document["Conditions"])]
    while stack:
        condition = stack.pop()
        out.append(condition)
        for group in ("And", "Or"):
            if group in condition.node:
                stack.extend(
                    JsonCondition(m, (*condition.path, group, i))
                    for i, m in enumerate(condition.node[group])
                )
    return out


def lint_json(document: Any, locate: Callable[[JsonPath], Span], filename: str) -> list[Diagnostic]:
    """Label-name and `sample 100%` warnings for a validated JSON conditions document.

    `locate` maps a JSON path to its span in the file, so warnings point at the value.
    """
    context = JsonContext(locate, filename)
    for condition in conditions(document):
        registry.dispatch(context, condition)
    return sorted(context.found, key=lambda d: (d.line, d.column))
