"""Hover: a label's place in Rekognition's taxonomy, a declared key's text and aliases, and
the JSON a top-level condition compiles to."""

from __future__ import annotations

import json
from typing import Any

from lsprotocol import types

from .. import ast
from ..diagnostics import CompileError
from .document import Document, contains, name_at, top_members
from .labels import taxonomy


def label_markdown(name: str) -> str:
    """What Rekognition makes of a label name: its place, its model-7 name, or a suggestion."""
    from ..lint import label_names, suggest_label

    shown = json.dumps(name, ensure_ascii=False)
    found = taxonomy().get(name)
    if found is not None:
        where = " › ".join((*found.parents, f"**{name}**"))
        return f"Rekognition moderation label {shown} (model 7, level {found.level})\n\n{where}"
    names = label_names()
    if name in names.renamed:
        new = names.renamed[name]
        return (
            f"{shown} is a model-6.1 label name; model 7 calls it "
            f"{json.dumps(new, ensure_ascii=False)}, so this condition never matches.\n\n"
            + label_markdown(new)
        )
    if name in names.model_6_1:
        return f"{shown} is a model-6.1 label that model 7 no longer returns."
    guess = suggest_label(name)
    text = f"Rekognition returns no moderation label named {shown} (names are case-sensitive)."
    if guess:
        text += f" Did you mean {json.dumps(guess, ensure_ascii=False)}?"
    return text


def key_markdown(decl: ast.KeyDecl) -> str:
    shown = json.dumps(decl.text, ensure_ascii=False)
    out = f"key `{decl.name}` = {shown}"
    if decl.aliases:
        out += "\n\nalso matched as: " + ", ".join(
            json.dumps(a, ensure_ascii=False) for a in decl.aliases
        )
    else:
        out += "\n\nno aliases"
    return out


def member_json(doc: Document, program: ast.Program, member: ast.Expr) -> str | None:
    """The A2I JSON of one top-level member, compiled alone with the file's declarations."""
    from ..compiler import compile as compile_text
    from ..printer import program as print_program

    whole = doc.conditions
    source = whole.source if whole is not None else program.source
    text = print_program(ast.Program(source, program.keys, member))
    try:
        compiled = compile_text(text, source=source)
    except CompileError:
        return None
    members = compiled.to_dict()["Conditions"]
    shown = members[0] if len(members) == 1 else members
    return json.dumps(shown, indent=2, ensure_ascii=False)


def json_hover(doc: Document, position: types.Position) -> types.Hover | None:
    """In a JSON conditions file: a `ModerationLabelName` value's place in the taxonomy."""
    from ..jsonconditions import extract
    from ..jsonpos import locate

    try:
        document = json.loads(doc.text)
    except (ValueError, RecursionError):
        return None
    conditions, prefix = extract(document)
    if prefix or not isinstance(conditions, dict):
        return None  # conditions inside a JSON string (a build request): no positions in it
    offset = doc.offset(position)
    stack: list[tuple[Any, list[str | int]]] = [(conditions, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, list):
            stack.extend((item, [*path, i]) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        stack.extend((node[k], [*path, k]) for k in ("Conditions", "And", "Or") if k in node)
        params = node.get("ConditionParameters")
        name = params.get("ModerationLabelName") if isinstance(params, dict) else None
        if isinstance(name, str) and name != ast.ANY:
            span = locate(doc.text, [*path, "ConditionParameters", "ModerationLabelName"])
            if contains(span, offset):
                return _hover(label_markdown(name), doc.range(span))
    return None


def hover(doc: Document, position: types.Position) -> types.Hover | None:
    if doc.kind == "json":
        return json_hover(doc, position)
    program = doc.program
    if program is None:
        return None
    offset = doc.offset(position)
    decls = doc.key_decls()
    name = name_at(program, offset)
    if name is not None and name in decls:
        return _hover(key_markdown(decls[name]))
    for decl in program.keys:
        if contains(decl.text_span, offset) or any(contains(s, offset) for s in decl.alias_spans):
            return _hover(key_markdown(decl))
    if program.body is None:
        return None
    for atom in ast.atoms(program.body):
        if (
            isinstance(atom, ast.LabelCheck)
            and atom.label != ast.ANY
            and contains(atom.label_span, offset)
        ):
            return _hover(label_markdown(atom.label), doc.range(atom.label_span))
    for member in top_members(program):
        if contains(member.span, offset):
            shown = member_json(doc, program, member)
            if shown is None:
                return None
            return _hover(f"compiles to:\n\n```json\n{shown}\n```", doc.range(member.span))
    return None


def _hover(markdown: str, where: types.Range | None = None) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown), range=where
    )
