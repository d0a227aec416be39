"""The evaluator: each rule of docs/evaluation.md on small responses in both key styles, and
A2I's real output record end to end."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import a2icond
from a2icond.evaluation.evaluate import EvaluationResult, draw, evaluate, prepare
from a2icond.evaluation.responses import ResponseError, normalize

from .response_builders import (
    Pair,
    conditions,
    key_check,
    label_check,
    missing,
    rekognition,
    sample,
    selected_ids,
    textract,
)

DATA = Path(__file__).parent / "data" / "responses"
RECORD = DATA / "a2i-output-textract-real.json"
STYLES = ["pascal", "camel"]


def strip_results(node: dict[str, Any]) -> dict[str, Any]:
    """A node of `humanTaskActivationConditionResults` without its EvaluationResult(s)."""
    out = {k: v for k, v in node.items() if k != "EvaluationResult"}
    for group in ("And", "Or"):
        if group in out:
            out[group] = [strip_results(m) for m in out[group]]
    return out


def record_conditions(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "Conditions": [
            strip_results(m) for m in record["humanTaskActivationConditionResults"]["Conditions"]
        ]
    }


def results_of(result: EvaluationResult) -> list[bool]:
    """Every EvaluationResult in the tree, depth first."""
    out: list[bool] = []

    def walk(node: dict[str, Any]) -> None:
        out.append(node["EvaluationResult"])
        for group in ("And", "Or"):
            for member in node.get(group, ()):
                walk(member)

    for member in result.condition_results["Conditions"]:
        walk(member)
    return out


# -- the real A2I record --------------------------------------------------------------------


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return json.loads(RECORD.read_text("utf-8"))


def test_real_record_every_evaluation_result(record: dict[str, Any]) -> None:
    result = evaluate(record_conditions(record), record)
    recorded = record["humanTaskActivationConditionResults"]
    assert result.condition_results == recorded
    assert results_of(result) == [True, False, True, False, True, False, False]
    assert result.human_loop_activated is True
    assert result.differences == ()
    assert result.depends_on_sampling is False


def test_real_record_selects_exactly_the_four_blocks(record: dict[str, Any]) -> None:
    result = evaluate(record_conditions(record), record)
    expected = selected_ids(record["selectedAiServiceResponse"])
    assert len(expected) == 4
    assert selected_ids(result.selected) == expected  # same blocks, same order
    assert list(result.selected) == ["blocks"]  # the input's lowerCamel style


def test_real_record_selected_blocks_have_a2i_shape(record: dict[str, Any]) -> None:
    """WORD: blockType, id, text. KEY_VALUE_SET: blockType, confidence, entityTypes,
    geometry (polygon only), id, relationships. Keys in A2I's (alphabetical) order."""
    result = evaluate(record_conditions(record), record)
    ours = result.selected["blocks"]
    theirs = record["selectedAiServiceResponse"]["blocks"]
    for mine, rec in zip(ours, theirs, strict=True):
        assert list(mine) == list(rec)
        assert list(mine.get("geometry", {})) == list(rec.get("geometry", {}))
        for key in ("blockType", "id", "text", "entityTypes", "relationships"):
            assert mine.get(key) == rec.get(key)
        if "confidence" in rec:  # A2I keeps more digits than the stored response has
            assert mine["confidence"] == pytest.approx(rec["confidence"], abs=1e-4)


def test_real_record_under_input_content(record: dict[str, Any]) -> None:
    wrapped = {
        "flowDefinitionArn": record["flowDefinitionArn"],
        "humanAnswers": record["humanAnswers"],
        "inputContent": {
            k: record[k]
            for k in (
                "aiServiceRequest",
                "aiServiceResponse",
                "humanTaskActivationConditionResults",
                "selectedAiServiceResponse",
            )
        },
    }
    result = evaluate(record_conditions(record), wrapped)
    assert result.differences == ()
    assert selected_ids(result.selected) == selected_ids(record["selectedAiServiceResponse"])


def test_record_comparison_reports_each_differing_node(record: dict[str, Any]) -> None:
    tampered = copy.deepcopy(record)
    nodes = tampered["humanTaskActivationConditionResults"]["Conditions"][0]["Or"]
    nodes[2]["EvaluationResult"] = True
    nodes[4]["EvaluationResult"] = True
    tampered["selectedAiServiceResponse"]["blocks"].pop()
    result = evaluate(record_conditions(record), tampered)
    wheres = [d.where for d in result.differences or ()]
    assert wheres == ["Conditions[0].Or[2]", "Conditions[0].Or[4]", "selectedAiServiceResponse"]
    assert "false here, true in the record" in str(result.differences[0])


def test_record_made_with_other_conditions(record: dict[str, Any]) -> None:
    other = conditions(key_check("Total:", KeyValueBlockConfidenceLessThan=1), missing("X"))
    result = evaluate(other, record)
    assert result.differences
    assert "other conditions" in str(result.differences[0])


# -- conditions in any form ------------------------------------------------------------------


def test_conditions_as_object_dict_text_and_plan() -> None:
    doc = conditions(label_check("Explicit", ConfidenceGreaterThan=90))
    response = rekognition([("Explicit", 95.0)])
    compiled = a2icond.compile('label "Explicit" confidence > 90')
    for given in (doc, json.dumps(doc), compiled, prepare(doc)):
        result = evaluate(given, response)
        assert result.human_loop_activated is True
        assert result.condition_results == {
            "Conditions": [
                {
                    "ConditionParameters": {
                        "ConfidenceGreaterThan": 90,
                        "ModerationLabelName": "Explicit",
                    },
                    "ConditionType": "ModerationLabelConfidenceCheck",
                    "EvaluationResult": True,
                }
            ]
        }


def test_invalid_conditions_raise_compile_error() -> None:
    with pytest.raises(a2icond.CompileError):
        evaluate({"Conditions": []}, rekognition([]))
    with pytest.raises(a2icond.CompileError):
        evaluate("{not json", rekognition([]))


def test_plan_and_result_pickle() -> None:
    plan = prepare(conditions(key_check("Total", WordBlockConfidenceLessThan=90), sample(50)))
    response = textract([Pair("Total", value_word_confidence=80.0)])
    again = pickle.loads(pickle.dumps(plan))
    assert evaluate(again, response) == evaluate(plan, response)
    result = evaluate(plan, response)
    assert pickle.loads(pickle.dumps(result)) == result


# -- ModerationLabelConfidenceCheck ----------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    ("thresholds", "confidence", "holds"),
    [
        ({"ConfidenceGreaterThan": 90}, 90.0, False),
        ({"ConfidenceGreaterThan": 90}, 90.5, True),
        ({"ConfidenceGreaterThanEquals": 90}, 90.0, True),
        ({"ConfidenceLessThan": 60}, 60.0, False),
        ({"ConfidenceLessThan": 60}, 59.9, True),
        ({"ConfidenceLessThanEquals": 60}, 60.0, True),
        ({"ConfidenceEquals": 75}, 75.0, True),
        ({"ConfidenceEquals": 75}, 75.1, False),
        # several thresholds in one condition are alternatives
        ({"ConfidenceLessThan": 10, "ConfidenceGreaterThan": 98}, 5.0, True),
        ({"ConfidenceLessThan": 10, "ConfidenceGreaterThan": 98}, 99.0, True),
        ({"ConfidenceLessThan": 10, "ConfidenceGreaterThan": 98}, 50.0, False),
    ],
)
def test_label_thresholds(
    style: str, thresholds: dict[str, float], confidence: float, holds: bool
) -> None:
    response = rekognition([("Violence", confidence)], style)
    result = evaluate(conditions(label_check("Violence", **thresholds)), response)
    assert result.human_loop_activated is holds
    labels_key = "ModerationLabels" if style == "pascal" else "moderationLabels"
    assert len(result.selected[labels_key]) == (1 if holds else 0)


@pytest.mark.parametrize("style", STYLES)
def test_label_name_is_exact_and_star_is_any(style: str) -> None:
    response = rekognition([("Explicit Nudity", 95.0), ("Drugs", 40.0)], style)
    assert not evaluate(
        conditions(label_check("Explicit", ConfidenceGreaterThan=50)), response
    ).human_loop_activated
    assert not evaluate(
        conditions(label_check("drugs", ConfidenceLessThan=50)), response
    ).human_loop_activated
    assert evaluate(
        conditions(label_check("Drugs", ConfidenceLessThan=50)), response
    ).human_loop_activated
    star = evaluate(conditions(label_check("*", ConfidenceLessThan=50)), response)
    assert star.human_loop_activated
    labels = next(iter(star.selected.values()))
    names = [lab.get("Name", lab.get("name")) for lab in labels]
    assert names == ["Drugs"]  # only the labels that met the threshold


def test_label_selection_keeps_input_style_and_order() -> None:
    response = rekognition([("A", 95.0), ("B", 10.0), ("C", 97.0)], "camel")
    result = evaluate(conditions(label_check("*", ConfidenceGreaterThan=90)), response)
    assert result.selected == {
        "moderationLabels": [
            {"confidence": 95.0, "name": "A", "parentName": ""},
            {"confidence": 97.0, "name": "C", "parentName": ""},
        ],
        "moderationModelVersion": "7.0",  # kept, as in AWS's documented record
    }


def test_no_labels_no_loop() -> None:
    result = evaluate(conditions(label_check("*", ConfidenceGreaterThan=0)), rekognition([]))
    assert result.human_loop_activated is False
    assert result.selected == {"ModerationLabels": [], "ModerationModelVersion": "7.0"}


# -- ImportantFormKeyConfidenceCheck ---------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_key_text_is_child_words_joined_by_spaces(style: str) -> None:
    pairs = [Pair("Pay Date", confidence=30.0)]
    response = textract(pairs, style)
    assert evaluate(
        conditions(key_check("Pay Date", KeyValueBlockConfidenceLessThan=50)), response
    ).human_loop_activated
    assert not evaluate(
        conditions(key_check("PayDate", KeyValueBlockConfidenceLessThan=50)), response
    ).human_loop_activated
    assert not evaluate(
        conditions(key_check("Pay", KeyValueBlockConfidenceLessThan=50)), response
    ).human_loop_activated  # no prefix matching
    assert normalize(response).pairs[0].text == "Pay Date"


@pytest.mark.parametrize("style", STYLES)
def test_aliases_match(style: str) -> None:
    response = textract([Pair("Total", confidence=41.0)], style)
    check = key_check("Total:", ["Total Due:", "Total"], KeyValueBlockConfidenceLessThan=45)
    assert evaluate(conditions(check), response).human_loop_activated


@pytest.mark.parametrize("style", STYLES)
def test_key_value_confidence_is_the_key_block(style: str) -> None:
    response = textract(
        [Pair("Name", confidence=70.0, key_word_confidence=10.0, value_word_confidence=10.0)],
        style,
    )
    assert not evaluate(
        conditions(key_check("Name", KeyValueBlockConfidenceLessThan=60)), response
    ).human_loop_activated
    assert evaluate(
        conditions(key_check("Name", KeyValueBlockConfidenceLessThan=70.5)), response
    ).human_loop_activated


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    ("key_words", "value_words", "holds"),
    [
        ([99.0, 99.0], [99.0, 99.0], False),
        ([99.0, 80.0], [99.0, 99.0], True),  # a word of the key
        ([99.0, 99.0], [99.0, 84.9], True),  # a word of the value
        ([85.0, 85.0], [85.0, 85.0], False),  # < is strict
    ],
)
def test_word_confidence_any_word_of_key_or_value(
    style: str, key_words: list[float], value_words: list[float], holds: bool
) -> None:
    pair = Pair(
        "Employee Name",
        confidence=99.0,
        key_word_confidence=key_words,
        value="John Doe",
        value_word_confidence=value_words,
    )
    response = textract([pair], style)
    result = evaluate(
        conditions(key_check("Employee Name", WordBlockConfidenceLessThan=85)), response
    )
    assert result.human_loop_activated is holds


def test_word_and_key_value_thresholds_are_alternatives() -> None:
    """The real record's `Total:` case: key-value confidence low, every word high."""
    response = textract([Pair("Total", confidence=41.29, key_word_confidence=99.8)])
    check = key_check(
        "Total:", ["Total"], KeyValueBlockConfidenceLessThan=45, WordBlockConfidenceLessThan=85
    )
    assert evaluate(conditions(check), response).human_loop_activated


def test_word_confidence_ignores_selection_elements() -> None:
    pair = Pair("Agree", confidence=99.0, value="yes", checkbox=True)  # checkbox at 10
    response = textract([pair])
    result = evaluate(conditions(key_check("Agree", WordBlockConfidenceLessThan=50)), response)
    assert result.human_loop_activated is False


@pytest.mark.parametrize("style", STYLES)
def test_star_key_matches_every_pair(style: str) -> None:
    pairs = [Pair("A", confidence=90.0), Pair("B", confidence=20.0), Pair("C", confidence=30.0)]
    response = textract(pairs, style)
    result = evaluate(conditions(key_check("*", KeyValueBlockConfidenceLessThan=50)), response)
    assert result.human_loop_activated
    expected = set()
    for pair in pairs[1:]:
        expected |= {
            pair.ids["key"],
            pair.ids["value"],
            *pair.ids["key_words"],
            *pair.ids["value_words"],
        }
    assert set(selected_ids(result.selected)) == expected


@pytest.mark.parametrize("style", STYLES)
def test_selection_is_key_value_and_their_words_in_document_order(style: str) -> None:
    pairs = [
        Pair("Name", confidence=99.0),
        Pair("Total Due", confidence=20.0, value="$12 .00", checkbox=True),
    ]
    response = textract(pairs, style)
    result = evaluate(
        conditions(key_check("Total Due", KeyValueBlockConfidenceLessThan=50)), response
    )
    ids = pairs[1].ids
    wanted = {ids["key"], ids["value"], *ids["key_words"], *ids["value_words"]}
    blocks = response["Blocks" if style == "pascal" else "blocks"]
    id_key = "Id" if style == "pascal" else "id"
    in_order = [b[id_key] for b in blocks if b[id_key] in wanted]
    assert selected_ids(result.selected) == in_order
    assert ids["checkbox"] not in selected_ids(result.selected)
    block_key = "Blocks" if style == "pascal" else "blocks"
    assert list(result.selected) == [block_key]
    word = next(b for b in result.selected[block_key] if b[id_key] == ids["key_words"][0])
    assert set(word) == (
        {"BlockType", "Id", "Text"} if style == "pascal" else {"blockType", "id", "text"}
    )


# -- MissingImportantFormKey -----------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_missing_key(style: str) -> None:
    response = textract([Pair("Policy:"), Pair("Total")], style)
    held = evaluate(conditions(missing("Policy Number:", ["Policy No."])), response)
    assert held.human_loop_activated is True
    assert selected_ids(held.selected) == []  # nothing for missing keys
    assert not evaluate(conditions(missing("Total:", ["Total"])), response).human_loop_activated
    assert not evaluate(conditions(missing("Total")), response).human_loop_activated


def test_missing_key_in_empty_document() -> None:
    response = {"Blocks": [{"BlockType": "PAGE", "Id": "p"}]}
    assert evaluate(conditions(missing("Total")), response).human_loop_activated


# -- groups: every member evaluated; selection needs every enclosing group to hold -----------


def test_every_member_evaluated_no_short_circuit() -> None:
    response = rekognition([("A", 95.0), ("B", 95.0)])
    doc = conditions(
        {
            "Or": [
                label_check("A", ConfidenceGreaterThan=90),
                label_check("B", ConfidenceGreaterThan=90),
            ]
        },
        {
            "And": [
                label_check("A", ConfidenceLessThan=10),
                label_check("B", ConfidenceGreaterThan=90),
            ]
        },
    )
    result = evaluate(doc, response)
    assert results_of(result) == [True, True, True, False, False, True]
    first, second = result.condition_results["Conditions"]
    assert list(first) == ["EvaluationResult", "Or"]
    assert list(second) == ["And", "EvaluationResult"]  # A2I's records sort keys


def test_selection_only_from_checks_whose_groups_hold() -> None:
    response = rekognition([("A", 95.0), ("B", 95.0), ("C", 95.0)])
    doc = conditions(
        {
            "And": [
                label_check("A", ConfidenceGreaterThan=90),
                label_check("X", ConfidenceGreaterThan=0),
            ]
        },
        label_check("C", ConfidenceGreaterThan=90),
        {
            "Or": [
                label_check("B", ConfidenceGreaterThan=90),
                label_check("Y", ConfidenceGreaterThan=0),
            ]
        },
    )
    result = evaluate(doc, response)
    names = [lab["Name"] for lab in result.selected["ModerationLabels"]]
    assert names == ["B", "C"]  # A held, but its And did not


def test_nested_groups_two_levels() -> None:
    response = textract([Pair("Name", confidence=20.0), Pair("Date", confidence=95.0)])
    doc = conditions(
        {
            "Or": [
                {"And": [key_check("Name", KeyValueBlockConfidenceLessThan=50), missing("Total")]},
                {"And": [key_check("Date", KeyValueBlockConfidenceLessThan=50), missing("Name")]},
            ]
        }
    )
    result = evaluate(doc, response)
    assert results_of(result) == [True, True, True, True, False, False, False]
    assert result.sampled == ()


# -- Sampling ----------------------------------------------------------------------------------


def test_sampling_is_deterministic_per_response() -> None:
    doc = conditions(sample(50))
    outcomes = set()
    for i in range(40):
        response = rekognition([("Label", float(i))])
        first = evaluate(doc, response).human_loop_activated
        assert evaluate(doc, copy.deepcopy(response)).human_loop_activated is first
        outcomes.add(first)
    assert outcomes == {True, False}  # 40 draws at 50% are not all alike


def test_sampling_rate_matches_percentage() -> None:
    doc = prepare(conditions(sample(5)))
    hits = sum(evaluate(doc, rekognition([("L", i / 7)])).human_loop_activated for i in range(4000))
    assert 150 <= hits <= 250  # 5% of 4,000 = 200; a fixed hash, so not flaky


def test_sampling_hundred_percent_always_and_draw_exactness() -> None:
    assert draw(b"x", (0,)) < 1
    doc = conditions(sample(100))
    for i in range(50):
        assert evaluate(doc, rekognition([("L", float(i))])).human_loop_activated


def test_sampling_draw_depends_on_position() -> None:
    response = rekognition([("L", 50.0)])
    seed = normalize(response).canonical_bytes()
    assert draw(seed, (0,)) != draw(seed, (1,))
    assert draw(seed, (0, 1)) != draw(seed, (1, 0))


def test_sampling_alone_selects_everything() -> None:
    response = rekognition([("A", 10.0), ("B", 20.0)])
    result = evaluate(conditions(sample(100), label_check("A", ConfidenceGreaterThan=90)), response)
    assert result.human_loop_activated and result.depends_on_sampling
    assert result.selected == {
        "ModerationLabels": response["ModerationLabels"],
        "ModerationModelVersion": "7.0",
    }
    assert result.sampled == ((0,),)
    tx = textract([Pair("Name"), Pair("Date")], "camel")
    everything = evaluate(conditions(sample(100)), tx)
    assert everything.selected == {"blocks": tx["blocks"]}


def test_sampling_not_alone_selects_only_the_checks() -> None:
    response = rekognition([("A", 95.0), ("B", 20.0)])
    with_and = evaluate(
        conditions({"And": [sample(100), label_check("A", ConfidenceGreaterThan=90)]}), response
    )
    assert [lab["Name"] for lab in with_and.selected["ModerationLabels"]] == ["A"]
    assert with_and.depends_on_sampling
    with_or = evaluate(
        conditions(sample(100), label_check("A", ConfidenceGreaterThan=90)), response
    )
    assert [lab["Name"] for lab in with_or.selected["ModerationLabels"]] == ["A"]
    assert not with_or.depends_on_sampling  # the label check starts the loop anyway


def test_sampling_marks_dependent_nodes() -> None:
    response = textract([Pair("Name", confidence=20.0)])
    doc = conditions(
        {"And": [sample(100), key_check("Name", KeyValueBlockConfidenceLessThan=50)]},
        missing("Total"),
    )
    result = evaluate(doc, response)
    assert set(result.sampled) == {(0,), (0, 0)}
    assert result.depends_on_sampling is False  # missing("Total") starts the loop anyway
    assert [d.path for d in result.draws] == [(0, 0)]


# -- bad responses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "expected a JSON object"),
        ({"Foo": 1}, "neither a Rekognition"),
        ({"Blocks": {}}, "Blocks is not a list"),
        ({"Blocks": [{"BlockType": "WORD"}]}, "Blocks[0] has no Id"),
        ({"ModerationLabels": [{"Name": "A"}]}, "no numeric Confidence"),
        ({"aiServiceResponse": 3}, "not a JSON object"),
    ],
)
def test_bad_responses_raise_clear_errors(document: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=None) as info:
        evaluate(conditions(sample(10)), document)
    assert message in str(info.value)


def test_wrong_service_is_an_error() -> None:
    with pytest.raises(ResponseError, match="conditions are for textract"):
        evaluate(conditions(missing("Total")), rekognition([("A", 1.0)]))
    with pytest.raises(ResponseError, match="conditions are for rekognition"):
        evaluate(conditions(label_check("A", ConfidenceLessThan=5)), textract([Pair("A")]))


def test_sampling_only_conditions_take_both_services() -> None:
    doc = conditions(sample(100))
    assert evaluate(doc, rekognition([])).human_loop_activated
    assert evaluate(doc, textract([])).human_loop_activated


def test_to_dict_has_a2i_names() -> None:
    result = evaluate(conditions(sample(100)), rekognition([]))
    assert list(result.to_dict()) == [
        "HumanLoopActivated",
        "humanTaskActivationConditionResults",
        "selectedAiServiceResponse",
    ]


def test_sampling_ignores_response_metadata() -> None:
    """boto3's ResponseMetadata changes per call; the same document must draw the same."""
    doc = prepare(conditions(sample(50)))
    verdicts = set()
    for i in range(30):
        response = rekognition([("L", float(i))])
        plain = evaluate(doc, response)
        response["ResponseMetadata"] = {"RequestId": f"req-{i}", "HTTPStatusCode": 200}
        assert evaluate(doc, response).human_loop_activated is plain.human_loop_activated
        verdicts.add(plain.human_loop_activated)
    assert verdicts == {True, False}


def test_rekognition_record_in_lower_camel() -> None:
    service = rekognition([("Explicit", 95.0), ("Drugs", 30.0)], "camel")
    doc = conditions(label_check("Explicit", ConfidenceGreaterThan=90))
    recorded = evaluate(doc, service)
    record = {
        "inputContent": {"aiServiceResponse": service},
        "humanTaskActivationConditionResults": recorded.condition_results,
        "selectedAiServiceResponse": {"moderationLabels": [service["moderationLabels"][0]]},
    }
    result = evaluate(doc, record)
    assert result.differences == ()
    assert result.selected == {
        "moderationLabels": [service["moderationLabels"][0]],
        "moderationModelVersion": "7.0",
    }
    record["selectedAiServiceResponse"] = {"moderationLabels": service["moderationLabels"]}
    differences = evaluate(doc, record).differences
    assert differences is not None
    assert [str(d) for d in differences] == [
        "selectedAiServiceResponse: A2I selected labels we did not: ['Drugs@30.0']"
    ]
