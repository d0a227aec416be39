"""The built wheel carries what an installed a2icond needs: grammar, schemas, data, py.typed."""

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
    packaged = zipfile.ZipFile(wheel).read("a2icond/grammar/conditions.lark").decode()
    assert packaged == (ROOT / "grammar" / "conditions.lark").read_text(encoding="utf-8")
