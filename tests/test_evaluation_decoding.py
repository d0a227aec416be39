"""The fast decoder (msgspec, only the fields the evaluator reads) against the full path.

Every stored response (tests/data/responses/, and tests/data/realworld-responses/ copied from
the project's real-world reference material, provenance in its PROVENANCE.md) is evaluated
through `decode_response` and through `normalize(parse_json_bytes(...))` under several
condition sets, and the results must be identical: verdicts, every node, the selection, the
draws, record differences, and the errors for inputs that are not responses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a2icond.evaluation.decoding import LazyDocument, decode_response
from a2icond.evaluation.evaluate import evaluate, prepare
from a2icond.evaluation.responses import ResponseError, normalize, parse_json_bytes
from a2icond.evaluation.simulation import simulate

DATA = Path(__file__).parent / "data"
FILES = sorted((DATA / "responses").glob("*.json")) + sorted(
    (DATA / "realworld-responses").glob("*.json")
)


def _key(key: str, **thresholds: float) -> dict[str, Any]:
    return {
        "ConditionType": "ImportantFormKeyConfidenceCheck",
        "ConditionParameters": {"ImportantFormKey": key, **thresholds},
    }


TEXTRACT = [
    {
        "Conditions": [
            _key("*", KeyValueBlockConfidenceLessThan=60),
            {
                "Or": [
                    _key("*", WordBlockConfidenceLessThan=95),
                    _key("Total", WordBlockConfidenceGreaterThan=1),
                ]
            },
            {
                "ConditionType": "MissingImportantFormKey",
                "ConditionParameters": {
                    "ImportantFormKey": "Phone:",
                    "ImportantFormKeyAliases": ["Phone"],
                },
            },
        ]
    },
    {
        "Conditions": [
            {
                "And": [
                    {
                        "ConditionType": "Sampling",
                        "ConditionParameters": {"RandomSamplingPercentage": 50},
                    },
                    _key("*", KeyValueBlockConfidenceGreaterThanEquals=90),
                ]
            },
            {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 30}},
        ]
    },
]
REKOGNITION = [
    {
        "Conditions": [
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {"ModerationLabelName": "*", "ConfidenceGreaterThan": 50},
            },
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {
                    "ModerationLabelName": "Suggestive",
                    "ConfidenceLessThan": 99,
                },
            },
            {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 40}},
        ]
    }
]


def _full(data: bytes, name: str) -> Any:
    """The full path as `simulate` runs it: the shared JSON reader (which refuses NaN, long
    integers and lone surrogates, located), then `normalize`."""
    try:
        return normalize(parse_json_bytes(data, name), name)
    except ResponseError as exc:
        return exc
    except ValueError as exc:  # not JSON at all: compared by class only
        return type(exc)


def _fast(data: bytes, name: str) -> Any:
    try:
        return decode_response(data, name)
    except ResponseError as exc:
        return exc


def _same_response(a: Any, b: Any) -> None:
    if isinstance(b, ResponseError):
        assert isinstance(a, ResponseError)
        assert str(a) == str(b)
        return
    if isinstance(b, type):
        assert isinstance(a, ResponseError)
        return
    assert (a.kind, a.style, a.name) == (b.kind, b.style, b.name)
    assert a.labels == b.labels
    assert a.pairs == b.pairs
    assert a.key_texts == b.key_texts
    assert a.recorded == b.recorded
    assert a.canonical_bytes() == b.canonical_bytes()


def _same_evaluation(a: Any, b: Any) -> None:
    for conditions in TEXTRACT if a.kind == "textract" else REKOGNITION:
        plan = prepare(conditions)
        x, y = evaluate(plan, a), evaluate(plan, b)
        assert x.to_dict() == y.to_dict()
        assert (x.depends_on_sampling, x.sampled, x.draws) == (
            y.depends_on_sampling,
            y.sampled,
            y.draws,
        )
        assert x.differences == y.differences


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_stored_response_decodes_the_same_both_ways(path: Path) -> None:
    data = path.read_bytes()
    fast, full = _fast(data, path.name), _full(data, path.name)
    _same_response(fast, full)
    if not isinstance(full, (ResponseError, type)):
        _same_evaluation(fast, full)


def test_the_fast_path_is_taken_for_responses_and_records() -> None:
    fast = [
        p.name
        for p in FILES
        if isinstance(getattr(_fast(p.read_bytes(), p.name), "raw", None), LazyDocument)
    ]
    assert "a2i-output-textract-real.json" in fast
    assert "textract-analyzedocument-paystub_with_signature.json" in fast
    assert "trp-queries-sample.json" in fast
    assert "awscli-detect-moderation-labels.json" in fast
    # all but the video response (GetContentModeration nests each label: the full path words
    # that error)
    assert len(fast) == len(FILES) - 1


SMALL = {
    "Blocks": [
        {"BlockType": "WORD", "Id": "w1", "Text": "Total", "Confidence": 80},
        {"BlockType": "WORD", "Id": "w2", "Text": "12", "Confidence": 70.5},
        {
            "BlockType": "KEY_VALUE_SET",
            "Id": "k",
            "EntityTypes": ["KEY"],
            "Confidence": 40,
            "Relationships": [{"Type": "CHILD", "Ids": ["w1"]}, {"Type": "VALUE", "Ids": ["v"]}],
        },
        {
            "BlockType": "KEY_VALUE_SET",
            "Id": "v",
            "EntityTypes": ["VALUE"],
            "Confidence": 41,
            "Relationships": [{"Type": "CHILD", "Ids": ["w2", "missing"]}],
        },
    ]
}


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(SMALL))
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()

ODD = {
    "plain": json.dumps(SMALL).encode(),
    "camel": json.dumps(
        {"blocks": [{k[:1].lower() + k[1:]: v for k, v in b.items()} for b in SMALL["Blocks"]]}
    ).encode(),
    "no id": json.dumps(_with(["Blocks", 0, "Id"], _DELETE)).encode(),
    "null id": json.dumps(_with(["Blocks", 0, "Id"], None)).encode(),
    "int id": json.dumps(_with(["Blocks", 0, "Id"], 7)).encode(),
    "string confidence": json.dumps(_with(["Blocks", 1, "Confidence"], "70")).encode(),
    "bool confidence": json.dumps(_with(["Blocks", 2, "Confidence"], True)).encode(),
    "null text": json.dumps(_with(["Blocks", 0, "Text"], None)).encode(),
    "null entity types": json.dumps(_with(["Blocks", 2, "EntityTypes"], None)).encode(),
    "relationship not object": json.dumps(_with(["Blocks", 2, "Relationships"], ["x"])).encode(),
    "block not object": json.dumps(_with(["Blocks", 1], "w2")).encode(),
    "blocks null": b'{"Blocks": null}',
    "blocks and labels": json.dumps(
        {**SMALL, "ModerationLabels": [{"Name": "A", "Confidence": 1}]}
    ).encode(),
    "nan": json.dumps(SMALL).replace("70.5", "NaN").encode(),
    "big number": json.dumps(SMALL).replace("70.5", "1e400").encode(),
    "bom": b"\xef\xbb\xbf" + json.dumps(SMALL).encode(),
    "duplicate key": json.dumps(SMALL)
    .replace('"Confidence": 40', '"Confidence": 40, "Confidence": 90')
    .encode(),
    "top-level list": b"[1, 2]",
    "neither": b'{"Foo": 1, "Bar": 2}',
    "not json": b'{"Blocks": [',
    "label no name": b'{"ModerationLabels": [{"Confidence": 5}]}',
    "label int confidence": b'{"ModerationLabels": [{"Name": "A", "Confidence": 5, '
    b'"ParentName": ""}]}',
    "label bool confidence": b'{"ModerationLabels": [{"Name": "A", "Confidence": true}]}',
    "labels camel": b'{"moderationLabels": [{"name": "A", "confidence": 95.5}], '
    b'"moderationModelVersion": "7.0"}',
    "record inside": json.dumps({"aiServiceResponse": SMALL}).encode(),
    "input content": json.dumps({"inputContent": {"aiServiceResponse": SMALL}}).encode(),
    "record with results": json.dumps(
        {
            "flowDefinitionArn": "arn:aws:sagemaker:us-east-1:1:flow-definition/x",
            "aiServiceResponse": SMALL,
            "humanTaskActivationConditionResults": {"Conditions": []},
            "selectedAiServiceResponse": {"Blocks": []},
        }
    ).encode(),
    "inner results, top selection": json.dumps(
        {
            "flowDefinitionArn": 7,
            "inputContent": {
                "aiServiceResponse": SMALL,
                "humanTaskActivationConditionResults": {"Conditions": [1]},
            },
            "selectedAiServiceResponse": {"Blocks": [2]},
            "humanTaskActivationConditionResults": {"Conditions": [3]},
        }
    ).encode(),
    "results not an object": json.dumps(
        {"aiServiceResponse": SMALL, "humanTaskActivationConditionResults": [1]}
    ).encode(),
    "results null": json.dumps(
        {"aiServiceResponse": SMALL, "humanTaskActivationConditionResults": None}
    ).encode(),
    "service as a string": json.dumps({"aiServiceResponse": json.dumps(SMALL)}).encode(),
    "service null": b'{"aiServiceResponse": null}',
    "input content as a string": json.dumps(
        {"inputContent": json.dumps({"aiServiceResponse": SMALL})}
    ).encode(),
    "input content without a service": json.dumps({**SMALL, "inputContent": {"x": 1}}).encode(),
    "record of labels": json.dumps(
        {"aiServiceResponse": {"moderationLabels": [{"name": "A", "confidence": 97.5}]}}
    ).encode(),
    "activation output": json.dumps({**SMALL, "HumanLoopActivationOutput": {"x": 1}}).encode(),
    "video label with a name": json.dumps(
        {"ModerationLabels": [{"Name": "A", "Confidence": 90, "ModerationLabel": {"Name": "A"}}]}
    ).encode(),
    "metadata": json.dumps({**SMALL, "ResponseMetadata": {"RequestId": "x"}}).encode(),
}


@pytest.mark.parametrize("case", list(ODD), ids=list(ODD))
def test_odd_inputs_decode_the_same_both_ways(case: str) -> None:
    data = ODD[case]
    fast, full = _fast(data, case), _full(data, case)
    _same_response(fast, full)
    if not isinstance(full, (ResponseError, type)):
        _same_evaluation(fast, full)


def test_the_fast_path_falls_back_where_it_must() -> None:
    assert isinstance(_fast(ODD["plain"], "p").raw, LazyDocument)
    assert isinstance(_fast(ODD["camel"], "p").raw, LazyDocument)
    assert isinstance(_fast(ODD["labels camel"], "p").raw, LazyDocument)
    assert isinstance(_fast(ODD["record with results"], "p").raw, LazyDocument)
    assert isinstance(_fast(ODD["inner results, top selection"], "p").raw, LazyDocument)
    for case in (
        "null text",
        "string confidence",
        "nan",
        "bom",
        "service as a string",
        "input content as a string",
        "activation output",
        "video label with a name",
    ):
        result = _fast(ODD[case], case)
        assert isinstance(result, ResponseError) or not isinstance(result.raw, LazyDocument)


def test_simulate_over_the_stored_responses_matches_evaluating_each(tmp_path: Path) -> None:
    """The simulator reads through the fast path; its counts equal per-document evaluation."""
    conditions = TEXTRACT[0]
    textract = list(FILES)
    report = simulate(conditions, [str(p) for p in textract])
    plan = prepare(conditions)
    loops = errors = 0
    for path in textract:
        full = _full(path.read_bytes(), path.name)
        if isinstance(full, (ResponseError, type)) or full.kind != "textract":
            errors += 1
            continue
        loops += evaluate(plan, full).human_loop_activated
    assert (report.documents, report.errors) == (len(textract) - errors, errors)
    assert report.human_loops_expected == loops
