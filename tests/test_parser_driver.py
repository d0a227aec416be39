"""The inlined LALR loop in `a2icond.parser` behaves exactly like Lark's own `Lark.parse`."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from a2icond import parser, printer

from .strategies import programs


def outcome(run: Any, text: str) -> tuple[str, Any]:
    """The AST, or the kind and place of the error, with the parser's side state reset."""
    parser._state.comments, parser._state.problems, parser._state.depths = [], [], {}
    try:
        return ("ok", run(text))
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        expected = frozenset(getattr(exc, "expected", ()) or ())
        return (type(exc).__name__, (exc.line, exc.column, str(token), expected))


def both(text: str) -> None:
    assert outcome(parser._run, text) == outcome(parser._lark().parse, text)


@settings(max_examples=200, deadline=None)
@given(programs())
def test_same_ast_as_lark_on_valid_programs(program: Any) -> None:
    both(printer.program(program))


@settings(max_examples=300, deadline=None)
@given(
    programs(max_depth=2),
    st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.integers(0, 5),
            st.sampled_from(
                ["(", ")", " or ", " and ", "label", '"x"', "<", "5", "%", "key", "any", "\n", "#"]
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_same_errors_as_lark_on_broken_programs(program: Any, edits: list[Any]) -> None:
    text = printer.program(program)
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    both(text)


def test_edge_cases() -> None:
    for text in ["", "# only a comment", "sample", "sample 5%", "(((", ")", 'key a = "A"']:
        both(text)
