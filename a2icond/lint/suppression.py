"""Ignore comments: `# a2icond: ignore[CODE, ...]` silences warnings on its own line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import ast
from ..diagnostics import Diagnostic, Span

_IGNORE = re.compile(r"a2icond:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)


def ignored_codes(comments: Iterable[ast.Comment]) -> dict[int, frozenset[str] | None]:
    """Line -> the codes a `# a2icond: ignore[...]` comment silences there (None: all)."""
    out: dict[int, frozenset[str] | None] = {}
    for comment in comments:
        match = _IGNORE.search(comment.text)
        if match is None:
            continue
        listed = match.group(1)
        if listed is None:
            out[comment.span.line] = None
        else:
            codes = frozenset(c.strip().upper() for c in listed.split(",") if c.strip())
            previous = out.get(comment.span.line, frozenset())
            out[comment.span.line] = None if previous is None else previous | codes
    return out


def suppress(diagnostics: list[Diagnostic], comments: Iterable[ast.Comment]) -> list[Diagnostic]:
    """Drop the warnings silenced by an ignore comment on their line."""
    ignored = ignored_codes(comments)
    if not ignored:
        return diagnostics
    kept = []
    for d in diagnostics:
        codes = ignored.get(d.line, frozenset())
        if d.severity == "warning" and (codes is None or d.code in codes):
            continue
        kept.append(d)
    return kept


UNUSED_IGNORE = "A2I110"  # in a2icond.codes; reported here, after suppression, not by a rule
_LISTED = re.compile(r"[^,\s]+")


def unused_ignores(
    found: list[Diagnostic], comments: Iterable[ast.Comment], filename: str
) -> list[Diagnostic]:
    """A2I110 (like ruff's RUF100): ignore comments that name an unknown code, an error code,
    or a code with no warning on their line, and bare ignores on a line without warnings.

    `found` is every warning before suppression. Each report points at the code in the comment
    (or at the whole `a2icond: ignore` for a bare one).
    """
    present: dict[int, set[str]] = {}
    for d in found:
        if d.severity == "warning":
            present.setdefault(d.line, set()).add(d.code)
    out: list[Diagnostic] = []
    search = _IGNORE.search
    for comment in comments:
        if search(comment.text) is None:  # most comments: skip them at C speed
            continue
        line, column = comment.span.line, comment.span.column
        for start, end, message, hint in _comment_problems(comment.text, present.get(line, set())):
            out.append(
                Diagnostic.at(
                    Span(line, column + start, line, column + end),
                    message,
                    severity="warning",
                    code=UNUSED_IGNORE,
                    filename=filename,
                    hint=hint,
                )
            )
    return out


def _comment_problems(text: str, here: set[str]) -> list[tuple[int, int, str, str]]:
    """`(start, end, message, hint)` within one comment's text, given the warnings of its line."""
    from ..codes import CODES

    match = _IGNORE.search(text)
    if match is None:
        return []
    if match.group(1) is None:
        if here:
            return []
        message = "this ignore comment silences nothing: there is no warning on this line"
        return [(match.start(), match.end(), message, "remove it")]
    out = []
    for listed in _LISTED.finditer(match.group(1)):
        code = listed.group().upper()
        start, end = match.start(1) + listed.start(), match.start(1) + listed.end()
        known = CODES.get(code)
        if known is None:
            out.append(
                (
                    start,
                    end,
                    f"unknown code {listed.group()!r} in an ignore comment",
                    "`a2icond explain --all` lists the codes",
                )
            )
        elif known.severity == "error":
            message = f"{code} is an error: ignore comments silence warnings only"
            out.append((start, end, message, "fix the error instead"))
        elif code not in here:
            out.append(
                (
                    start,
                    end,
                    f"this ignore comment silences nothing: no {code} warning on this line",
                    "remove the code (or the comment), or move it to the line of the warning",
                )
            )
    return out
