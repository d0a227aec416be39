"""A small reference interpreter: the condition language's AST evaluated straight on a response.

Written apart from `a2icond.evaluation` (no shared code but the Sampling draw, which is the
defined source of randomness) and from the compiler's lowering: it reads the spec's meaning of
each form directly, and shapes its results the way the spec says the JSON is shaped (`between`
an And of `>=` and `<=`; a group one condition; `any key missing` an Or over the declared keys;
chains of one operator flattened; one-member groups dissolved; the top-level `or` chain the
members of `Conditions`). The property tests compare it with evaluating the compiled JSON.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from a2icond import ast
from a2icond.evaluation.evaluate import draw

CMP: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
}


@dataclass
class Facts:
    """What the response says, read independently of `a2icond.responses`."""

    labels: list[tuple[str, float]]
    # (key text, KEY block confidence, confidences of the words of the key and of its value)
    pairs: list[tuple[str, float, list[float]]]
    seed: bytes


def read_facts(response: dict[str, Any]) -> Facts:
    seed = json.dumps(response, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if "ModerationLabels" in response or "moderationLabels" in response:
        items = response.get("ModerationLabels", response.get("moderationLabels"))
        labels = [
            (item.get("Name", item.get("name")), item.get("Confidence", item.get("confidence")))
            for item in items
        ]
        return Facts(labels, [], seed.encode())
    pascal = "Blocks" in response

    def get(block: dict[str, Any], name: str) -> Any:
        return block.get(name if pascal else name[0].lower() + name[1:])

    blocks = get(response, "Blocks")
    index = {get(b, "Id"): b for b in blocks}

    def related(block: dict[str, Any], kind: str) -> list[dict[str, Any]]:
        out = []
        for rel in get(block, "Relationships") or []:
            if get(rel, "Type") == kind:
                out += [index[i] for i in get(rel, "Ids")]
        return out

    pairs = []
    for block in blocks:
        if get(block, "BlockType") != "KEY_VALUE_SET" or "KEY" not in get(block, "EntityTypes"):
            continue
        key_words = [w for w in related(block, "CHILD") if get(w, "BlockType") == "WORD"]
        value_words = [
            w
            for value in related(block, "VALUE")
            for w in related(value, "CHILD")
            if get(w, "BlockType") == "WORD"
        ]
        text = " ".join(get(w, "Text") for w in key_words)
        confs = [get(w, "Confidence") for w in key_words + value_words]
        pairs.append((text, get(block, "Confidence"), confs))
    return Facts([], pairs, seed.encode())


# A result node: ("leaf", thunk(path) -> bool) or ("and" | "or", [nodes]).
RNode = tuple[str, Any]


def _names(program: ast.Program, ref: ast.KeyRef) -> set[str] | None:
    """The texts a key reference matches; None for any key."""
    if isinstance(ref, ast.KeyName):
        decl = next(k for k in program.keys if k.name == ref.name)
        return {decl.text, *decl.aliases}
    if ref.text == ast.ANY:
        return None
    return {ref.text, *ref.aliases}


def _build(program: ast.Program, expr: ast.Expr, facts: Facts) -> RNode:
    if isinstance(expr, ast.And | ast.Or):
        op = "and" if isinstance(expr, ast.And) else "or"
        return (op, [_build(program, m, facts) for m in expr.members])
    if isinstance(expr, ast.Sampling):
        percent = Fraction(expr.percent.text)
        return ("leaf", lambda path: draw(facts.seed, path) * 100 < percent)
    if isinstance(expr, ast.MissingKey):
        if expr.key is None:  # any key missing: every declared key, in order, or-ed
            return ("or", [_missing({k.text, *k.aliases}, facts) for k in program.keys])
        names = _names(program, expr.key)
        assert names is not None
        return _missing(names, facts)
    if isinstance(expr, ast.LabelCheck):

        def label_holds(tests: list[tuple[bool, str, float]]) -> bool:
            return any(
                (expr.label == ast.ANY or name == expr.label)
                and any(CMP[op](conf, value) for _, op, value in tests)
                for name, conf in facts.labels
            )

        return _tests(expr.test, label_holds)
    assert isinstance(expr, ast.KeyCheck)
    names = _names(program, expr.key)

    def key_holds(tests: list[tuple[bool, str, float]]) -> bool:
        for text, kv_conf, word_confs in facts.pairs:
            if names is not None and text not in names:
                continue
            for word, op, value in tests:
                if word and any(CMP[op](c, value) for c in word_confs):
                    return True
                if not word and CMP[op](kv_conf, value):
                    return True
        return False

    return _tests(expr.test, key_holds)


def _missing(names: set[str], facts: Facts) -> RNode:
    present = any(text in names for text, _, _ in facts.pairs)
    return ("leaf", lambda path: not present)


def _tests(test: ast.Test, holds: Callable[[list[tuple[bool, str, float]]], bool]) -> RNode:
    """A threshold or a group is one condition; `between` an And of `>=` then `<=`."""
    if isinstance(test, ast.Threshold):
        result = holds([(test.word, test.op, test.value.value)])
        return ("leaf", lambda path: result)
    if isinstance(test, ast.Group):
        result = holds([(t.word, t.op, t.value.value) for t in test.thresholds])
        return ("leaf", lambda path: result)
    low = holds([(test.word, ">=", test.low.value)])
    high = holds([(test.word, "<=", test.high.value)])
    return ("and", [("leaf", lambda path: low), ("leaf", lambda path: high)])


def _flatten(node: RNode) -> RNode:
    if node[0] == "leaf":
        return node
    members: list[RNode] = []
    for member in node[1]:
        member = _flatten(member)
        members.extend(member[1] if member[0] == node[0] else [member])
    return members[0] if len(members) == 1 else (node[0], members)


@dataclass
class Evaluated:
    """A result tree shaped like A2I's: ("leaf", bool) or ("and" | "or", bool, [children])."""

    kind: str
    result: bool
    members: list[Evaluated]


def _evaluate(node: RNode, path: tuple[int, ...]) -> Evaluated:
    if node[0] == "leaf":
        return Evaluated("leaf", bool(node[1](path)), [])
    members = [_evaluate(m, (*path, j)) for j, m in enumerate(node[1])]
    results = [m.result for m in members]
    return Evaluated(node[0], all(results) if node[0] == "and" else any(results), members)


def interpret(program: ast.Program, response: dict[str, Any]) -> tuple[bool, list[Evaluated]]:
    """Whether a human loop starts, and each member of `Conditions` evaluated."""
    assert program.body is not None
    facts = read_facts(response)
    root = _flatten(_build(program, program.body, facts))
    top = root[1] if root[0] == "or" else [root]
    members = [_evaluate(m, (i,)) for i, m in enumerate(top)]
    return any(m.result for m in members), members
