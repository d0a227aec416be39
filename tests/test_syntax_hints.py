"""Syntax errors name the likely mistake: misspelt keywords, `missing` on a label, `sample 2`,
and the end of the file is shown on a line the file has."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import a2icond
from a2icond.diagnostics import CompileError


def first_error(text: str) -> tuple[str, int, int, str, str]:
    with pytest.raises(CompileError) as caught:
        a2icond.compile(text, source="rekognition")
    d = caught.value.diagnostics[0]
    return d.code, d.line, d.column, d.message, d.hint


@pytest.mark.parametrize(
    ("text", "line", "column", "word", "meant"),
    [
        ('lable "Explicit" confidence > 90', 1, 1, "lable", "label"),
        ('label "Explicit" confidance > 90', 1, 18, "confidance", "confidence"),
        ("sampel 5%", 1, 1, "sampel", "sample"),
        ('key "A" mising', 1, 9, "mising", "missing"),
        ('label "X" confidence > 90 or smaple 5%', 1, 30, "smaple", "sample"),
        ('label "X" confidence > 90 andd sample 5%', 1, 27, "andd", "and"),
        ('label "X" confidence betwen 1 and 5', 1, 22, "betwen", "between"),
        ('key "A" akka "B" confidence < 5', 1, 9, "akka", "aka"),
        ("source rekognitoin\nsample 5%", 1, 8, "rekognitoin", "rekognition"),
        ("sourse rekognition\nsample 5%", 1, 1, "sourse", "source"),
        ('key a = "A"\n\nlable "X" confidence > 5', 3, 1, "lable", "label"),
        ('key total = "T"\ntotal wrd confidence < 5', 2, 7, "wrd", "word"),
    ],
)
def test_misspelt_keywords(text: str, line: int, column: int, word: str, meant: str) -> None:
    code, got_line, got_column, message, _ = first_error(text)
    assert (code, got_line, got_column) == ("A2I002", line, column)
    assert message == f"unknown keyword {word!r}; did you mean {meant!r}?"


def test_the_issue_example_exactly() -> None:
    with pytest.raises(CompileError) as caught:
        a2icond.compile('lable "Explicit" confidence > 90', filename="x.cond")
    assert caught.value.diagnostics[0].headline() == (
        "x.cond:1:1: error[A2I002]: unknown keyword 'lable'; did you mean 'label'?"
    )


@pytest.mark.parametrize("text", ['label "X" missing', "any label missing"])
def test_labels_cannot_be_missing(text: str) -> None:
    code, line, column, message, hint = first_error(text)
    assert (code, line, column) == ("A2I001", 1, 11)
    assert message.startswith("a label cannot be `missing`")
    assert "form keys" in hint


@pytest.mark.parametrize(
    "text", ["sample 2", "sample 2\n", "sample 2\n\n\n", "sample 2 or sample 3%"]
)
def test_sample_without_percent_points_at_the_number(text: str) -> None:
    code, line, column, message, hint = first_error(text)
    assert (code, line, column) == ("A2I001", 1, 8)
    assert message == "a sampling percentage ends with '%'"
    assert hint == "write sample 2%"


@pytest.mark.parametrize(
    "text", ['label "X" confidence > 90 or\n', 'label "X" confidence > 90 or  \n\n\t\n', "source\n"]
)
def test_end_of_file_is_on_a_line_the_file_has(text: str) -> None:
    with pytest.raises(CompileError) as caught:
        a2icond.compile(text, source="rekognition")
    d = caught.value.diagnostics[0]
    assert "the end of the file" in d.message
    assert d.line == 1
    assert d.column == len(text.split("\n")[0].rstrip()) + 1
    rendered = caught.value.render()
    assert rendered.splitlines()[1].startswith(" 1 | ")  # the source line is shown


def test_unrelated_words_keep_the_parsers_message() -> None:
    code, line, column, message, _ = first_error('foo "X" confidence > 5')
    assert (code, line, column) == ("A2I001", 1, 5)
    assert message.startswith("expected ")


def test_a_real_key_name_is_not_taken_for_a_typo() -> None:
    """`any`/`and` are not alike enough; a declared key spelt like nothing is not flagged."""
    result = a2icond.compile('key labl = "X"\n\nlabl missing')
    assert result.source == "textract"


WORDS = [
    "label", "lable", "key", "kye", "any", "sample", "sampel", "confidence", "confidance",
    "word", "missing", "mising", "between", "betwen", "and", "andd", "or", "not", "aka",
    "source", "rekognition", "textract", '"X"', '"Total:"', "90", "2", "0.5", "%", "(", ")",
    "<", ">=", "=", ",", "total", "# c", "\n", "\n\n", "  ",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14))
def test_syntax_errors_always_point_into_the_file(words: list[str]) -> None:
    """Whatever the mistake, the error is on a line the file has (or, for an empty file, 1:1),
    and it never raises anything but CompileError."""
    text = " ".join(words)
    try:
        a2icond.compile(text, source="textract")
    except CompileError as exc:
        lines = text.split("\n")
        for d in exc.diagnostics:
            assert 1 <= d.line <= max(1, len(text.rstrip().split("\n"))), (text, d)
            assert 1 <= d.column <= len(lines[d.line - 1]) + 1, (text, d)
            assert d.code
