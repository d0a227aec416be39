"""Activation conditions where they live in code: Python and Terraform files.

Most real conditions are not in `.json` files: they are Python dicts passed through
`json.dumps` to `create_flow_definition` (notebooks, Lambdas), JSON strings, or Terraform
`human_loop_activation_conditions` values (`jsonencode(...)`, heredocs). The readers here find
them statically (nothing is run or imported), turn each into a JSON value with a locator that
maps its paths back to the line and column in the file, and say once, as a note, what cannot be
read without running the code. `a2icond.jsonconditions.validate_document` then checks each one
like a `.json` file. ("Sources" as in source files, not A2I's Rekognition/Textract source.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..diagnostics import Diagnostic
from ..jsonconditions import Where

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Conditions, Source

#: File suffixes read for conditions in code, and the reader of each.
CODE_SUFFIXES = (".py", ".ipynb", ".tf")


class Found(NamedTuple):
    """One activation-conditions value found in a code file."""

    document: Any
    where: Where
    line: int
    column: int
    name: str  # what it is called in the code (a variable, a resource), or ""
    #: the source the code's `HumanLoopRequestSource` names next to the conditions, if any
    request_source: Source | None = None


def source_of_request(value: Any) -> Source | None:
    """`AWS/Textract/AnalyzeDocument/Forms/V1` -> textract; Rekognition likewise."""
    if isinstance(value, str):
        if value.startswith("AWS/Textract/"):
            return "textract"
        if value.startswith("AWS/Rekognition/"):
            return "rekognition"
    return None


class Scan(NamedTuple):
    """What a code file holds: the conditions found, and the problems and notes on the way."""

    found: list[Found]
    diagnostics: list[Diagnostic]


def is_code_file(path: str) -> bool:
    return Path(path).suffix.lower() in CODE_SUFFIXES


def scan(text: str, filename: str) -> Scan:
    """The activation conditions in a `.py`, `.ipynb` or `.tf` file's text."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".tf":
        from .terraform import scan_terraform

        return scan_terraform(text, filename)
    if suffix == ".ipynb":
        from .notebook import scan_notebook

        return scan_notebook(text, filename)
    from .python import scan_python

    return scan_python(text, filename)


class Read(NamedTuple):
    """One value found in code, validated: its conditions (None when it has errors) and every
    diagnostic about it (errors, warnings with lint's, notes)."""

    found: Found
    conditions: Conditions | None
    diagnostics: list[Diagnostic]


def read_code(
    text: str,
    filename: str,
    *,
    source: Source | None = None,
    require_source: bool = False,
) -> tuple[list[Read], list[Diagnostic]]:
    """Every activation-conditions value in a code file, each validated like a `.json` file
    (and linted), plus the diagnostics about the file itself (syntax errors, notes)."""
    from ..diagnostics import CompileError
    from ..jsonconditions import validate_document
    from ..lint import lint_json
    from ..model import Conditions

    found_all = scan(text, filename)
    reads: list[Read] = []
    for found in found_all.found:
        try:
            checked = validate_document(
                found.document,
                found.where,
                text=text,
                source=source or found.request_source,
                filename=filename,
                require_source=require_source,
            )
        except CompileError as exc:
            reads.append(Read(found, None, list(exc.diagnostics)))
            continue
        warnings = [*checked.warnings, *lint_json(checked.document, checked.where, filename)]
        conditions = Conditions(
            checked.conditions.source,
            checked.conditions.members,
            tuple(warnings),
            source_known=checked.conditions.source_known,
        )
        reads.append(Read(found, conditions, warnings))
    return reads, found_all.diagnostics
