"""The lint rules of issue 10: fractional thresholds (A2I111), ignore comments that silence
nothing (A2I110), and label hints that name what the user nearly typed."""

from __future__ import annotations

import pytest

import a2icond
from a2icond.compiler import load_text
from a2icond.formatter import format_source

REK = "source rekognition\n"


def warnings(text: str) -> list[tuple[str, int, int, str, str]]:
    result = a2icond.compile(text)
    return [(d.code, d.line, d.column, d.message, d.hint) for d in result.warnings]


def codes(text: str) -> list[str]:
    return [w[0] for w in warnings(text)]


# -- A2I111 --------------------------------------------------------------------------------------


def test_a_fraction_warns_with_the_percentage_meant() -> None:
    ((code, line, column, message, hint),) = warnings(REK + 'label "Explicit" confidence > 0.9')
    assert (code, line, column) == ("A2I111", 2, 31)
    assert "`confidence > 90` was probably meant" in message
    assert hint.startswith("write `confidence > 90`")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('label "Explicit" confidence between 0.5 and 0.95', ["A2I111"]),
        ('key "Total:" (confidence < 0.45 or word confidence < 85)', ["A2I111"]),
        ('key "Total:" word confidence < 0.85', ["A2I111"]),
        ('label "Explicit" confidence > 1', []),
        ('label "Explicit" confidence > 90.5', []),
        ('label "Explicit" confidence > 0', []),  # A2I104 territory, not a fraction
        ("source textract\nsample 0.5%", []),  # sampling percentages may be fractions
        ('label "Explicit" confidence > 0.9  # a2icond: ignore[A2I111]', []),
    ],
)
def test_fractions(text: str, expected: list[str]) -> None:
    found = [c for c in codes(text) if c != "A2I104"]
    assert found == expected


def test_fraction_in_json_conditions() -> None:
    text = (
        '{"Conditions": [{"ConditionType": "ModerationLabelConfidenceCheck",\n'
        ' "ConditionParameters": {"ModerationLabelName": "Explicit",\n'
        ' "ConfidenceGreaterThan": 0.85}}]}'
    )
    (d,) = load_text(text, filename="c.json").diagnostics
    assert (d.code, d.line) == ("A2I111", 3)
    assert d.hint == "write 85"


# -- A2I110 --------------------------------------------------------------------------------------


def test_unknown_code_is_reported_at_the_code() -> None:
    text = 'label "Explicit" confidence > 90  # a2icond: ignore[A2I999]'
    ((code, line, column, message, _),) = warnings(text)
    assert (code, line, column) == ("A2I110", 1, text.index("A2I999") + 1)
    assert message == "unknown code 'A2I999' in an ignore comment"


def test_error_codes_and_unused_codes_and_bare_ignores() -> None:
    text = (
        REK + '   label "Explicit" confidence > 90  # a2icond: ignore[A2I024]\n'
        "or sample 5%  # a2icond: ignore\n"
        'or label "Sugestive" confidence > 3  # a2icond: ignore[A2I101, A2I104]\n'
    )
    found = warnings(text)
    assert [(c, line) for c, line, *_ in found] == [
        ("A2I110", 2),
        ("A2I110", 3),
        ("A2I110", 4),
    ]
    assert found[0][3] == "A2I024 is an error: ignore comments silence warnings only"
    assert "there is no warning on this line" in found[1][3]
    assert found[2][3] == "this ignore comment silences nothing: no A2I104 warning on this line"


def test_used_ignores_are_not_reported() -> None:
    text = REK + 'label "Sugestive" confidence > 3  # a2icond: ignore[A2I101]'
    assert codes(text) == []


def test_unused_ignore_cannot_silence_itself() -> None:
    text = REK + "sample 5%  # a2icond: ignore[A2I110]"
    assert codes(text) == ["A2I110"]


def test_fmt_accepts_a_file_whose_ignore_sat_on_the_wrong_line() -> None:
    """Joining a member onto one line can make a misplaced ignore comment work; fmt must not
    call that an internal error."""
    text = REK + 'label "Sugestive"\n  confidence > 3  # a2icond: ignore[A2I101]\n'
    assert codes(text) == ["A2I101", "A2I110"]
    once = format_source(text)
    assert once == REK + '\nlabel "Sugestive" confidence > 3  # a2icond: ignore[A2I101]\n'
    assert codes(once) == []


# -- label hints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        (
            "Sugestive",
            'did you mean "Suggestive"? That is a model 6.1 name; model 7 calls it '
            '"Non-Explicit Nudity of Intimate parts and Kissing"',
        ),
        ("explicit nudity", 'did you mean "Explicit Nudity"?'),
        ("Explicit Nudty", 'did you mean "Explicit Nudity"?'),
        ("female swimwear or underwear", 'did you mean "Female Swimwear or Underwear"?'),
        (
            "Graphic Male Nudty",
            'did you mean "Graphic Male Nudity"? That is a model 6.1 name; model 7 calls it '
            '"Exposed Male Genitalia"',
        ),
        (
            "Illustrated Explict Nudity",
            'did you mean "Illustrated Explicit Nudity"? That is a model 6.1 name, which model 7 '
            "no longer returns",
        ),
        ("Qwxzv", ""),
    ],
)
def test_label_hint_names_what_was_nearly_typed(name: str, hint: str) -> None:
    ((code, _, _, _, got),) = warnings(REK + f'label "{name}" confidence > 50')
    assert (code, got) == ("A2I101", hint)


def test_model_6_1_hint_points_at_an_installed_page() -> None:
    ((code, _, _, _, hint),) = warnings(REK + 'label "Illustrated Explicit Nudity" confidence > 50')
    assert code == "A2I102"
    assert "a2icond explain A2I102" in hint


def test_the_a2i102_page_lists_the_model_7_names() -> None:
    from a2icond.codes import page
    from a2icond.lint import label_names

    text = page("A2I102") or ""
    listed = text.split("## Model 7 label names", 1)[1]
    assert [line[3:-1] for line in listed.splitlines() if line.startswith("- `")] == list(
        label_names().model_7
    )
