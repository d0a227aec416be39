"""The simulator: exact expected counts on constructed corpora, bad documents, processes."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from a2icond.evaluation.simulation import simulate

from .response_builders import (
    Pair,
    conditions,
    key_check,
    label_check,
    missing,
    rekognition,
    sample,
    textract,
)

DATA = Path(__file__).parent / "data" / "responses"


def write_jsonl(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), "utf-8")
    return path


def corpus(n_with: int, n_without: int) -> list[dict[str, Any]]:
    """Rekognition responses: `n_with` have "Explicit" at 95, the others only "Drugs" at 50."""
    docs = [rekognition([("Explicit", 95.0), ("Drugs", float(i % 7))]) for i in range(n_with)]
    docs += [rekognition([("Drugs", 50.0 + i % 3)]) for i in range(n_without)]
    return docs


def test_five_percent_of_a_thousand_is_exactly_fifty(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", corpus(0, 1000))
    report = simulate(conditions(sample(5)), [path])
    assert report.documents == 1000
    assert report.human_loops_expected == 50
    assert report.to_dict()["humanLoopsExpected"] == 50.0
    assert report.human_loops_certain == 0
    assert report.rate == Fraction(1, 20)


def test_or_of_a_check_and_a_sample(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", corpus(100, 200))
    doc = conditions(label_check("Explicit", ConfidenceGreaterThan=90), sample(10))
    report = simulate(doc, [path])
    assert report.documents == 300
    assert report.human_loops_expected == 100 + 200 * Fraction(1, 10)
    assert report.human_loops_certain == 100
    check, samp = report.conditions
    assert (check.index, check.holds, check.only_one) == (0, 100, 100 * Fraction(9, 10))
    assert (samp.index, samp.holds, samp.only_one) == (1, 30, 20)


def test_probability_through_and_or(tmp_path: Path) -> None:
    docs = corpus(10, 30)
    doc = conditions(
        {"And": [sample(50), label_check("Explicit", ConfidenceGreaterThan=90)]},
        {"Or": [sample(20), sample(20)]},  # two nodes, two independent draws: 1 - 0.8^2
    )
    report = simulate(doc, docs)
    first = Fraction(1, 2)
    second = 1 - Fraction(4, 5) ** 2
    per_explicit = 1 - (1 - first) * (1 - second)
    assert report.human_loops_expected == 10 * per_explicit + 30 * second
    # the top-level Or's members are rows of their own (issue 10)
    a, b1, b2 = report.conditions
    assert (a.path, b1.path, b2.path) == (
        "Conditions[0]",
        "Conditions[1].Or[0]",
        "Conditions[1].Or[1]",
    )
    assert a.holds == 10 * first
    p = Fraction(1, 5)
    assert b1.holds == b2.holds == 40 * p
    assert a.only_one == 10 * first * (1 - second)
    assert b1.only_one == 10 * p * (1 - first) * (1 - p) + 30 * p * (1 - p)
    assert report.human_loops_certain == 0


def test_hundred_percent_sampling_is_certain() -> None:
    report = simulate(conditions(sample(100)), corpus(2, 3))
    assert report.human_loops_expected == 5
    assert report.human_loops_certain == 5


def test_decimal_percentages_are_exact() -> None:
    report = simulate(conditions(sample(0.01)), corpus(0, 20000))
    assert report.human_loops_expected == 2


def test_textract_corpus_counts(tmp_path: Path) -> None:
    docs = [
        textract([Pair("Total", confidence=30.0), Pair("Name")]),  # low total
        textract([Pair("Total", confidence=90.0), Pair("Name")]),  # fine
        textract([Pair("Name")], style="camel"),  # total missing
    ]
    for i, doc in enumerate(docs):
        (tmp_path / f"d{i}.json").write_text(json.dumps(doc), "utf-8")
    doc = conditions(
        key_check("Total", KeyValueBlockConfidenceLessThan=50), missing("Total"), sample(50)
    )
    report = simulate(doc, [tmp_path], task_count=2, price_usd="0.036")
    assert report.documents == 3
    assert report.human_loops_expected == Fraction(5, 2)
    assert report.human_loops_certain == 2
    assert [(c.holds, c.only_one) for c in report.conditions] == [
        (1, Fraction(1, 2)),
        (1, Fraction(1, 2)),
        (Fraction(3, 2), Fraction(1, 2)),
    ]
    assert report.estimated_cost_usd == Fraction(5, 2) * 2 * Fraction("0.036")
    assert report.to_dict()["estimatedCostUsd"] == pytest.approx(0.18)


def test_corrupt_file_is_reported_and_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    for i, doc in enumerate(corpus(2, 2)):
        (folder / "sub" / f"{i}.json").write_text(json.dumps(doc), "utf-8")
    (folder / "broken.json").write_text('{"ModerationLabels": [', "utf-8")
    (folder / "other.json").write_text('{"Something": 1}', "utf-8")
    (folder / "notes.txt").write_text("not a response, not read", "utf-8")
    report = simulate(conditions(label_check("Explicit", ConfidenceGreaterThan=90)), [folder])
    assert report.documents == 4
    assert report.errors == 2
    assert report.human_loops_expected == 2
    names = [name for name, _ in report.failures]
    assert names == [str(folder / "broken.json"), str(folder / "other.json")]
    assert "not valid JSON" in report.failures[0][1]
    assert report.to_dict()["errors"] == 2


def test_bad_lines_in_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [json.dumps(d) for d in corpus(1, 1)]
    path.write_text(lines[0] + "\n{oops\n\n" + lines[1] + "\n[]\n", "utf-8")
    report = simulate(conditions(sample(50)), [path])
    assert report.documents == 2
    assert report.errors == 2
    assert [name for name, _ in report.failures] == [f"{path}:2", f"{path}:5"]


def test_missing_input_and_wrong_service_are_errors(tmp_path: Path) -> None:
    report = simulate(
        conditions(missing("Total")),
        [tmp_path / "nope.json", *corpus(1, 0), textract([Pair("Name")])],
    )
    assert report.documents == 1
    assert report.errors == 2
    assert "cannot read file" in report.failures[0][1]
    assert "conditions are for textract" in report.failures[1][1]


def test_jobs_give_the_same_report(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    for i, doc in enumerate(corpus(30, 45)):
        (folder / f"{i:03d}.json").write_text(json.dumps(doc), "utf-8")
    (folder / "zz-bad.json").write_text("nope", "utf-8")
    jsonl = write_jsonl(tmp_path / "more.jsonl", corpus(5, 600))
    doc = conditions(label_check("Explicit", ConfidenceGreaterThan=90), sample(3))
    one = simulate(doc, [folder, jsonl])
    two = simulate(doc, [folder, jsonl], jobs=2)
    assert one == two
    assert one.documents == 680 and one.errors == 1


def test_real_textract_responses(tmp_path: Path) -> None:
    doc = conditions(key_check("*", KeyValueBlockConfidenceLessThan=50), sample(5))
    report = simulate(doc, [DATA])
    assert report.documents == 5
    assert report.errors == 0
    # pairs under 50: the A2I record (41.29, 46.4, 46.6) and two PascalCase samples
    assert report.human_loops_certain == 3
    assert report.human_loops_expected == 3 + 2 * Fraction(1, 20)


def test_to_dict_keys_and_null_cost() -> None:
    report = simulate(conditions(sample(5)), corpus(1, 1))
    out = report.to_dict()
    assert list(out) == [
        "documents",
        "errors",
        "humanLoopsExpected",
        "humanLoopsCertain",
        "rate",
        "conditions",
        "estimatedCostUsd",
        "cost",
        "interrupted",
    ]
    assert out["estimatedCostUsd"] is None
    assert out["cost"]["workforceUsd"] is None and out["cost"]["a2iUsd"] is None
    assert out["interrupted"] is False
    assert out["conditions"] == [
        {
            "index": 0,
            "path": "Conditions[0]",
            "condition": "sample 5%",
            "line": None,
            "holds": 0.1,
            "onlyOne": 0.1,
        }
    ]


def test_empty_corpus() -> None:
    report = simulate(conditions(sample(5)), [])
    assert report.to_dict()["documents"] == 0
    assert report.to_dict()["rate"] == 0.0


@pytest.mark.parametrize(
    "kwargs", [{"task_count": 0}, {"price_usd": "-1"}, {"jobs": -2}, {"task_count": True}]
)
def test_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        simulate(conditions(sample(5)), [], **kwargs)
