"""Quick fixes for the diagnostics at the cursor: the right label name, an ignore comment, a
keyword typo, a misspelled key name."""

from __future__ import annotations

import difflib
import json
import re

from lsprotocol import types

from ..diagnostics import Diagnostic, Span
from ..parser import KEYWORDS, expected_after
from .document import Document, to_lsp

LABEL_CODES = {"A2I101", "A2I102"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DID_YOU_MEAN_KEY = re.compile(r"undeclared key '([^']*)'; did you mean '([A-Za-z_][A-Za-z0-9_]*)'")
_IGNORE = re.compile(r"a2icond:\s*ignore\[([^\]]*)\]", re.IGNORECASE)


def code_actions(doc: Document, where: types.Range) -> list[types.CodeAction]:
    """The fixes for every diagnostic of `doc` on the lines of `where`."""
    out: list[types.CodeAction] = []
    for d in doc.diagnostics:
        # Every diagnostic on the lines of the range: editors send the cursor's position.
        if d.end_line - 1 < where.start.line or d.line - 1 > where.end.line:
            continue
        start, end = doc.lines.span_offsets(_span(d))
        if d.code in LABEL_CODES:
            out += _label_fix(doc, d, start, end)
        if d.severity == "warning" and d.code and doc.kind == "cond":
            out += _ignore_fix(doc, d)
        if d.severity == "error":
            out += _keyword_fix(doc, d, start)
            out += _key_name_fix(doc, d, start, end)
    return out


def _span(d: Diagnostic) -> Span:
    return Span(d.line, d.column, d.end_line, d.end_column)


def _action(
    doc: Document, title: str, d: Diagnostic, edits: list[types.TextEdit], preferred: bool
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[to_lsp(d, doc.lines)],
        edit=types.WorkspaceEdit(changes={doc.uri: edits}),
        is_preferred=preferred,
    )


def _label_fix(doc: Document, d: Diagnostic, start: int, end: int) -> list[types.CodeAction]:
    from ..lint import label_names, suggest_label

    try:
        name = json.loads(doc.text[start:end])
    except ValueError:
        return []
    if not isinstance(name, str):
        return []
    names = label_names()
    if name in names.model_6_1 and name not in names.renamed:
        return []  # model 7 has nothing in its place: no name to offer (lint says so too)
    new = names.renamed.get(name) or suggest_label(name)
    if not new or new == name:
        return []
    shown = json.dumps(new, ensure_ascii=False)
    return [
        _action(
            doc,
            f"Replace with {shown}",
            d,
            [types.TextEdit(doc.lines.range_of(start, end), shown)],
            preferred=True,
        )
    ]


def _ignore_fix(doc: Document, d: Diagnostic) -> list[types.CodeAction]:
    """`# a2icond: ignore[CODE]` at the end of the warning's line (merged into one there)."""
    line0 = d.line - 1
    text = doc.lines.line_text(line0).rstrip("\r")
    program = doc.program
    comment = None
    if program is not None:
        comment = next((c for c in program.comments if c.span.line == d.line), None)
    if comment is not None:
        found = _IGNORE.search(comment.text)
        col0 = comment.span.column - 1
        if found is not None:
            codes = [c.strip() for c in found.group(1).split(",") if c.strip()]
            if d.code in codes:
                return []
            new_comment = (
                comment.text[: found.start(1)]
                + ", ".join([*codes, d.code])
                + comment.text[found.end(1) :]
            )
        else:
            new_comment = f"{comment.text.rstrip()}; a2icond: ignore[{d.code}]"
        where = doc.lines.range_of(
            doc.lines.starts[line0] + col0, doc.lines.starts[line0] + col0 + len(comment.text)
        )
        edit = types.TextEdit(where, new_comment)
    else:
        end = doc.lines.starts[line0] + len(text.rstrip())
        edit = types.TextEdit(
            doc.lines.range_of(end, doc.lines.starts[line0] + len(text)),
            f"  # a2icond: ignore[{d.code}]",
        )
    return [_action(doc, f"Ignore {d.code} on this line", d, [edit], preferred=False)]


def _keyword_fix(doc: Document, d: Diagnostic, start: int) -> list[types.CodeAction]:
    """A syntax error at or just after a misspelled keyword: offer the keyword the grammar
    wanted there, if the spelling is close and the fix gets past the error."""
    if doc.kind != "cond":
        return []
    candidates = []
    at = _WORD.match(doc.text, start)
    if at:
        candidates.append(at)
    before = list(_WORD.finditer(doc.text[max(0, start - 200) : start]))
    if before:
        last = before[-1]
        offset = max(0, start - 200)
        whole = _WORD.match(doc.text, offset + last.start())
        if whole and doc.text[whole.end() : start].strip() == "":
            candidates.append(whole)
    out = []
    for word in candidates:
        lowered = word.group().lower()
        if lowered in KEYWORDS:
            continue
        expected = expected_after(doc.text[: word.start()])
        if not expected:
            continue
        allowed = sorted(t.lower() for t in expected if t.lower() in KEYWORDS)
        for keyword in difflib.get_close_matches(lowered, allowed, n=2, cutoff=0.6):
            end = doc.lines.span_offsets(_span(d))[1]  # past the token the error is at
            fixed = doc.text[: word.start()] + keyword + doc.text[word.end() : end]
            if expected_after(fixed) is None:
                continue
            out.append(
                _action(
                    doc,
                    f"Change {word.group()!r} to {keyword!r}",
                    d,
                    [types.TextEdit(doc.lines.range_of(word.start(), word.end()), keyword)],
                    preferred=True,
                )
            )
    return out


def _key_name_fix(doc: Document, d: Diagnostic, start: int, end: int) -> list[types.CodeAction]:
    found = _DID_YOU_MEAN_KEY.search(d.message)
    if not found or doc.text[start:end] != found.group(1):
        return []
    new = found.group(2)
    return [
        _action(
            doc,
            f"Change {found.group(1)!r} to {new!r}",
            d,
            [types.TextEdit(doc.lines.range_of(start, end), new)],
            preferred=True,
        )
    ]
