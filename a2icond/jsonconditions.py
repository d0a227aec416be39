"""Activation conditions given as JSON: parse, locate errors, infer the source, validate.

`check` uses this for `.json` files, and `a2icond.load` for JSON conditions files given to the
builder and the evaluator. The strict schemas decide validity; this module adds the messages a
user needs (the JSON parser's own position, the bare-condition mistake from AWS's guide, the
nesting and size limits) and points each one at the offending value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from . import schemas
from .diagnostics import CompileError, Diagnostic, Span
from .jsonpos import format_path, locate
from .model import (
    AND,
    CONDITION_TYPE,
    CONDITION_TYPES,
    CONDITIONS,
    CONDITIONS_PATH,
    MAX_JSON_LENGTH,
    OR,
    SAMPLING,
    Conditions,
    Source,
    dump_json,
    json_length,
    node_from_dict,
)


def parse_json(text: str, filename: str) -> Any:
    """`json.loads`, with failures turned into a diagnostic at the parser's line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompileError(
            [
                Diagnostic(
                    f"not valid JSON: {exc.msg}",
                    exc.lineno,
                    exc.colno,
                    exc.lineno,
                    exc.colno + 1,
                    filename=filename,
                    code="A2I012",
                )
            ],
            text,
        ) from None
    except RecursionError:
        raise CompileError(
            [Diagnostic("JSON nested too deeply to read", filename=filename, code="A2I012")], text
        ) from None


def extract(document: Any) -> tuple[Any, list[str | int]]:
    """The conditions inside a `build` request or a `describe-flow-definition` response.

    Returns the conditions value and the JSON path it was found at (empty for a bare document).
    The conditions there are a JSON string; it is decoded here.
    """
    value: Any = document
    for step in CONDITIONS_PATH:
        if not isinstance(value, dict) or step not in value:
            return document, []
        value = value[step]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return document, []
    return value, list(CONDITIONS_PATH)


def infer_source(document: Any) -> tuple[Source | None, set[str]]:
    """The source the condition types imply (None when only `Sampling`), and the types seen."""
    types: set[str] = set()
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get(CONDITION_TYPE), str):
                types.add(item[CONDITION_TYPE])
            stack.extend(v for k, v in item.items() if k in (CONDITIONS, AND, OR))
        elif isinstance(item, list):
            stack.extend(item)
    implied = {s for s, allowed in CONDITION_TYPES.items() if types - {SAMPLING} <= set(allowed)}
    if len(implied) == 1:
        return next(iter(implied)), types
    return None, types


class JsonConditions(NamedTuple):
    """Validated JSON conditions: the model, the document it came from, and a locator that maps
    a JSON path inside the document to its span in the file (for the lint stage)."""

    conditions: Conditions
    document: Any
    where: Callable[[list[str | int]], Span]


def from_json_text(
    text: str,
    *,
    source: Source | None = None,
    filename: str = "<string>",
    require_source: bool = True,
) -> Conditions:
    """Validate JSON activation conditions and return them as a `Conditions` model (no lint)."""
    return read_json_conditions(
        text, source=source, filename=filename, require_source=require_source
    ).conditions


def read_json_conditions(
    text: str,
    *,
    source: Source | None = None,
    filename: str = "<string>",
    require_source: bool = True,
) -> JsonConditions:
    """Validate JSON activation conditions: the model, the document and its locator.

    Without `source`, it is inferred from the condition types. A document of only `Sampling`
    conditions is the same for both sources: with `require_source` that is an error (the caller
    must say which), without it the document is checked and reported as `rekognition`.
    """
    document = parse_json(text, filename)
    document, prefix = extract(document)
    located_text = text if not prefix else None

    def at(path: list[str | int], message: str, hint: str = "", *, code: str) -> Diagnostic:
        full = prefix + path
        span = locate(text, full if located_text else prefix) if text else Span(1, 1, 1, 1)
        where = f"{format_path(path)}: " if path else ""
        return Diagnostic.at(span, f"{where}{message}", filename=filename, hint=hint, code=code)

    if isinstance(document, dict) and CONDITION_TYPE in document and CONDITIONS not in document:
        raise CompileError(
            [
                at(
                    [],
                    "a bare condition: activation conditions are an object with a "
                    '"Conditions" list',
                    hint='wrap it: {"Conditions": [ ...this condition... ]}',
                    code="A2I050",
                )
            ],
            text,
        )

    inferred, types = infer_source(document)
    diagnostics: list[Diagnostic] = []
    if inferred is None and types - {SAMPLING}:
        diagnostics.append(
            at(
                [],
                "mixes Rekognition and Textract condition types "
                f"({', '.join(sorted(types - {SAMPLING}))}); a flow definition has one source",
                code="A2I022",
            )
        )
        raise CompileError(diagnostics, text)
    if source is not None and inferred is not None and inferred != source:
        diagnostics.append(
            at(
                [],
                f"the conditions are for {inferred}, but the source given is {source}",
                code="A2I020",
            )
        )
        raise CompileError(diagnostics, text)
    if source is None and inferred is None and require_source:
        raise CompileError(
            [
                at(
                    [],
                    "only Sampling conditions: the source (rekognition or textract) cannot be "
                    "inferred",
                    hint="give it: --source rekognition|textract, or source= in the API",
                    code="A2I021",
                )
            ],
            text,
        )
    chosen: Source = source or inferred or "rekognition"

    if not schemas.is_valid(document, chosen):
        for path, message in schemas.explain(document, chosen):
            diagnostics.append(at(path, message, code="A2I051"))
        raise CompileError(
            diagnostics or [at([], "does not match the schema", code="A2I051")], text
        )

    members = tuple(node_from_dict(m) for m in document[CONDITIONS])
    size = json_length(dump_json(document))
    if size > MAX_JSON_LENGTH:
        raise CompileError(
            [
                at(
                    [],
                    f"the compact JSON is {size} characters; A2I takes at most {MAX_JSON_LENGTH}",
                    code="A2I041",
                )
            ],
            text,
        )

    def where(path: list[str | int]) -> Span:
        return locate(text, prefix + path if located_text else prefix)

    return JsonConditions(Conditions(chosen, members), document, where)
