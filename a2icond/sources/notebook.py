"""Activation conditions in Jupyter notebooks (`.ipynb`): every code cell read as Python.

AWS's A2I sample notebooks write the conditions as a dict literal in a code cell. A notebook is
JSON whose cells keep their source as JSON strings; each code cell's text is rebuilt with the
file offset of every character, read by the Python reader, and every span it reports is mapped
back, so diagnostics point at the line and column in the `.ipynb` file itself. IPython lines
(`%magic`, `!shell`) are read as comments; cells that are wholly magic (`%%bash`) are skipped.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ..diagnostics import Diagnostic, Span
from ..jsonpos import json_string_offsets, locate_offsets, span_of
from . import Found, Scan
from .python import scan_python


class _Cell:
    """One code cell's text and, for each character, its offset in the notebook file."""

    def __init__(self, text: str, offsets: list[int], host: str) -> None:
        self.text = text
        self.offsets = offsets
        self.host = host
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def file_offset(self, offset: int) -> int:
        return self.offsets[max(0, min(offset, len(self.offsets) - 1))]

    def span(self, span: Span) -> Span:
        start = self.file_offset(span.start)
        end = self.file_offset(span.end) if span.end > span.start else start + 1
        return span_of(self.host, start, max(end, start + 1))

    def offset_of(self, line: int, column: int) -> int:
        row = max(0, min(line - 1, len(self.starts) - 1))
        return self.starts[row] + column - 1

    def diagnostic(self, d: Diagnostic) -> Diagnostic:
        start = self.file_offset(self.offset_of(d.line, d.column))
        end = self.file_offset(self.offset_of(d.end_line, d.end_column))
        span = span_of(self.host, start, max(end, start + 1))
        return replace(
            d,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
        )


class _Where:
    """A cell's locator, mapped to the notebook file."""

    def __init__(self, inner: Any, cell: _Cell) -> None:
        self.inner = inner
        self.cell = cell

    def value(self, path: list[str | int]) -> Span:
        return self.cell.span(self.inner.value(path))

    def key(self, path: list[str | int]) -> Span:
        return self.cell.span(self.inner.key(path))


def _as_comments(text: str) -> str:
    """IPython's `%line magic` and `!shell` lines as comments, every offset kept."""
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped[:1] in ("%", "!"):
            at = len(line) - len(stripped)
            line = line[:at] + "#" + line[at + 1 :]
        out.append(line)
    return "".join(out)


def _cell(text: str, index: int, source: Any) -> _Cell | None:
    pieces = [source] if isinstance(source, str) else source
    if not isinstance(pieces, list) or not all(isinstance(p, str) for p in pieces):
        return None
    chars: list[str] = []
    offsets: list[int] = []
    end = 0
    for i, _ in enumerate(pieces):
        path: list[str | int] = ["cells", index, "source"]
        if not isinstance(source, str):
            path.append(i)
        start, _ = locate_offsets(text, path)
        decoded, where = json_string_offsets(text, start)
        chars.append(decoded)
        offsets.extend(where[:-1])
        end = where[-1]
    offsets.append(end)
    return _Cell("".join(chars), offsets, text)


def scan_notebook(text: str, filename: str) -> Scan:
    """Every activation-conditions value in a notebook's code cells, statically."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        return Scan(
            [],
            [
                Diagnostic(
                    f"not a valid notebook: not JSON ({exc.msg})",
                    exc.lineno,
                    exc.colno,
                    exc.lineno,
                    exc.colno + 1,
                    filename=filename,
                    code="A2I012",
                )
            ],
        )
    except RecursionError:
        return Scan(
            [], [Diagnostic("notebook JSON nested too deeply", filename=filename, code="A2I012")]
        )
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return Scan(
            [],
            [
                Diagnostic(
                    'not a Jupyter notebook: no "cells" list', filename=filename, code="A2I053"
                )
            ],
        )
    found: list[Found] = []
    diagnostics: list[Diagnostic] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        mapped = _cell(text, index, cell.get("source"))
        if mapped is None or mapped.text.lstrip().startswith("%%"):
            continue
        scan = scan_python(_as_comments(mapped.text), filename)
        diagnostics.extend(mapped.diagnostic(d) for d in scan.diagnostics)
        for item in scan.found:
            where = _Where(item.where, mapped)
            first = mapped.diagnostic(
                Diagnostic("", item.line, item.column, item.line, item.column + 1, code="")
            )
            found.append(item._replace(where=where, line=first.line, column=first.column))
    return Scan(found, diagnostics)
