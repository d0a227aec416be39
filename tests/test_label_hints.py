"""Label suggestions: the fast matcher gives difflib's answer, and a file of thousands of unknown
labels gets hints for its first `MAX_LABEL_HINTS` names only (issue 8: a 1 MiB file of 23,920
distinct unknown labels took ~10 s to check, mostly in `difflib.get_close_matches`)."""

from __future__ import annotations

import difflib
import random
import string

import pytest

from a2icond.closematch import CloseMatcher
from a2icond.diagnostics import CompileError, Diagnostic
from a2icond.lint import label_names, labels, suggest_label


def plain_suggest(name: str) -> str | None:
    """`suggest_label` as it was: plain difflib over every candidate."""
    names = label_names()
    lowered = {n.lower(): n for n in names.model_7}
    old_lowered = {n.lower(): n for n in names.renamed}
    if name.lower() in lowered:
        return lowered[name.lower()]
    if name.lower() in old_lowered:
        return names.renamed[old_lowered[name.lower()]]
    candidates = {**old_lowered, **lowered}
    close = difflib.get_close_matches(name.lower(), list(candidates), n=1, cutoff=0.6)
    if not close:
        return None
    found = candidates[close[0]]
    return names.renamed.get(found, found)


def plain_closest(name: str) -> str | None:
    """`closest_label` as it was."""
    names = label_names()
    lowered = {n.lower(): n for n in names.model_6_1}
    lowered.update({n.lower(): n for n in names.model_7})
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def single_edit_typos(name: str, rng: random.Random) -> list[str]:
    """Every deletion and transposition of `name`, and at each position one substitution and
    one insertion of a letter drawn from `rng`."""
    out = []
    for i in range(len(name)):
        out.append(name[:i] + name[i + 1 :])
        if i + 1 < len(name):
            out.append(name[:i] + name[i + 1] + name[i] + name[i + 2 :])
        out.append(name[:i] + rng.choice(string.ascii_letters + " ") + name[i + 1 :])
        out.append(name[:i] + rng.choice(string.ascii_letters + " -") + name[i:])
    return out


def test_single_edit_typos_of_every_label_get_difflib_s_suggestion() -> None:
    rng = random.Random(20261128)
    names = label_names()
    every = sorted(set(names.model_7) | set(names.model_6_1))
    typos = [typo for name in every for typo in single_edit_typos(name, rng)]
    assert len(typos) > 4000
    suggested = 0
    for typo in typos:
        expected = plain_suggest(typo)
        assert suggest_label(typo) == expected, typo
        assert labels.closest_label(typo) == plain_closest(typo), typo
        suggested += expected is not None
    assert suggested > 0.9 * len(typos)  # realistic typos do get a suggestion


def test_the_matcher_is_difflib_on_far_and_tied_words() -> None:
    rng = random.Random(3)
    pool = ["abc", "acb", "bca", "abcd", "xyz", "a b c", "aaaa", "aa", "ab", "ba", "cab", "abcabc"]
    matcher = CloseMatcher(pool)
    words = ["".join(rng.choice("abcxyz ") for _ in range(rng.randint(0, 7))) for _ in range(3000)]
    for word in words:
        close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
        assert matcher.best(word) == (close[0] if close else None), word


def unknown_label_warnings(count: int, repeat_first: bool = False) -> list[Diagnostic]:
    """The A2I101 warnings of a file naming `count` distinct unknown labels (each a typo of
    "Violence" with a number, so each has a suggestion)."""
    members = [f'label "Violense {i}" confidence > 50' for i in range(count)]
    if repeat_first:
        members.append('label "Violense 0" confidence > 60')
    text = "source rekognition\n\n" + "\nor ".join(members) + "\n"
    try:
        found = list(__import__("a2icond").compile(text).diagnostics)
    except CompileError as exc:  # too long for A2I: the warnings ride on the error
        found = list(exc.diagnostics)
    return [d for d in found if d.code == "A2I101"]


def test_hints_stop_after_the_first_distinct_names_of_a_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(labels, "MAX_LABEL_HINTS", 5)
    warnings = unknown_label_warnings(8, repeat_first=True)
    assert len(warnings) == 9  # every name still warned about
    hints = [d.hint for d in warnings]
    assert all(h == 'did you mean "Violence"?' for h in hints[:5])
    assert all(h == labels.NO_MORE_HINTS for h in hints[5:8])
    assert hints[8] == 'did you mean "Violence"?'  # a name hinted before keeps its hint
    # the cap is per file: the next file starts again
    assert unknown_label_warnings(1)[0].hint == 'did you mean "Violence"?'


def test_the_cap_is_documented() -> None:
    from pathlib import Path

    docs = (Path(__file__).parent.parent / "docs" / "lint.md").read_text()
    assert f"{labels.MAX_LABEL_HINTS:,}" in docs
