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
