"""Every error rule of the spec, with the exact line and column of each diagnostic."""

from __future__ import annotations

import re
from typing import Any

import pytest

import a2icond
from a2icond.diagnostics import CompileError, Diagnostic


def diagnostics(text: str, **kwargs: Any) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        a2icond.compile(text, filename="t.cond", **kwargs)
    assert all(d.severity == "error" for d in info.value.errors)
    return info.value.errors


def where(text: str, **kwargs: Any) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in diagnostics(text, **kwargs)]


def only(text: str, **kwargs: Any) -> Diagnostic:
    found = diagnostics(text, **kwargs)
    assert len(found) == 1, found
    return found[0]


# -- syntax ------------------------------------------------------------------------------------


def test_syntax_error_names_the_expected_thing_in_words() -> None:
    d = only('label "X" confidence confidence 5')
    assert (d.line, d.column, d.end_column) == (1, 22, 32)
    assert "expected a comparator such as < or >=" in d.message
    assert "found 'confidence'" in d.message
    assert "CMP" not in d.message and "LT" not in d.message


def test_syntax_error_at_end_of_file() -> None:
    d = only('label "X" confidence >\n')
    assert (d.line, d.column) == (1, 23)  # just after the last token, not past the file's end
    assert d.message == "expected a number, found the end of the file"


def test_syntax_error_missing_condition_after_or() -> None:
    d = only('label "X" confidence > 5 or\n\n  or sample 5%')
    assert (d.line, d.column) == (3, 3)
    assert "expected a condition" in d.message


def test_unterminated_string() -> None:
    d = only('label "Explicit confidence > 5\nor sample 5%')
    assert (d.line, d.column) == (1, 7)
    assert "unterminated string" in d.message


def test_negative_number() -> None:
    d = only('label "A" confidence > -5')
    assert (d.line, d.column) == (1, 24)
    assert "unsigned" in d.message


def test_keyword_as_key_name() -> None:
    d = only('key missing = "A"\nmissing missing')
    assert (d.line, d.column) == (1, 5)
    assert "keyword" in d.hint


def test_invalid_escape_and_lone_surrogate() -> None:
    assert where(r'label "a\qb" confidence > 5') == [(1, 7)]
    d = only(r'label "\ud800" confidence > 5')
    assert "surrogate" in d.message


def test_unexpected_character() -> None:
    d = only('label "A" confidence > 5 @')
    assert (d.line, d.column) == (1, 26)
    assert "unexpected character '@'" in d.message


def test_double_equals_is_not_for_declarations() -> None:
    assert where('key a == "A"\na missing') == [(1, 7)]


# -- semantic errors, all reported at once ------------------------------------------------------


def test_every_semantic_error_is_reported_in_one_run() -> None:
    text = (
        "source textract\n"
        'key a = "A"\n'
        'key a = "B"\n'
        'label "X" confidence > 5\n'
        "or b missing\n"
        'or key "C" confidence > 101\n'
        "or sample 0%\n"
    )
    found = diagnostics(text)
    assert [(d.line, d.column) for d in found] == [(3, 5), (4, 1), (5, 4), (6, 25), (7, 11)]


def test_no_condition_at_all() -> None:
    d = only("")
    assert (d.line, d.column) == (1, 1)
    assert "no condition" in d.message
    d = only("# only a comment\n")
    assert "no condition" in d.message


def test_only_declarations() -> None:
    d = only('source textract\nkey a = "A"\n')
    assert "no condition" in d.message
    assert d.line == 2


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ('label "A" confidence > 100.5', (1, 24), "from 0 to 100"),
        ('label "A" confidence < 101', (1, 24), "(got 101)"),
        ('key "A" word confidence >= 200', (1, 28), "from 0 to 100"),
        ('label "A" confidence between 5 and 101', (1, 36), "from 0 to 100"),
        ('label "A" (confidence < 5 or confidence > 1000)', (1, 43), "from 0 to 100"),
        ("sample 0%", (1, 8), "from 0.01% to 100%"),
        ("sample 0.001%", (1, 8), "(got 0.001%)"),
        ("sample 100.5%", (1, 8), "from 0.01% to 100%"),
    ],
)
def test_ranges(text: str, position: tuple[int, int], fragment: str) -> None:
    d = only(text, source="rekognition" if "label" in text or "sample" in text else None)
    assert (d.line, d.column) == position
    assert fragment in d.message


def test_range_edges_are_allowed() -> None:
    a2icond.compile('label "A" confidence >= 0 or label "A" confidence <= 100')
    a2icond.compile("sample 0.01% or sample 100%", source="rekognition")


def test_between_needs_low_then_high() -> None:
    d = only('source rekognition\nlabel "A" confidence between 90 and 50')
    assert (d.line, d.column) == (2, 11)
    assert "between 90 and 50" in d.message


def test_empty_strings() -> None:
    assert where('label "" confidence > 5') == [(1, 7)]
    assert where('key "" missing') == [(1, 5)]
    assert where('key "A" aka "B", "" missing') == [(1, 18)]
    assert where('key a = ""\na missing') == [(1, 9)]


def test_key_star_cannot_be_missing() -> None:
    d = only('key "*" missing')
    assert (d.line, d.column) == (1, 1)
    assert "cannot be `missing`" in d.message
    d = only('key all = "*"\nall missing')
    assert (d.line, d.column) == (2, 1)


def test_key_star_takes_no_aliases() -> None:
    assert where('key "*" aka "X" confidence < 5') == [(1, 13)]


def test_duplicate_declaration() -> None:
    d = only('key total = "Total"\nkey total = "Sum"\ntotal missing')
    assert (d.line, d.column) == (2, 5)
    assert "already declared (line 1)" in d.message


def test_undeclared_key_with_suggestion() -> None:
    d = only('key employee = "Employee Name"\nemplyee confidence < 60')
    assert (d.line, d.column, d.end_column) == (2, 1, 8)
    assert "undeclared key 'emplyee'" in d.message
    assert "did you mean 'employee'?" in d.message


def test_undeclared_key_without_anything_close() -> None:
    d = only('key employee = "Employee Name"\nzzz confidence < 60')
    assert "did you mean" not in d.message


def test_any_key_missing_needs_declared_keys() -> None:
    d = only("source textract\nsample 5% or any key missing")
    assert (d.line, d.column) == (2, 14)
    assert "needs declared keys" in d.message


def test_any_key_missing_with_a_star_key() -> None:
    assert where('key a = "A"\nkey all = "*"\nany key missing') == [(3, 1)]


def test_threshold_name_once_per_group() -> None:
    d = only('label "A" (confidence < 5 or confidence > 90 or confidence < 7)')
    assert (d.line, d.column) == (1, 49)
    assert "appears twice" in d.message
    # `=` and `==` are the same threshold
    assert where('key "A" (word confidence = 5 or word confidence == 6)') == [(1, 33)]


def test_word_confidence_is_for_keys_only() -> None:
    assert where('label "A" word confidence < 5') == [(1, 11)]
    assert where('label "A" (confidence < 5 or word confidence > 9)') == [(1, 30)]
    assert where('label "A" word confidence between 1 and 2') == [(1, 11)]


# -- source rules ------------------------------------------------------------------------------


def test_label_check_in_textract_file_is_an_error_at_the_atom() -> None:
    d = only('source textract\nkey "A" missing\nor label "X" confidence > 5')
    assert (d.line, d.column) == (3, 4)
    assert "Textract" in d.message


def test_key_check_in_rekognition_file_is_an_error_at_the_atom() -> None:
    assert where('source rekognition\nlabel "X" confidence > 5 or key "A" missing') == [(2, 29)]


def test_mixed_file_without_header_takes_the_first_checks_source() -> None:
    assert where('label "X" confidence > 5 or key "A" missing or any key confidence < 5') == [
        (1, 29),
        (1, 48),
    ]
    assert where('key "A" missing or label "X" confidence > 5') == [(1, 20)]


def test_declarations_in_a_rekognition_file() -> None:
    assert where('source rekognition\nkey a = "A"\nlabel "X" confidence > 5') == [(2, 1)]


def test_callers_source_must_match_the_header() -> None:
    d = only("source textract\nsample 5%", source="rekognition")
    assert (d.line, d.column) == (1, 1)
    assert "textract" in d.message and "rekognition" in d.message


def test_callers_source_decides_inference_when_no_header() -> None:
    assert where('label "X" confidence > 5', source="textract") == [(1, 1)]


def test_sampling_only_needs_a_source() -> None:
    d = only("sample 5%")
    assert (d.line, d.column) == (1, 1)
    assert "source" in d.message


# -- not ---------------------------------------------------------------------------------------


def test_not_is_an_error_with_a_non_equivalent_rewrite() -> None:
    d = only('label "X" confidence > 5 or\nnot (label "Explicit" confidence > 90)')
    assert (d.line, d.column, d.end_column) == (2, 1, 4)
    assert "no negation" in d.message
    assert 'label "Explicit" confidence <= 90' in d.message
    assert "not equivalent" in d.message
    assert "present" in d.message


def test_not_of_a_group_has_no_rewrite() -> None:
    d = only('not (label "A" confidence > 5 and label "B" confidence > 5)')
    assert "no negation" in d.message
    assert "equivalent" not in d.message


# -- limits ------------------------------------------------------------------------------------


def test_nesting_deeper_than_two_levels_is_an_error_at_the_group() -> None:
    A, B, C, D = (f'label "{n}" confidence > 1' for n in "ABCD")
    d = only(f"{A} and ({B} or\n   ({C} and {D}))")
    assert (d.line, d.column) == (2, 4)
    assert "nested 3 levels deep" in d.message
    assert d.hint  # how to restructure


def test_between_at_the_third_level_is_reported_at_the_atom() -> None:
    d = only('sample 5% and (label "B" confidence > 1 or label "X" confidence between 5 and 9)')
    assert (d.line, d.column) == (1, 44)


def test_any_key_missing_inside_a_too_deep_group() -> None:
    text = (
        'key a = "A"\nkey b = "B"\n'
        "sample 5% and (any key confidence < 5 or (sample 1% and any key missing))"
    )
    assert where(text) == [(3, 42)]


def _labels(count: int, pad: int) -> str:
    names = ["P" * pad] + [f"L{i:03d}" for i in range(count - 1)]
    return " or ".join(f'label "{n}" confidence > 50' for n in names)


def test_size_limit_reports_the_size() -> None:
    d = only(_labels(150, 1))
    assert "10240" in d.message
    assert (d.line, d.column) == (1, 1)
    match = re.search(r"are (\d+) characters", d.message)
    assert match is not None and int(match.group(1)) > 10240


def test_size_limit_is_exactly_10240() -> None:
    size = len(a2icond.compile(_labels(70, 1)).to_json())
    pad = 1 + 10240 - size
    assert len(a2icond.compile(_labels(70, pad)).to_json()) == 10240
    with pytest.raises(CompileError, match="10241 characters"):
        a2icond.compile(_labels(70, pad + 1))


def test_deeply_nested_input_is_a_clean_error() -> None:
    text = "(" * 300 + 'label "A" confidence > 5' + (" and sample 5%)" * 300)
    d = only(text)
    assert "nested more than 200 levels" in d.message
    text = "(" * 100_000 + 'label "A" confidence > 5' + ")" * 100_000
    assert a2icond.compile(text).to_dict()["Conditions"][0]["ConditionParameters"] == {
        "ModerationLabelName": "A",
        "ConfidenceGreaterThan": 5,
    }
    with pytest.raises(CompileError):
        a2icond.compile("(" * 100_000)


def test_huge_input_is_refused() -> None:
    with pytest.raises(CompileError, match="at most 1048576"):
        a2icond.compile("# " + "x" * (1 << 20))


def test_nesting_errors_are_reported_with_the_other_errors() -> None:
    text = (
        'label "A" confidence > 500 and (label "B" confidence > 1 or\n'
        '  (label "C" confidence > 1 and not label "D" confidence > 1))\n'
        "or zzz missing"
    )
    assert where(text) == [(1, 24), (2, 3), (2, 33), (3, 4), (3, 4)]


def test_string_escape_errors_are_reported_with_the_checkers() -> None:
    assert where(r'label "\q" confidence > 101 or label "\x" confidence > 5') == [
        (1, 7),
        (1, 25),
        (1, 38),
    ]


def test_error_at_the_end_after_a_trailing_newline_shows_a_caret() -> None:
    text = 'label "Explicit" confidence > 90 or\n'
    with pytest.raises(CompileError) as info:
        a2icond.compile(text, filename="e.cond")
    assert info.value.render().splitlines()[1:] == [
        ' 1 | label "Explicit" confidence > 90 or',
        "   |                                    ^",
    ]


def test_source_line_after_declarations() -> None:
    d = only('key a = "X"\nsource textract\na missing')
    assert (d.line, d.column) == (2, 1)
    assert "must come first" in d.hint


def test_unexpected_character_does_not_list_every_token() -> None:
    d = only('label "Explicit" confidence > 90 $')
    assert d.message == "unexpected character '$'"


def test_size_counts_utf16_units_as_aws_does() -> None:
    from a2icond.model import json_length

    assert json_length("abc") == 3
    assert json_length("é") == 1
    assert json_length("😀") == 2


def test_raw_surrogate_from_the_api_is_rejected() -> None:
    d = only('label "\ud800" confidence > 5')
    assert "surrogate" in d.message


def test_number_with_a_trailing_point() -> None:
    d = only('label "A" confidence > 5.')
    assert (d.line, d.column) == (1, 25)
    assert "digits on both sides" in d.message
