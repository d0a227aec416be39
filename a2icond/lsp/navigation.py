"""Declared keys as symbols: go to definition, find references, rename; document symbols."""

from __future__ import annotations

import re

from lsprotocol import types

from .. import ast
from ..parser import KEYWORDS
from .document import Document, key_names, name_at, top_members

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class RenameRefused(ValueError):
    """A new name the language cannot take (a keyword, not a name, already declared)."""


def _name_here(doc: Document, position: types.Position) -> tuple[ast.Program, str] | None:
    program = doc.program
    if program is None:
        return None
    name = name_at(program, doc.offset(position))
    if name is None or name not in doc.key_decls():
        return None
    return program, name


def definition(doc: Document, position: types.Position) -> types.Location | None:
    found = _name_here(doc, position)
    if found is None:
        return None
    name = found[1]
    return types.Location(doc.uri, doc.range(doc.key_decls()[name].name_span))


def references(
    doc: Document, position: types.Position, include_declaration: bool = True
) -> list[types.Location]:
    found = _name_here(doc, position)
    if found is None:
        return []
    program, name = found
    decl_span = doc.key_decls()[name].name_span
    return [
        types.Location(doc.uri, doc.range(span))
        for n, span in key_names(program)
        if n == name and (include_declaration or span != decl_span)
    ]


def prepare_rename(doc: Document, position: types.Position) -> types.Range | None:
    found = _name_here(doc, position)
    if found is None:
        return None
    program, name = found
    offset = doc.offset(position)
    for n, span in key_names(program):
        if n == name and span.start <= offset <= span.end:
            return doc.range(span)
    return None


def rename(doc: Document, position: types.Position, new_name: str) -> types.WorkspaceEdit | None:
    """Every occurrence of the key renamed; raises `RenameRefused` for a name that cannot be."""
    found = _name_here(doc, position)
    if found is None:
        return None
    program, name = found
    if not _IDENT.match(new_name):
        raise RenameRefused(f"{new_name!r} is not a key name (letters, digits and _)")
    if new_name.lower() in KEYWORDS:
        raise RenameRefused(f"{new_name!r} is a keyword; key names cannot be keywords")
    if new_name != name and new_name in doc.key_decls():
        raise RenameRefused(f"a key named {new_name!r} is already declared")
    edits = [
        types.TextEdit(doc.range(span), new_name) for n, span in key_names(program) if n == name
    ]
    return types.WorkspaceEdit(changes={doc.uri: edits})


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def document_symbols(doc: Document) -> list[types.DocumentSymbol]:
    """The `source` line, each key declaration, each top-level member of the condition."""
    from ..printer import aliases, expr, string

    program = doc.program
    if program is None:
        return []
    out: list[types.DocumentSymbol] = []
    if program.source:
        where = doc.range(program.source_span)
        out.append(
            types.DocumentSymbol(
                name=f"source {program.source}",
                kind=types.SymbolKind.Namespace,
                range=where,
                selection_range=where,
            )
        )
    for decl in program.keys:
        out.append(
            types.DocumentSymbol(
                name=decl.name,
                detail=_short(string(decl.text) + aliases(decl.aliases)),
                kind=types.SymbolKind.Constant,
                range=doc.range(decl.span),
                selection_range=doc.range(decl.name_span),
            )
        )
    for member in top_members(program):
        where = doc.range(member.span)
        out.append(
            types.DocumentSymbol(
                name=_short(expr(member)),
                kind=types.SymbolKind.Boolean,
                range=where,
                selection_range=where,
            )
        )
    return out
