"""The README says what the tool does: its diagnostic example is what `check` prints for the
real example file, its command table lists every option, its pre-commit snippet uses real hook
ids, and the LICENSE is the one pyproject.toml declares."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from a2icond import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def block_after(marker: str, fence: str = "") -> str:
    start = README.index(marker)
    opening = README.index(f"```{fence}\n", start) + len(f"```{fence}\n")
    return README[opening : README.index("```", opening)]


def test_diagnostic_example_is_what_check_prints(tmp_path: Path) -> None:
    block = block_after("With `employee` misspelt on line 8")
    command, *expected = block.rstrip("\n").split("\n")
    assert command == "$ a2icond check payroll.cond"
    lines = (ROOT / "examples" / "textract" / "payroll.cond").read_text("utf-8").split("\n")
    assert lines[7] == "   employee confidence < 60"
    lines[7] = "   emplyee confidence < 60"
    (tmp_path / "payroll.cond").write_text("\n".join(lines), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "a2icond", "check", "payroll.cond"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.rstrip("\n").split("\n") == expected


def _options(name: str) -> set[str]:
    """The long options `a2icond NAME -h` documents."""
    result = subprocess.run(
        [sys.executable, "-m", "a2icond", name, "-h"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", result.stdout)) - {"--help"}


def test_the_command_table_lists_every_option() -> None:
    section = README[README.index("## Command line") :]
    section = section[: section.index("\n#")]
    rows = {
        m.group(1): m.group(0) for m in re.finditer(r"^\| `a2icond ([a-z-]+)[^\n]*$", section, re.M)
    }
    missing = []
    for name in cli.COMMANDS:
        assert name in rows, f"no row for {name}"
        missing += [f"{name} {o}" for o in sorted(_options(name)) if o not in rows[name]]
    assert not missing, missing


def test_pre_commit_snippet_uses_real_hooks_and_strict() -> None:
    config = yaml.safe_load(block_after("In your `.pre-commit-config.yaml`", "yaml"))
    (repo,) = config["repos"]
    hooks = {h["id"]: h for h in repo["hooks"]}
    declared = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) <= declared
    assert hooks["a2icond-check"]["args"] == ["--strict"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"])
    assert "tag" in README[README.index("`rev` must name") :][:400]


def test_license_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_bytes()
    # the standard text of https://www.apache.org/licenses/LICENSE-2.0.txt, byte for byte
    assert hashlib.md5(text).hexdigest() == "3b83ef96387f14655fc854ddc3c6bd57"
    assert b"Apache License\n                           Version 2.0, January 2004" in text
