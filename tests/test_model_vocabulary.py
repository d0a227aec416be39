"""One vocabulary for the A2I JSON model: the names and limits in `a2icond.model` are the ones
the shipped JSON schemas, the checker, lowering and the messages use."""

from __future__ import annotations

import typing
from typing import Any

import pytest

import a2icond
from a2icond import ast, checker, model, schemas
from a2icond.evaluation import responses


def _definitions(source: model.Source) -> dict[str, Any]:
    defs: dict[str, Any] = schemas.schema(source)["definitions"]
    return defs


@pytest.mark.parametrize("source", model.SOURCES)
def test_schema_ranges_are_the_model_limits(source: model.Source) -> None:
    defs = _definitions(source)
    confidence = defs["Confidence"]
    assert (confidence["minimum"], confidence["maximum"]) == model.CONFIDENCE_RANGE
    sampling = defs["Sampling"]["properties"][model.CONDITION_PARAMETERS]["properties"]
    percentage = sampling[model.SAMPLING_PERCENTAGE]
    assert (percentage["minimum"], percentage["maximum"]) == model.SAMPLING_RANGE


@pytest.mark.parametrize("source", model.SOURCES)
def test_schema_nesting_is_the_model_depth(source: model.Source) -> None:
    """The schema spells the depth out as Level1..LevelN and Group1..GroupN."""
    defs = _definitions(source)
    groups = sorted(name for name in defs if name.startswith("Group"))
    assert groups == [f"Group{i}" for i in range(1, model.MAX_DEPTH + 1)]
    deepest = defs[f"Group{model.MAX_DEPTH}"]["properties"]
    assert set(deepest) == {model.AND, model.OR}
    for group in (model.AND, model.OR):
        assert deepest[group]["items"] == {"$ref": "#/definitions/Condition"}


@pytest.mark.parametrize("source", model.SOURCES)
def test_schema_condition_types_and_parameter_names_are_the_model_names(
    source: model.Source,
) -> None:
    defs = _definitions(source)
    branches = {b["$ref"].rsplit("/", 1)[1] for b in defs["Condition"]["oneOf"]}
    assert branches == set(model.CONDITION_TYPES[source])
    subjects = {
        model.LABEL_CHECK: {model.LABEL_NAME},
        model.KEY_CHECK: {model.KEY, model.KEY_ALIASES},
        model.MISSING_KEY: {model.KEY, model.KEY_ALIASES},
        model.SAMPLING: {model.SAMPLING_PERCENTAGE},
    }
    for condition_type in model.CONDITION_TYPES[source]:
        properties = defs[condition_type]["properties"]
        assert properties[model.CONDITION_TYPE] == {"const": condition_type}
        names = set(properties[model.CONDITION_PARAMETERS]["properties"])
        thresholds = {
            model.threshold_parameter(prefix, op)
            for prefix in model.THRESHOLD_PREFIXES.get(condition_type, ())
            for op in model.OP_SUFFIX
        }
        assert names == subjects[condition_type] | thresholds


def test_limits_reach_the_checker_and_the_messages() -> None:
    assert checker.CONFIDENCE_RANGE is model.CONFIDENCE_RANGE
    assert checker.SAMPLING_RANGE is model.SAMPLING_RANGE
    with pytest.raises(a2icond.CompileError) as info:
        a2icond.compile("source rekognition\nsample 0.001%")
    assert "from 0.01% to 100%" in str(info.value)
    nested = 'source rekognition\nlabel "A" confidence > 1 and (sample 1% or (sample 2% and '
    nested += 'label "B" confidence > 2 and (sample 3% or sample 4%)))'
    with pytest.raises(a2icond.CompileError) as info:
        a2icond.compile(nested)
    assert f"A2I allows at most {model.MAX_DEPTH}" in str(info.value)
    assert model.DEPTH_LIMIT == "two levels of And/Or below Conditions"


def test_one_source_type() -> None:
    assert typing.get_args(model.Source) == model.SOURCES
    assert ast.SourceName is model.Source
    assert responses.Kind is model.Source


def test_split_threshold_is_the_inverse_of_threshold_parameter() -> None:
    for prefix in (model.LABEL_PREFIX, model.KEY_VALUE_PREFIX, model.WORD_PREFIX):
        for op, suffix in model.OP_SUFFIX.items():
            name = model.threshold_parameter(prefix, op)
            assert model.split_threshold(name) == (prefix, op, suffix)
    assert model.split_threshold(model.KEY) is None
    assert model.split_threshold("ConfidenceAbout") is None
    condition = model.Condition(
        model.KEY_CHECK,
        {model.KEY: "Total", "WordBlockConfidenceLessThan": 5, "KeyValueBlockConfidenceEquals": 7},
    )
    assert list(condition.thresholds()) == [
        (model.WORD_PREFIX, "<", 5),
        (model.KEY_VALUE_PREFIX, "=", 7),
    ]
    assert condition.subject() == {model.KEY: "Total"}


def test_walk_gives_every_node_in_document_order_with_its_path_and_level() -> None:
    a = model.Condition(model.SAMPLING, {model.SAMPLING_PERCENTAGE: 1})
    b = model.Condition(model.SAMPLING, {model.SAMPLING_PERCENTAGE: 2})
    c = model.Condition(model.SAMPLING, {model.SAMPLING_PERCENTAGE: 3})
    inner = model.Or((b, c))
    outer = model.And((a, inner))
    walked = [(step.node, step.path) for step in model.walk((outer, a))]
    assert walked == [
        (outer, ("Conditions", 0)),
        (a, ("Conditions", 0, "And", 0)),
        (inner, ("Conditions", 0, "And", 1)),
        (b, ("Conditions", 0, "And", 1, "Or", 0)),
        (c, ("Conditions", 0, "And", 1, "Or", 1)),
        (a, ("Conditions", 1)),
    ]
    assert [step.level for step in model.walk((outer, a))] == [1, 2, 2, 3, 3, 1]
    assert list(model.conditions((outer, a))) == [a, b, c, a]


def test_walk_is_linear_on_deep_trees() -> None:
    """No recursion and no path copied per node: 100,000 levels walk in linear time."""
    a = model.Condition(model.SAMPLING, {model.SAMPLING_PERCENTAGE: 1})
    deep: model.Node = a
    for _ in range(100_000):
        deep = model.And((deep, a))
    steps = list(model.walk((deep,)))
    assert len(steps) == 200_001
    deepest = max(steps, key=lambda step: step.level)
    assert deepest.level == 100_001 and deepest.node is a
    assert len(deepest.path) == 2 * 100_001
