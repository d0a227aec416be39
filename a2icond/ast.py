"""The typed AST of the condition language.

Small and close to the source: every node keeps its `span` (excluded from equality, so two
programs that say the same thing compare equal wherever they were written). The parser builds
it, the checker and lint walk it, lowering turns it into `model.Conditions`, the printer prints
it and the decompiler builds it from JSON.

Nodes are values: nothing changes one after it is built (`dataclasses.replace` makes another),
and they hash by value. They are not `frozen` dataclasses only because a frozen `__init__` sets
each field through `object.__setattr__`, which made building them a sixth of parsing a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from .diagnostics import NOWHERE, Span
from .model import ANY as ANY
from .model import Comparator as Comparator
from .model import Source

SourceName: TypeAlias = Source  # the model's one `Source` type, under the name the AST used

#: The longest integer literal read exactly (the same limit as `jsonread.MAX_INT_DIGITS`).
MAX_INT_DIGITS = 100


def _span() -> Span:
    return field(default=NOWHERE, compare=False, repr=False)


@dataclass(slots=True, unsafe_hash=True)
class Number:
    """A numeric literal; `text` is kept so `90` stays an integer and `97.5` a float."""

    text: str
    span: Span = _span()
    #: `text` read once (lint and lowering ask for it many times).
    _value: int | float = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # An integer past MAX_INT_DIGITS reads as a float (far outside every range, so the
        # checker reports it): `int()` refuses 4,300 digits and is slow before that.
        text = self.text
        if "." in text or len(text) > MAX_INT_DIGITS:
            self._value = float(text)
        else:
            self._value = int(text)

    @property
    def value(self) -> int | float:
        return self._value


@dataclass(slots=True, unsafe_hash=True)
class Threshold:
    """`confidence < 90` or, for keys, `word confidence < 90` (`word=True`)."""

    op: Comparator
    value: Number
    word: bool = False
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class Between:
    """`[word] confidence between LOW and HIGH`, inclusive: an And of `>= LOW` and `<= HIGH`."""

    low: Number
    high: Number
    word: bool = False
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class Group:
    """`(confidence < 10 or word confidence > 98)`: one condition carrying every threshold."""

    thresholds: tuple[Threshold, ...]
    span: Span = _span()


Test: TypeAlias = Threshold | Between | Group


@dataclass(slots=True, unsafe_hash=True)
class Key:
    """A key written in place: `key "Total:" aka "Total"`; `text == "*"` is `any key`."""

    text: str
    aliases: tuple[str, ...] = ()
    span: Span = _span()
    text_span: Span = _span()
    alias_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)


@dataclass(slots=True, unsafe_hash=True)
class KeyName:
    """A reference to a declared key by its name."""

    name: str
    span: Span = _span()


KeyRef: TypeAlias = Key | KeyName


@dataclass(slots=True, unsafe_hash=True)
class LabelCheck:
    """`label "X" ...` (`label == "*"` for `any label`): a ModerationLabelConfidenceCheck."""

    label: str
    test: Test
    span: Span = _span()
    label_span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class KeyCheck:
    """`KEY ...` or `any key ...`: an ImportantFormKeyConfidenceCheck."""

    key: KeyRef
    test: Test
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class MissingKey:
    """`KEY missing`, or `any key missing` (`key is None`): MissingImportantFormKey."""

    key: KeyRef | None
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class Sampling:
    """`sample N%`."""

    percent: Number
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class And:
    """`a and b and ...`: every member holds."""

    members: tuple[Expr, ...]
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class Or:
    """`a or b or ...`: at least one member holds."""

    members: tuple[Expr, ...]
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class Not:
    """Parsed so the checker can explain that A2I has no negation; never compiles."""

    operand: Expr
    span: Span = _span()
    keyword_span: Span = _span()


Atom: TypeAlias = LabelCheck | KeyCheck | MissingKey | Sampling
Expr: TypeAlias = LabelCheck | KeyCheck | MissingKey | Sampling | And | Or | Not


@dataclass(slots=True, unsafe_hash=True)
class KeyDecl:
    """`key NAME = "Text" aka "Alias", ...`."""

    name: str
    text: str
    aliases: tuple[str, ...] = ()
    span: Span = _span()
    name_span: Span = _span()
    text_span: Span = _span()
    alias_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)


@dataclass(slots=True, unsafe_hash=True)
class Comment:
    """A `# ...` comment; `text` includes the `#`."""

    text: str
    span: Span = _span()


@dataclass(slots=True, unsafe_hash=True)
class Program:
    """A whole `.cond` file. `body` is None when the file has no condition (an error)."""

    source: SourceName | None
    keys: tuple[KeyDecl, ...]
    body: Expr | None
    source_span: Span = _span()
    comments: tuple[Comment, ...] = field(default=(), compare=False, repr=False)


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of `expr`, parents before children, without recursion (inputs can be deep)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, And | Or):
            stack.extend(reversed(node.members))
        elif isinstance(node, Not):
            stack.append(node.operand)


def atoms(expr: Expr) -> Iterator[Atom]:
    """The atoms of `expr` in source order."""
    for node in walk(expr):
        if isinstance(node, LabelCheck | KeyCheck | MissingKey | Sampling):
            yield node
