"""`fmt` on inputs up to the 1 MiB limit: bounded work, every comment kept, and a `--diff` that
does not go quadratic (issue 8: no hang past a few seconds on any input up to the limit)."""

from __future__ import annotations

import difflib
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from a2icond import parser, textdiff
from a2icond.compiler import MAX_SOURCE_CHARS
from a2icond.formatter import format_source

HEAD = "source rekognition\n\n"
COND = 'label "Explicit" confidence > 90\n'


def filled(unit: str, size: int) -> str:
    """HEAD, `unit` repeated up to `size` characters in all, then one condition."""
    return HEAD + unit * ((size - len(HEAD) - len(COND)) // len(unit)) + COND


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each parse of a text (its length), through the compiler's one entry to the parser."""
    seen: list[int] = []
    real = parser.parse_with_problems

    def counting(text: str, **kwargs: Any) -> Any:
        seen.append(len(text))
        return real(text, **kwargs)

    monkeypatch.setattr(parser, "parse_with_problems", counting)
    return seen


def test_fmt_parses_the_input_once_and_the_result_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # It parsed each text twice (compile, then parse): four passes over half a million comments.
    text = filled("#\n", 64 * 1024)
    seen = count_parses(monkeypatch)
    result = format_source(text)
    assert seen == [len(text), len(result)]


def test_a_comment_only_file_at_the_limit_formats_with_every_comment() -> None:
    text = filled("#\n", MAX_SOURCE_CHARS)
    assert len(text) <= MAX_SOURCE_CHARS
    result = format_source(text)
    assert result.count("#\n") == text.count("#\n")
    assert result == HEAD + text[len(HEAD) : -len(COND)] + COND  # already canonical
    mixed = filled("# a note\n\n  # a2icond: ignore\n", MAX_SOURCE_CHARS // 4)
    formatted = format_source(mixed)
    assert formatted.count("# a note") == mixed.count("# a note")
    assert formatted.count("# a2icond: ignore") == mixed.count("# a2icond: ignore")


def test_the_comment_pass_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """The formatter's own comment pass looks at each character a bounded number of times
    (counted through the characters it tests for whitespace), whatever the layout."""
    from a2icond import formatter

    small = filled("\n\n#" + " " * 50 + "\n", 32 * 1024)
    big = filled("\n\n#" + " " * 50 + "\n", 128 * 1024)

    class Counting(str):
        tests = 0

        def __contains__(self, ch: object) -> bool:
            Counting.tests += 1
            return str.__contains__(self, ch)  # type: ignore[operator]

    counts = []
    for text in (small, big):
        Counting.tests = 0
        monkeypatch.setattr(formatter, "_WHITESPACE", Counting(formatter._WHITESPACE))
        formatter._comments(parser.parse(text), text)
        counts.append(Counting.tests)
    assert counts[1] <= 4 * counts[0] * 1.1
    assert counts[1] <= 2 * len(big)


def _apply(before: str, diff: str) -> str:
    """`patch` for a unified diff of whole lines (enough to check the hunks are right)."""
    old = before.splitlines(keepends=True)
    out: list[str] = []
    at = 0
    lines = diff.splitlines(keepends=True)
    k = 2
    while k < len(lines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[k])
        assert m, lines[k]
        start = int(m.group(1)) - (0 if m.group(2) != "0" else -1)
        out += old[at : start - 1]
        at = start - 1
        k += 1
        while k < len(lines) and not lines[k].startswith("@@"):
            tag, line = lines[k][0], lines[k][1:]
            if tag in " -":
                assert old[at] == line
                at += 1
            if tag in " +":
                out.append(line)
            k += 1
    return "".join(out + old[at:])


def test_textdiff_writes_what_difflib_writes() -> None:
    rng = random.Random(8)
    pool = ["a\n", "b\n", "c\n", "\n", "# x\n", "tail"]
    for _ in range(500):
        a = [rng.choice(pool) for _ in range(rng.randint(0, 25))]
        b = [rng.choice(pool) for _ in range(rng.randint(0, 25))]
        codes = difflib.SequenceMatcher(None, a, b).get_opcodes()
        expected = "".join(difflib.unified_diff(a, b, fromfile="x", tofile="y"))
        assert "".join(textdiff.render(a, b, codes, "x", "y")) == expected


def test_textdiff_greedy_edits_rebuild_the_new_side() -> None:
    rng = random.Random(9)
    for _ in range(300):
        pool = ["\n", "#\n"] + [f"# {i}\n" for i in range(rng.randint(1, 300))]
        a = [rng.choice(pool) for _ in range(rng.randint(0, 600))]
        b = [rng.choice(pool) for _ in range(rng.randint(0, 600))]
        before, after = "".join(a), "".join(b)
        codes = textdiff.opcodes(a, b)
        for tag, i1, i2, j1, j2 in codes:
            assert (tag == "equal") == (a[i1:i2] == b[j1:j2] and i2 > i1)
        diff = "".join(textdiff.render(a, b, codes, "x", "y"))
        assert _apply(before, diff) == after


def test_fmt_diff_of_a_large_file_of_repeated_comments(tmp_path: Path) -> None:
    # a few hundred distinct comment lines, each under difflib's "popular" 1%: difflib's
    # matcher went quadratic (minutes); a blank run every seventh comment makes fmt change it
    parts, size, i = [], 0, 0
    while size < MAX_SOURCE_CHARS - 1000:
        part = f"#c{i % 200}\n" + ("\n\n\n" if i % 7 == 0 else "")
        parts.append(part)
        size += len(part)
        i += 1
    text = HEAD + "".join(parts) + COND
    path = tmp_path / "many.cond"
    path.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "a2icond", "fmt", "--diff", str(path)],
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard only; it takes seconds
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"--- {path} (original)\n+++ {path} (formatted)\n")
    assert _apply(text, done.stdout) == format_source(text)
    assert path.read_text() == text  # --diff writes nothing


_BREAKS = [
    " ",
    " ",
    "\n",
    "\n\n",
    "\n# own\n",
    "\n# one\n# two\n\n\n# three\n",
    "\n  # indented\n   \n# after a blank\n",
    "  # trailing\n",
    "  # a2icond: ignore\n",
    "\n# a2icond: ignore[A2I101]\n# plain\n",
    "\n#\r\n#\t\n",
]


def _relaid(rng: random.Random, text: str) -> str:
    """`text` without its comments, its words joined by random breaks and comment runs."""
    code = [line for line in text.split("\n") if not line.lstrip().startswith("#")]
    words = " ".join(code).split()
    head = rng.choice(["", "# top\n", "# top\n\n# more\n\n"])
    out, quotes = [head], 0
    for word in words:
        quotes += word.count('"') - word.count('\\"')
        out.append(word + (" " if quotes % 2 else rng.choice(_BREAKS)))  # not inside a string
    return "".join(out) + rng.choice(["", "\n# end\n"])


def test_a_run_of_comments_formats_as_its_comments_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The formatter takes consecutive own-line comments as one entry (fast on 1 MiB of
    them); the text must be what placing them one at a time gives."""
    from functools import partial

    from a2icond import formatter

    root = Path(__file__).parent.parent
    sources = [p.read_text() for p in sorted((root / "examples").rglob("*.cond"))]
    sources += [
        p.read_text() for p in sorted((root / "tests/data/authoring/fmt").glob("*.input.cond"))
    ]
    rng = random.Random(11)
    texts = sources + [_relaid(rng, rng.choice(sources)) for _ in range(300)]
    real = formatter._comments
    compared = 0
    for text in texts:
        try:
            program = parser.parse(text)
            raw = formatter._raw_warnings(program, None)
        except Exception:  # a relaid text the grammar refuses: nothing to compare
            continue
        runs = formatter.render(program, text, raw)
        monkeypatch.setattr(formatter, "_comments", partial(real, runs=False))
        one_by_one = formatter.render(program, text, raw)
        monkeypatch.setattr(formatter, "_comments", real)
        assert runs == one_by_one, text
        compared += 1
    assert compared > 200
