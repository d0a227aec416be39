"""Find where a value sits in JSON text, so diagnostics about JSON point at a line and column.

Used only on the error path: `locate` rescans the (already valid) text along one JSON path.
"""

from __future__ import annotations

import json

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
    pos = _skip_ws(text, 0)
    for step in path:
        found = _step(text, pos, step)
        if found is None:
            break
        pos = found
    try:
        end = _skip_value(text, pos)
    except (ValueError, RecursionError):
        end = pos + 1
    return span_of(text, pos, end)


def _step(text: str, pos: int, step: str | int) -> int | None:
    if pos >= len(text):
        return None
    opener = text[pos]
    if opener == "{" and isinstance(step, str):
        pos = _skip_ws(text, pos + 1)
        while pos < len(text) and text[pos] == '"':
            key, pos = _DECODER.raw_decode(text, pos)  # the key's string, and the end
            pos = _skip_ws(text, pos)
            pos = _skip_ws(text, pos + 1)  # the colon
            if key == step:
                return pos
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
