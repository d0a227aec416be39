"""Cost that matches the bill: A2I's per-reviewed-object charge plus the public workforce's
price x task count; `--price` and `--task-count` checked by the rules `build` applies."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from a2icond.cli import main
from a2icond.evaluation.simulation import simulate

from .response_builders import conditions, label_check, rekognition, sample


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(10):
        labels = [("Explicit", 95.0)] if i < 4 else [("Drugs", 40.0)]
        (folder / f"{i}.json").write_text(json.dumps(rekognition(labels)), "utf-8")
    return folder


@pytest.fixture
def cond(tmp_path: Path) -> Path:
    path = tmp_path / "review.cond"
    path.write_text('label "Explicit" confidence > 90 or sample 50%\n', "utf-8")
    return path


def test_both_parts_of_the_cost_exactly(corpus: Path) -> None:
    doc = conditions(label_check("Explicit", ConfidenceGreaterThan=90), sample(50))
    report = simulate(doc, [corpus], task_count=3, price_usd="0.036", object_price_usd="0.08")
    assert report.human_loops_expected == 7
    assert report.workforce_cost_usd == 7 * 3 * Fraction("0.036")
    assert report.a2i_cost_usd == 7 * Fraction("0.08")
    assert report.estimated_cost_usd == Fraction("0.756") + Fraction("0.56")
    cost = report.to_dict()["cost"]
    assert cost == {
        "taskCount": 3,
        "workforcePricePerTaskUsd": 0.036,
        "a2iPricePerObjectUsd": 0.08,
        "workforceUsd": pytest.approx(0.756),
        "a2iUsd": pytest.approx(0.56),
    }
    only_a2i = simulate(doc, [corpus], object_price_usd="0.08")
    assert only_a2i.workforce_cost_usd is None
    assert only_a2i.estimated_cost_usd == Fraction("0.56")


def test_cli_prints_each_part(capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path) -> None:
    code = main(
        [
            "simulate",
            str(cond),
            str(corpus),
            "--price",
            "0.036",
            "--task-count",
            "2",
            "--object-price",
            "0.08",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "estimated cost        $1.06" in out  # 7 x 2 x 0.036 + 7 x 0.08 = 0.504 + 0.56
    assert "workforce           $0.50  (7 loops x 2 task(s) x $0.036 per task)" in out
    assert "A2I                 $0.56  (7 reviewed objects x $0.08)" in out
    main(["simulate", str(cond), str(corpus), "--price", "0.036"])
    out = capsys.readouterr().out
    assert "A2I                 not included (give --object-price from your tier)" in out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--price", "0.05"], "not a price AWS allows for Rekognition"),
        (["--price", "1.32"], "not a price AWS allows for Rekognition"),  # Textract only
        (["--price", "0.0365"], "at most 3 decimals"),
        (["--price", "abc"], "must be a price in US dollars"),
        (["--task-count", "4"], "must be from 1 to 3 (HumanLoopConfig.TaskCount)"),
        (["--task-count", "0"], "must be from 1 to 3"),
        (["--object-price", "-1"], "not an amount of US dollars"),
    ],
)
def test_prices_and_task_counts_are_checked_as_build_checks_them(
    capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path, option: list[str], message: str
) -> None:
    try:
        code = main(["simulate", str(cond), str(corpus), *option])
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_textract_price_is_allowed_for_textract(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from .response_builders import Pair, textract

    cond = tmp_path / "t.cond"
    cond.write_text('key "Name" confidence < 100\n', "utf-8")
    doc = tmp_path / "d.json"
    doc.write_text(json.dumps(textract([Pair("Name", confidence=50.0)])), "utf-8")
    code = main(["simulate", str(cond), str(doc), "--price", "1.32", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["estimatedCostUsd"] == pytest.approx(1.32)
