"""The spec's table, flattening rules and source rules, one assertion per form."""

from __future__ import annotations

import json
from typing import Any

import pytest

import a2icond
from a2icond.model import REQUEST_SOURCE


def conditions(text: str, **kwargs: Any) -> list[Any]:
    return a2icond.compile(text, **kwargs).to_dict()["Conditions"]


def label(name: str, **thresholds: Any) -> dict[str, Any]:
    return {
        "ConditionType": "ModerationLabelConfidenceCheck",
        "ConditionParameters": {"ModerationLabelName": name, **thresholds},
    }


def key(name: str, aliases: list[str] | None = None, **thresholds: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"ImportantFormKey": name}
    if aliases:
        params["ImportantFormKeyAliases"] = aliases
    params.update(thresholds)
    return {"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": params}


def missing(name: str, aliases: list[str] | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"ImportantFormKey": name}
    if aliases:
        params["ImportantFormKeyAliases"] = aliases
    return {"ConditionType": "MissingImportantFormKey", "ConditionParameters": params}


def sample(pct: Any) -> dict[str, Any]:
    return {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": pct}}


OPS = [
    ("<", "LessThan"),
    ("<=", "LessThanEquals"),
    (">", "GreaterThan"),
    (">=", "GreaterThanEquals"),
    ("=", "Equals"),
    ("==", "Equals"),
]


# -- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "suffix"), OPS)
def test_label_confidence_every_comparator(op: str, suffix: str) -> None:
    got = conditions(f'label "Explicit" confidence {op} 90')
    assert got == [label("Explicit", **{f"Confidence{suffix}": 90})]


@pytest.mark.parametrize(("op", "suffix"), OPS)
def test_any_label(op: str, suffix: str) -> None:
    assert conditions(f"any label confidence {op} 75") == [
        label("*", **{f"Confidence{suffix}": 75})
    ]


@pytest.mark.parametrize(("op", "suffix"), OPS)
def test_key_confidence_and_word_confidence(op: str, suffix: str) -> None:
    got = conditions(f'key "Total:" confidence {op} 45 or key "Total:" word confidence {op} 85')
    assert got == [
        key("Total:", **{f"KeyValueBlockConfidence{suffix}": 45}),
        key("Total:", **{f"WordBlockConfidence{suffix}": 85}),
    ]


def test_inline_key_with_aliases_in_written_order() -> None:
    got = conditions('key "Pay Date" aka "PayDate", "DateOfPay", "pay-date" confidence < 65')
    assert got == [
        key("Pay Date", ["PayDate", "DateOfPay", "pay-date"], KeyValueBlockConfidenceLessThan=65)
    ]


def test_declared_key_carries_text_and_aliases() -> None:
    got = conditions(
        'key employee = "Employee Name" aka "Name", "EmployeeName"\n'
        "employee confidence < 60 or employee word confidence < 85"
    )
    assert got == [
        key("Employee Name", ["Name", "EmployeeName"], KeyValueBlockConfidenceLessThan=60),
        key("Employee Name", ["Name", "EmployeeName"], WordBlockConfidenceLessThan=85),
    ]


def test_declared_key_without_aliases_has_no_aliases_parameter() -> None:
    got = conditions('key total = "Total:"\ntotal confidence < 45')
    assert got == [key("Total:", KeyValueBlockConfidenceLessThan=45)]
    assert "ImportantFormKeyAliases" not in got[0]["ConditionParameters"]


def test_any_key_forms() -> None:
    got = conditions(
        "any key confidence < 60 or any key word confidence < 90 "
        "or any key (confidence < 60 or word confidence < 90)"
    )
    assert got == [
        key("*", KeyValueBlockConfidenceLessThan=60),
        key("*", WordBlockConfidenceLessThan=90),
        key("*", KeyValueBlockConfidenceLessThan=60, WordBlockConfidenceLessThan=90),
    ]


def test_key_star_means_any_key() -> None:
    assert conditions('key "*" confidence < 60') == conditions("any key confidence < 60")


def test_missing_key_with_and_without_aliases() -> None:
    got = conditions('key "Mailing Address" aka "Mailing Address:" missing or key "Zip" missing')
    assert got == [missing("Mailing Address", ["Mailing Address:"]), missing("Zip")]


def test_sampling_keeps_the_literal() -> None:
    assert conditions("sample 5%", source="rekognition") == [sample(5)]
    got = conditions("sample 0.01%", source="textract")
    assert got == [sample(0.01)]
    assert json.dumps(got[0]["ConditionParameters"]["RandomSamplingPercentage"]) == "0.01"


def test_numbers_keep_their_form() -> None:
    c = a2icond.compile(
        'label "A" confidence > 90 or label "B" confidence > 97.5 or label "C" confidence > 90.0'
    )
    text = c.to_json()
    assert '"ConfidenceGreaterThan":90}' in text
    assert '"ConfidenceGreaterThan":97.5}' in text
    assert '"ConfidenceGreaterThan":90.0}' in text
    values = [m["ConditionParameters"]["ConfidenceGreaterThan"] for m in c.to_dict()["Conditions"]]
    assert [type(v) for v in values] == [int, float, float]


def test_between_is_an_and_of_ge_then_le() -> None:
    assert conditions('label "Explicit" confidence between 50 and 90') == [
        {
            "And": [
                label("Explicit", ConfidenceGreaterThanEquals=50),
                label("Explicit", ConfidenceLessThanEquals=90),
            ]
        }
    ]


def test_word_between_on_a_key() -> None:
    assert conditions('key "A" word confidence between 10 and 20') == [
        {
            "And": [
                key("A", WordBlockConfidenceGreaterThanEquals=10),
                key("A", WordBlockConfidenceLessThanEquals=20),
            ]
        }
    ]


def test_between_equal_bounds_is_allowed() -> None:
    assert conditions('label "A" confidence between 50 and 50')[0]["And"][0] == label(
        "A", ConfidenceGreaterThanEquals=50
    )


def test_label_group_is_one_condition_with_every_threshold() -> None:
    assert conditions('label "Explicit" (confidence < 10 or confidence > 98)') == [
        label("Explicit", ConfidenceLessThan=10, ConfidenceGreaterThan=98)
    ]


def test_key_group_in_written_order() -> None:
    got = conditions('key "Total:" (word confidence < 85 or confidence < 45)')
    assert got == [
        key("Total:", WordBlockConfidenceLessThan=85, KeyValueBlockConfidenceLessThan=45)
    ]
    assert list(got[0]["ConditionParameters"]) == [
        "ImportantFormKey",
        "WordBlockConfidenceLessThan",
        "KeyValueBlockConfidenceLessThan",
    ]


def test_group_of_one_threshold() -> None:
    assert conditions('label "A" (confidence > 5)') == [label("A", ConfidenceGreaterThan=5)]


def test_any_key_missing_expands_in_declaration_order() -> None:
    got = conditions(
        'key b = "B" aka "Bee"\nkey a = "A"\nkey c = "C"\nany key missing', source="textract"
    )
    assert got == [missing("B", ["Bee"]), missing("A"), missing("C")]


def test_any_key_missing_with_one_key_is_that_condition() -> None:
    assert conditions('key a = "A"\nsample 5% and any key missing') == [
        {"And": [sample(5), missing("A")]}
    ]


def test_any_key_missing_inside_and_stays_an_or() -> None:
    assert conditions('key a = "A"\nkey b = "B"\nsample 5% and any key missing') == [
        {"And": [sample(5), {"Or": [missing("A"), missing("B")]}]}
    ]


def test_any_key_missing_inside_or_is_flattened() -> None:
    got = conditions(
        'key a = "A"\nkey b = "B"\nsample 5% and (any key missing or any key confidence < 5)'
    )
    assert got == [
        {
            "And": [
                sample(5),
                {"Or": [missing("A"), missing("B"), key("*", KeyValueBlockConfidenceLessThan=5)]},
            ]
        }
    ]


# -- flattening --------------------------------------------------------------------------------

A = 'label "A" confidence > 1'
B = 'label "B" confidence > 2'
C = 'label "C" confidence > 3'
D = 'label "D" confidence > 4'
a, b, c, d = (label(n, ConfidenceGreaterThan=i) for i, n in enumerate("ABCD", 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{A} or {B} or {C}", [a, b, c]),
        (f"({A} or {B}) or {C}", [a, b, c]),
        (f"{A} or ({B} or ({C} or {D}))", [a, b, c, d]),
        (f"({A} or {B})", [a, b]),
        (f"(({A}))", [a]),
        (f"{A} and {B}", [{"And": [a, b]}]),
        (f"{A} and ({B} and {C})", [{"And": [a, b, c]}]),
        (f"({A} and {B}) and ({C} and {D})", [{"And": [a, b, c, d]}]),
        (f"{A} and ({B} or {C})", [{"And": [a, {"Or": [b, c]}]}]),
        (f"{A} or {B} and {C}", [a, {"And": [b, c]}]),
        (f"{A} and {B} or {C}", [{"And": [a, b]}, c]),
        (f"({A} or {B}) and {C}", [{"And": [{"Or": [a, b]}, c]}]),
        (f"{A} and ({B})", [{"And": [a, b]}]),
    ],
)
def test_flattening(text: str, expected: list[Any]) -> None:
    assert conditions(text) == expected


def test_between_flattens_into_an_enclosing_and() -> None:
    got = conditions(f'{A} and label "X" confidence between 5 and 9 and sample 5%')
    assert got == [
        {
            "And": [
                a,
                label("X", ConfidenceGreaterThanEquals=5),
                label("X", ConfidenceLessThanEquals=9),
                sample(5),
            ]
        }
    ]


def test_between_inside_an_or_member_stays_an_and() -> None:
    got = conditions(f'{A} or (sample 5% and label "X" confidence between 5 and 9)')
    assert got == [
        a,
        {
            "And": [
                sample(5),
                label("X", ConfidenceGreaterThanEquals=5),
                label("X", ConfidenceLessThanEquals=9),
            ]
        },
    ]


def test_two_levels_of_nesting_are_allowed() -> None:
    got = conditions(f"{A} or ({B} and ({C} or {D}))")
    assert got == [a, {"And": [b, {"Or": [c, d]}]}]


# -- lexical rules -----------------------------------------------------------------------------


def test_keywords_are_case_insensitive() -> None:
    upper = (
        'SOURCE REKOGNITION\nLABEL "Explicit" CONFIDENCE BETWEEN 50 AND 90 '
        "OR ANY LABEL CONFIDENCE < 60 OR SAMPLE 5%"
    )
    lower = upper.replace("SOURCE REKOGNITION", "source rekognition")
    lower = lower.replace("LABEL", "label").replace("CONFIDENCE", "confidence")
    lower = lower.replace("BETWEEN", "between").replace(" AND ", " and ").replace(" OR ", " or ")
    lower = lower.replace("ANY", "any").replace("SAMPLE", "sample")
    assert conditions(upper) == conditions(lower)
    assert conditions('Key "A" Word Confidence < 5 Or Key "A" Missing') == [
        key("A", WordBlockConfidenceLessThan=5),
        missing("A"),
    ]


def test_identifiers_are_case_sensitive() -> None:
    got = conditions(
        'key Total = "T1"\nkey total = "T2"\nTotal confidence < 5 or total confidence < 6'
    )
    assert got == [
        key("T1", KeyValueBlockConfidenceLessThan=5),
        key("T2", KeyValueBlockConfidenceLessThan=6),
    ]


def test_identifiers_may_start_with_keywords() -> None:
    got = conditions('key labels = "L"\nkey any_key = "K"\nlabels missing or any_key missing')
    assert got == [missing("L"), missing("K")]


def test_comments_and_newlines_only_separate_tokens() -> None:
    text = (
        '# heading\nlabel # the label\n  "A"\n\tconfidence\n>   # comparator\n 1 # done\n'
        "or\nsample\n5\n%"
    )
    assert conditions(text) == [a, sample(5)]


def test_string_escapes() -> None:
    got = conditions(r'label "Say \"hi\" \\ \u00e9\t\n" confidence > 1')
    assert got[0]["ConditionParameters"]["ModerationLabelName"] == 'Say "hi" \\ é\t\n'


def test_non_ascii_stays_readable_in_compact_json() -> None:
    text = a2icond.compile('key "Prénom" missing').to_json()
    assert "Prénom" in text


def test_compact_and_indented_json() -> None:
    c = a2icond.compile(f"{A} or sample 5%")
    assert " " not in c.to_json(compact=True).replace('"A"', "")
    assert json.loads(c.to_json(compact=False)) == json.loads(c.to_json())
    assert "\n" in c.to_json(compact=False)


# -- source ------------------------------------------------------------------------------------


def test_source_from_header_inference_and_caller() -> None:
    assert a2icond.compile("source textract\nsample 5%").source == "textract"
    assert a2icond.compile(A).source == "rekognition"
    assert a2icond.compile('key "A" missing').source == "textract"
    assert a2icond.compile("sample 5%", source="textract").source == "textract"
    assert a2icond.compile("source rekognition\nsample 5%", source="rekognition").source == (
        "rekognition"
    )


def test_request_source_names() -> None:
    assert a2icond.compile(A).request_source == REQUEST_SOURCE["rekognition"]
    assert a2icond.compile('key "A" missing').request_source == (
        "AWS/Textract/AnalyzeDocument/Forms/V1"
    )


def test_compile_file_and_load(tmp_path: Any) -> None:
    cond = tmp_path / "r.cond"
    cond.write_text(f"{A}\n", encoding="utf-8")
    assert a2icond.compile_file(cond).to_dict() == {"Conditions": [a]}
    js = tmp_path / "r.json"
    js.write_text(json.dumps({"Conditions": [a]}), encoding="utf-8")
    loaded = a2icond.load(js)
    assert loaded.source == "rekognition"
    assert loaded.to_dict() == {"Conditions": [a]}
    assert a2icond.load(cond) == loaded


def test_output_validates_against_the_strict_schema() -> None:
    import jsonschema

    from a2icond import schemas

    doc = a2icond.compile(f"{A} or ({B} and ({C} or {D})) or sample 5%").to_dict()
    jsonschema.Draft7Validator(schemas.schema("rekognition")).validate(doc)
