"""Semantic tokens: colours from the parser's own lexer, for editors without the TextMate
grammar (Neovim colours `.cond` files with these).

Keywords, `rekognition`/`textract`, strings, numbers, comparators and `%`, comments, and key
names (declarations marked as such). Where the text stops lexing (an unterminated string),
the rest is left uncoloured.
"""

from __future__ import annotations

from lsprotocol import types

from ..parser import KEYWORDS, lex
from .document import Document

TOKEN_TYPES = ["keyword", "enumMember", "string", "number", "operator", "comment", "variable"]
TOKEN_MODIFIERS = ["declaration"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

_KIND = {
    "REKOGNITION": "enumMember",
    "TEXTRACT": "enumMember",
    "STRING": "string",
    "NUMBER": "number",
    "PERCENT": "number",
    "COMMENT": "comment",
    "IDENT": "variable",
    **dict.fromkeys(("LT", "LE", "GT", "GE", "EQ", "EQEQ"), "operator"),
}
_INDEX = {name: i for i, name in enumerate(TOKEN_TYPES)}


def semantic_tokens(doc: Document) -> types.SemanticTokens:
    """The document's tokens, encoded as LSP wants (relative line/start, length, type, mods)."""
    if doc.kind != "cond":
        return types.SemanticTokens(data=[])
    program = doc.program
    declared = {decl.name_span.start for decl in program.keys} if program else set()
    data: list[int] = []
    previous_line, previous_start = 0, 0
    for terminal, span in lex(doc.text):
        kind = _KIND.get(terminal) or ("keyword" if terminal.lower() in KEYWORDS else None)
        if kind is None:
            continue
        start = doc.lines.position(span.line, span.column)
        end = doc.lines.position(span.end_line, span.end_column)
        if end.line != start.line:
            continue  # tokens never span lines; be safe
        modifiers = 1 if kind == "variable" and span.start in declared else 0
        delta_line = start.line - previous_line
        delta_start = start.character - (previous_start if delta_line == 0 else 0)
        data += [delta_line, delta_start, end.character - start.character, _INDEX[kind], modifiers]
        previous_line, previous_start = start.line, start.character
    return types.SemanticTokens(data=data)
