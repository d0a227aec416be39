"""Editor features in process, for what is awkward to reach over stdio: position encodings
and the edge cases of quick fixes. (tests/test_lsp.py drives the same code through the server.)"""

from __future__ import annotations

import pytest
from lsprotocol import types

from a2icond.diagnostics import Span
from a2icond.lsp import actions
from a2icond.lsp.document import Document
from a2icond.lsp.positions import UTF8, UTF16, UTF32, Lines

TEXT = 'key a = "é😀x"\nlabel\n'


@pytest.mark.parametrize(
    ("encoding", "character"),
    [(UTF16, 12), (UTF8, 15), (UTF32, 11)],  # the column of `x`: code point 11
)
def test_positions_in_each_encoding(encoding: str, character: int) -> None:
    lines = Lines(TEXT, encoding)
    offset = TEXT.index("x")
    assert lines.position_at(offset) == types.Position(0, character)
    assert lines.offset(types.Position(0, character)) == offset
    assert lines.position(1, offset + 1) == types.Position(0, character)
    assert lines.range(Span(2, 1, 2, 6)) == types.Range(types.Position(1, 0), types.Position(1, 5))


def test_positions_past_the_end_are_clamped() -> None:
    lines = Lines(TEXT)
    assert lines.offset(types.Position(99, 0)) == len(TEXT)
    assert lines.offset(types.Position(1, 99)) == TEXT.index("label") + len("label")
    assert lines.position(99, 99) == types.Position(2, 0)


def test_no_label_is_offered_where_model_7_has_none() -> None:
    """A model-6.1 label with no model-7 counterpart gets the ignore fix only, never a guess."""
    text = 'source rekognition\nlabel "Illustrated Explicit Nudity" confidence > 5\n'
    doc = Document("file:///work/a.cond", text)
    assert [d.code for d in doc.diagnostics] == ["A2I102"]
    line = types.Range(types.Position(1, 0), types.Position(1, 0))
    assert [a.title for a in actions.code_actions(doc, line)] == ["Ignore A2I102 on this line"]


def test_an_ignore_comment_gains_a_code() -> None:
    text = 'source rekognition\nlabel "Nudity" confidence > 5  # a2icond: ignore[A2I101]\n'
    doc = Document("file:///work/b.cond", text)
    line = types.Range(types.Position(1, 0), types.Position(1, 0))
    by_title = {a.title: a for a in actions.code_actions(doc, line)}
    edit = by_title["Ignore A2I102 on this line"].edit
    assert edit is not None and edit.changes is not None
    (change,) = edit.changes["file:///work/b.cond"]
    assert change.new_text == "# a2icond: ignore[A2I101, A2I102]"
    assert change.range.start == types.Position(1, text.split("\n")[1].index("#"))


def test_expected_after_follows_the_grammar() -> None:
    from a2icond.parser import expected_after

    assert expected_after("source ") == {"REKOGNITION", "TEXTRACT"}
    assert expected_after("any ") == {"KEY", "LABEL"}
    assert expected_after('label "X" confidence ') >= {"LT", "LE", "GT", "GE", "BETWEEN"}
    assert "$END" in (expected_after('label "X" confidence < 5 # a comment\n') or ())
    assert expected_after("label label") is None  # not the start of any program
    assert expected_after("label $") is None  # does not lex


def test_lex_keeps_comments_in_order() -> None:
    from a2icond.parser import lex

    found = [(kind, span.start, span.end) for kind, span in lex('any label # c\n"x" $ 1')]
    assert found == [
        ("ANY", 0, 3),
        ("LABEL", 4, 9),
        ("COMMENT", 10, 13),
        ("STRING", 14, 17),
    ]  # stops at `$`
