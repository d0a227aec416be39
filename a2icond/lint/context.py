"""What every `.cond` rule sees: the program, its declared keys, and a place to report.

Also the canonical forms of chain members (two members that say the same thing get the same
form), which both the duplicate rule and the range rule need, computed once per node.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass

from .. import ast
from ..checker import Analysis
from ..diagnostics import Diagnostic, Span


def quote(text: str) -> str:
    """A string as the language writes it: double quotes, minimal escapes."""
    return json.dumps(text, ensure_ascii=False)


class Reporter:
    """Collects warnings for one file."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[Diagnostic] = []
        #: Unknown label names given a spelling hint so far (capped per file: see labels.py).
        self.hinted_labels: set[str] = set()

    def warn(self, span: Span, code: str, message: str, hint: str = "") -> None:
        self.found.append(
            Diagnostic.at(
                span, message, severity="warning", code=code, filename=self.filename, hint=hint
            )
        )


@dataclass(frozen=True)
class Chain:
    """A whole `and` / `or` chain: same-operator children spliced in, each member with its
    canonical form (a member that is itself a chain of the same operator, reached through a
    `not` or a key name, contributes its parts)."""

    node: ast.And | ast.Or
    op: str
    members: list[tuple[ast.Expr, Hashable]]


class Context(Reporter):
    """A program being linted."""

    def __init__(self, program: ast.Program, analysis: Analysis, filename: str) -> None:
        super().__init__(filename)
        self.program = program
        self.keys = analysis.keys
        self._forms: dict[int, Hashable] = {}

    def key_of(self, ref: ast.KeyRef) -> tuple[str, tuple[str, ...]]:
        """The text and aliases a key reference stands for."""
        if isinstance(ref, ast.KeyName):
            decl = self.keys[ref.name]
            return decl.text, decl.aliases
        return ref.text, ref.aliases

    def chain(self, node: ast.And | ast.Or) -> Chain:
        return Chain(node, "and" if isinstance(node, ast.And) else "or", self.flat(node))

    def canon(self, node: ast.Expr) -> Hashable:
        """A form that is equal for two members that say the same thing (memoized: nested
        groups are asked for again by every chain that encloses them)."""
        form = self._forms.get(id(node))
        if form is None:
            form = self._forms[id(node)] = self._canon(node)
        return form

    def _canon(self, node: ast.Expr) -> Hashable:
        if isinstance(node, ast.LabelCheck):
            return ("label", node.label, _canon_test(node.test))
        if isinstance(node, ast.KeyCheck):
            return ("key", self.key_of(node.key), _canon_test(node.test))
        if isinstance(node, ast.MissingKey):
            if node.key is not None:
                return ("missing", self.key_of(node.key))
            keys = [("missing", (d.text, d.aliases)) for d in self.keys.values()]
            return keys[0] if len(keys) == 1 else ("or", frozenset(keys))
        if isinstance(node, ast.Sampling):
            return ("sample", float(node.percent.value))
        if isinstance(node, ast.Not):
            return ("not", self.canon(node.operand))
        op = "and" if isinstance(node, ast.And) else "or"
        return (op, frozenset(c for _, c in self.flat(node)))

    def flat(self, node: ast.And | ast.Or) -> list[tuple[ast.Expr, Hashable]]:
        """The members of a chain with same-operator children spliced in, with their forms."""
        out: list[tuple[ast.Expr, Hashable]] = []
        op = "and" if isinstance(node, ast.And) else "or"
        stack: list[ast.Expr] = list(reversed(node.members))
        while stack:  # without recursion: chains nest as deep as the input
            member = stack.pop()
            if type(member) is type(node):
                assert isinstance(member, ast.And | ast.Or)
                stack.extend(reversed(member.members))
                continue
            form = self.canon(member)
            if isinstance(form, tuple) and form[0] == op and isinstance(form[1], frozenset):
                out.extend((member, part) for part in form[1])
            else:
                out.append((member, form))
        return out


def _canon_test(test: ast.Test) -> Hashable:
    if isinstance(test, ast.Between):
        return ("between", test.word, float(test.low.value), float(test.high.value))
    thresholds = (test,) if isinstance(test, ast.Threshold) else test.thresholds
    return ("thresholds", frozenset((t.word, t.op, float(t.value.value)) for t in thresholds))
