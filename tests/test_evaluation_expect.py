"""`eval --expect activated|not-activated`: golden documents as tests, and the `--json` fields
that say how sure each verdict is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from a2icond.cli import main

from .response_builders import rekognition


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    folder = tmp_path / "golden"
    folder.mkdir()
    (folder / "a-explicit.json").write_text(json.dumps(rekognition([("Explicit", 95.0)])))
    (folder / "b-drugs.json").write_text(json.dumps(rekognition([("Drugs", 40.0)])))
    (folder / "c-explicit.json").write_text(json.dumps(rekognition([("Explicit", 99.0)])))
    return folder


def cond(tmp_path: Path, text: str) -> str:
    path = tmp_path / "review.cond"
    path.write_text(text + "\n", "utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_expect_activated_lists_each_response_that_does_not(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, golden: Path
) -> None:
    c = cond(tmp_path, 'label "Explicit" confidence > 90')
    code, _, err = run(capsys, "eval", c, str(golden), "--expect", "activated")
    assert code == 1
    assert f"{golden / 'b-drugs.json'}: error: expected activated, but no human loop" in err
    assert "a-explicit" not in err.split("a2icond:")[0]
    assert "a2icond: 1 response(s) did not meet --expect activated" in err
    code, _, err = run(capsys, "eval", c, str(golden), "--expect", "not-activated")
    assert code == 1
    assert err.count("expected not-activated, but starts a human loop") == 2
    code, _, err = run(
        capsys,
        "eval",
        c,
        str(golden / "a-explicit.json"),
        str(golden / "c-explicit.json"),
        "--expect",
        "activated",
    )
    assert (code, err) == (0, "")


def test_expect_with_json_marks_each_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, golden: Path
) -> None:
    c = cond(tmp_path, 'label "Explicit" confidence > 90')
    code, out, _ = run(capsys, "eval", c, str(golden), "--expect", "activated", "--json")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["Expected"], line["MeetsExpectation"]) for line in lines] == [
        ("activated", True),
        ("activated", False),
        ("activated", True),
    ]
    assert all(line["RecordDifferences"] is None for line in lines)  # not records


def test_json_says_when_a_verdict_depends_on_a_draw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, golden: Path
) -> None:
    c = cond(tmp_path, 'label "Explicit" confidence > 90 or sample 50%')
    code, out, err = run(capsys, "eval", c, str(golden), "--json", "--expect", "activated")
    lines = {Path(line["Response"]).name: line for line in map(json.loads, out.splitlines())}
    explicit, drugs = lines["a-explicit.json"], lines["b-drugs.json"]
    assert explicit["DependsOnSampling"] is False  # the label starts it whatever the draw
    assert drugs["DependsOnSampling"] is True
    assert drugs["SampledNodes"] == ["1"]
    [draw] = drugs["Draws"]
    assert draw["node"] == "1" and draw["percentage"] == 50.0
    assert draw["holds"] == (draw["value"] * 100 < 50)
    assert drugs["HumanLoopActivated"] == draw["holds"]
    if not draw["holds"]:
        assert code == 1
        assert "(the verdict depends on a Sampling draw)" in err
    else:
        assert code == 0


def test_expect_with_unreadable_responses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, golden: Path
) -> None:
    (golden / "z-broken.json").write_text("{", "utf-8")
    c = cond(tmp_path, 'label "Explicit" confidence > 0')
    code, _, err = run(capsys, "eval", c, str(golden), "--expect", "activated")
    assert code == 1
    assert "z-broken.json: error: not valid JSON" in err
    assert "did not meet" in err  # b-drugs has no Explicit label at all


def test_expect_rejects_other_values(capsys: pytest.CaptureFixture[str], golden: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["eval", "x.cond", str(golden), "--expect", "maybe"])
    assert info.value.code == 2
