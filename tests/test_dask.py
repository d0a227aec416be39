"""`simulate` on a real Dask distributed cluster (`LocalCluster`, 2 worker processes) equals
the single-process result exactly; the summary is a mergeable value."""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from a2icond.evaluation.simulation import SimulationReport, merge_reports, simulate, summarize

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

distributed = pytest.importorskip("distributed")

DATA = Path(__file__).parent / "data" / "responses"

REK = conditions(
    label_check("Explicit", ConfidenceGreaterThan=90),
    {"And": [sample(10), label_check("*", ConfidenceLessThan=60)]},
    sample(3),
)


def documents(n: int) -> list[dict[str, Any]]:
    return [rekognition([("Explicit", 80.0 + i % 20), ("Drugs", float(i % 97))]) for i in range(n)]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0", host="127.0.0.1"
    ) as c:
        yield c


@pytest.fixture
def corpus(tmp_path: Path) -> list[str]:
    folder = tmp_path / "docs"
    folder.mkdir()
    docs = documents(300)
    for i, doc in enumerate(docs[:100]):
        (folder / f"{i:03d}.json").write_text(json.dumps(doc), "utf-8")
    lines = tmp_path / "more.jsonl"
    lines.write_text("".join(json.dumps(d) + "\n" for d in docs[100:]) + "not json\n", "utf-8")
    return [str(folder), str(lines)]


def test_cluster_result_equals_single_process_exactly(cluster: Any, corpus: list[str]) -> None:
    one = simulate(REK, corpus)
    on_dask = simulate(REK, corpus, scheduler=cluster.scheduler_address)
    assert on_dask == one
    assert (one.documents, one.errors) == (300, 1)
    assert isinstance(on_dask.human_loops_expected, Fraction)
    assert on_dask.failures == one.failures  # merged in input order


def test_real_textract_responses_on_the_cluster(cluster: Any) -> None:
    doc = conditions(
        key_check("*", KeyValueBlockConfidenceLessThan=50), missing("Phone:"), sample(5)
    )
    assert simulate(doc, [DATA], scheduler=cluster.scheduler_address) == simulate(doc, [DATA])


def test_scheduler_local_starts_and_closes_its_own_cluster(corpus: list[str]) -> None:
    assert simulate(REK, corpus, scheduler="local", jobs=2) == simulate(REK, corpus)


def test_an_unreachable_scheduler_is_a_clear_error(corpus: list[str]) -> None:
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler"):
        simulate(REK, corpus, scheduler="tcp://127.0.0.1:1")


def test_reports_merge_associatively_with_an_identity() -> None:
    docs = documents(90)
    parts = [summarize(REK, docs[i : i + 30]) for i in range(0, 90, 30)]
    a, b, c = parts
    assert (a + b) + c == a + (b + c) == merge_reports(parts)
    whole = summarize(REK, docs)
    assert merge_reports(parts) == whole == simulate(REK, docs)
    empty = SimulationReport.empty(len(whole.conditions))
    assert empty + whole == whole == whole + empty
    assert functools.reduce(operator.add, reversed(parts)).human_loops_expected == (
        whole.human_loops_expected
    )


def test_summarize_takes_bytes_text_and_named_pairs() -> None:
    docs = documents(10)
    as_bytes = [json.dumps(d).encode() for d in docs]
    named = [(f"doc-{i}", json.dumps(d)) for i, d in enumerate(docs)] + [("bad", "{")]
    assert summarize(REK, as_bytes) == summarize(REK, docs)
    report = summarize(REK, named)
    assert report.documents == 10 and report.failures[0][0] == "bad"


def test_merging_reports_of_different_prices_is_refused() -> None:
    docs = documents(3)
    with pytest.raises(ValueError, match="different prices"):
        summarize(REK, docs, price_usd="0.036") + summarize(REK, docs)


def test_textract_via_summarize_equals_simulate() -> None:
    docs = [textract([Pair("Name", confidence=40.0 + i)]) for i in range(20)]
    doc = conditions(key_check("Name", KeyValueBlockConfidenceLessThan=50))
    assert summarize(doc, docs) == simulate(doc, docs)


def test_cli_scheduler_option(
    cluster: Any, corpus: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from a2icond.cli import main

    cond = tmp_path / "r.json"
    cond.write_text(json.dumps({"Conditions": REK["Conditions"]}), "utf-8")
    code = main(
        ["simulate", str(cond), *corpus, "--scheduler", cluster.scheduler_address, "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 1  # the one bad line
    assert json.loads(out) == simulate(REK, corpus).to_dict()
    assert "more.jsonl:201: error: not valid JSON" in err
