"""`a2icond diff OLD NEW CORPUS...`: the impact of a change, in exact numbers.

OLD/NEW as files and as `git:REV:PATH` (a real git repository made here); `flow:NAME` is tested
against the SageMaker stand-in in tests/test_diff_flow.py.
"""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from a2icond.cli import main
from a2icond.evaluation.diff import diff

from .response_builders import conditions, label_check, rekognition, sample

OLD = 'label "Explicit" confidence > 90\n'
NEW = 'label "Explicit" confidence > 90 or label "Drugs" confidence > 45 or sample 10%\n'


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """6 documents: 2 Explicit at 95; Drugs at 44, 46, 48, 50."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(6):
        labels = [("Explicit", 95.0)] if i < 2 else [("Drugs", 40.0 + 2 * i)]
        (folder / f"{i}.json").write_text(json.dumps(rekognition(labels)), "utf-8")
    return folder


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "old.cond").write_text(OLD, "utf-8")
    (tmp_path / "new.cond").write_text(NEW, "utf-8")
    return str(tmp_path / "old.cond"), str(tmp_path / "new.cond")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_numbers_are_exact(corpus: Path) -> None:
    old = conditions(label_check("Explicit", ConfidenceGreaterThan=90))
    new = conditions(
        label_check("Explicit", ConfidenceGreaterThan=90),
        label_check("Drugs", ConfidenceGreaterThan=45),
        sample(10),
    )
    report = diff(old, new, [corpus], task_count=2, price_usd="0.036", object_price_usd="0.08")
    assert report.documents == 6 and report.errors == 0
    assert report.before.expected == 2 and report.before.certain == 2
    # 2 Explicit + 3 Drugs over 45 certain; the one at 44 only by the 10% sample
    assert report.after.expected == 5 + Fraction(1, 10)
    assert report.after.certain == 5
    assert report.rate_increase == Fraction(31, 10) / 6
    assert report.before.cost_usd == 2 * (2 * Fraction("0.036") + Fraction("0.08"))
    assert report.after.cost_usd == Fraction(51, 10) * (2 * Fraction("0.036") + Fraction("0.08"))
    assert report.changed == 4
    kinds = {Path(c.name).name: c.kind for c in report.changes}
    assert kinds == {
        "2.json": "no loop -> loop 0.1",
        "3.json": "no loop -> loop",
        "4.json": "no loop -> loop",
        "5.json": "no loop -> loop",
    }
    statuses = [(m.status, m.holds_old, m.holds_new) for m in report.members]
    assert statuses == [("kept", 2, 2), ("added", None, 3), ("added", None, Fraction(6, 10))]
    drugs = report.members[1]
    assert [Path(d).name for d in drugs.documents] == ["3.json", "4.json", "5.json"]
    assert not report.equivalent


def test_removed_conditions_and_the_reverse_direction(corpus: Path) -> None:
    new = conditions(label_check("Explicit", ConfidenceGreaterThan=90))
    old = conditions(
        label_check("Drugs", ConfidenceGreaterThan=45),
        label_check("Explicit", ConfidenceGreaterThan=90),
    )
    report = diff(old, new, [corpus])
    assert [(m.status, m.old_index, m.new_index) for m in report.members] == [
        ("removed", 0, None),
        ("kept", 1, 0),
    ]
    assert {c.kind for c in report.changes} == {"loop -> no loop"}
    assert report.rate_increase == Fraction(-3, 6)


def test_equivalent_conditions_change_nothing(corpus: Path) -> None:
    a = conditions(label_check("Explicit", ConfidenceGreaterThan=90), sample(10))
    b = {"Conditions": [{"Or": [sample(10), label_check("Explicit", ConfidenceGreaterThan=90.0)]}]}
    report = diff(a, b, [corpus])
    assert report.equivalent and report.changed == 0
    assert report.before.expected == report.after.expected


def test_cli_text_json_markdown_and_the_gate(
    capsys: pytest.CaptureFixture[str], corpus: Path, files: tuple[str, str]
) -> None:
    old, new = files
    code, out, err = run(capsys, "diff", old, new, str(corpus))
    assert code == 0, err
    assert "expected human loops             2        5.10  +3.10" in out
    assert "  added           - -> 3" in out
    assert "documents whose verdict changes: 4" in out
    code, out, err = run(capsys, "diff", old, new, str(corpus), "--fail-if-rate-increase", "2%")
    assert code == 1
    assert "more than the 2 allowed by --fail-if-rate-increase" in err
    code, _, _ = run(capsys, "diff", old, new, str(corpus), "--fail-if-rate-increase", "52%")
    assert code == 0  # +51.67 points is within 52
    code, out, _ = run(
        capsys, "diff", old, new, str(corpus), "--json", "--fail-if-rate-increase", "2"
    )
    data = json.loads(out)
    assert code == 1 and data["failed"] is True and data["failIfRateIncrease"] == 0.02
    assert data["before"]["humanLoopsExpected"] == 2.0
    assert data["after"]["humanLoopsExpected"] == pytest.approx(5.1)
    assert data["changed"] == 4 and len(data["changes"]) == 4
    code, out, _ = run(capsys, "diff", old, new, str(corpus), "--format", "markdown")
    assert out.startswith(f"### a2icond diff: `{old}` → `{new}`")
    assert "| expected human loops | 2 | 5.10 | +3.10 |" in out
    assert "<details><summary>4 document(s) whose verdict changes</summary>" in out


def test_bad_documents_and_bad_specs(
    capsys: pytest.CaptureFixture[str], corpus: Path, files: tuple[str, str], tmp_path: Path
) -> None:
    (corpus / "zz.json").write_text("[1]", "utf-8")
    old, new = files
    code, out, err = run(capsys, "diff", old, new, str(corpus), "--json")
    assert code == 1
    assert json.loads(out)["errors"] == 1
    assert "zz.json: error: expected a JSON object" in err
    code, _, err = run(capsys, "diff", "git:nope", new, str(corpus))
    assert code == 1 and "expected git:REV:PATH" in err
    bad = tmp_path / "bad.cond"
    bad.write_text('label "X" confidence > 900\n', "utf-8")
    code, _, err = run(capsys, "diff", str(bad), new, str(corpus))
    assert code == 1 and "bad.cond:1" in err and "Traceback" not in err


def test_git_revision(
    capsys: pytest.CaptureFixture[str],
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "review.cond").write_text(OLD, "utf-8")
    subprocess.run([*git, "add", "review.cond"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "old"], cwd=repo, check=True)
    (repo / "review.cond").write_text(NEW, "utf-8")
    monkeypatch.chdir(repo)
    code, out, err = run(
        capsys, "diff", "git:HEAD:review.cond", "review.cond", str(corpus), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["old"] == "git:HEAD:review.cond"
    assert (data["before"]["humanLoopsExpected"], data["changed"]) == (2.0, 4)
    code, _, err = run(capsys, "diff", "git:HEAD:missing.cond", "review.cond", str(corpus))
    assert code == 1 and "git:HEAD:missing.cond:" in err and "Traceback" not in err


def test_prices_are_checked_as_simulate_checks_them(
    capsys: pytest.CaptureFixture[str], corpus: Path, files: tuple[str, str]
) -> None:
    old, new = files
    code = main(["diff", old, new, str(corpus), "--price", "0.05"])
    assert code == 2
    assert "not a price AWS allows for Rekognition" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["diff", old, new, str(corpus), "--task-count", "4"])
    assert info.value.code == 2
    code, out, _ = run(
        capsys,
        "diff",
        old,
        new,
        str(corpus),
        "--price",
        "0.036",
        "--object-price",
        "0.08",
        "--task-count",
        "2",
        "--json",
    )
    data = json.loads(out)
    assert data["before"]["estimatedCostUsd"] == pytest.approx(2 * (2 * 0.036 + 0.08))
