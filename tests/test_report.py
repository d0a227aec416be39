"""`check --output-format`: text with a summary line and colour rules, JSON, JSON Lines, GitHub
workflow commands, and SARIF 2.1.0 validated against the official schema (tests/data/sarif)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from a2icond.diagnostics import Diagnostic
from a2icond.report import FileResult, as_dict, render_github, render_text, sarif, summary

SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8")
)
BAD = 'label "Explicit" confidence > 900\nor label "Violence" word confidence < 5\n'
WARN = 'label "Sugestive" confidence > 50\n'
GOOD = 'label "Explicit" confidence > 90\n'
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "a2icond", "check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=60,
        check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "bad.cond").write_text(BAD, encoding="utf-8")
    (tmp_path / "warn.cond").write_text(WARN, encoding="utf-8")
    (tmp_path / "good.cond").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"Conditions": [', encoding="utf-8")
    return tmp_path


ALL = ("bad.cond", "warn.cond", "good.cond", "broken.json")


def test_text_ends_with_the_summary_line(files: Path) -> None:
    result = check(*ALL, cwd=files)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "Found 3 errors and 1 warning in 3 files"
    assert lines[0].startswith("bad.cond:1:31: error[A2I029]: ")
    assert "warn.cond:1:7: warning[A2I101]: " in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal, no FORCE_COLOR


def test_success_stays_silent(files: Path) -> None:
    result = check("good.cond", cwd=files)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("errors", "warnings", "files_", "expected"),
    [
        (1, 0, 1, "Found 1 error in 1 file"),
        (0, 2, 1, "Found 2 warnings in 1 file"),
        (2, 1, 2, "Found 2 errors and 1 warning in 2 files"),
        (0, 0, 0, ""),
    ],
)
def test_summary_wording(errors: int, warnings: int, files_: int, expected: str) -> None:
    results = []
    for i in range(files_):
        ds = [Diagnostic("e", code="A2I001") for _ in range(errors if i == 0 else 0)]
        ds += [
            Diagnostic("w", severity="warning", code="A2I101")
            for _ in range(warnings if i == files_ - 1 else 0)
        ]
        results.append(FileResult(f"f{i}.cond", tuple(ds)))
    results.append(FileResult("clean.cond", ()))
    assert summary(results) == expected


def test_force_color_colours_and_no_color_wins(files: Path) -> None:
    plain = check("bad.cond", "warn.cond", cwd=files)
    forced = check("bad.cond", "warn.cond", cwd=files, env={"FORCE_COLOR": "1"})
    assert "\x1b[1m\x1b[31merror[A2I029]\x1b[0m" in forced.stdout
    assert "\x1b[1m\x1b[33mwarning[A2I101]\x1b[0m" in forced.stdout
    assert ANSI.sub("", forced.stdout) == plain.stdout  # colour adds escapes, nothing else
    both = check("bad.cond", cwd=files, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout
    empty = check("bad.cond", cwd=files, env={"FORCE_COLOR": ""})
    assert "\x1b[" not in empty.stdout


def test_json_is_one_array_with_locations(files: Path) -> None:
    result = check(*ALL, "--output-format", "json", cwd=files)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert [(r["file"], r["code"], r["severity"]) for r in records] == [
        ("bad.cond", "A2I029", "error"),
        ("bad.cond", "A2I028", "error"),
        ("warn.cond", "A2I101", "warning"),
        ("broken.json", "A2I012", "error"),
    ]
    first = records[0]
    assert first["start"] == {"line": 1, "column": 31}
    assert first["end"] == {"line": 1, "column": 34}
    assert first["name"] == "out-of-range"
    assert first["message"] == "a confidence threshold must be from 0 to 100 (got 900)"
    assert records[2]["help"].startswith("did you mean")
    assert records[0]["help"] is None
    assert result.stderr.strip() == "Found 3 errors and 1 warning in 3 files"


def test_json_lines_is_one_object_a_line(files: Path) -> None:
    result = check(*ALL, "--output-format", "json-lines", cwd=files)
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert [json.loads(line)["code"] for line in lines] == ["A2I029", "A2I028", "A2I101", "A2I012"]


def test_json_on_success_is_an_empty_array(files: Path) -> None:
    result = check("good.cond", "--output-format", "json", cwd=files)
    assert (result.returncode, json.loads(result.stdout), result.stderr) == (0, [], "")


def test_github_workflow_commands(files: Path) -> None:
    result = check("bad.cond", "warn.cond", "--output-format", "github", cwd=files)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=bad.cond,line=1,col=31,endLine=1,endColumn=34,title=A2I029::"
        "a confidence threshold must be from 0 to 100 (got 900)"
    )
    assert lines[2].startswith("::warning file=warn.cond,line=1,col=7,")
    assert ",title=A2I101::" in lines[2]


def test_github_escapes_what_would_break_a_command() -> None:
    d = Diagnostic("50% of\nit", 1, 1, 1, 2, code="A2I001", filename="a,b:c.cond", hint="x")
    (line,) = render_github([FileResult("a,b:c.cond", (d,))]).splitlines()
    assert line.startswith("::error file=a%2Cb%3Ac.cond,line=1,")
    assert line.endswith("::50%25 of%0Ait (help: x)")


def _validate(log: object) -> None:
    validator = jsonschema.Draft7Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0]


def test_sarif_is_valid_sarif_2_1_0(files: Path) -> None:
    result = check(*ALL, "--output-format", "sarif", cwd=files)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    _validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["A2I012", "A2I028", "A2I029", "A2I101"]
    levels = [(r["ruleId"], r["level"]) for r in run["results"]]
    assert ("A2I101", "warning") in levels and ("A2I029", "error") in levels
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 31, "endLine": 1, "endColumn": 34}
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "bad.cond"


def test_sarif_of_a_clean_run_is_valid_and_empty(files: Path) -> None:
    result = check("good.cond", "--output-format", "sarif", cwd=files)
    log = json.loads(result.stdout)
    _validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_paths_absolute_and_unusual() -> None:
    ds = (Diagnostic("m", 2, 1, 2, 1, code="A2I024", filename="dir/a b#é.cond"),)
    absolute = (Diagnostic("m", 1, 1, 1, 2, code="A2I024", filename="/tmp/x y.cond"),)
    log = sarif([FileResult("dir/a b#é.cond", ds), FileResult("/tmp/x y.cond", absolute)])
    _validate(log)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    ]
    assert uris == ["dir/a%20b%23%C3%A9.cond", "file:///tmp/x%20y.cond"]


def test_the_schema_rejects_what_is_not_sarif() -> None:
    """The schema check in these tests can fail."""
    log = sarif([FileResult("a.cond", (Diagnostic("m", code="A2I001", filename="a.cond"),))])
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        _validate(log)


def test_strict_fails_on_warnings_in_every_format(files: Path) -> None:
    for fmt in ("text", "json", "github", "sarif"):
        assert check("warn.cond", "--output-format", fmt, cwd=files).returncode == 0
        assert check("warn.cond", "--strict", "--output-format", fmt, cwd=files).returncode == 1


def test_unknown_format_is_a_usage_error(files: Path) -> None:
    result = check("good.cond", "--output-format", "xml", cwd=files)
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_flow_problems_in_every_format() -> None:
    """Problems of a flow file (some about the whole file, some in its conditions file) go
    through the same report: what `check` prints for flow files."""
    from a2icond.aws.flow import FlowDefinition, FlowError, problem_diagnostics

    text = 'name = "x"\nconditions = "c.cond"\n\n[task]\ncount = 0\n'
    cond = 'label "Sugestive" confidence > 50\n'
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        flow_path = Path(tmp) / "f.flow.toml"
        flow_path.write_text(text, encoding="utf-8")
        (Path(tmp) / "c.cond").write_text(cond, encoding="utf-8")
        with pytest.raises(FlowError) as caught:
            FlowDefinition.from_toml(flow_path).to_request()
    ds = problem_diagnostics(caught.value.problems)
    result = FileResult(
        str(flow_path), tuple(ds), text, "flow", ((str(Path(tmp) / "c.cond"), cond),)
    )
    whole = [d for d in ds if not d.located]
    assert whole and all(d.code == "A2I060" for d in whole)
    text_out = render_text([result])
    assert f"{flow_path}: error[A2I060]: RoleArn: is required" in text_out
    assert 'warning[A2I101]: Rekognition returns no moderation label named "Sugestive"' in text_out
    assert ' 1 | label "Sugestive" confidence > 50' in text_out  # the other file's source line
    records = [as_dict(d) for d in ds]
    assert any(r["start"] is None and r["end"] is None for r in records)
    github = render_github([result])
    assert f"::error file={_escape(str(flow_path))},title=A2I060::RoleArn: is required" in github
    log = sarif([result])
    _validate(log)
    located = ["region" in r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"]]
    assert any(located), "the warning in the conditions file has a region"
    assert not all(located), "the whole-file flow error has none"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")


def test_file_results_survive_a_json_round_trip(files: Path) -> None:
    """What a result cache needs: the structured result, not the rendered text, so that every
    output format can be produced from a cached result."""
    from a2icond.commands.check import check_one

    for name in ALL:
        result = check_one(str(files / name), None)
        again = FileResult.from_json(json.loads(json.dumps(result.to_json())))
        assert again == result
        assert render_text([again]) == render_text([result])


def test_text_is_split_into_lines_once_per_file() -> None:
    """Rendering N diagnostics of one file splits its text once, not N times (quadratic: 26,000
    warnings in a 1 MiB file took half a minute)."""
    splits = []

    class Counted(str):
        def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
            splits.append(1)
            return super().split(*args, **kwargs)

    text = Counted("".join(f'label "x{i}" confidence > 5\n' for i in range(300)))
    found = tuple(
        Diagnostic("unknown label", i + 1, 7, i + 1, 11, severity="warning", filename="f.cond")
        for i in range(300)
    )
    rendered = render_text([FileResult("f.cond", found, text)])
    assert len(splits) == 1
    assert rendered.count("unknown label") == 300
    assert 'label "x299" confidence > 5' in rendered
