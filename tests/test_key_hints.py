"""Undeclared keys: "did you mean" is difflib's answer, for a bounded amount of work per file
(issue 8: 9,000 declared and 9,000 undeclared key names took minutes to check)."""

from __future__ import annotations

import difflib
import random
import string

import pytest

import a2icond
from a2icond import checker
from a2icond.diagnostics import CompileError


def undeclared_messages(text: str) -> list[str]:
    with pytest.raises(CompileError) as caught:
        a2icond.compile(text)
    return [d.message for d in caught.value.diagnostics if d.code == "A2I024"]


def test_the_suggestion_is_difflib_s_or_the_same_letters() -> None:
    rng = random.Random(4)
    names = ["employee", "employer", "policy_number", "total", "Total2", "ssn", "date_of_birth"]
    decls = "".join(f'key {n} = "{n.title()}"\n' for n in names)
    typos = []
    for name in names:
        for _ in range(6):
            i = rng.randrange(len(name))
            typos.append(name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :])
        typos.append(name.upper())
    typos = [t for t in dict.fromkeys(typos) if t not in names]
    body = "\nor ".join(f"{t} confidence < 90" for t in typos)
    messages = undeclared_messages(f"source textract\n\n{decls}\n{body}\n")
    assert len(messages) == len(typos)
    for typo, message in zip(typos, messages, strict=True):
        close = difflib.get_close_matches(typo, names, n=1, cutoff=0.6)
        lowered = {n.lower(): n for n in names}
        expected = close[0] if close else lowered.get(typo.lower())
        tail = f"; did you mean {expected!r}?" if expected else ""
        assert message == f"undeclared key {typo!r}{tail}"


def test_suggestions_stop_at_the_file_s_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checker, "MAX_KEY_HINT_WORK", 3 * 20)  # three names against 20 keys
    decls = "".join(f'key name{i} = "Name {i}"\n' for i in range(20))
    refs = ["nme1", "nme2", "nme3", "nme4", "NAME5", "nme1"]
    body = "\nor ".join(f"{r} confidence < 90" for r in refs)
    messages = undeclared_messages(f"source textract\n\n{decls}\n{body}\n")
    assert messages[:3] == [f"undeclared key 'nme{i}'; did you mean 'name{i}'?" for i in (1, 2, 3)]
    assert messages[3] == "undeclared key 'nme4'"  # past the budget: no spelling search
    assert messages[4] == "undeclared key 'NAME5'; did you mean 'name5'?"  # same letters: free
    assert messages[5] == messages[0]  # a name answered before keeps its answer
