"""Checked AST -> the A2I JSON model (`model.Conditions`).

Where the spec's shapes come from: `between` becomes an And of `>=` and `<=`; a group becomes
one condition with every threshold; `any key missing` becomes an Or over the declared keys;
chains of one operator are flattened, one-member groups dissolve, and the top-level `or` chain
becomes the members of `Conditions`. Then A2I's limits are checked on the result: two levels
of And/Or at most, and 10,240 characters of compact JSON.
"""

from __future__ import annotations

from typing import Any

from . import ast, model
from .checker import Analysis
from .diagnostics import Diagnostic, Span
from .model import (
    DEPTH_LIMIT,
    KEY,
    KEY_ALIASES,
    LABEL_NAME,
    MAX_DEPTH,
    MAX_JSON_LENGTH,
    SAMPLING_PERCENTAGE,
    Conditions,
    threshold_parameter,
)

NESTING_HINT = (
    f"A2I allows {DEPTH_LIMIT}; distribute the inner group over its parent "
    "(`a and (b or c)` is `(a and b) or (a and c)`), or move it to the top level"
)


class _Lowering:
    def __init__(self, analysis: Analysis) -> None:
        self.keys = analysis.keys

    def expr(self, node: ast.Expr) -> model.Node:
        if isinstance(node, ast.Or):
            return self.group(model.Or, [self.expr(m) for m in node.members], node.span)
        if isinstance(node, ast.And):
            return self.group(model.And, [self.expr(m) for m in node.members], node.span)
        if isinstance(node, ast.LabelCheck):
            return self.check(model.LABEL_CHECK, {LABEL_NAME: node.label}, node)
        if isinstance(node, ast.KeyCheck):
            return self.check(model.KEY_CHECK, self.key_parameters(node.key), node)
        if isinstance(node, ast.MissingKey):
            return self.missing(node)
        if isinstance(node, ast.Sampling):
            return model.Condition(
                model.SAMPLING, {SAMPLING_PERCENTAGE: node.percent.value}, node.span
            )
        # `not` is a checker error; its operand is lowered so that limits are still checked.
        return self.expr(node.operand)

    @staticmethod
    def group(
        cls: type[model.And] | type[model.Or], members: list[model.Node], span: Span
    ) -> model.Node:
        flat: list[model.Node] = []
        for member in members:
            if isinstance(member, cls):
                flat.extend(member.members)
            else:
                flat.append(member)
        if len(flat) == 1:
            return flat[0]
        return cls(tuple(flat), span)

    def key_parameters(self, ref: ast.KeyRef) -> dict[str, Any]:
        if isinstance(ref, ast.KeyName):
            decl = self.keys.get(ref.name)
            if decl is None:  # undeclared: already an error; lower it for the limit checks
                return {KEY: ref.name}
            text, aliases = decl.text, decl.aliases
        else:
            text, aliases = ref.text, ref.aliases
        params: dict[str, Any] = {KEY: text}
        if aliases:
            params[KEY_ALIASES] = list(aliases)
        return params

    def check(
        self, condition_type: str, subject: dict[str, Any], node: ast.LabelCheck | ast.KeyCheck
    ) -> model.Node:
        is_label = isinstance(node, ast.LabelCheck)

        def name(op: ast.Comparator, word: bool) -> str:
            if is_label:
                prefix = model.LABEL_PREFIX
            else:
                prefix = model.WORD_PREFIX if word else model.KEY_VALUE_PREFIX
            return threshold_parameter(prefix, op)

        def condition(thresholds: list[tuple[str, ast.Number]]) -> model.Condition:
            params = dict(subject)
            for param, number in thresholds:
                params[param] = number.value
            return model.Condition(condition_type, params, node.span)

        test = node.test
        if isinstance(test, ast.Threshold):
            return condition([(name(test.op, test.word), test.value)])
        if isinstance(test, ast.Between):
            return model.And(
                (
                    condition([(name(">=", test.word), test.low)]),
                    condition([(name("<=", test.word), test.high)]),
                ),
                node.span,
            )
        return condition([(name(t.op, t.word), t.value) for t in test.thresholds])

    def missing(self, node: ast.MissingKey) -> model.Node:
        refs: list[ast.KeyRef] = (
            [ast.KeyName(decl.name) for decl in self.keys.values()]
            if node.key is None
            else [node.key]
        )
        members = [
            model.Condition(model.MISSING_KEY, self.key_parameters(ref), node.span) for ref in refs
        ]
        return self.group(model.Or, list(members), node.span)


def _depth(members: tuple[model.Node, ...]) -> int:
    """Levels of And/Or below `Conditions` (0 without groups), without building steps."""
    deepest, stack = 0, [(m, 1) for m in members]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, model.Condition):
            deepest = max(deepest, level)
            stack.extend((m, level + 1) for m in node.members)
    return deepest


def _too_deep(members: tuple[model.Node, ...]) -> list[model.Node]:
    """The groups nested deeper than A2I allows (the outermost offending one on each path)."""
    if _depth(members) <= MAX_DEPTH:
        return []  # the usual case, found without building a `Step` per node
    found = [
        step.node
        for step in model.walk(members)
        if step.level == MAX_DEPTH + 1 and not isinstance(step.node, model.Condition)
    ]
    return sorted(found, key=lambda n: n.span.start)


def lower(
    program: ast.Program, analysis: Analysis, *, filename: str = "<string>"
) -> tuple[Conditions, list[Diagnostic]]:
    """Lower a checked program; returns the conditions and any limit violations.

    A program with checker errors is lowered too, so that nesting errors are reported in the
    same run; the size limit is checked only on a program without other errors.
    """
    assert program.body is not None
    top = _Lowering(analysis).expr(program.body)
    members = top.members if isinstance(top, model.Or) else (top,)
    conditions = Conditions(analysis.source or "rekognition", members)
    problems = [
        Diagnostic.at(
            node.span,
            f"this {'And' if isinstance(node, model.And) else 'Or'} group is nested "
            f"{MAX_DEPTH + 1} levels deep; A2I allows at most {MAX_DEPTH}",
            filename=filename,
            code="A2I040",
            hint=NESTING_HINT,
        )
        for node in _too_deep(members)
    ]
    if not problems and not analysis.errors:
        size = model.json_length(conditions.to_json(compact=True))
        if size > MAX_JSON_LENGTH:
            problems.append(
                Diagnostic.at(
                    program.body.span,
                    f"the compiled conditions are {size} characters of compact JSON; A2I "
                    f"takes at most {MAX_JSON_LENGTH}",
                    filename=filename,
                    code="A2I041",
                    hint="share thresholds through groups and `any key`, or split the review "
                    "into several flow definitions",
                )
            )
    return conditions, problems
