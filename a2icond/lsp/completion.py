"""Completion: what the grammar accepts at the cursor (asked of the parser's own tables),
Rekognition's model-7 label names inside `label "…"`, declared key names, and snippets."""

from __future__ import annotations

import json
import re

from lsprotocol import types

from ..parser import KEYWORDS, expected_after
from ..printer import aliases, string
from .document import Document
from .labels import taxonomy

_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LABEL_BEFORE = re.compile(r"\blabel\s*\Z", re.IGNORECASE)
_KEY_BEFORE = re.compile(r"\bkey\s*\Z", re.IGNORECASE)
_CONDITION_START = {"LABEL", "ANY", "KEY", "SAMPLE"}

#: (label, snippet, what it is): the common condition shapes.
CONDITION_SNIPPETS = (
    ("label confidence", 'label "${1:Explicit}" confidence ${2|>,>=,<,<=|} ${3:90}',
     "a moderation label's confidence"),
    ("label between", 'label "${1:Explicit}" confidence between ${2:50} and ${3:90}',
     "a moderation label's confidence in a range (inclusive)"),
    ("any label", "any label confidence < ${1:60}", "any moderation label"),
    ("key confidence", 'key "${1:Total:}" aka "${2:Total}" confidence < ${3:60}',
     "a form key's confidence"),
    ("key word confidence", "${1:key} word confidence < ${2:85}",
     "the confidence of the words of a declared key's value"),
    ("key missing", "${1:key} missing", "a declared key that Textract did not find"),
    ("any key missing", "any key missing", "any declared key missing"),
    ("sample", "sample ${1:5}%", "a random sample of requests"),
)  # fmt: skip
DECLARATION_SNIPPET = ('key ${1:name} = "${2:Text:}" aka "${3:Alias}"', "declare a form key")


def _in_string(line_before: str) -> int | None:
    """The index of the opening quote when the cursor is inside a string on its line."""
    quote: int | None = None
    i = 0
    while i < len(line_before):
        ch = line_before[i]
        if quote is None:
            if ch == "#":
                return None
            if ch == '"':
                quote = i
        elif ch == "\\":
            i += 1
        elif ch == '"':
            quote = None
        i += 1
    return quote


def _in_comment(line_before: str) -> bool:
    if _in_string(line_before) is not None:
        return False
    quote = False
    i = 0
    while i < len(line_before):
        ch = line_before[i]
        if quote and ch == "\\":
            i += 1
        elif ch == '"':
            quote = not quote
        elif ch == "#" and not quote:
            return True
        i += 1
    return False


def complete(doc: Document, position: types.Position) -> list[types.CompletionItem]:
    if doc.kind != "cond":
        return []
    offset = doc.offset(position)
    line_start = doc.lines.starts[min(position.line, len(doc.lines.starts) - 1)]
    line_before = doc.text[line_start:offset]
    quote = _in_string(line_before)
    if quote is not None:
        return _label_items_in_string(doc, line_start + quote, offset)
    if _in_comment(line_before):
        return []
    word = _WORD_BEFORE.search(line_before)
    word_start = line_start + word.start() if word else offset
    expected = _expected(doc.text, line_start, word_start)
    if expected is None:
        return []
    replace = doc.lines.range_of(word_start, offset)
    items: list[types.CompletionItem] = []
    for terminal in sorted(expected):
        keyword = terminal.lower()
        if keyword in KEYWORDS:
            items.append(
                types.CompletionItem(
                    label=keyword,
                    kind=types.CompletionItemKind.Keyword,
                    text_edit=types.TextEdit(replace, keyword),
                    sort_text=f"1{keyword}",
                )
            )
    before = doc.text[line_start:word_start]
    if "IDENT" in expected and not _KEY_BEFORE.search(before):
        for name, decl in doc.key_decls().items():
            items.append(
                types.CompletionItem(
                    label=name,
                    kind=types.CompletionItemKind.Variable,
                    detail=string(decl.text) + aliases(decl.aliases),
                    text_edit=types.TextEdit(replace, name),
                    sort_text=f"0{name}",
                )
            )
    if "STRING" in expected and _LABEL_BEFORE.search(before):
        items += _label_items(replace, quoted=True)
    if expected >= _CONDITION_START:
        for label, body, what in CONDITION_SNIPPETS:
            items.append(_snippet(label, body, what, replace))
        if _before_body(doc, word_start):
            items.append(_snippet("key declaration", *DECLARATION_SNIPPET, replace))
    return items


def _expected(text: str, line_start: int, word_start: int) -> frozenset[str] | None:
    """What the grammar accepts at `word_start`; when the text before it is broken elsewhere
    (an earlier line being edited), what it accepts after the cursor's line alone, read as the
    start of a file or as the continuation of a condition."""
    found = expected_after(text[:word_start])
    if found is not None:
        return found
    line = text[line_start:word_start]
    for context in ("", "any label confidence < 1\n"):
        found = expected_after(context + line)
        if found is not None:
            return found
    return None


def _before_body(doc: Document, offset: int) -> bool:
    """Whether `offset` is where a key may still be declared (no condition before it)."""
    program = doc.known_program
    if program is None or program.body is None:
        return True
    return offset <= program.body.span.start


def _snippet(label: str, body: str, what: str, where: types.Range) -> types.CompletionItem:
    return types.CompletionItem(
        label=label,
        kind=types.CompletionItemKind.Snippet,
        detail=what,
        insert_text_format=types.InsertTextFormat.Snippet,
        text_edit=types.TextEdit(where, body),
        sort_text=f"2{label}",
    )


def _label_items(where: types.Range, *, quoted: bool) -> list[types.CompletionItem]:
    items = []
    for i, label in enumerate(taxonomy().values()):
        text = json.dumps(label.name, ensure_ascii=False)
        items.append(
            types.CompletionItem(
                label=label.name,
                kind=types.CompletionItemKind.EnumMember,
                detail=label.category,
                text_edit=types.TextEdit(where, text if quoted else text[1:-1]),
                filter_text=text if quoted else label.name,
                sort_text=f"{i:04d}",
            )
        )
    return items


def _label_items_in_string(doc: Document, quote: int, offset: int) -> list[types.CompletionItem]:
    """Label names, when the string the cursor is in follows `label`."""
    before = doc.text[:quote]
    expected = expected_after(before)
    line_start = doc.text.rfind("\n", 0, quote) + 1
    if expected is None or "STRING" not in expected:
        return []
    if not _LABEL_BEFORE.search(doc.text[line_start:quote]):
        return []
    # Replace the whole string (opening quote to closing quote, or to the cursor).
    line_end = doc.text.find("\n", offset)
    line_end = len(doc.text) if line_end == -1 else line_end
    rest = doc.text[offset:line_end]
    close = re.match(r'(?:[^"\\]|\\.)*"', rest)
    end = offset + close.end() if close else offset
    return _label_items(doc.lines.range_of(quote, end), quoted=True)
