"""The diagnostics of a run over many files, in the form a reader asks for.

`check --output-format`: `text` (rustc-style, for people; coloured on a terminal), `json` (one
array), `json-lines` (one object a line), `github` (GitHub Actions workflow commands, which
annotate the pull request) and `sarif` (SARIF 2.1.0, for GitHub code scanning and other SARIF
readers). The names are ruff's. Lines and columns are 1-based and count characters (Unicode code
points); an end column is exclusive.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

if TYPE_CHECKING:  # pragma: no cover
    # Imported where it is used: a run whose files all passed (or came from `check`'s cache)
    # prints without loading the diagnostics' classes.
    from .diagnostics import Diagnostic

FORMATS = ("text", "json", "json-lines", "github", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class FileResult(NamedTuple):
    """What checking one file found: its diagnostics, and its text when there are any (for the
    source lines under a headline); `detail` names the source of a file that passed."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    text: str | None = None
    detail: str = ""
    #: `(filename, text)` of other files its diagnostics point into (a flow file's conditions)
    texts: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (for a result cache: `from_json` gives back an equal FileResult)."""
        from dataclasses import asdict

        return {
            "path": self.path,
            "diagnostics": [asdict(d) for d in self.diagnostics],
            "text": self.text,
            "detail": self.detail,
            "texts": [list(pair) for pair in self.texts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        from .diagnostics import Diagnostic

        diagnostics = tuple(
            Diagnostic(**{**d, "notes": tuple(d.get("notes", ()))}) for d in data["diagnostics"]
        )
        texts = tuple((str(name), str(text)) for name, text in data.get("texts", ()))
        return cls(data["path"], diagnostics, data.get("text"), data.get("detail", ""), texts)

    def text_of(self, d: Diagnostic) -> str | None:
        """The text of the file `d` points into, for its source line."""
        for name, text in self.texts:
            if name == d.filename:
                return text
        return self.text

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def use_color(stream: TextIO) -> bool:
    """Colour for a terminal: `NO_COLOR` (non-empty) turns it off, `FORCE_COLOR` (non-empty)
    turns it on anywhere; NO_COLOR wins when both are set (the reader's own opt-out)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary(results: Iterable[FileResult]) -> str:
    """`Found 3 errors and 1 warning in 2 files` (empty when nothing was found)."""
    errors = warnings = notes = files = 0
    for result in results:
        if result.diagnostics:
            files += 1
        for d in result.diagnostics:
            if d.severity == "error":
                errors += 1
            elif d.severity == "note":  # what code files build at run time (A2I130)
                notes += 1
            else:
                warnings += 1
    if not errors and not warnings and not notes:
        return ""
    parts = []
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    if notes:
        parts.append(_plural(notes, "note"))
    return f"Found {' and '.join(parts)} in {_plural(files, 'file')}"


def _all(results: Iterable[FileResult]) -> list[Diagnostic]:
    return [d for r in results for d in r.diagnostics]


def render_text(results: Iterable[FileResult], *, color: bool = False) -> str:
    """Every diagnostic, rustc-style, file by file (empty when there are none). Each text is
    split into lines once, not once per diagnostic (which made 26,000 warnings in 1 MiB take
    half a minute)."""
    out: list[str] = []
    for r in results:
        split: dict[int, list[str]] = {}
        for d in r.diagnostics:
            text = r.text_of(d)
            lines = None
            if text is not None:
                lines = split.get(id(text))
                if lines is None:
                    lines = split[id(text)] = text.split("\n")
            out.append(d.render(text, color=color, lines=lines))
    return "\n".join(out)


def as_dict(d: Diagnostic) -> dict[str, Any]:
    """One diagnostic as JSON: the same fields in `json` and `json-lines`."""
    from .codes import CODES

    known = CODES.get(d.code)
    return {
        "file": d.filename,
        "code": d.code,
        "name": known.name if known else "",
        "severity": d.severity,
        "message": d.message,
        "start": {"line": d.line, "column": d.column} if d.located else None,
        "end": {"line": d.end_line, "column": d.end_column} if d.located else None,
        "help": d.hint or None,
    }


def render_json(results: Iterable[FileResult]) -> str:
    """One JSON array of every diagnostic (`[]` when there are none)."""
    return json.dumps([as_dict(d) for d in _all(results)], ensure_ascii=False, indent=2)


def render_json_lines(results: Iterable[FileResult]) -> str:
    """One JSON object a line, one line a diagnostic."""
    return "\n".join(json.dumps(as_dict(d), ensure_ascii=False) for d in _all(results))


def _escape_data(text: str) -> str:
    """GitHub's escaping for a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping for a workflow command's property values."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(results: Iterable[FileResult]) -> str:
    """`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::message` lines."""
    lines = []
    for d in _all(results):
        props = [f"file={_escape_property(d.filename)}"]
        if d.located:
            props += [
                f"line={d.line}",
                f"col={d.column}",
                f"endLine={d.end_line}",
                f"endColumn={d.end_column}",
            ]
        props.append(f"title={_escape_property(d.code or d.severity)}")
        message = d.message + (f" (help: {d.hint})" if d.hint else "")
        command = "notice" if d.severity == "note" else d.severity  # GitHub's name for a note
        lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


def _uri(path: str) -> str:
    """A file's SARIF `uri`: relative paths stay relative (`/`-separated, percent-encoded), so
    code scanning resolves them against the repository; absolute ones become `file://` URIs."""
    from pathlib import Path, PurePath
    from urllib.parse import quote

    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix())


def sarif(results: Sequence[FileResult]) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a run: one run, a rule per code that occurs, a result each."""
    from . import __version__
    from .codes import CODES

    diagnostics = _all(results)
    used = sorted({d.code for d in diagnostics if d.code})
    index = {code: i for i, code in enumerate(used)}
    rules = []
    for code in used:
        known = CODES.get(code)
        rule: dict[str, Any] = {"id": code}
        if known is not None:
            rule["name"] = known.name
            rule["shortDescription"] = {"text": known.summary}
            rule["defaultConfiguration"] = {"level": known.severity}
            rule["help"] = {"text": f"a2icond explain {code}"}
        rules.append(rule)
    out = []
    for d in diagnostics:
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(d.filename)}}
        if d.located:
            physical["region"] = {
                "startLine": d.line,
                "startColumn": max(d.column, 1),
                "endLine": max(d.end_line, d.line),
                "endColumn": max(d.end_column, 1),
            }
        result: dict[str, Any] = {
            "level": d.severity,
            "message": {"text": message},
            "locations": [{"physicalLocation": physical}],
        }
        if d.code:
            result = {"ruleId": d.code, "ruleIndex": index[d.code], **result}
        out.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "a2icond",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }


def render_sarif(results: Sequence[FileResult]) -> str:
    return json.dumps(sarif(results), ensure_ascii=False, indent=2)


def render(results: Sequence[FileResult], output_format: str, *, color: bool = False) -> str:
    """The report in `output_format` (one of `FORMATS`); empty text when there is nothing to say
    in a line-based format."""
    if output_format == "text":
        return render_text(results, color=color)
    if output_format == "json":
        return render_json(results)
    if output_format == "json-lines":
        return render_json_lines(results)
    if output_format == "github":
        return render_github(results)
    if output_format == "sarif":
        return render_sarif(results)
    raise ValueError(f"unknown output format {output_format!r}")
