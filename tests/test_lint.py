"""Lint warnings: each rule fires on its mistake and stays quiet on clean code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import a2icond
from a2icond.diagnostics import Diagnostic
from a2icond.lint import CODES, covers_domain, label_names, suggest_label, threshold_interval

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def warnings(text: str) -> list[Diagnostic]:
    result = a2icond.compile(text)
    assert all(d.severity == "warning" for d in result.diagnostics)
    return list(result.diagnostics)


def codes(text: str) -> list[str]:
    return [d.code for d in warnings(text)]


REK = "source rekognition\n"
TEX = "source textract\n"


# -- A2I101 / A2I102: label names ----------------------------------------------------------------


def test_unknown_label_case_only_suggests_the_right_case() -> None:
    (w,) = warnings(REK + 'label "explicit nudity" confidence > 50')
    assert w.code == "A2I101"
    assert 'did you mean "Explicit Nudity"' in w.hint
    assert (w.line, w.column) == (2, 7)
    assert w.render().startswith("<string>:2:7: warning[A2I101]: ")


def test_unknown_label_typo_suggests_closest_spelling() -> None:
    (w,) = warnings(REK + 'label "Explicit Nudty" confidence > 50')
    assert w.code == "A2I101" and 'did you mean "Explicit Nudity"' in w.hint


def test_unknown_label_without_anything_close_has_no_suggestion() -> None:
    (w,) = warnings(REK + 'label "Zebra crossing at night" confidence > 50')
    assert w.code == "A2I101" and w.hint == ""


def test_model_6_1_label_names_its_model_7_replacement() -> None:
    (w,) = warnings(REK + 'label "Female Swimwear Or Underwear" confidence > 50')
    assert w.code == "A2I102"
    assert "Female Swimwear or Underwear" in w.message
    assert w.hint == 'write label "Female Swimwear or Underwear"'


def test_model_6_1_label_with_no_model_7_name() -> None:
    (w,) = warnings(REK + 'label "Illustrated Explicit Nudity" confidence > 50')
    assert w.code == "A2I102" and "no longer returns" in w.message


def test_every_model_7_label_and_any_label_are_clean() -> None:
    names = label_names().model_7
    text = REK + "\nor ".join(f'label "{n}" confidence > 50' for n in names)
    assert codes(text + "\nor any label confidence < 60") == []


def test_every_renamed_label_warns() -> None:
    for old, new in label_names().renamed.items():
        (w,) = warnings(REK + f'label "{old}" confidence > 50')
        assert w.code == "A2I102" and new in w.message


def test_suggestions_for_old_names_in_the_wrong_case_point_to_model_7() -> None:
    assert suggest_label("female swimwear or underwear") == "Female Swimwear or Underwear"
    assert suggest_label("graphic male nudity") == "Exposed Male Genitalia"
    assert suggest_label("Violense") == "Violence"


# -- A2I103: never holds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        'label "Violence" confidence > 90 and label "Violence" confidence < 80',
        'label "Violence" confidence = 50 and label "Violence" confidence = 60',
        'label "Violence" confidence between 10 and 20 and label "Violence" confidence > 30',
        'label "Violence" confidence >= 50 and sample 5% and label "Violence" confidence < 50',
        (
            'label "Violence" (confidence < 10'
            ' or confidence > 90) and label "Violence" confidence = 50'
        ),
        'label "Violence" confidence > 100',
        'label "Violence" confidence < 0',
    ],
)
def test_never_holds(expr: str) -> None:
    assert codes(REK + expr) == ["A2I103"]


def test_never_holds_on_a_declared_and_an_inline_key() -> None:
    text = TEX + 'key t = "Total:"\nt confidence > 90 and key "Total:" confidence <= 90'
    assert codes(text) == ["A2I103"]


@pytest.mark.parametrize(
    "expr",
    [
        'label "Violence" confidence > 80 and label "Violence" confidence < 90',
        'label "Violence" confidence >= 50 and label "Violence" confidence <= 50',
        'label "Violence" confidence > 90 or label "Violence" confidence < 80',
        'label "Violence" confidence > 90 and label "Weapons" confidence < 80',
        "any label confidence > 90 and any label confidence < 10",
        (
            'label "Violence" (confidence < 10'
            ' or confidence > 90) and label "Violence" confidence > 95'
        ),
        'label "Violence" confidence = 50 and label "Violence" confidence between 50 and 60',
    ],
)
def test_satisfiable_conjunctions_are_clean(expr: str) -> None:
    assert codes(REK + expr) == []


@pytest.mark.parametrize(
    "expr",
    [
        # different measures of one key are independent
        'key "Total:" confidence > 90 and key "Total:" word confidence < 10',
        # a group over two measures constrains neither alone
        'key "Total:" (confidence < 10 or word confidence < 10) and key "Total:" confidence > 90',
        # any key: each threshold may meet a different key
        "any key confidence > 90 and any key confidence < 10",
    ],
)
def test_key_conjunctions_that_can_hold(expr: str) -> None:
    assert codes(TEX + expr) == []


# -- A2I104: always holds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        'label "Violence" confidence >= 0',
        'label "Violence" confidence <= 100',
        'label "Violence" confidence between 0 and 100',
        'label "Violence" (confidence < 50 or confidence >= 50)',
        'label "Violence" (confidence > 90 or confidence >= 0)',
    ],
)
def test_always_holds(expr: str) -> None:
    assert codes(REK + expr) == ["A2I104"]


@pytest.mark.parametrize(
    "expr",
    [
        'label "Violence" confidence > 0',
        'label "Violence" confidence < 100',
        'label "Violence" confidence between 0 and 99.5',
        'label "Violence" (confidence < 50 or confidence > 50)',
    ],
)
def test_nearly_always_is_clean(expr: str) -> None:
    assert codes(REK + expr) == []


def test_interval_helpers() -> None:
    assert threshold_interval("<", 0).empty
    assert threshold_interval(">", 100).empty
    assert not threshold_interval("=", 100).empty
    assert covers_domain((threshold_interval("<=", 40), threshold_interval(">", 40)))
    assert not covers_domain((threshold_interval("<", 40), threshold_interval(">", 40)))


# -- A2I105: duplicate members -------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        'label "Violence" confidence > 90 or label "Violence" confidence > 90',
        'label "Violence" confidence > 90 or label "Violence" confidence > 90.0',
        (
            '(label "Violence" confidence > 90 and sample 5%)'
            ' or (sample 5% and label "Violence" confidence > 90)'
        ),
        (
            'label "Violence" (confidence < 10 or confidence > 90)'
            ' or label "Violence" (confidence > 90 or confidence < 10)'
        ),
        'sample 5% and label "Violence" confidence > 9 and sample 5%',
    ],
)
def test_duplicate_members(expr: str) -> None:
    assert codes(REK + expr) == ["A2I105"]


def test_duplicate_through_a_declared_key_and_any_key_missing() -> None:
    text = TEX + 'key t = "Total:"\nkey d = "Date"\nkey "Total:" missing or any key missing'
    (w,) = warnings(text)
    assert w.code == "A2I105" and w.line == 4 and w.column == 25


@pytest.mark.parametrize(
    "expr",
    [
        'label "Violence" confidence > 90 or label "Violence" confidence >= 90',
        'label "Violence" confidence > 90 or label "Weapons" confidence > 90',
        (
            '(label "Violence" confidence > 90 and sample 5%)'
            ' or (sample 6% and label "Violence" confidence > 90)'
        ),
    ],
)
def test_different_members_are_clean(expr: str) -> None:
    assert codes(REK + expr) == []


# -- A2I106 / A2I107 / A2I108: keys --------------------------------------------------------------


def test_alias_equal_to_its_key() -> None:
    (w,) = warnings(TEX + 'key t = "Total" aka "Sum", "Total"\nt missing')
    assert w.code == "A2I106" and (w.line, w.column) == (2, 28)
    assert codes(TEX + 'key "Total" aka "Total" missing') == ["A2I106"]


def test_repeated_alias() -> None:
    assert codes(TEX + 'key t = "Total" aka "Sum", "Sum"\nt missing') == ["A2I107"]


def test_keys_sharing_a_text_or_alias() -> None:
    text = TEX + 'key a = "Total" aka "Sum"\nkey b = "Amount" aka "Sum"\na missing or b missing'
    (w,) = warnings(text)
    assert w.code == "A2I108" and w.line == 3 and "key `a`" in w.message
    assert codes(TEX + 'key a = "Total"\nkey b = "Total"\na missing or b word confidence < 5') == [
        "A2I108"
    ]


def test_distinct_keys_and_aliases_are_clean() -> None:
    text = (
        TEX + 'key a = "Total" aka "Sum", "Total:"\nkey b = "Amount" aka "Amount:"\n'
        "a missing or b missing"
    )
    assert codes(text) == []
    assert codes(TEX + 'key "Total" aka "total" missing') == []  # A2I compares exactly


# -- A2I109: sample 100% -------------------------------------------------------------------------


def test_sample_everything() -> None:
    assert codes(REK + "sample 100%") == ["A2I109"]
    assert codes(REK + "sample 100.0%") == ["A2I109"]
    assert codes(REK + "sample 99.99%") == []


# -- clean files, suppression, codes -------------------------------------------------------------


def test_spec_examples_and_shipped_examples_are_clean() -> None:
    spec = (
        "source rekognition\n"
        '   label "Explicit" confidence between 50 and 90\n'
        "or any label confidence < 60\nor sample 5%\n"
    )
    assert codes(spec) == []
    for path in sorted(EXAMPLES.glob("*/*.cond")):
        found = a2icond.compile_file(path).diagnostics
        assert found == (), path


def test_ignore_comment_silences_only_its_codes_on_its_line() -> None:
    base = 'label "Explicit Nudty" confidence > 50'
    assert codes(REK + base + "  # a2icond: ignore[A2I101]") == []
    assert codes(REK + base + "  # a2icond: ignore") == []
    # a code that silences nothing is itself reported (A2I110, like ruff's RUF100)
    assert codes(REK + base + "  # a2icond: ignore[A2I102, A2I101]") == ["A2I110"]
    assert codes(REK + base + "  # a2icond: ignore[A2I102]") == ["A2I101", "A2I110"]
    assert codes(REK + base + "\n# a2icond: ignore[A2I101]") == ["A2I101", "A2I110"]


def test_codes_are_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "lint.md").read_text()
    for code, name in CODES.items():
        assert f"## {code}" in doc and name in doc


def test_warnings_never_appear_with_errors() -> None:
    with pytest.raises(a2icond.CompileError) as info:
        a2icond.compile(REK + 'label "Explicit Nudty" confidence > 500')
    assert all(d.severity == "error" for d in info.value.diagnostics)


# -- the command line: --strict, and `python -m a2icond` ---------------------------------------


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "a2icond", *args], capture_output=True, text=True, check=False
    )


def test_python_dash_m_runs_the_cli() -> None:
    result = run_module("--version")
    assert result.returncode == 0 and result.stdout.startswith("a2icond ")
    assert "fmt" in run_module("--help").stdout


def test_strict_turns_warnings_into_failures(tmp_path: Path) -> None:
    path = tmp_path / "old.cond"
    path.write_text(REK + 'label "Female Swimwear Or Underwear" confidence > 50\n')
    compiled = run_module("compile", str(path))
    assert compiled.returncode == 0
    assert f"{path}:2:7: warning[A2I102]:" in compiled.stderr
    assert '"ModerationLabelName": "Female Swimwear Or Underwear"' in compiled.stdout
    assert run_module("compile", "--strict", str(path)).returncode == 1
    checked = run_module("check", str(path))
    assert checked.returncode == 0 and "warning[A2I102]" in checked.stdout
    assert run_module("check", "--strict", str(path)).returncode == 1
    clean = tmp_path / "new.cond"
    clean.write_text(REK + 'label "Female Swimwear or Underwear" confidence > 50\n')
    assert run_module("check", "--strict", str(clean)).returncode == 0
    assert run_module("compile", "--strict", str(clean)).returncode == 0
