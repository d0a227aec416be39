"""Lint warnings: conditions that compile but are probably wrong.

The rules are built in the authoring-tools issue; until then no warning is produced.
"""

from __future__ import annotations

from . import ast
from .checker import Analysis
from .diagnostics import Diagnostic


def lint(
    program: ast.Program, analysis: Analysis, *, filename: str = "<string>"
) -> list[Diagnostic]:
    """Warnings for a program that compiled without errors."""
    return []
