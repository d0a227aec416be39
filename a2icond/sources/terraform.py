"""Activation conditions in Terraform files: `human_loop_activation_conditions` values of
`aws_sagemaker_flow_definition`, read with `python-hcl2`'s parse tree (which keeps positions).

Read statically: `jsonencode({...})` of literal objects, heredocs (`<<EOF`, `<<-EOF`) and quoted
strings holding JSON. A value built at run time (a variable, `file(...)`, `templatefile(...)`,
an interpolation `${...}`) is said once as a note, never guessed.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import CompileError, Diagnostic, Span
from ..jsonpos import SpanTable, span_of
from ..model import Source
from . import Found, Scan, source_of_request
from ._common import json_in_string, note

ATTRIBUTE = "human_loop_activation_conditions"
REQUEST_SOURCE = "aws_managed_human_loop_request_source"

_HCL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class _NotStatic(Exception):
    def __init__(self, node: Any) -> None:
        self.node = node


def _bounds(node: Any) -> tuple[int, int]:
    """Start and end offsets of a lark Tree or Token from python-hcl2's parser."""
    from lark import Token

    if isinstance(node, Token):
        return node.start_pos or 0, node.end_pos or 0
    return node.meta.start_pos, node.meta.end_pos


def _children(node: Any) -> list[Any]:
    from lark import Tree

    return [c for c in node.children if isinstance(c, Tree) or _is_token(c)]


def _is_token(node: Any) -> bool:
    from lark import Token

    return isinstance(node, Token)


def _name(node: Any) -> str | None:
    """The identifier's name, for an `identifier` tree."""
    from lark import Tree

    if isinstance(node, Tree) and node.data == "identifier" and node.children:
        return str(node.children[0])
    return None


def _unwrap(node: Any) -> Any:
    """`expr_term` wraps every expression; look through it (and through parentheses)."""
    from lark import Tree

    while isinstance(node, Tree) and node.data == "expr_term":
        inner = [c for c in node.children if isinstance(c, Tree)]
        if len(inner) != 1:
            break
        node = inner[0]
    return node


class _Reader:
    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.found: list[Found] = []
        self.diagnostics: list[Diagnostic] = []
        self.request_source: Source | None = None  # of the resource being read

    def span(self, node: Any) -> Span:
        start, end = _bounds(node)
        return span_of(self.text, start, max(end, start + 1))

    def not_static(self, node: Any, what: str) -> None:
        start, end = _bounds(node)
        self.diagnostics.append(
            note(
                self.text,
                start,
                end,
                f"{ATTRIBUTE} is {what}, built when Terraform runs; a2icond reads only literal "
                "values and does not check it",
                self.filename,
            )
        )

    def attribute(self, tree: Any, resource: str) -> None:
        value = _unwrap(tree.children[-1])
        from lark import Tree

        if not isinstance(value, Tree):
            self.not_static(tree, "not a literal")
            return
        kind = value.data
        if kind in ("heredoc_template", "heredoc_template_trim"):
            self.heredoc(value, resource)
        elif kind == "string":
            self.string(value, resource)
        elif kind == "function_call" and _name(value.children[0]) == "jsonencode":
            args = [c for c in value.children if isinstance(c, Tree) and c.data == "arguments"]
            if not args:
                self.not_static(value, "an empty jsonencode()")
                return
            arg = _unwrap(args[0].children[0])
            values: dict[tuple[Any, ...], Span] = {}
            keys: dict[tuple[Any, ...], Span] = {}
            try:
                document = self.value(arg, (), values, keys)
            except _NotStatic as exc:
                self.not_static(exc.node, "jsonencode() of a value with a reference or a call")
                return
            span = self.span(arg)
            self.found.append(
                Found(
                    document,
                    SpanTable(values, keys),
                    span.line,
                    span.column,
                    resource,
                    self.request_source,
                )
            )
        elif kind == "function_call":
            self.not_static(value, f"the result of {_name(value.children[0])}()")
        else:
            self.not_static(value, "a reference")

    def heredoc(self, tree: Any, resource: str) -> None:
        token = tree.children[0]
        raw = str(token)
        start = token.start_pos or 0
        first_nl = raw.find("\n")
        last = raw.rstrip("\n").rfind("\n")
        body = raw[first_nl + 1 : last + 1] if 0 <= first_nl < last else ""
        if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
            self.not_static(token, "a heredoc with a template interpolation")
            return
        base = start + first_nl + 1
        offsets = [base + i for i in range(len(body) + 1)]
        self.from_string(body, offsets, token, resource)

    def string(self, tree: Any, resource: str) -> None:
        from lark import Tree

        parts = [c for c in tree.children if isinstance(c, Tree) and c.data == "string_part"]
        chars: list[str] = []
        offsets: list[int] = []
        for part in parts:
            for child in part.children:
                if isinstance(child, Tree):  # an interpolation
                    self.not_static(tree, "a string with an interpolation")
                    return
                self.decode(str(child), child.start_pos or 0, chars, offsets)
        offsets.append(_bounds(tree)[1] - 1)
        self.from_string("".join(chars), offsets, tree, resource)

    @staticmethod
    def decode(raw: str, start: int, chars: list[str], offsets: list[int]) -> None:
        """HCL's string escapes (`\\n`, `\\"`, `\\uNNNN`, `$${`, `%%{`), keeping offsets."""
        i = 0
        while i < len(raw):
            offsets.append(start + i)
            ch = raw[i]
            if ch == "\\" and i + 1 < len(raw):
                esc = raw[i + 1]
                if esc in "uU":
                    width = 4 if esc == "u" else 8
                    chars.append(chr(int(raw[i + 2 : i + 2 + width], 16)))
                    i += 2 + width
                else:
                    chars.append(_HCL_ESCAPES.get(esc, esc))
                    i += 2
            elif raw.startswith(("$${", "%%{"), i):
                chars.append(ch)
                i += 2
                offsets.append(start + i)
                chars.append("{")
                i += 1
            else:
                chars.append(ch)
                i += 1

    def from_string(self, body: str, offsets: list[int], node: Any, resource: str) -> None:
        try:
            document, locator = json_in_string(
                body, offsets, self.text, self.filename, f"{ATTRIBUTE}"
            )
        except CompileError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return
        span = self.span(node)
        self.found.append(
            Found(document, locator, span.line, span.column, resource, self.request_source)
        )

    def value(
        self,
        node: Any,
        path: tuple[Any, ...],
        values: dict[tuple[Any, ...], Span],
        keys: dict[tuple[Any, ...], Span],
    ) -> Any:
        from lark import Tree

        node = _unwrap(node)
        values[path] = self.span(node)
        if not isinstance(node, Tree):
            raise _NotStatic(node)
        kind = node.data
        if kind == "object":
            out: dict[str, Any] = {}
            for elem in node.children:
                if not (isinstance(elem, Tree) and elem.data == "object_elem"):
                    continue
                key_tree = _unwrap(elem.children[0].children[0])
                key = _name(key_tree)
                if key is None:
                    key = self.value(key_tree, (*path, "?"), {}, {})
                    if not isinstance(key, str):
                        raise _NotStatic(key_tree)
                keys[(*path, key)] = self.span(key_tree)
                out[key] = self.value(elem.children[-1], (*path, key), values, keys)
            return out
        if kind == "tuple":
            members = [
                c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"
            ]
            return [self.value(m, (*path, i), values, keys) for i, m in enumerate(members)]
        if kind == "string":
            chars: list[str] = []
            for part in node.children:
                if isinstance(part, Tree) and part.data == "string_part":
                    for child in part.children:
                        if isinstance(child, Tree):
                            raise _NotStatic(node)
                        self.decode(str(child), 0, chars, [])
            return "".join(chars)
        if kind == "int_lit":
            return int(str(node.children[0]))
        if kind == "float_lit":
            return float(str(node.children[0]))
        if kind == "literal_value":
            word = str(node.children[0])
            return {"true": True, "false": False, "null": None}.get(word, word)
        if kind == "unary_op" and str(node.children[0]) == "-":
            number = self.value(node.children[1], path, values, keys)
            if isinstance(number, int | float) and not isinstance(number, bool):
                return -number
        raise _NotStatic(node)


def _label(node: Any) -> str | None:
    """A block's type or label: an identifier, or a quoted string without interpolation."""
    from lark import Tree

    if node.data == "identifier":
        return _name(node)
    if node.data == "string":
        parts = [c for c in node.children if isinstance(c, Tree) and c.data == "string_part"]
        if all(not isinstance(p.children[0], Tree) for p in parts if p.children):
            return "".join(str(p.children[0]) for p in parts if p.children)
    return None


def _request_source(block: Any) -> Source | None:
    """The resource's `aws_managed_human_loop_request_source`, when it is a literal."""
    from lark import Tree

    for node in block.iter_subtrees():
        if node.data == "attribute" and _name(node.children[0]) == REQUEST_SOURCE:
            value = _unwrap(node.children[-1])
            if isinstance(value, Tree) and value.data == "string":
                return source_of_request(_label(value))
    return None


def scan_terraform(text: str, filename: str) -> Scan:
    """Every `human_loop_activation_conditions` value in a Terraform file, statically."""
    import hcl2
    from lark import Tree
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line, column = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
        return Scan(
            [],
            [
                Diagnostic(
                    "not valid Terraform (HCL) syntax",
                    line,
                    column,
                    line,
                    column + 1,
                    filename=filename,
                    code="A2I054",
                )
            ],
        )
    except (LarkError, ValueError, RecursionError) as exc:
        return Scan(
            [],
            [
                Diagnostic(
                    f"cannot read this Terraform file: {exc}", filename=filename, code="A2I054"
                )
            ],
        )
    reader = _Reader(text, filename)

    def walk(node: Any, resource: str) -> None:
        if not isinstance(node, Tree):
            return
        if node.data == "block" and not resource:
            labels = [_label(c) for c in node.children if isinstance(c, Tree)]
            named = [label for label in labels if label is not None]
            # resource "TYPE" "NAME" { ... } is named TYPE.NAME, like Terraform does
            resource = ".".join(named[1:3] if len(named) >= 3 else named)
            reader.request_source = _request_source(node)
        if node.data == "attribute" and _name(node.children[0]) == ATTRIBUTE:
            reader.attribute(node, resource)
            return
        for child in node.children:
            walk(child, resource)

    walk(tree, "")
    reader.found.sort(key=lambda f: (f.line, f.column))
    return Scan(reader.found, reader.diagnostics)
