"""`a2icond simulate`: JSON and human output, --flow, prices, bad inputs, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from a2icond.cli import main

from .response_builders import rekognition

REQUIRED = [
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


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_json(capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path) -> None:
    code, out, err = run(
        capsys,
        "simulate",
        str(cond),
        str(corpus),
        "--json",
        "--price",
        "0.036",
        "--task-count",
        "3",
    )
    assert code == 0, err
    report = json.loads(out)
    assert list(report) == REQUIRED
    assert report["documents"] == 10 and report["errors"] == 0
    assert report["humanLoopsExpected"] == 7.0  # 4 + 6 x 50%
    assert report["humanLoopsCertain"] == 4
    assert report["rate"] == 0.7
    assert report["conditions"] == [
        {
            "index": 0,
            "path": "Conditions[0]",
            "condition": 'label "Explicit" confidence > 90',
            "line": 1,
            "holds": 4.0,
            "onlyOne": 2.0,
        },
        {
            "index": 1,
            "path": "Conditions[1]",
            "condition": "sample 50%",
            "line": 1,
            "holds": 5.0,
            "onlyOne": 3.0,
        },
    ]
    assert report["estimatedCostUsd"] == pytest.approx(7 * 3 * 0.036)


def test_simulate_flow_file(
    capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path, tmp_path: Path
) -> None:
    flow = tmp_path / "review.flow.toml"
    flow.write_text(
        'name = "review"\nconditions = "review.cond"\n'
        'role_arn = "arn:aws:iam::111122223333:role/A2I"\n'
        "[task]\n"
        'workteam_arn = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"\n'
        'ui_arn = "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/ui"\n'
        'title = "t"\ndescription = "d"\ncount = 2\nprice_usd = "0.012"\n'
        '[output]\ns3 = "s3://bucket/out/"\n',
        "utf-8",
    )
    code, out, err = run(capsys, "simulate", str(cond), str(corpus), "--flow", str(flow), "--json")
    assert code == 0, err
    assert json.loads(out)["estimatedCostUsd"] == pytest.approx(7 * 2 * 0.012)
    # options win over the flow file
    code, out, _ = run(
        capsys,
        "simulate",
        str(cond),
        str(corpus),
        "--flow",
        str(flow),
        "--task-count",
        "1",
        "--json",
    )
    assert json.loads(out)["estimatedCostUsd"] == pytest.approx(7 * 0.012)


def test_simulate_bad_flow_file(
    capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path, tmp_path: Path
) -> None:
    flow = tmp_path / "bad.flow.toml"
    flow.write_text("[task\ncount = 2\n", "utf-8")
    code, _, err = run(capsys, "simulate", str(cond), str(corpus), "--flow", str(flow))
    assert code == 1
    assert "bad.flow.toml" in err and "Traceback" not in err


def test_simulate_human_output_and_bad_documents(
    capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path
) -> None:
    (corpus / "zz-broken.json").write_text("{", "utf-8")
    code, out, err = run(capsys, "simulate", str(cond), str(corpus), "--jobs", "2")
    assert code == 1  # problems found in the input, but the report is complete
    assert "documents             10  (1 could not be read, listed above)" in out
    assert "human loops expected  7  (rate 70.00%)" in out
    assert "human loops certain   4" in out
    assert "estimated cost        unknown" in out
    assert f"{corpus / 'zz-broken.json'}: error: not valid JSON (line 1, column 2)" in err


@pytest.mark.parametrize(
    "option", [["--price", "abc"], ["--price", "-1"], ["--task-count", "0"], ["--jobs", "x"]]
)
def test_simulate_usage_errors(
    capsys: pytest.CaptureFixture[str], cond: Path, corpus: Path, option: list[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["simulate", str(cond), str(corpus), *option])
    assert info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_a_line_that_is_not_utf8_inside_a_string_is_one_located_error(
    capsys: pytest.CaptureFixture[str], cond: Path, tmp_path: Path
) -> None:
    """msgspec reports such bytes as a UnicodeDecodeError, which the fast decoder let escape:
    the run ended in a usage error with no report (found by the fuzz campaign)."""
    good = json.dumps(rekognition([("Explicit", 95.0)])).encode()
    bad = good.replace(b"Explicit", b"Expl\xffcit")
    lines = tmp_path / "responses.jsonl"
    lines.write_bytes(b"\n".join([good, bad, good]) + b"\n")
    code, out, err = run(capsys, "simulate", str(cond), str(lines))
    assert code == 1  # the other lines are reported
    assert "documents             2  (1 could not be read, listed above)" in out
    assert f"{lines}:2: error: not UTF-8 text" in err
    assert "codec" not in err
