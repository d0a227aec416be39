"""When two activation-conditions documents mean the same to A2I: one definition, used by
`submit`, `plan`, `eval` against A2I records, and `decompile`'s round-trip check.

The rules (evidence in docs/flow.md, "Equivalence"):

1. `Conditions` is an "any of": a loop starts when any member holds. So the members of
   `Conditions` are an `Or`, and a single top-level `Or` wrapping every member (AWS's usual
   shape) is the same as its members.
2. `And` and `Or` are commutative and associative: member order does not count, and a group
   nested in a group of the same operator is the same as its members spliced in. A group of
   one member is that member.
3. `between A and B` is the `And` of `>= A` and `<= B` on one subject; its two members in either
   order are the same (a case of rule 2).
4. Numbers are compared by value: `90`, `90.0` and `9e1` are equal.

Parameter objects are JSON objects (key order never counts). Nothing else is assumed: a
duplicated member is NOT dropped (two `Sampling` members are two independent draws), and alias
lists keep their order.

`identical` is stricter: the same JSON value written the same way (objects compared without
key order, numbers as written), which is what `unchanged` means to `submit`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeAlias

from . import model
from .model import Conditions

__all__ = [
    "Canonical",
    "canonical",
    "canonical_document",
    "compare",
    "equivalent",
    "identical",
    "node_key",
]

#: A hashable, totally ordered canonical form: ("Or"|"And", members...) or ("C", type, params).
Canonical: TypeAlias = tuple[Any, ...]
#: What the functions here accept: compiled conditions, a `{"Conditions": [...]}` document as a
#: dict, or its JSON text.
Document: TypeAlias = Conditions | Mapping[str, Any] | str
Verdict = Literal["identical", "equivalent", "different"]


def _members(document: Document) -> tuple[model.Node, ...]:
    """The members of `Conditions` as model nodes. `ValueError` when it is not a document."""
    if isinstance(document, Conditions):
        return document.members
    if isinstance(document, str):
        try:
            document = json.loads(document, parse_float=Decimal)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(document, Mapping) or not isinstance(document.get(model.CONDITIONS), list):
        raise ValueError('not an activation-conditions document ({"Conditions": [...]})')
    try:
        return tuple(_node(m) for m in document[model.CONDITIONS])
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an activation-conditions document: {exc}") from None


def _node(value: Any) -> model.Node:
    if not isinstance(value, Mapping):
        raise TypeError("a member is not an object")
    if model.AND in value:
        return model.And(tuple(_node(m) for m in value[model.AND]))
    if model.OR in value:
        return model.Or(tuple(_node(m) for m in value[model.OR]))
    parameters = value.get(model.CONDITION_PARAMETERS, {})
    if not isinstance(parameters, Mapping):
        raise TypeError("ConditionParameters is not an object")
    return model.Condition(str(value[model.CONDITION_TYPE]), dict(parameters))


def _number(value: int | float | Decimal) -> Decimal:
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return number.normalize() if number else Decimal(0)
    except (InvalidOperation, ValueError):  # pragma: no cover - NaN/inf never validate
        return Decimal(0)


def _value(value: Any) -> Canonical:
    """A parameter value, canonical and orderable: ("n", Decimal) < ("s", str) < ..."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float | Decimal):
        return ("n", _number(value))
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list | tuple):
        return ("l", tuple(_value(v) for v in value))
    if isinstance(value, Mapping):
        return ("o", tuple(sorted((str(k), _value(v)) for k, v in value.items())))
    return ("z", repr(value))


def _sort_key(canon: Canonical) -> str:
    return repr(canon)


def _canon(node: model.Node) -> Canonical:
    if isinstance(node, model.Condition):
        params = tuple(sorted((k, _value(v)) for k, v in node.parameters.items()))
        return ("C", node.condition_type, params)
    op = model.AND if isinstance(node, model.And) else model.OR
    members: list[Canonical] = []
    for member in node.members:
        canon = _canon(member)
        members.extend(canon[1:] if canon[0] == op else (canon,))
    if len(members) == 1:
        return members[0]
    return (op, *sorted(members, key=_sort_key))


def canonical(document: Document) -> Canonical:
    """The canonical form of a whole document: `Conditions` read as an `Or` (rule 1).

    Raises `ValueError` for something that is not an activation-conditions document.
    """
    members = _members(document)
    if not members:
        return (model.OR,)
    return _canon(model.Or(members))


def node_key(node: Mapping[str, Any]) -> Canonical:
    """The canonical form of one JSON node (extra keys such as `EvaluationResult` ignored)."""
    return _canon(_node(node))


def equivalent(a: Document, b: Document) -> bool:
    """True when A2I starts a loop for exactly the same inputs under both (rules above).

    Something that is not a document is equivalent only to an identical one.
    """
    try:
        return canonical(a) == canonical(b)
    except ValueError:
        return identical(a, b)


def identical(a: Document, b: Document) -> bool:
    """The same JSON value written the same way: object key order and spacing do not count;
    member order and how numbers are written do."""
    return _exact(a) == _exact(b)


def compare(a: Document, b: Document) -> Verdict:
    """`identical`, `equivalent` or `different`."""
    if identical(a, b):
        return "identical"
    return "equivalent" if equivalent(a, b) else "different"


def _exact(document: Document) -> str:
    if isinstance(document, Conditions):
        value: Any = document.to_dict()
    elif isinstance(document, str):
        try:  # floats as floats, as in a parsed document: 90 and 90.0 stay apart
            value = json.loads(document)
        except (json.JSONDecodeError, RecursionError):
            return "\0" + document
    else:
        value = document
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


# --- back to JSON ------------------------------------------------------------------------------


def _json_value(canon: Canonical) -> Any:
    kind, value = canon
    if kind == "n":
        number: Decimal = value
        if number == number.to_integral_value():
            return int(number)
        return float(number)
    if kind == "l":
        return [_json_value(v) for v in value]
    if kind == "o":
        return {k: _json_value(v) for k, v in value}
    return value


def _to_json(canon: Canonical) -> dict[str, Any]:
    if canon[0] == "C":
        return {
            model.CONDITION_TYPE: canon[1],
            model.CONDITION_PARAMETERS: {k: _json_value(v) for k, v in canon[2]},
        }
    return {canon[0]: [_to_json(m) for m in canon[1:]]}


def canonical_document(document: Document) -> dict[str, Any]:
    """The canonical form as a `{"Conditions": [...]}` document: members unwrapped and sorted,
    numbers in their shortest form (`90.0` -> `90`). Equivalent documents give equal ones."""
    canon = canonical(document)
    if canon[0] == model.OR:
        return {model.CONDITIONS: [_to_json(m) for m in canon[1:]]}
    return {model.CONDITIONS: [_to_json(canon)]}


def canonical_conditions(conditions: Conditions) -> Conditions:
    """`conditions` in canonical form, as a model value (for printing canonical programs)."""
    document = canonical_document(conditions)
    members = tuple(model.node_from_dict(m) for m in document[model.CONDITIONS])
    return Conditions(conditions.source, members)
