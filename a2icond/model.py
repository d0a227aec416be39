"""The A2I JSON model: `HumanLoopActivationConditions` as typed values.

The compiler lowers its AST to this model; the evaluator, the decompiler and the builder read it.
It mirrors A2I's JSON one to one: a `Condition` is `{"ConditionType", "ConditionParameters"}`,
`And` / `Or` are `{"And": [...]}` / `{"Or": [...]}`, and `Conditions` is the whole document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from .diagnostics import NOWHERE, Diagnostic, Span

Source = Literal["rekognition", "textract"]
SOURCES: tuple[Source, ...] = ("rekognition", "textract")

#: `HumanLoopRequestSource.AwsManagedHumanLoopRequestSource` for each source.
REQUEST_SOURCE: dict[Source, str] = {
    "rekognition": "AWS/Rekognition/DetectModerationLabels/Image/V3",
    "textract": "AWS/Textract/AnalyzeDocument/Forms/V1",
}

LABEL_CHECK = "ModerationLabelConfidenceCheck"
KEY_CHECK = "ImportantFormKeyConfidenceCheck"
MISSING_KEY = "MissingImportantFormKey"
SAMPLING = "Sampling"

#: The condition types each source accepts.
CONDITION_TYPES: dict[Source, tuple[str, ...]] = {
    "rekognition": (LABEL_CHECK, SAMPLING),
    "textract": (KEY_CHECK, MISSING_KEY, SAMPLING),
}

#: Comparator suffix of a threshold parameter, by source comparator.
OP_SUFFIX: dict[str, str] = {
    "<": "LessThan",
    "<=": "LessThanEquals",
    ">": "GreaterThan",
    ">=": "GreaterThanEquals",
    "=": "Equals",
}
#: Threshold parameter prefixes: label confidence, key-value block and word block confidence.
LABEL_PREFIX = "Confidence"
KEY_VALUE_PREFIX = "KeyValueBlockConfidence"
WORD_PREFIX = "WordBlockConfidence"

MAX_JSON_LENGTH = 10_240
MAX_DEPTH = 2  # levels of And/Or below `Conditions`

JsonValue: TypeAlias = Any


@dataclass(frozen=True)
class Condition:
    """One A2I condition. `parameters` keeps A2I's parameter names and the literal numbers."""

    condition_type: str
    parameters: Mapping[str, JsonValue]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def to_dict(self) -> dict[str, JsonValue]:
        return {"ConditionType": self.condition_type, "ConditionParameters": dict(self.parameters)}

    def thresholds(self) -> Iterator[tuple[str, str, int | float]]:
        """Yield `(prefix, comparator, value)` for each threshold parameter, in order."""
        for name, value in self.parameters.items():
            split = split_threshold(name)
            if split is not None:
                yield split[0], split[1], value


@dataclass(frozen=True)
class And:
    members: tuple[Node, ...]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def to_dict(self) -> dict[str, JsonValue]:
        return {"And": [m.to_dict() for m in self.members]}


@dataclass(frozen=True)
class Or:
    members: tuple[Node, ...]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def to_dict(self) -> dict[str, JsonValue]:
        return {"Or": [m.to_dict() for m in self.members]}


Node: TypeAlias = Condition | And | Or


@dataclass(frozen=True)
class Conditions:
    """A whole, valid `HumanLoopActivationConditions` document for one source.

    Returned by `a2icond.compile`; `.diagnostics` carries the warnings found on the way.
    """

    source: Source
    members: tuple[Node, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)
    #: False only for a Sampling-only JSON document read without a source: it fits both, and
    #: `source` is then a placeholder (the evaluator takes either service's responses).
    source_known: bool = field(default=True, compare=False)

    @property
    def request_source(self) -> str:
        """The `AwsManagedHumanLoopRequestSource` value for this document's source."""
        return REQUEST_SOURCE[self.source]

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def to_dict(self) -> dict[str, JsonValue]:
        return {"Conditions": [m.to_dict() for m in self.members]}

    def to_json(self, compact: bool = True) -> str:
        """The JSON text; `compact=True` gives exactly the string to send to AWS."""
        return dump_json(self.to_dict(), compact=compact)


def dump_json(value: JsonValue, compact: bool = True) -> str:
    """Serialize as A2I takes it: non-ASCII kept as is (shorter than `\\u` escapes)."""
    if compact:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(value, indent=2, ensure_ascii=False)


def json_length(text: str) -> int:
    """Length as AWS counts it: UTF-16 code units (an emoji counts 2), like Java's String."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_threshold(name: str) -> tuple[str, str, str] | None:
    """`"WordBlockConfidenceLessThan"` -> `("WordBlockConfidence", "<", "LessThan")`, else None."""
    for prefix in (WORD_PREFIX, KEY_VALUE_PREFIX, LABEL_PREFIX):
        if name.startswith(prefix):
            suffix = name[len(prefix) :]
            for op, op_suffix in OP_SUFFIX.items():
                if suffix == op_suffix:
                    return prefix, op, suffix
    return None


def node_from_dict(value: Mapping[str, JsonValue]) -> Node:
    """Build a model node from already-validated JSON (see `a2icond.jsonconditions`)."""
    if "And" in value:
        return And(tuple(node_from_dict(m) for m in value["And"]))
    if "Or" in value:
        return Or(tuple(node_from_dict(m) for m in value["Or"]))
    return Condition(value["ConditionType"], dict(value.get("ConditionParameters", {})))


def depth(node: Node) -> int:
    """Levels of And/Or in `node` (a simple condition has depth 0)."""
    if isinstance(node, Condition):
        return 0
    return 1 + max(depth(m) for m in node.members)
