"""Ignore comments: `# a2icond: ignore[CODE, ...]` silences warnings on its own line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import ast
from ..diagnostics import Diagnostic

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
