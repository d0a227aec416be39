"""The built wheel carries what an installed a2icond needs: grammar, schemas, data, py.typed,
and the page of every diagnostic code (`a2icond explain`)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contents(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("a2icond-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "a2icond/grammar/conditions.lark",
        "a2icond/schemas/rekognition.schema.json",
        "a2icond/schemas/textract.schema.json",
        "a2icond/py.typed",
        "a2icond/parser.py",
        "a2icond/_parser_tables.py",
    ):
        assert required in names
    pages = {p.name for p in (ROOT / "docs" / "codes").glob("*.md")}
    assert pages and {f"a2icond/docs/codes/{p}" for p in pages} <= names
    assert {n for n in names if n.startswith("a2icond/docs/codes/")} == {
        f"a2icond/docs/codes/{p}" for p in pages
    }
    licenses = [n for n in names if n.endswith("/licenses/LICENSE")]
    assert len(licenses) == 1
    assert zipfile.ZipFile(wheel).read(licenses[0]) == (ROOT / "LICENSE").read_bytes()
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: Apache-2.0" in zipfile.ZipFile(wheel).read(metadata).decode()
    packaged = zipfile.ZipFile(wheel).read("a2icond/grammar/conditions.lark").decode()
    assert packaged == (ROOT / "grammar" / "conditions.lark").read_text(encoding="utf-8")


def _imported_distributions(folder: Path) -> set[str]:
    """The distributions whose modules the code under `folder` imports (stdlib and a2icond
    left out), through the installed packages' own module-to-distribution map."""
    import ast
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "a2icond":
                    continue
                found.update(d.lower() for d in owners.get(top, [top]))
    return found


def _requirement_names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_every_imported_package_is_declared() -> None:
    """An import only the test extra provides would be an internal error for a user (as
    `jsonschema` once was on the path that explains an invalid JSON document)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = _requirement_names(project["dependencies"])
    extras = {k: _requirement_names(v) for k, v in project["optional-dependencies"].items()}
    package = ROOT / "a2icond"
    lsp = _imported_distributions(package / "lsp")
    assert lsp - runtime <= extras["lsp"], lsp - runtime
    dask = {d for d in _imported_distributions(package) if d in {"dask", "distributed"}}
    assert dask <= extras["dask"] | {"distributed"}, dask
    everything = _imported_distributions(package) - lsp - dask
    assert everything <= runtime, everything - runtime
