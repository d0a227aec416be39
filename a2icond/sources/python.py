"""Activation conditions in Python code, read statically with the standard library's `ast`.

Found two ways, each reported once:

- by name: the value of a `HumanLoopActivationConditions=` keyword or a
  `"HumanLoopActivationConditions":` dict key (how `create_flow_definition` is called), through
  `json.dumps(...)` and through a variable assigned once in the file;
- by shape: a dict literal with a `"Conditions"` list of conditions (`ConditionType`, `And`,
  `Or`), or a string literal holding such JSON.

A value built at run time (an f-string, a function call, a variable assigned several times or
not at all in the file) is said once as a note, never guessed.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Any

from ..diagnostics import CompileError, Diagnostic, Span
from ..jsonpos import SpanTable, span_of
from ..model import Source
from . import Found, Scan, source_of_request
from ._common import error, json_in_string, note

KEYWORD = "HumanLoopActivationConditions"


class _NotStatic(Exception):
    def __init__(self, node: ast.AST) -> None:
        self.node = node


class _Text:
    """Character offsets of `ast` positions (which count UTF-8 bytes within a line)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, col_bytes: int) -> int:
        if line - 1 >= len(self.lines):
            return len(self.text)
        src = self.lines[line - 1]
        return self.starts[line - 1] + len(
            src.encode("utf-8")[:col_bytes].decode("utf-8", "ignore")
        )

    def bounds(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.offset(end_line, end_col) if end_col is not None else start + 1
        return start, end

    def span(self, node: ast.AST) -> Span:
        start, end = self.bounds(node)
        return span_of(self.text, start, max(end, start + 1))


def _is_dumps(node: ast.AST) -> bool:
    """`json.dumps(...)` or `dumps(...)`."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "dumps") or (
        isinstance(func, ast.Name) and func.id == "dumps"
    )


def _looks_like_conditions(node: ast.AST) -> bool:
    """A dict literal with a "Conditions" list whose members look like A2I conditions."""
    if not isinstance(node, ast.Dict):
        return False
    for key, value in zip(node.keys, node.values, strict=True):
        if (
            isinstance(key, ast.Constant)
            and key.value == "Conditions"
            and isinstance(value, ast.List | ast.Tuple)
        ):
            return any(_looks_like_member(m) for m in value.elts)
    return False


def _looks_like_member(node: ast.AST) -> bool:
    return isinstance(node, ast.Dict) and any(
        isinstance(k, ast.Constant) and k.value in ("ConditionType", "And", "Or") for k in node.keys
    )


def _string_looks_like_conditions(value: str) -> bool:
    head = value.lstrip()
    if not head.startswith("{") or '"Conditions"' not in value:
        return False
    try:
        document = json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        return '"ConditionType"' in value
    members = document.get("Conditions") if isinstance(document, dict) else None
    return isinstance(members, list) and any(
        isinstance(m, dict) and {"ConditionType", "And", "Or"} & set(m) for m in members
    )


class _Reader:
    def __init__(self, text: str, filename: str, tree: ast.Module) -> None:
        self.src = _Text(text)
        self.text = text
        self.filename = filename
        self.tree = tree
        self.found: list[Found] = []
        self.diagnostics: list[Diagnostic] = []
        self.used: set[int] = set()  # ids of literal nodes already read
        self.parents: dict[int, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
        self.request_source: Source | None = None  # of the value being read
        self.assignments: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            targets: list[ast.AST] = []
            value: ast.AST | None = None
            if isinstance(node, ast.Assign):
                targets, value = list(node.targets), node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            for target in targets:
                if isinstance(target, ast.Name) and value is not None:
                    self.assignments.setdefault(target.id, []).append(value)

    # -- finding ---------------------------------------------------------------------------

    def named_values(self) -> Iterator[ast.AST]:
        """Values given to `HumanLoopActivationConditions`, as keyword or dict key."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == KEYWORD:
                        yield kw.value
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == KEYWORD:
                        yield value

    def run(self) -> Scan:
        named = sorted(self.named_values(), key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
        for value in named:
            self.request_source = self.request_source_near(value)
            self.read_named(value, value)
        self.request_source = None
        for node in ast.walk(self.tree):
            if id(node) in self.used:
                continue
            if _looks_like_conditions(node):
                self.read_literal(node, self.name_of(node))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _string_looks_like_conditions(node.value)
            ):
                self.read_string(node, self.name_of(node))
        self.found.sort(key=lambda f: (f.line, f.column))
        return Scan(self.found, self.diagnostics)

    def request_source_near(self, node: ast.AST) -> Source | None:
        """The `HumanLoopRequestSource` given with these conditions: in the same call
        (`create_flow_definition(...)`) or the same request dict, if a literal."""
        current: ast.AST | None = node
        while current is not None:
            pairs: list[tuple[str | None, ast.AST]] = []
            if isinstance(current, ast.Call):
                pairs = [(kw.arg, kw.value) for kw in current.keywords]
            elif isinstance(current, ast.Dict):
                pairs = [
                    (
                        k.value
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        else None,
                        v,
                    )
                    for k, v in zip(current.keys, current.values, strict=True)
                ]
            for name, value in pairs:
                if name == "HumanLoopRequestSource" and isinstance(value, ast.Dict):
                    for k, v in zip(value.keys, value.values, strict=True):
                        if (
                            isinstance(k, ast.Constant)
                            and k.value == "AwsManagedHumanLoopRequestSource"
                            and isinstance(v, ast.Constant)
                        ):
                            return source_of_request(v.value)
            current = self.parents.get(id(current))
        return None

    def name_of(self, node: ast.AST) -> str:
        for name, values in self.assignments.items():
            if any(v is node for v in values):
                return name
        return ""

    def read_named(self, value: ast.AST, origin: ast.AST, name: str = "", depth: int = 0) -> None:
        """A `HumanLoopActivationConditions` value: follow `json.dumps` and variables."""
        if _is_dumps(value):
            assert isinstance(value, ast.Call)
            if not value.args:
                self.not_static(value)
                return
            arg = value.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                start, end = self.src.bounds(value)
                self.used.add(id(arg))
                self.diagnostics.append(
                    error(
                        self.text,
                        start,
                        end,
                        "json.dumps of a string encodes it twice: A2I would receive a JSON "
                        "string, not the conditions object",
                        self.filename,
                        hint="pass the string itself, or json.dumps the dict",
                    )
                )
                return
            self.read_named(arg, origin, name, depth)
            return
        if isinstance(value, ast.Name) and depth < 5:
            values = self.assignments.get(value.id, [])
            if len(values) == 1:
                self.read_named(values[0], origin, value.id, depth + 1)
                return
            self.not_static(
                value,
                f"'{value.id}' is "
                + ("assigned more than once" if values else "not assigned in this file"),
            )
            return
        if isinstance(value, ast.Dict):
            self.read_literal(value, name)
        elif isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.read_string(value, name)
        else:
            self.not_static(value)

    def not_static(self, node: ast.AST, why: str = "") -> None:
        start, end = self.src.bounds(node)
        segment = ast.get_source_segment(self.text, node) or ""
        if len(segment) > 60 or "\n" in segment:
            segment = ""
        shown = f" ({segment})" if segment else ""
        self.diagnostics.append(
            note(
                self.text,
                start,
                end,
                f"HumanLoopActivationConditions{shown} is built at run time"
                + (f": {why}" if why else "")
                + "; a2icond reads only literal values and does not check it",
                self.filename,
            )
        )

    # -- reading ---------------------------------------------------------------------------

    def read_literal(self, node: ast.AST, name: str) -> None:
        values: dict[tuple[Any, ...], Span] = {}
        keys: dict[tuple[Any, ...], Span] = {}
        for inner in ast.walk(node):
            self.used.add(id(inner))
        try:
            document = self.value(node, (), values, keys)
        except _NotStatic as exc:
            self.not_static(exc.node, "part of it is not a literal")
            return
        span = self.src.span(node)
        self.found.append(
            Found(
                document,
                SpanTable(values, keys),
                span.line,
                span.column,
                name,
                self.request_source,
            )
        )

    def value(
        self,
        node: ast.AST,
        path: tuple[Any, ...],
        values: dict[tuple[Any, ...], Span],
        keys: dict[tuple[Any, ...], Span],
    ) -> Any:
        values[path] = self.src.span(node)
        if isinstance(node, ast.Constant) and (
            node.value is None or isinstance(node.value, str | int | float | bool)
        ):
            return node.value
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, int | float)
            and not isinstance(node.operand.value, bool)
        ):
            return -node.operand.value
        if isinstance(node, ast.List | ast.Tuple):
            return [self.value(m, (*path, i), values, keys) for i, m in enumerate(node.elts)]
        if isinstance(node, ast.Dict):
            out: dict[str, Any] = {}
            for key, member in zip(node.keys, node.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    raise _NotStatic(key if key is not None else member)
                keys[(*path, key.value)] = self.src.span(key)
                out[key.value] = self.value(member, (*path, key.value), values, keys)
            return out
        raise _NotStatic(node)

    def read_string(self, node: ast.Constant, name: str) -> None:
        self.used.add(id(node))
        value = node.value
        assert isinstance(value, str)
        start, end = self.src.bounds(node)
        offsets = self.string_offsets(value, start, end)
        try:
            document, locator = json_in_string(
                value, offsets, self.text, self.filename, "the conditions string"
            )
        except CompileError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return
        span = self.src.span(node)
        self.found.append(
            Found(document, locator, span.line, span.column, name, self.request_source)
        )

    def string_offsets(self, value: str, start: int, end: int) -> list[int]:
        """Where each character of a string literal's value is in the file (plus one past the
        end): exact for one literal, escapes included; the literal's start for anything else
        (implicitly concatenated literals)."""
        segment = self.text[start:end]
        prefix = 0
        while prefix < len(segment) and segment[prefix] in "rRuU":
            prefix += 1
        raw = "r" in segment[:prefix].lower()
        for quote in ('"""', "'''", '"', "'"):
            if segment.startswith(quote, prefix) and segment.endswith(quote):
                first = prefix + len(quote)
                body = segment[first : len(segment) - len(quote)]
                decoded = _decode_python(body, start + first, raw)
                if decoded is not None and decoded[0] == value:
                    return decoded[1]
                break
        return [start] * (len(value) + 1)


_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _decode_python(body: str, base: int, raw: bool) -> tuple[str, list[int]] | None:
    """A string literal's body decoded with Python's escapes, and each character's offset;
    None for an escape this does not follow (the caller then points at the literal)."""
    chars: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or raw or i + 1 >= len(body):
            chars.append(ch)
            offsets.append(base + i)
            i += 1
            continue
        esc = body[i + 1]
        if esc == "\n":  # a line continuation: no character
            i += 2
            continue
        offsets.append(base + i)
        if esc in _SIMPLE_ESCAPES:
            chars.append(_SIMPLE_ESCAPES[esc])
            i += 2
        elif esc in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i + 2 : i + 2 + width]
            try:
                chars.append(chr(int(digits, 16)))
            except ValueError:
                return None
            i += 2 + width
        else:
            return None  # octal, \N{...}: rare in JSON; point at the literal instead
    offsets.append(base + len(body))
    return "".join(chars), offsets


def scan_python(text: str, filename: str) -> Scan:
    """Every activation-conditions value in a Python file, statically."""
    try:
        tree = ast.parse(text, filename=filename)
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = exc.offset or 1
        return Scan(
            [],
            [
                Diagnostic(
                    f"not valid Python: {exc.msg}",
                    line,
                    column,
                    line,
                    column + 1,
                    filename=filename,
                    hint="a2icond reads conditions from Python files without running them; "
                    "the file must parse",
                    code="A2I054",
                )
            ],
        )
    except (ValueError, RecursionError) as exc:
        return Scan(
            [],
            [Diagnostic(f"cannot read this Python file: {exc}", filename=filename, code="A2I054")],
        )
    return _Reader(text, filename, tree).run()
