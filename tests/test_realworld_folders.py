"""`check` and `fmt` on folders; `check` on flow files (offline, the whole request)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from a2icond.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).parent / "data" / "realworld"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fmt_check_examples_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "fmt", "--check", str(EXAMPLES))
    assert code == 0, out + err
    assert err == ""


def test_check_examples_folder_checks_every_cond_and_flow_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "check", "-v", str(EXAMPLES))
    assert code == 0, out + err
    checked = sorted(line.split(": ok (")[0] for line in out.splitlines() if ": ok (" in line)
    expected = sorted(
        str(p) for p in EXAMPLES.rglob("*") if p.suffix == ".cond" or p.name.endswith(".flow.toml")
    )
    assert checked == expected
    assert f"{EXAMPLES / 'textract' / 'payroll.flow.toml'}: ok (flow definition)" in out


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project: conditions in every form, plus files that are not conditions."""
    root = tmp_path / "project"
    (root / "conditions" / "nested").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "infra").mkdir()
    (root / "conditions" / "good.cond").write_text('label "Explicit" confidence > 90\n')
    (root / "conditions" / "nested" / "broken.cond").write_text('label "X" confidence > 900\n')
    shutil.copy(DATA / "conditions" / "a2inb-textract-current.json", root / "conditions")
    shutil.copy(DATA / "conditions" / "smdg-rek-example2-orequal-2020.json", root / "conditions")
    (root / "package.json").write_text(json.dumps({"name": "x", "version": "1.0.0"}))
    (root / "conditions" / "index.json").write_text(json.dumps({"items": ["Conditions"]}))
    elb_rule = {"Conditions": [{"Field": "path-pattern", "Values": ["/img/*"]}], "Priority": 1}
    (root / "conditions" / "elb-rule.json").write_text(json.dumps(elb_rule))
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / ".hidden" / "bad.cond").write_text("nonsense\n")
    (root / "node_modules" / "x" / "bad.cond").write_text("nonsense\n")
    (root / "app.py").write_text("print('no conditions here')\n")
    (root / "review.py").write_text(
        "import json\nC = " + (DATA / "conditions" / "a2inb-rekognition.json").read_text() + "\n"
    )
    (root / "infra" / "main.tf").write_text(
        'resource "aws_sagemaker_flow_definition" "f" {\n'
        "  human_loop_activation_config {\n"
        "    human_loop_activation_conditions_config {\n"
        "      human_loop_activation_conditions = var.conditions\n"
        "    }\n  }\n}\n"
    )
    shutil.copy(EXAMPLES / "textract" / "payroll.cond", root / "conditions")
    flow = (EXAMPLES / "textract" / "payroll.flow.toml").read_text()
    (root / "conditions" / "payroll.flow.toml").write_text(flow)
    (root / "conditions" / "broken.flow.toml").write_text(flow.replace("count = 2", "count = 0"))
    return root


def test_check_folder_recursively(capsys: pytest.CaptureFixture[str], tree: Path) -> None:
    code, out, err = run(capsys, "check", "-v", str(tree))
    assert code == 1
    c = tree / "conditions"
    ok = sorted(line for line in out.splitlines() if ": ok (" in line)
    assert ok == sorted(
        [
            f"{c / 'a2inb-textract-current.json'}: ok (textract)",
            f"{c / 'good.cond'}: ok (rekognition)",
            f"{c / 'payroll.cond'}: ok (textract)",
            f"{c / 'payroll.flow.toml'}: ok (flow definition)",
        ]
    )
    assert f"{c / 'nested' / 'broken.cond'}:1:24: error[A2I029]: " in out
    unknown = "7:17: error[A2I052]: unknown parameter"
    assert f"{c / 'smdg-rek-example2-orequal-2020.json'}:{unknown}" in out
    assert (
        f"{c / 'broken.flow.toml'}:13:1: error[A2I060]: HumanLoopConfig.TaskCount: must be at "
        "least 1 (got 0)"
    ) in out
    assert f"{tree / 'review.py'}:" in out and "warning[A2I102]" in out
    assert f"{tree / 'infra' / 'main.tf'}:4:42: note[A2I130]: " in out
    skipped_files = ("package.json", "index.json", "elb-rule.json", "pyproject.toml")
    for skipped in (*skipped_files, ".hidden", "node_modules"):
        assert skipped not in out
    assert str(tree / "app.py") not in out
    assert err == ""


def test_check_empty_folder_warns_and_passes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert err == f"a2icond: warning: no files to check under {tmp_path}\n"


def test_fmt_folder_rewrites_cond_files_recursively(
    capsys: pytest.CaptureFixture[str], tree: Path
) -> None:
    messy = tree / "conditions" / "nested" / "messy.cond"
    messy.write_text('LABEL "Explicit"   confidence>90\n')
    code, _, err = run(capsys, "fmt", "--check", str(tree))
    assert code == 1
    assert f"would reformat: {messy}" in err
    hidden = (tree / ".hidden" / "bad.cond").read_text()
    code, _, err = run(capsys, "fmt", str(tree))
    assert code == 1  # broken.cond does not compile and is left alone
    assert messy.read_text() == 'label "Explicit" confidence > 90\n'
    assert (tree / "conditions" / "nested" / "broken.cond").read_text() == (
        'label "X" confidence > 900\n'
    )
    assert (tree / ".hidden" / "bad.cond").read_text() == hidden
    assert "json" not in err and "flow.toml" not in err


def test_check_flow_file_given_directly_reads_its_conditions_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flow = (EXAMPLES / "textract" / "payroll.flow.toml").read_text()
    (tmp_path / "payroll.cond").write_text('source textract\nkey "Total" confidence < 900\n')
    path = tmp_path / "payroll.flow.toml"
    path.write_text(flow)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{tmp_path / 'payroll.cond'}:2:" in out
    assert "confidence threshold must be from 0 to 100" in out
