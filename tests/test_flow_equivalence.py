"""Semantic equivalence of activation conditions (`a2icond.equivalence`), and its users:
`decompile`'s round-trip check and `eval` against A2I's own records. Data: tests/data/equivalence
(provenance in its PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import a2icond
from a2icond import cli
from a2icond.equivalence import canonical_document, compare, equivalent, identical

from .authoring_helpers import documents

DATA = Path(__file__).parent / "data" / "equivalence"
RECORD = Path(__file__).parent / "data" / "responses" / "a2i-output-textract-real.json"
CORPUS = sorted(p for p in DATA.glob("*.json") if "Results" not in p.name)


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


def label(name: str, op: str, value: Any) -> dict[str, Any]:
    return {
        "ConditionType": "ModerationLabelConfidenceCheck",
        "ConditionParameters": {"ModerationLabelName": name, f"Confidence{op}": value},
    }


def test_a_single_top_level_or_is_its_members() -> None:
    wrapped = load("a2inb-textract-current.json")
    members = {"Conditions": wrapped["Conditions"][0]["Or"]}
    assert compare(wrapped, members) == "equivalent"
    assert compare(wrapped, json.dumps(wrapped, indent=4)) == "identical"


def test_member_order_does_not_count_at_any_level() -> None:
    document = load("smdg-rek-or-and-2020.json")
    (top,) = document["Conditions"]
    first, group = top["Or"]
    swapped = {"Conditions": [{"Or": [{"And": group["And"][::-1]}, first]}]}
    assert compare(document, swapped) == "equivalent"
    assert canonical_document(document) == canonical_document(swapped)


def test_between_in_either_order() -> None:
    program = 'source rekognition\nlabel "Violence" confidence between 60 and 90 or sample 1%\n'
    compiled = a2icond.compile(program)
    (between, sample) = compiled.to_dict()["Conditions"]
    reversed_between = {"And": between["And"][::-1]}
    assert compare(compiled, {"Conditions": [sample, reversed_between]}) == "equivalent"
    assert compare(compiled, {"Conditions": [{"Or": [reversed_between, sample]}]}) == "equivalent"


def test_numbers_by_value() -> None:
    a = {"Conditions": [label("Violence", "GreaterThan", 90), label("Drugs", "LessThan", 0.5)]}
    b = {"Conditions": [label("Violence", "GreaterThan", 90.0), label("Drugs", "LessThan", 0.50)]}
    assert compare(a, b) == "equivalent"
    written = json.dumps({"Conditions": [label("Violence", "GreaterThan", 1234)]})
    assert compare(written, written.replace("1234", "1.234e3")) == "equivalent"
    members = canonical_document(b)["Conditions"]
    values = [v for m in members for k, v in m["ConditionParameters"].items() if "Than" in k]
    assert sorted(map(repr, values)) == ["0.5", "90"]  # 90.0 -> 90, the shortest form


@pytest.mark.parametrize(
    "other",
    [
        {"Conditions": [label("Violence", "GreaterThan", 91)]},
        {"Conditions": [label("Violence", "GreaterThanEquals", 90)]},
        {
            "Conditions": [
                {"And": [label("Violence", "GreaterThan", 90), label("Drugs", "LessThan", 5)]}
            ]
        },
        {
            "Conditions": [
                label("Violence", "GreaterThan", 90),
                label("Violence", "GreaterThan", 90),
            ]
        },
    ],
)
def test_what_differs_stays_different(other: dict[str, Any]) -> None:
    base = {
        "Conditions": [
            {"Or": [label("Violence", "GreaterThan", 90), label("Drugs", "LessThan", 5)]}
        ]
    }
    if len(other["Conditions"]) == 1 and "And" not in other["Conditions"][0]:
        base = {"Conditions": [label("Violence", "GreaterThan", 90)]}
    assert compare(base, other) == "different"
    assert not identical(base, other)


def test_two_sampling_draws_are_not_one() -> None:
    sample = {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 5}}
    assert not equivalent({"Conditions": [sample]}, {"Conditions": [sample, sample]})


def test_alias_order_is_kept() -> None:
    document = load("a2inb-textract-current.json")
    changed = json.loads(json.dumps(document))
    aliases = changed["Conditions"][0]["Or"][0]["ConditionParameters"]["ImportantFormKeyAliases"]
    aliases.reverse()
    assert compare(document, changed) == "different"


def test_not_a_document_is_only_equal_to_itself() -> None:
    assert compare("not json", "not json") == "identical"
    assert compare("not json", "{}") == "different"
    assert not equivalent({"Conditions": 5}, {"Conditions": []})


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_decompiles_to_an_equivalent_program(path: Path) -> None:
    text = path.read_text()
    program = a2icond.decompile(text)
    source = "textract" if "textract" in path.name else "rekognition"
    again = a2icond.compile(program, source=source)  # type: ignore[arg-type]
    assert equivalent(again, text)
    assert canonical_document(again) == canonical_document(text)


def bare(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: bare(v) for k, v in value.items() if k != "EvaluationResult"}
    if isinstance(value, list):
        return [bare(v) for v in value]
    return value


def test_eval_against_a_record_in_aws_shape(tmp_path: Path, capsys: Any) -> None:
    """The record wraps six members in one Or; the decompiled program unwraps them."""
    record = json.loads(RECORD.read_text())
    conditions = bare(record["humanTaskActivationConditionResults"])
    assert len(conditions["Conditions"]) == 1 and "Or" in conditions["Conditions"][0]
    cond = tmp_path / "record.cond"
    cond.write_text(a2icond.decompile(conditions))
    code = cli.main(["eval", str(cond), str(RECORD)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "members here" not in out and "agree" in out

    # A result A2I recorded differently is still found, at our node.
    member = record["humanTaskActivationConditionResults"]["Conditions"][0]["Or"][1]
    member["EvaluationResult"] = not member["EvaluationResult"]
    changed = tmp_path / "record-changed.json"
    changed.write_text(json.dumps(record))
    code = cli.main(["eval", str(cond), str(changed)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "Conditions[1]: EvaluationResult is true here, false at the record's equivalent" in out


def test_eval_against_a_record_of_other_conditions_still_differs(
    tmp_path: Path, capsys: Any
) -> None:
    record = json.loads(RECORD.read_text())
    conditions = bare(record["humanTaskActivationConditionResults"])
    conditions["Conditions"][0]["Or"].pop()
    cond = tmp_path / "fewer.cond"
    cond.write_text(a2icond.decompile(conditions))
    code = cli.main(["eval", str(cond), str(RECORD)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "5 members here, 1 in the record" in out


# --- properties over generated documents (the authoring strategy) -------------------------------


def rewritten(node: Any, data: st.DataObject) -> Any:
    """The same meaning written differently: members shuffled, integers as floats."""
    if isinstance(node, dict) and ("And" in node or "Or" in node):
        op = "And" if "And" in node else "Or"
        members = [rewritten(m, data) for m in node[op]]
        return {op: data.draw(st.permutations(members))}
    parameters = {
        k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in node["ConditionParameters"].items()
    }
    items = data.draw(st.permutations(list(parameters.items())))
    return {"ConditionType": node["ConditionType"], "ConditionParameters": dict(items)}


@settings(max_examples=60, deadline=None)
@given(documents(), st.data())
def test_rewritings_are_equivalent(generated: tuple[str, dict[str, Any]], data: Any) -> None:
    _, document = generated
    members = data.draw(st.permutations([rewritten(m, data) for m in document["Conditions"]]))
    wrapped = {"Conditions": [{"Or": members}] if len(members) > 1 else members}
    assert equivalent(document, wrapped)
    assert canonical_document(document) == canonical_document(wrapped)
    assert canonical_document(canonical_document(document)) == canonical_document(document)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_decompiled_programs_are_equivalent(generated: tuple[str, dict[str, Any]]) -> None:
    source, document = generated
    again = a2icond.compile(a2icond.decompile(document, source=source), source=source)  # type: ignore[arg-type]
    assert equivalent(again, document)


def test_identical_across_text_and_values() -> None:
    document = {"Conditions": [label("Violence", "GreaterThan", 90.5)]}
    assert compare(document, json.dumps(document, indent=2)) == "identical"
    assert compare(json.dumps(document), document) == "identical"
    assert compare(a2icond.compile('source rekognition\nlabel "Violence" confidence > 90.5\n'),
                   json.dumps(document)) == "identical"  # fmt: skip
