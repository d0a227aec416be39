"""The compiler keeps meaning: a program's AST, evaluated by the reference interpreter, agrees
on every node with the compiled JSON evaluated by `a2icond.evaluate`, and so does the JSON
decompiled and compiled again.

Programs are generated as ASTs from small name pools (so keys and labels do match the
responses), printed with `a2icond.printer` and compiled from the text; responses are labels or
Textract pages drawn from the same pools, in both key styles.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import a2icond
from a2icond import ast, printer
from a2icond.diagnostics import CompileError
from a2icond.evaluation.evaluate import evaluate

from .reference_interpreter import Evaluated, interpret
from .response_builders import Pair, rekognition, textract

LABELS = ["Explicit", "Explicit Nudity", "Violence", "Drugs"]
KEYS = ["Total:", "Total", "Pay Date", "Employee Name", "Name"]
OPS: list[ast.Comparator] = ["<", "<=", ">", ">=", "="]
# Thresholds and confidences share values, so `=` and the strict/non-strict edges happen.
VALUES = ["0", "10", "41.5", "45", "50", "60", "85", "90", "99.5", "100"]

numbers = st.sampled_from(VALUES).map(ast.Number)
confidences = st.one_of(
    st.sampled_from([float(v) for v in VALUES]), st.floats(0, 100, allow_nan=False)
)


def threshold_tests(word: st.SearchStrategy[bool]) -> st.SearchStrategy[ast.Test]:
    threshold = st.builds(ast.Threshold, st.sampled_from(OPS), numbers, word)

    @st.composite
    def between(draw: Any) -> ast.Between:
        a, b = draw(numbers), draw(numbers)
        low, high = sorted([a, b], key=lambda n: n.value)
        return ast.Between(low, high, draw(word))

    @st.composite
    def group(draw: Any) -> ast.Group:
        items = draw(st.lists(threshold, min_size=1, max_size=4))
        unique: dict[tuple[bool, str], ast.Threshold] = {}
        for item in items:
            unique.setdefault((item.word, item.op), item)
        return ast.Group(tuple(unique.values()))

    return st.one_of(threshold, between(), group())


samplings = st.builds(
    ast.Sampling, st.sampled_from(["0.01", "5", "50", "99.5", "100"]).map(ast.Number)
)


@st.composite
def programs(draw: Any) -> ast.Program:
    source = draw(st.sampled_from(["rekognition", "textract"]))
    if source == "rekognition":
        keys: tuple[ast.KeyDecl, ...] = ()
        atom = st.one_of(
            st.builds(
                ast.LabelCheck, st.sampled_from([ast.ANY, *LABELS]), threshold_tests(st.just(False))
            ),
            samplings,
        )
    else:
        texts = draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True))
        keys = tuple(
            ast.KeyDecl(
                f"k{i}",
                text,
                tuple(
                    draw(
                        st.lists(
                            st.sampled_from([k for k in KEYS if k != text]), max_size=2, unique=True
                        )
                    )
                ),
            )
            for i, text in enumerate(texts)
        )
        inline = st.builds(
            ast.Key,
            st.sampled_from(KEYS),
            st.lists(st.sampled_from(KEYS), max_size=2, unique=True).map(tuple),
        ).filter(lambda k: k.text not in k.aliases)
        refs = [inline] + ([st.sampled_from([ast.KeyName(k.name) for k in keys])] if keys else [])
        ref = st.one_of(*refs)
        options = [
            st.builds(
                ast.KeyCheck,
                st.one_of(ref, st.just(ast.Key(ast.ANY))),
                threshold_tests(st.booleans()),
            ),
            st.builds(ast.MissingKey, ref),
            samplings,
        ]
        if keys:
            options.append(st.just(ast.MissingKey(None)))
        atom = st.one_of(*options)
    expr = st.recursive(
        atom,
        lambda inner: st.one_of(
            st.builds(ast.And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
            st.builds(ast.Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        ),
        max_leaves=7,
    )
    return ast.Program(source, keys, draw(expr))


@st.composite
def responses(draw: Any, source: str) -> dict[str, Any]:
    style = draw(st.sampled_from(["pascal", "camel"]))
    if source == "rekognition":
        labels = draw(st.lists(st.tuples(st.sampled_from(LABELS), confidences), max_size=4))
        return rekognition(labels, style)
    pairs = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(["", "x", "12 .00"]))
        pairs.append(
            Pair(
                key,
                confidence=draw(confidences),
                key_word_confidence=[draw(confidences) for _ in key.split(" ")],
                value=value,
                value_word_confidence=[draw(confidences) for _ in value.split(" ") if value],
            )
        )
    return textract(pairs, style)


def compare(json_node: dict[str, Any], ref: Evaluated, where: str) -> None:
    """Same shape and the same EvaluationResult on every node."""
    assert json_node["EvaluationResult"] == ref.result, where
    group = "And" if "And" in json_node else "Or" if "Or" in json_node else None
    if ref.kind == "leaf":
        assert group is None, f"{where}: a group in the JSON, a condition in the AST"
        return
    assert group == ref.kind.capitalize(), f"{where}: {group} vs {ref.kind}"
    members = json_node[group]
    assert len(members) == len(ref.members), where
    for j, (member, r) in enumerate(zip(members, ref.members, strict=True)):
        compare(member, r, f"{where}.{group}[{j}]")


def compiled(program: ast.Program) -> a2icond.Conditions:
    text = printer.program(program)
    try:
        return a2icond.compile(text)
    except CompileError as exc:
        # too deep or too long after lowering: the checker's business, not this test's
        if all("nested" in d.message or "characters" in d.message for d in exc.errors):
            assume(False)
        raise


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_json_agrees_with_the_ast(data: st.DataObject) -> None:
    program = data.draw(programs())
    conditions = compiled(program)
    for _ in range(3):
        response = data.draw(responses(program.source))
        activated, members = interpret(program, response)
        result = evaluate(conditions, response)
        assert result.human_loop_activated == activated
        json_members = result.condition_results["Conditions"]
        assert len(json_members) == len(members)
        for i, (node, ref) in enumerate(zip(json_members, members, strict=True)):
            compare(node, ref, f"Conditions[{i}]")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decompiled_json_agrees_too(data: st.DataObject) -> None:
    program = data.draw(programs())
    conditions = compiled(program)
    again = a2icond.compile(a2icond.decompile(conditions.to_json()), source=conditions.source)
    response = data.draw(responses(program.source))
    first, second = evaluate(conditions, response), evaluate(again, response)
    # The decompiler may write AWS's `<= B, >= A` pair as `between A and B`, which compiles to
    # `>= A, <= B`: the same meaning (see a2icond.equivalence), so members compare unordered.
    assert unordered(second.condition_results) == unordered(first.condition_results)
    assert second.human_loop_activated == first.human_loop_activated
    assert second.selected == first.selected


def unordered(node: Any) -> Any:
    """A result tree with every And/Or member list in a canonical order (results kept)."""
    if isinstance(node, dict):
        out = {k: unordered(v) for k, v in node.items()}
        for group in ("And", "Or"):
            if group in out:
                out[group] = sorted(out[group], key=lambda m: json.dumps(m, sort_keys=True))
        return out
    if isinstance(node, list):
        return [unordered(m) for m in node]
    return node
