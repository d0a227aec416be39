"""Better words for syntax errors: misspelt keywords, `missing` on a label, `sample 2`.

The parser reports what its grammar expected and what it found; this module looks at the text
around that point, as a person would, and names the likely mistake instead:

- `lable "Explicit" confidence > 90`: `lable` is read as a key name, so the parser only fails at
  the string after it; the mistake is the word, `unknown keyword 'lable'; did you mean 'label'?`
  at `lable`;
- `label "X" confidance > 90`: the unexpected word itself is nearly an expected keyword;
- `label "X" missing`: labels have no `missing` (A2I cannot check that a label is absent);
- `sample 2`: the percentage needs its `%`, pointed at the `2`.

It scans the text with its own small tokenizer, so it does not depend on the parser's engine.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .diagnostics import Span

KEYWORDS = (
    "source", "rekognition", "textract", "key", "aka", "label", "any", "confidence",
    "word", "missing", "sample", "between", "and", "or", "not",
)  # fmt: skip

#: Words that begin a line or a condition: what a misspelt word read as a key name most
#: often was meant to be.
_STARTERS = ("label", "sample", "key", "any", "not", "source")

_TOKEN = re.compile(
    r'(?P<ws>[ \t\f\r\n]+)|(?P<comment>#[^\n]*)|(?P<string>"(?:[^"\\\n\r]|\\[^\n\r])*")'
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>.)",
    re.S,
)

#: How alike a word must be to a keyword (difflib's ratio): `lable`/`label` is 0.8,
#: `sampel`/`sample` 0.83; `any`/`and` (0.67) is not a typo.
CUTOFF = 0.75


class Hint(NamedTuple):
    """A better diagnostic for a syntax error: where, what, and how to fix it."""

    span: Span
    message: str
    hint: str
    code: str


class _Tok(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


def _tokens_before(text: str, stop: int) -> list[_Tok]:
    """The tokens that end at or before offset `stop` (blanks and comments dropped)."""
    out = []
    pos = 0
    while pos < stop:
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the pattern matches any character
            break
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment") and m.end() <= stop:
            out.append(_Tok(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return out


def _span_of(text: str, start: int, end: int) -> Span:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = line + text.count("\n", start, end)
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return Span(line, column, end_line, end_column, start, end)


def end_span(text: str) -> Span:
    """Where "the end of the file" is shown: just after the last character that is not blank,
    so that the caret stays on a line the file really has."""
    stripped = len(text.rstrip(" \t\f\r\n"))
    return _span_of(text, stripped, stripped + 1)._replace(end=stripped)


def close_keyword(word: str, candidates: tuple[str, ...] | list[str]) -> str | None:
    """The keyword `word` was probably meant to be, or None."""
    if not candidates:
        return None
    import difflib  # only for a syntax error: not on the path of a file that parses

    found = difflib.get_close_matches(word.lower(), list(candidates), n=1, cutoff=CUTOFF)
    return found[0] if found else None


def unexpected_token(
    text: str, found_type: str, found_text: str, found: Span, expected: set[str]
) -> Hint | None:
    """A better diagnostic for "expected X, found Y" at `found`, or None to keep the parser's.

    `found_type` and `expected` use the grammar's terminal names (`IDENT`, `CONFIDENCE`,
    `$END`, ...); `found` is the span of the unexpected token (for `$END`, the end of the file).
    """
    expected_words = sorted(name.lower() for name in expected if name.lower() in KEYWORDS)
    before = _tokens_before(text, found.start if found_type != "$END" else len(text))
    previous = before[-1] if before else None

    # `label "X" confidance > 90`: the unexpected word is nearly a keyword expected here.
    if found_type == "IDENT":
        meant = close_keyword(found_text, expected_words)
        if meant is not None:
            return Hint(
                found,
                f"unknown keyword {found_text!r}; did you mean {meant!r}?",
                "",
                "A2I002",
            )

    # `label "X" missing`: a label has no `missing`.
    if found_type == "MISSING" and _after_label(before):
        return Hint(
            found,
            "a label cannot be `missing`: A2I has no condition for an absent moderation label",
            '`missing` is for Textract form keys (key "Total:" missing); for a label, compare '
            'its confidence: label "X" confidence > 50',
            "A2I001",
        )

    # `sample 2`: the percentage needs its `%`.
    if "PERCENT" in expected and previous is not None and previous.kind == "number":
        return Hint(
            _span_of(text, previous.start, previous.end),
            "a sampling percentage ends with '%'",
            f"write sample {previous.text}%",
            "A2I001",
        )

    # `lable "Explicit" ...`: a word read as a key name, and what follows does not fit.
    if previous is not None and previous.kind == "word" and _reads_as_key_name(before):
        meant = close_keyword(previous.text, list(_STARTERS)) or close_keyword(
            previous.text, KEYWORDS
        )
        if meant is not None:
            return Hint(
                _span_of(text, previous.start, previous.end),
                f"unknown keyword {previous.text!r}; did you mean {meant!r}?",
                "",
                "A2I002",
            )
    return None


def _after_label(before: list[_Tok]) -> bool:
    """Whether the tokens end with `label "X"` or `any label`."""
    if len(before) < 2:
        return False
    a, b = before[-2].text.lower(), before[-1]
    return (a == "label" and b.kind == "string") or (a == "any" and b.text.lower() == "label")


def _reads_as_key_name(before: list[_Tok]) -> bool:
    """Whether the last word is not a keyword, and stands where a condition starts (first in
    the file, or after `or`, `and`, `not`, `(` or a complete declaration)."""
    word = before[-1]
    if word.text.lower() in KEYWORDS:
        return False
    if len(before) == 1:
        return True
    prior = before[-2]
    return prior.text.lower() in ("or", "and", "not", "(") or prior.kind in ("string", "number")
