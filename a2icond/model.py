"""The A2I JSON model: `HumanLoopActivationConditions` as typed values.

The compiler lowers its AST to this model; the evaluator, the decompiler and the builder read it.
It mirrors A2I's JSON one to one: a `Condition` is `{"ConditionType", "ConditionParameters"}`,
`And` / `Or` are `{"And": [...]}` / `{"Or": [...]}`, and `Conditions` is the whole document.
A2I's names and limits are defined in `vocabulary.py` and re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from .diagnostics import NOWHERE, Diagnostic, Span
from .vocabulary import (
    AND as AND,
)
from .vocabulary import (
    ANY as ANY,
)
from .vocabulary import (
    CONDITION_PARAMETERS as CONDITION_PARAMETERS,
)
from .vocabulary import (
    CONDITION_TYPE as CONDITION_TYPE,
)
from .vocabulary import (
    CONDITION_TYPES as CONDITION_TYPES,
)
from .vocabulary import (
    CONDITIONS as CONDITIONS,
)
from .vocabulary import (
    CONDITIONS_PATH as CONDITIONS_PATH,
)
from .vocabulary import (
    CONFIDENCE_RANGE as CONFIDENCE_RANGE,
)
from .vocabulary import (
    DEPTH_LIMIT as DEPTH_LIMIT,
)
from .vocabulary import (
    KEY as KEY,
)
from .vocabulary import (
    KEY_ALIASES as KEY_ALIASES,
)
from .vocabulary import (
    KEY_CHECK as KEY_CHECK,
)
from .vocabulary import (
    KEY_VALUE_PREFIX as KEY_VALUE_PREFIX,
)
from .vocabulary import (
    LABEL_CHECK as LABEL_CHECK,
)
from .vocabulary import (
    LABEL_NAME as LABEL_NAME,
)
from .vocabulary import (
    LABEL_PREFIX as LABEL_PREFIX,
)
from .vocabulary import (
    MAX_DEPTH as MAX_DEPTH,
)
from .vocabulary import (
    MAX_JSON_LENGTH as MAX_JSON_LENGTH,
)
from .vocabulary import (
    MISSING_KEY as MISSING_KEY,
)
from .vocabulary import (
    OP_SUFFIX as OP_SUFFIX,
)
from .vocabulary import (
    OR as OR,
)
from .vocabulary import (
    REQUEST_SOURCE as REQUEST_SOURCE,
)
from .vocabulary import (
    SAMPLING as SAMPLING,
)
from .vocabulary import (
    SAMPLING_PERCENTAGE as SAMPLING_PERCENTAGE,
)
from .vocabulary import (
    SAMPLING_RANGE as SAMPLING_RANGE,
)
from .vocabulary import (
    SOURCES as SOURCES,
)
from .vocabulary import (
    THRESHOLD_PREFIXES as THRESHOLD_PREFIXES,
)
from .vocabulary import (
    WORD_PREFIX as WORD_PREFIX,
)
from .vocabulary import (
    Comparator as Comparator,
)
from .vocabulary import (
    Source as Source,
)

JsonValue: TypeAlias = Any


@dataclass(frozen=True)
class Condition:
    """One A2I condition. `parameters` keeps A2I's parameter names and the literal numbers."""

    condition_type: str
    parameters: Mapping[str, JsonValue]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def to_dict(self) -> dict[str, JsonValue]:
        return {CONDITION_TYPE: self.condition_type, CONDITION_PARAMETERS: dict(self.parameters)}

    def thresholds(self) -> Iterator[tuple[str, Comparator, JsonValue]]:
        """`(prefix, comparator, value)` for each threshold parameter, in order: the one place
        that reads thresholds out of a condition (decompiler, evaluator)."""
        for name, value in self.parameters.items():
            split = _THRESHOLDS.get(name)
            if split is not None:
                yield split[0], split[1], value

    def subject(self) -> dict[str, JsonValue]:
        """The parameters that are not thresholds: the label, or the key and its aliases."""
        return {k: v for k, v in self.parameters.items() if k not in _THRESHOLDS}


@dataclass(frozen=True)
class And:
    """`{"And": [...]}`: every member holds."""

    members: tuple[Node, ...]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def to_dict(self) -> dict[str, JsonValue]:
        return {AND: [m.to_dict() for m in self.members]}


@dataclass(frozen=True)
class Or:
    """`{"Or": [...]}`: at least one member holds."""

    members: tuple[Node, ...]
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def to_dict(self) -> dict[str, JsonValue]:
        return {OR: [m.to_dict() for m in self.members]}


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
        return {CONDITIONS: [m.to_dict() for m in self.members]}

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


def threshold_parameter(prefix: str, op: Comparator) -> str:
    """`("WordBlockConfidence", "<")` -> `"WordBlockConfidenceLessThan"`."""
    return prefix + OP_SUFFIX[op]


_THRESHOLDS: dict[str, tuple[str, Comparator, str]] = {
    threshold_parameter(prefix, op): (prefix, op, suffix)
    for prefix in (LABEL_PREFIX, KEY_VALUE_PREFIX, WORD_PREFIX)
    for op, suffix in OP_SUFFIX.items()
}


def split_threshold(name: str) -> tuple[str, Comparator, str] | None:
    """`"WordBlockConfidenceLessThan"` -> `("WordBlockConfidence", "<", "LessThan")`, else None.

    The one threshold splitter: every reader of parameter names goes through it (or through
    `Condition.thresholds`).
    """
    return _THRESHOLDS.get(name)


def node_from_dict(value: Mapping[str, JsonValue]) -> Node:
    """Build a model node from already-validated JSON (see `a2icond.jsonconditions`)."""
    if AND in value:
        return And(tuple(node_from_dict(m) for m in value[AND]))
    if OR in value:
        return Or(tuple(node_from_dict(m) for m in value[OR]))
    return Condition(value[CONDITION_TYPE], dict(value.get(CONDITION_PARAMETERS, {})))


JsonPath: TypeAlias = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """A node met by `walk`: the node, its And/Or level (1 for a member of `Conditions`, so a
    group at level `MAX_DEPTH + 1` is nested too deep), its index among its siblings and the
    step of its parent group (None below `Conditions`)."""

    node: Node
    level: int
    index: int
    parent: Step | None = None

    @property
    def path(self) -> JsonPath:
        """A2I's JSON path to the node, `("Conditions", 0, "And", 1)`; built on demand, so a
        walk stays linear however deep the tree."""
        out: list[str | int] = []
        step: Step | None = self
        while step is not None:
            out.append(step.index)
            parent = step.parent
            if parent is None:
                out.append(CONDITIONS)
            else:
                out.append(AND if isinstance(parent.node, And) else OR)
            step = parent
        return tuple(reversed(out))


def walk(members: Iterable[Node]) -> Iterator[Step]:
    """Every node below `Conditions`, parents before children, in document order, without
    recursion: the one walker of the model."""
    stack = [Step(m, 1, i) for i, m in reversed(list(enumerate(members)))]
    while stack:
        step = stack.pop()
        yield step
        node = step.node
        if not isinstance(node, Condition):
            level = step.level + 1
            children = list(enumerate(node.members))
            stack.extend(Step(m, level, i, step) for i, m in reversed(children))


def conditions(members: Iterable[Node]) -> Iterator[Condition]:
    """The conditions (leaves) below `members`, in document order."""
    for step in walk(members):
        if isinstance(step.node, Condition):
            yield step.node
