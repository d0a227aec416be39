"""Find where a value sits in JSON text, so diagnostics about JSON point at a line and column.

Used only on the error path: `locate` rescans the (already valid) text along one JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .diagnostics import Span

_WS = " \t\n\r"
_DECODER = json.JSONDecoder()


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _skip_value(text: str, pos: int) -> int:
    return _DECODER.raw_decode(text, pos)[1]


def locate(text: str, path: list[str | int]) -> Span:
    """The span of the value at `path` (keys and indexes) in valid JSON `text`.

    Stops at the deepest step it can follow, so a path into a missing member points at its parent.
    """
    start, end = locate_offsets(text, path)
    return span_of(text, start, end)


def locate_offsets(text: str, path: list[str | int], *, key: bool = False) -> tuple[int, int]:
    """Start and end offsets of the value at `path` in `text` (of its key, with `key=True`,
    when the last step is an object member; the value's otherwise)."""
    pos = _skip_ws(text, 0)
    key_at: int | None = None
    for i, step in enumerate(path):
        found = _step(text, pos, step, want_key=key and i == len(path) - 1)
        if found is None:
            break
        if isinstance(found, tuple):
            key_at, pos = found
        else:
            pos = found
    if key_at is not None:
        return key_at, _DECODER.raw_decode(text, key_at)[1]
    try:
        end = _skip_value(text, pos)
    except (ValueError, RecursionError):
        end = pos + 1
    return pos, end


def _step(text: str, pos: int, step: str | int, want_key: bool = False) -> Any:
    if pos >= len(text):
        return None
    opener = text[pos]
    if opener == "{" and isinstance(step, str):
        pos = _skip_ws(text, pos + 1)
        while pos < len(text) and text[pos] == '"':
            key_start = pos
            key, pos = _DECODER.raw_decode(text, pos)  # the key's string, and the end
            pos = _skip_ws(text, pos)
            pos = _skip_ws(text, pos + 1)  # the colon
            if key == step:
                return (key_start, pos) if want_key else pos
            pos = _skip_ws(text, _skip_value(text, pos))
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
        return None
    if opener == "[" and isinstance(step, int):
        pos = _skip_ws(text, pos + 1)
        index = 0
        while pos < len(text) and text[pos] != "]":
            if index == step:
                return pos
            pos = _skip_ws(text, _skip_value(text, pos))
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
            index += 1
        return None
    return None


def span_of(text: str, start: int, end: int) -> Span:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = line + text.count("\n", start, end)
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return Span(line, column, end_line, end_column, start, end)


def format_path(path: list[str | int]) -> str:
    """`["Conditions", 0, "Or"]` -> `Conditions[0].Or`."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "(document)"


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def json_string_offsets(text: str, start: int) -> tuple[str, list[int]]:
    """Decode the JSON string literal whose opening quote is at `start` in `text`.

    Returns the decoded string and, for each of its characters (plus one past the end), the
    offset in `text` it came from: how diagnostics about JSON kept in a JSON string (a
    `describe-flow-definition` response, `HumanLoopActivationOutput`) point into the file.
    """
    chars: list[str] = []
    offsets: list[int] = []
    pos = start + 1
    while pos < len(text) and text[pos] != '"':
        offsets.append(pos)
        if text[pos] == "\\" and pos + 1 < len(text):
            esc = text[pos + 1]
            if esc == "u":
                code = int(text[pos + 2 : pos + 6], 16)
                pos += 6
                if 0xD800 <= code < 0xDC00 and text[pos : pos + 2] == "\\u":
                    low = int(text[pos + 2 : pos + 6], 16)
                    if 0xDC00 <= low < 0xE000:
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        pos += 6
                chars.append(chr(code))
            else:
                chars.append(_ESCAPES.get(esc, esc))
                pos += 2
        else:
            chars.append(text[pos])
            pos += 1
    offsets.append(pos)
    return "".join(chars), offsets


class Locator:
    """Maps a JSON path in a document to its span in the file the document was read from.

    `text` is JSON text (the document itself, or JSON kept inside a string); `offsets[i]` is
    the file offset of `text[i]` (None: the same offsets); `host` is the file's text.
    `prefix` is the path of the document inside `text`.
    """

    def __init__(
        self,
        text: str,
        *,
        prefix: list[str | int] | None = None,
        offsets: list[int] | None = None,
        host: str | None = None,
    ) -> None:
        self.text = text
        self.prefix = list(prefix or [])
        self.offsets = offsets
        self.host = text if host is None else host

    def _span(self, path: list[str | int], key: bool) -> Span:
        try:
            start, end = locate_offsets(self.text, self.prefix + path, key=key)
        except (ValueError, RecursionError, IndexError):
            start, end = 0, 1
        if self.offsets is not None:
            last = len(self.offsets) - 1
            start = self.offsets[min(start, last)]
            end = self.offsets[min(end, last)]
        return span_of(self.host, start, max(end, start + 1))

    def value(self, path: list[str | int]) -> Span:
        return self._span(path, False)

    def key(self, path: list[str | int]) -> Span:
        return self._span(path, True)


class SpanTable:
    """A locator from spans recorded while converting code literals (Python, HCL) to JSON
    values: the deepest recorded path wins, so a path into a missing member points at its
    parent."""

    def __init__(self, values: dict[tuple[Any, ...], Span], keys: dict[tuple[Any, ...], Span]):
        self.values = values
        self.keys = keys

    def value(self, path: list[str | int]) -> Span:
        for n in range(len(path), -1, -1):
            found = self.values.get(tuple(path[:n]))
            if found is not None:
                return found
        return Span(1, 1, 1, 2)

    def key(self, path: list[str | int]) -> Span:
        return self.keys.get(tuple(path)) or self.value(path)


Locate = Callable[[list[str | int]], Span]
