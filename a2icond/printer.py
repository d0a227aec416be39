"""AST -> source text in the one canonical layout.

`source` line, a blank line, key declarations with `=` aligned, a blank line, then the
expression: each top-level `or` member on its own line with a leading `or`, every nested group
in parentheses, lowercase keywords, numbers exactly as written, strings with minimal escapes;
anything longer than `WIDTH` wrapped the way black wraps (see `wrapped`).
Parentheses go around every group inside another group (never elsewhere), so parsing the
output gives back the same AST. `layout` ties each line to the source span it prints; the
formatter (`a2icond.formatter`) uses that to put comments back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import ast
from .diagnostics import Span

TOP_INDENT = "   "  # aligns the first member under the `or ` of the following lines

#: The one line width of the canonical layout (black's): longer `and`/`or` groups and alias
#: lists are wrapped, one member or alias a line. Comments do not count.
WIDTH = 88

#: Indentation of a wrapped group's members and of continued alias lists.
INDENT = 4


def string(value: str) -> str:
    """A string literal with minimal escapes (quotes, backslashes and control characters)."""
    return json.dumps(value, ensure_ascii=False)


def key_ref(ref: ast.KeyRef) -> str:
    if isinstance(ref, ast.KeyName):
        return ref.name
    if ref.text == ast.ANY and not ref.aliases:
        return "any key"
    return f"key {string(ref.text)}" + aliases(ref.aliases)


def aliases(names: tuple[str, ...]) -> str:
    return (" aka " + ", ".join(string(a) for a in names)) if names else ""


def measure(word: bool) -> str:
    return "word confidence" if word else "confidence"


def test(node: ast.Test) -> str:
    if isinstance(node, ast.Threshold):
        return f"{measure(node.word)} {node.op} {node.value.text}"
    if isinstance(node, ast.Between):
        return f"{measure(node.word)} between {node.low.text} and {node.high.text}"
    inner = " or ".join(f"{measure(t.word)} {t.op} {t.value.text}" for t in node.thresholds)
    return f"({inner})"


def atom(node: ast.Atom) -> str:
    if isinstance(node, ast.LabelCheck):
        subject = "any label" if node.label == ast.ANY else f"label {string(node.label)}"
        return f"{subject} {test(node.test)}"
    if isinstance(node, ast.KeyCheck):
        return f"{key_ref(node.key)} {test(node.test)}"
    if isinstance(node, ast.MissingKey):
        return "any key missing" if node.key is None else f"{key_ref(node.key)} missing"
    return f"sample {node.percent.text}%"


def expr(node: ast.Expr, parent: type | None = None) -> str:
    """One line of `node`; a group inside another group is always parenthesized.

    That is more than parsing needs (`a or b and c` would do): it is the spec's style
    (`or (sample 10% and any key confidence < 90)`), and it makes nesting visible.
    """
    if isinstance(node, ast.Or | ast.And):
        joiner = " or " if isinstance(node, ast.Or) else " and "
        text = joiner.join(expr(m, type(node)) for m in node.members)
        return f"({text})" if parent is not None else text
    if isinstance(node, ast.Not):
        return f"not {expr(node.operand, ast.Not)}"
    return atom(node)


def header(program: ast.Program) -> list[str]:
    """The `source` line and the aligned key declarations, as blocks of lines (a declaration
    too long for `WIDTH` spans several lines)."""
    lines: list[str] = []
    if program.source:
        lines += [f"source {program.source}", ""]
    if program.keys:
        width = max(len(k.name) for k in program.keys)
        for decl in program.keys:
            head = f"key {decl.name.ljust(width)} = {string(decl.text)}"
            lines.append(wrap_aliases(head, decl.aliases))
        lines.append("")
    return lines


def wrap_aliases(head: str, names: tuple[str, ...]) -> str:
    """`head aka "A", "B"` on one line if it fits; else the aliases on the next line, indented;
    else one alias a line (the way black splits an argument list; the language has no trailing
    comma)."""
    one = head + aliases(names)
    if len(one) <= WIDTH or not names:
        return one
    pad = " " * INDENT
    listed = pad + ", ".join(string(a) for a in names)
    if len(listed) <= WIDTH:
        return f"{head} aka\n{listed}"
    return f"{head} aka\n" + ",\n".join(pad + string(a) for a in names)


def wrapped(prefix: str, node: ast.Expr, parent: type | None, column: int) -> str:
    """`prefix` + `node` on one line if it fits in `WIDTH`; else, for an `and`/`or` group, black's
    layout: an opening line ending in `(`, each member on its own line `INDENT` further in with
    the operator leading, and `)` back at `column` (the column the group's text starts at).
    Members that are still too long wrap the same way. Atoms never wrap."""
    one = prefix + expr(node, parent)
    if len(one) <= WIDTH or not isinstance(node, ast.And | ast.Or) or parent is None:
        return one
    joiner = "and " if isinstance(node, ast.And) else "or "
    inner = column + INDENT
    lines = [prefix + "("]
    for i, member in enumerate(node.members):
        lead = " " * inner + ("" if i == 0 else joiner)
        lines.append(wrapped(lead, member, type(node), inner))
    lines.append(" " * column + ")")
    return "\n".join(lines)


def body_lines(body: ast.Expr) -> list[str]:
    """The expression: one entry per top-level `or` member (several lines when wrapped)."""
    if isinstance(body, ast.Or):
        return [
            wrapped(TOP_INDENT if i == 0 else "or ", member, ast.Or, len(TOP_INDENT))
            for i, member in enumerate(body.members)
        ]
    if isinstance(body, ast.And) and len(expr(body)) > WIDTH:
        # a whole-file `and` chain: one member a line, aligned as the top-level `or` is
        return [
            "\n".join(
                wrapped(" " * len("and ") if i == 0 else "and ", member, ast.And, len("and "))
                for i, member in enumerate(body.members)
            )
        ]
    return [expr(body)]


def flat_body_lines(body: ast.Expr) -> list[str]:
    """`body_lines` without wrapping: each top-level member on one line, however long."""
    if isinstance(body, ast.Or):
        return [
            (TOP_INDENT if i == 0 else "or ") + expr(member, ast.Or)
            for i, member in enumerate(body.members)
        ]
    return [expr(body)]


@dataclass(frozen=True)
class Line:
    """One output line and the span of the source it prints (None for a separating blank).

    The formatter uses the spans to put each comment back next to the code it was next to.
    """

    text: str
    span: Span | None = None
    flat: str = ""  # the same code on one line, when `text` is wrapped over several


def layout(node: ast.Program) -> list[Line]:
    """The canonical lines of a program, each tied to the source node it prints."""
    lines: list[Line] = []
    if node.source:
        lines += [Line(f"source {node.source}", node.source_span), Line("")]
    if node.keys:
        decl_lines = header(ast.Program(None, node.keys, None))[:-1]
        lines += [Line(t, d.span, _flat(t)) for t, d in zip(decl_lines, node.keys, strict=True)]
        lines.append(Line(""))
    if node.body is not None:
        if isinstance(node.body, ast.Or):
            members: tuple[ast.Expr, ...] = node.body.members
        else:
            members = (node.body,)
        texts = body_lines(node.body)
        flats = flat_body_lines(node.body)
        lines += [
            Line(t, m.span, f if t != f else "")
            for t, f, m in zip(texts, flats, members, strict=True)
        ]
    while lines and lines[-1].span is None:
        lines.pop()
    return lines


def _flat(text: str) -> str:
    """A wrapped declaration joined back into one line ("" when it was one line)."""
    if "\n" not in text:
        return ""
    head, _, rest = text.partition(" aka\n")
    return head + " aka " + " ".join(part.strip() for part in rest.split("\n"))


def program(node: ast.Program) -> str:
    """The canonical text of a whole program (without comments), ending in a newline."""
    return "\n".join(line.text for line in layout(node)) + "\n"
