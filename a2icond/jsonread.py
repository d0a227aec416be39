"""The one JSON reader behind every JSON input a2icond takes (conditions, responses, records).

Python's `json` accepts more than a2icond can use safely: integers of any length (`int()` then
raises past 4,300 digits, and a long one is slow to convert), `NaN` and `Infinity` (not JSON),
and lone UTF-16 surrogate escapes (`"\\ud800"`, which no UTF-8 output can hold, so they crash
whatever prints, hashes or validates the string later). `loads` refuses all three here, at their
position, as a `json.JSONDecodeError` subclass, so every caller that already reports JSON
syntax errors with a line and column reports these the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Integers longer than this are refused: no JSON producer a2icond reads writes more than the
#: 20 digits of a 64-bit integer, and far below Python's own 4,300-digit conversion limit.
MAX_INT_DIGITS = 100  # also ast.MAX_INT_DIGITS, for `.cond` numbers

#: Past this depth the error says "nested too deeply" at the first bracket that deep.
MAX_DEPTH = 500


class Refused(json.JSONDecodeError):
    """Syntactically JSON, but refused: a too-long integer, NaN/Infinity, a lone surrogate,
    or nesting deeper than Python can read. `msg`, `lineno` and `colno` locate it."""


class _TooLong(Exception):
    pass


class _Constant(Exception):
    pass


def _parse_int(digits: str) -> int:
    if len(digits) > MAX_INT_DIGITS and len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _TooLong
    return int(digits)


def _parse_constant(name: str) -> Any:
    raise _Constant


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_constant=_parse_constant)

# Tokens of valid JSON that matter here, strings matched whole so nothing inside them counts.
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKENS = re.compile(
    _STRING + r"|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(NaN|-?Infinity)|([\[{])|([\]}])", re.DOTALL
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_RAW_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(text: str | bytes) -> Any:
    """`json.loads` for user input: raises `json.JSONDecodeError` (syntax) or `Refused`.

    Bytes are decoded strictly (UTF-8, or UTF-16/32 as `json` detects them); a bad byte raises
    `UnicodeDecodeError`.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode(json.detect_encoding(text))
    raw = _RAW_SURROGATE.search(text)
    if raw is not None:
        raise Refused("a lone surrogate character (not Unicode text)", text, raw.start())
    try:
        value = _DECODER.decode(text)
    except _TooLong:
        start, token = _find(text, lambda m: m.group(1) and _is_long_int(m.group(1)))
        raise Refused(
            f"a number with {len(token.lstrip('-'))} digits; a2icond reads integers of at "
            f"most {MAX_INT_DIGITS} digits",
            text,
            start,
        ) from None
    except _Constant:
        start, token = _find(text, lambda m: m.group(2))
        raise Refused(f"{token} is not a JSON number", text, start) from None
    except RecursionError:
        raise Refused("nested too deeply to read", text, _too_deep(text)) from None
    if _SURROGATE_ESCAPE.search(text):
        lone = _lone_surrogate(text)
        if lone is not None:
            raise Refused(
                "a lone surrogate escape (\\ud800-\\udfff without its pair) is not text",
                text,
                lone,
            )
    return value


def _is_long_int(token: str) -> bool:
    return "." not in token and "e" not in token.lower() and len(token.lstrip("-")) > MAX_INT_DIGITS


def _find(text: str, wanted: Any) -> tuple[int, str]:
    """The first token outside strings that `wanted` accepts (it exists: the decoder saw it)."""
    for match in _TOKENS.finditer(text):
        if wanted(match):
            return match.start(), match.group(0)
    return 0, ""  # pragma: no cover - the decoder found one


def _too_deep(text: str) -> int:
    """Where nesting first goes past `MAX_DEPTH` (else the deepest opener): the error's place."""
    depth = deepest = 0
    where = 0
    for match in _TOKENS.finditer(text):
        if match.group(3):
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
            if depth > MAX_DEPTH:
                return match.start()
        elif match.group(4):
            depth -= 1
    return where


def _lone_surrogate(text: str) -> int | None:
    """The offset of the first `\\uD8xx`-`\\uDFxx` escape that is not half of a pair."""
    pending: int | None = None  # a high surrogate escape waiting for its low half
    pending_end = -1
    for match in _ESCAPE.finditer(text):
        hexa = match.group(1)
        code = int(hexa, 16) if hexa else -1
        if pending is not None:
            if match.start() == pending_end and 0xDC00 <= code <= 0xDFFF:
                pending = None
                continue
            return pending
        if 0xD800 <= code <= 0xDBFF:
            pending, pending_end = match.start(), match.end()
        elif 0xDC00 <= code <= 0xDFFF:
            return match.start()
    return pending
