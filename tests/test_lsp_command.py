"""The `lsp` command itself: its place in the CLI, and pygls kept off other commands' paths."""

from __future__ import annotations

import subprocess
import sys


def test_lsp_is_a_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "a2icond", "lsp", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "language server" in done.stdout


def test_check_does_not_import_pygls() -> None:
    code = (
        "import sys\n"
        "from a2icond.cli import main\n"
        "main(['check', 'examples/textract/payroll.cond'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')"
        " or m.startswith('a2icond.lsp')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
