"""Command-line conventions: `--debug` anywhere, an unknown option shows the subcommand's usage,
`--version`, and `build`/`submit` render warnings as `check` does, with `--strict`; flow-file
errors come in line order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from a2icond import __version__, cli

DATA = Path(__file__).parent / "data" / "flow"
WARN = 'label "Sugestive" confidence > 50\n'


def run(*argv: str, capsys: Any) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's exits (usage errors, --version)
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: Any) -> None:
    assert run("--version", capsys=capsys) == (0, f"a2icond {__version__}\n", "")


def test_unknown_option_prints_the_subcommands_usage(capsys: Any, tmp_path: Path) -> None:
    code, out, err = run("fmt", "--frob", str(tmp_path / "x.cond"), capsys=capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: a2icond fmt ")
    assert err.rstrip().endswith("a2icond fmt: error: unrecognized arguments: --frob")


@pytest.mark.parametrize("where", ["first", "last", "middle"])
def test_debug_anywhere_on_the_line(
    where: str, monkeypatch: pytest.MonkeyPatch, capsys: Any, tmp_path: Path
) -> None:
    import a2icond.commands.check as check

    path = tmp_path / "x.cond"
    path.write_text('label "Explicit" confidence > 90\n', encoding="utf-8")

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "check_one", explode)
    argv = {
        "first": ["--debug", "check", str(path)],
        "middle": ["check", "--debug", str(path)],
        "last": ["check", str(path), "--debug"],
    }[where]
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(argv)
    assert cli.main(["check", str(path)]) == 3  # without it: one line, exit 3
    assert "internal error" in capsys.readouterr().err


def test_debug_after_a_double_dash_is_a_file_name(capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run("check", "--", "--debug", capsys=capsys)
    assert code == 1
    assert "--debug:1:1: error[A2I010]: cannot read file" in out


@pytest.fixture
def warned_flow(tmp_path: Path) -> Path:
    (tmp_path / "review.cond").write_text(WARN, encoding="utf-8")
    text = (DATA / "minimal-custom.flow.toml").read_text(encoding="utf-8")
    assert "conditions" not in text
    flow = tmp_path / "review.flow.toml"
    flow.write_text('conditions = "review.cond"\n' + text, encoding="utf-8")
    return flow


def test_build_renders_warnings_as_check_does(capsys: Any, warned_flow: Path) -> None:
    cond = warned_flow.parent / "review.cond"
    code, out, err = run("build", str(warned_flow), capsys=capsys)
    assert code == 0 and out.startswith("{")
    _, checked, _ = run("check", str(cond), capsys=capsys)
    rendered = checked.rsplit("\n", 2)[0]  # without the summary line
    assert rendered.startswith(f"{cond}:1:7: warning[A2I101]: ")
    assert rendered in err  # the same headline, source line, caret and help
    code, out, _ = run("build", str(warned_flow), "--strict", capsys=capsys)
    assert (code, out) == (1, "")


def test_submit_dry_run_strict_fails_on_warnings(capsys: Any, warned_flow: Path) -> None:
    code, out, err = run("submit", str(warned_flow), "--dry-run", capsys=capsys)
    assert code == 0 and out.startswith("{") and "warning[A2I101]" in err
    code, out, err = run("submit", str(warned_flow), "--dry-run", "--strict", capsys=capsys)
    assert (code, out) == (1, "") and "warning[A2I101]" in err


def test_flow_file_errors_come_in_line_order(capsys: Any, tmp_path: Path) -> None:
    text = (DATA / "minimal-custom.flow.toml").read_text(encoding="utf-8")
    flow = tmp_path / "bad.flow.toml"
    # an unknown key at the end of the file, a bad name on the first line
    bad = text.replace('name = "', 'name = "Not Valid ', 1) + "\nbogus = 1\n"
    flow.write_text(bad, encoding="utf-8")
    code, _, err = run("build", str(flow), capsys=capsys)
    assert code == 1
    lines = [int(line.split(":")[1]) for line in err.splitlines() if line.startswith(str(flow))]
    assert len(lines) >= 2 and lines == sorted(lines)
    assert err.count("bogus") == 2  # once in the headline, once in the source line


def test_one_error_per_mistake_for_a_misplaced_or_misspelt_key(capsys: Any, tmp_path: Path) -> None:
    text = (DATA / "minimal-custom.flow.toml").read_text(encoding="utf-8")
    workteam = next(line for line in text.splitlines() if line.startswith("workteam_arn"))
    moved = text.replace(workteam + "\n", "").replace("[task]", workteam + "\n\n[task]")
    misspelt = text.replace("title =", "titel =")
    for name, body, expected in (
        ("moved", moved, "workteam_arn: unknown key; it belongs under [task]"),
        ("misspelt", misspelt, 'task.titel: unknown key; did you mean "title"?'),
    ):
        flow = tmp_path / f"{name}.flow.toml"
        flow.write_text(body, encoding="utf-8")
        code, _, err = run("build", str(flow), capsys=capsys)
        assert code == 1
        assert expected in err
        assert "is required" not in err  # the same mistake is not reported twice
        assert err.rstrip().endswith("a2icond: 1 error")


def test_a_misspelt_duplicate_does_not_hide_the_real_fields_problems(
    capsys: Any, tmp_path: Path
) -> None:
    text = (DATA / "minimal-custom.flow.toml").read_text(encoding="utf-8")
    flow = tmp_path / "f.flow.toml"
    flow.write_text(text.replace("count = 1", "count = 0\ncuont = 1"), encoding="utf-8")
    code, _, err = run("build", str(flow), capsys=capsys)
    assert code == 1
    assert 'task.cuont: unknown key; did you mean "count"?' in err
    assert "HumanLoopConfig.TaskCount: must be at least 1 (got 0)" in err
