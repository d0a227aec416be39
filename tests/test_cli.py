"""The installed `a2icond` console script, run in a subprocess as users run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from a2icond import cli

EXE = shutil.which("a2icond")
PUBLISHED = Path(__file__).parent / "data" / "aws-published"
GOOD = 'label "Explicit" confidence > 90 or sample 5%\n'
BAD = 'label "Explicit" confidence > 900\nor label "X" word confidence < 5\n'

pytestmark = pytest.mark.skipif(EXE is None, reason="a2icond is not installed (pip install -e .)")


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert EXE is not None
    proc = subprocess.run(
        [EXE, *args], input=stdin, capture_output=True, cwd=cwd, timeout=60, check=False
    )
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.cond"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.cond"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_compile_prints_indented_json(good: Path) -> None:
    result = run("compile", str(good))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Conditions"][1] == {
        "ConditionType": "Sampling",
        "ConditionParameters": {"RandomSamplingPercentage": 5},
    }
    assert "\n  " in result.stdout


def test_compile_compact_is_the_exact_string(good: Path) -> None:
    result = run("compile", str(good), "--compact")
    assert result.returncode == 0
    assert result.stdout.endswith("\n") and " " not in result.stdout.replace('"Explicit"', "")
    assert json.loads(result.stdout) == json.loads(run("compile", str(good)).stdout)


def test_compile_output_file_is_written_atomically(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    result = run("compile", str(good), "--compact", "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert not out.read_text().endswith("\n")
    assert json.loads(out.read_text())["Conditions"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []


def test_compile_failure_keeps_the_output_file(bad: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    result = run("compile", str(bad), "-o", str(out))
    assert result.returncode == 1
    assert out.read_text() == "previous"


def test_compile_reads_stdin() -> None:
    result = run("compile", "-", "--compact", stdin=GOOD.encode())
    assert result.returncode == 0
    assert (
        json.loads(result.stdout)["Conditions"][0]["ConditionParameters"]["ModerationLabelName"]
        == "Explicit"
    )


def test_compile_errors_are_located_with_a_caret(bad: Path) -> None:
    result = run("compile", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == f"{bad}:1:31: error[A2I029]: a confidence threshold must be from 0 to 100 (got 900)"
    )
    assert lines[1].endswith('label "Explicit" confidence > 900')
    assert lines[2].endswith(" " * 30 + "^^^")
    assert (
        f"{bad}:2:14: error[A2I028]: `word confidence` applies to form keys, not labels"
        in result.stderr
    )
    no_traceback(result)


def test_compile_source_option() -> None:
    assert run("compile", "-", stdin=b"sample 5%").returncode == 1
    result = run("compile", "-", "--source", "textract", stdin=b"sample 5%")
    assert result.returncode == 0
    conflict = run("compile", "-", "--source", "rekognition", stdin=b"source textract\nsample 5%")
    assert conflict.returncode == 1
    assert conflict.stderr.startswith("<stdin>:1:1: error[A2I020]:")


def test_check_is_silent_on_success_and_verbose_on_request(good: Path) -> None:
    result = run("check", str(good))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    verbose = run("check", "-v", str(good))
    assert verbose.returncode == 0 and f"{good}: ok (rekognition)" in verbose.stdout


def test_check_reports_every_file(good: Path, bad: Path) -> None:
    published = sorted(str(p) for p in PUBLISHED.glob("*.json"))
    result = run("check", str(good), str(bad), *published)
    assert result.returncode == 1
    assert f"{bad}:1:31: error[A2I029]:" in result.stdout
    assert (
        "textract-example-6.as-published.invalid.json:36:25: error[A2I012]: not valid JSON"
        in result.stdout
    )
    assert (
        "textract-example-7.as-published.invalid.json:24:9: error[A2I012]: not valid JSON"
        in result.stdout
    )
    assert "bare condition" in result.stdout
    assert str(good) not in result.stdout
    no_traceback(result)


def test_check_json_schema_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        '{"Conditions": [\n  {"ConditionType": "Sampling",\n'
        '   "ConditionParameters": {"RandomSamplingPercentage": 0}}]}\n'
    )
    result = run("check", str(path), "--source", "rekognition")
    assert result.returncode == 1
    assert (
        f"{path}:3:56: error[A2I051]: Conditions[0].ConditionParameters.RandomSamplingPercentage:"
        in (result.stdout)
    )


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff\xfe binary",
        b'label "caf\xe9" confidence > 5',
        b"(" * 100_000,
        b"label " * 2_000_000,
        b"\xef\xbb\xbf" + GOOD.encode(),
    ],
    ids=["binary", "latin-1", "deep-parens", "10MB", "bom"],
)
def test_no_input_produces_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.cond"
    path.write_bytes(content)
    result = run("check", str(path))
    no_traceback(result)
    if content.startswith(b"\xef\xbb\xbf"):
        assert result.returncode == 0
    else:
        assert result.returncode == 1
        assert result.stdout.startswith(f"{path}:")


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "x.cond"
    path.write_bytes(b'label "ok" confidence > 5\nor label "caf\xe9" confidence > 5\n')
    result = run("check", str(path))
    assert f"{path}:2:14: error[A2I010]: file is not valid UTF-8 text (byte 0xe9)" in result.stdout


def test_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nope.cond"))
    assert result.returncode == 1 and "cannot read file" in result.stdout
    no_traceback(result)


def test_usage_errors_exit_2() -> None:
    assert run().returncode == 2
    assert run("compile").returncode == 2
    assert run("compile", "x.cond", "--source", "azure").returncode == 2
    assert run("schema").returncode == 2


def test_schema_prints_the_packaged_schema() -> None:
    for source in ("rekognition", "textract"):
        result = run("schema", "--source", source)
        assert result.returncode == 0
        schema = json.loads(result.stdout)
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert source in schema["title"].lower()


def test_version_and_help() -> None:
    from a2icond import __version__

    assert run("--version").stdout.strip() == f"a2icond {__version__}"
    help_text = run("--help").stdout
    assert "examples:" in help_text and "a2icond compile" in help_text


def test_python_dash_m_works(good: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "a2icond", "check", "-v", str(good)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert result.returncode == 0 and "ok" in result.stdout


def test_internal_errors_exit_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    import a2icond.commands.check as check

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "check_one", explode)
    assert cli.main(["check", str(good)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: boom" in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "check", str(good)])
