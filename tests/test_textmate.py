"""The TextMate grammar (`editors/vscode/syntaxes/a2icond.tmLanguage.json`), checked with a real
TextMate engine: `vscode-tmgrammar-test` from the npm registry (vscode-textmate and oniguruma,
what VS Code itself runs), installed from `editors/vscode/package-lock.json`.

- `editors/vscode/tests/*.test.cond`: files with scope assertions in comments;
- `editors/vscode/tests/snap/*.cond`: snapshot files (`*.snap`, the scopes of every token);
  `payroll.cond` and `moderation.cond` are copies of the repository's examples, kept equal by a
  test here. Update snapshots after a deliberate grammar change with (in `editors/vscode`)
  `npx vscode-tmgrammar-snap -s source.a2icond -g syntaxes/a2icond.tmLanguage.json -u
  "tests/snap/*.cond"`.

Skipped only when node is not installed. Without `editors/vscode/node_modules` the tests run
`npm ci` there first (what `.ci/run` does).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from a2icond.parser import KEYWORDS

ROOT = Path(__file__).resolve().parent.parent
VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = VSCODE / "syntaxes" / "a2icond.tmLanguage.json"
BIN = VSCODE / "node_modules" / ".bin"

needs_node = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="node and npm are not installed: the TextMate engine (vscode-tmgrammar-test) needs them",
)


@pytest.fixture(scope="module")
def engine() -> Path:
    """The installed `node_modules/.bin` (installing it from the lock file when absent)."""
    if not (BIN / "vscode-tmgrammar-test").exists():
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=VSCODE,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"npm ci failed in {VSCODE}:\n{done.stdout}\n{done.stderr}"
    return BIN


def run(tool: Path, *args: str, cwd: Path = VSCODE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(tool), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@needs_node
def test_scope_assertions_hold(engine: Path) -> None:
    done = run(engine / "vscode-tmgrammar-test", "-g", str(GRAMMAR), "tests/*.test.cond")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "syntax.test.cond run successfuly" in done.stdout


@needs_node
def test_snapshots_match(engine: Path) -> None:
    done = run(
        engine / "vscode-tmgrammar-snap",
        "-s",
        "source.a2icond",
        "-g",
        str(GRAMMAR),
        "tests/snap/*.cond",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    snaps = sorted((VSCODE / "tests" / "snap").glob("*.cond"))
    assert len(snaps) >= 4
    assert all(p.with_name(p.name + ".snap").is_file() for p in snaps)


@needs_node
def test_the_engine_catches_a_wrong_scope(engine: Path, tmp_path: Path) -> None:
    """The check is not vacuous: a snapshot that disagrees with the grammar fails."""
    shutil.copy(VSCODE / "tests" / "snap" / "moderation.cond", tmp_path / "m.cond")
    snap = (VSCODE / "tests" / "snap" / "moderation.cond.snap").read_text("utf-8")
    assert "keyword.other.a2icond" in snap
    (tmp_path / "m.cond.snap").write_text(
        snap.replace("keyword.other.a2icond", "variable.other.key.a2icond", 1), "utf-8"
    )
    done = run(
        engine / "vscode-tmgrammar-snap",
        "-s",
        "source.a2icond",
        "-g",
        str(GRAMMAR),
        str(tmp_path / "m.cond"),
    )
    assert done.returncode != 0


def test_snapshot_inputs_are_the_examples() -> None:
    for name, example in [
        ("payroll.cond", "examples/textract/payroll.cond"),
        ("moderation.cond", "examples/rekognition/moderation.cond"),
    ]:
        assert (VSCODE / "tests" / "snap" / name).read_text("utf-8") == (ROOT / example).read_text(
            "utf-8"
        ), f"update editors/vscode/tests/snap/{name} (and its .snap) from {example}"


def test_grammar_keywords_are_the_languages() -> None:
    grammar = json.loads(GRAMMAR.read_text("utf-8"))
    assert grammar["scopeName"] == "source.a2icond"
    found: set[str] = set()
    for rule in grammar["repository"]["keywords"]["patterns"]:
        inner = re.search(r"\\b\((.*)\)\\b", rule["match"])
        assert inner is not None
        found |= set(inner.group(1).split("|"))
    assert found == set(KEYWORDS)


def test_extension_manifest_contributes_the_language_and_grammar() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text("utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "a2icond" and language["extensions"] == [".cond"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["scopeName"] == "source.a2icond"
    assert (VSCODE / grammar["path"]).resolve() == GRAMMAR
    config = json.loads((VSCODE / language["configuration"]).read_text("utf-8"))
    assert config["comments"]["lineComment"] == "#"
    assert ["(", ")"] in config["brackets"]
    assert (VSCODE / manifest["main"]).is_file()
    assert "vscode-languageclient" in manifest["dependencies"]
    lock = json.loads((VSCODE / "package-lock.json").read_text("utf-8"))
    assert "node_modules/vscode-tmgrammar-test" in lock["packages"]


@needs_node
def test_extension_client_is_valid_javascript() -> None:
    done = subprocess.run(
        ["node", "--check", str(VSCODE / "extension.js")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
@needs_node
def test_the_extension_packages_with_vsce(engine: Path, tmp_path: Path) -> None:
    """`vsce package` (from @vscode/vsce) builds the .vsix with the grammar, the language
    configuration, the client and its runtime dependency."""
    import zipfile

    out = tmp_path / "a2icond.vsix"
    done = run(engine / "vsce", "package", "--skip-license", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    names = set(zipfile.ZipFile(out).namelist())
    for needed in [
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/a2icond.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ]:
        assert needed in names
    assert not any(n.startswith("extension/tests/") for n in names)
    assert not any("vscode-tmgrammar-test" in n for n in names)  # dev dependencies stay out
