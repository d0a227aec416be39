"""Hypothesis strategies for condition-language ASTs that follow the spec's rules.

Shared by the property tests: programs are generated as ASTs, printed with `a2icond.printer`,
and fed back through the compiler.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from a2icond import ast
from a2icond.parser import KEYWORDS

OPS: list[ast.Comparator] = ["<", "<=", ">", ">=", "="]

# Text for labels and keys: printable, quotes and backslashes included, never empty.
texts = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),  # no surrogates: a2icond rejects unpaired ones
        blacklist_characters="\n\r",
    ),
    min_size=1,
    max_size=12,
).filter(lambda s: s != ast.ANY)

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: s.lower() not in KEYWORDS
)


@st.composite
def numbers(draw: Any, low: float = 0, high: float = 100) -> ast.Number:
    """A literal in [low, high], as text: integers, decimals, sometimes trailing zeros."""
    whole = draw(st.integers(int(low), int(high)))
    if draw(st.booleans()) or whole == high:
        text = str(whole)
    else:
        frac = draw(st.from_regex(r"[0-9]{1,3}", fullmatch=True))
        text = f"{whole}.{frac}"
    if float(text) < low:
        text = f"{low:g}"
    return ast.Number(text)


def thresholds(word: st.SearchStrategy[bool]) -> st.SearchStrategy[ast.Threshold]:
    return st.builds(ast.Threshold, op=st.sampled_from(OPS), value=numbers(), word=word)


@st.composite
def betweens(draw: Any, word: st.SearchStrategy[bool]) -> ast.Between:
    a, b = draw(numbers()), draw(numbers())
    low, high = (a, b) if a.value <= b.value else (b, a)
    return ast.Between(low, high, draw(word))


@st.composite
def groups(draw: Any, word: st.SearchStrategy[bool]) -> ast.Group:
    items = draw(st.lists(thresholds(word), min_size=1, max_size=4))
    unique: dict[tuple[bool, str], ast.Threshold] = {}
    for item in items:
        unique.setdefault((item.word, item.op), item)
    return ast.Group(tuple(unique.values()))


def tests_for(keys: bool) -> st.SearchStrategy[ast.Test]:
    word = st.booleans() if keys else st.just(False)
    return st.one_of(thresholds(word), betweens(word), groups(word))


def samplings() -> st.SearchStrategy[ast.Sampling]:
    return st.builds(ast.Sampling, numbers(0.01, 100))


@st.composite
def declarations(draw: Any) -> tuple[ast.KeyDecl, ...]:
    names = draw(st.lists(identifiers, min_size=0, max_size=4, unique=True))
    return tuple(
        ast.KeyDecl(name, draw(texts), tuple(draw(st.lists(texts, max_size=3)))) for name in names
    )


def atoms_for(source: str, keys: tuple[ast.KeyDecl, ...]) -> st.SearchStrategy[ast.Expr]:
    if source == "rekognition":
        label = st.one_of(st.just(ast.ANY), texts)
        return st.one_of(
            st.builds(ast.LabelCheck, label=label, test=tests_for(False)),
            samplings(),
        )
    inline = st.builds(ast.Key, text=texts, aliases=st.lists(texts, max_size=3).map(tuple))
    named = st.sampled_from([ast.KeyName(k.name) for k in keys]) if keys else st.nothing()
    ref = st.one_of(inline, named)
    options = [
        st.builds(
            ast.KeyCheck, key=st.one_of(ref, st.just(ast.Key(ast.ANY))), test=tests_for(True)
        ),
        st.builds(ast.MissingKey, key=ref),
        samplings(),
    ]
    if keys:
        options.append(st.just(ast.MissingKey(None)))
    return st.one_of(*options)


def expressions(atom: st.SearchStrategy[ast.Expr], depth: int = 3) -> st.SearchStrategy[Any]:
    if depth == 0:
        return atom
    inner = expressions(atom, depth - 1)
    members = st.lists(inner, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        atom,
        atom,
        st.builds(ast.And, members),
        st.builds(ast.Or, members),
    )


@st.composite
def programs(draw: Any, max_depth: int = 3) -> ast.Program:
    """A program that follows every rule the checker enforces (nesting and size may not hold)."""
    source = draw(st.sampled_from(["rekognition", "textract"]))
    keys = draw(declarations()) if source == "textract" else ()
    body = draw(expressions(atoms_for(source, keys), max_depth))
    return ast.Program(source, keys, body)
