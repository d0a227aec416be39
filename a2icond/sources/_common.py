"""What the code readers share: offsets to spans, and JSON kept in a string of the code."""

from __future__ import annotations

import json
from typing import Any

from ..diagnostics import CompileError, Diagnostic
from ..jsonpos import Locator, span_of


def note(text: str, start: int, end: int, message: str, filename: str) -> Diagnostic:
    """A note at a place in the file: what a2icond cannot read there without running it."""
    return Diagnostic.at(
        span_of(text, start, max(end, start + 1)),
        message,
        severity="note",
        filename=filename,
        code="A2I130",
    )


def error(
    text: str,
    start: int,
    end: int,
    message: str,
    filename: str,
    hint: str = "",
    code: str = "A2I054",
) -> Diagnostic:
    return Diagnostic.at(
        span_of(text, start, max(end, start + 1)), message, filename=filename, hint=hint, code=code
    )


def json_in_string(
    value: str, offsets: list[int], host: str, filename: str, what: str
) -> tuple[Any, Locator]:
    """Parse JSON kept in a string of the code; `offsets[i]` is where `value[i]` is in the
    file. A syntax error is located in the file, at the character JSON stopped at."""
    locator = Locator(value, offsets=offsets, host=host)
    try:
        return json.loads(value), locator
    except json.JSONDecodeError as exc:
        at = offsets[min(exc.pos, len(offsets) - 1)]
        raise CompileError(
            [
                error(
                    host,
                    at,
                    at + 1,
                    f"{what} is not valid JSON: {exc.msg}",
                    filename,
                    code="A2I012",
                )
            ],
            host,
        ) from None
    except RecursionError:
        raise CompileError(
            [Diagnostic("JSON nested too deeply to read", filename=filename, code="A2I012")], host
        ) from None
