"""Activation conditions given as JSON: parse, locate errors, infer the source, validate.

`check` uses this for `.json` files, and `a2icond.load` for JSON conditions files given to the
builder and the evaluator. The strict schemas decide validity; this module adds the messages a
user needs (the JSON parser's own position, the bare-condition mistake from AWS's guide, the
nesting and size limits) and points each one at the offending value.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, Protocol

from . import schemas
from .diagnostics import CompileError, Diagnostic, Span
from .jsonpos import Locator, format_path, json_string_offsets, locate_offsets, span_of
from .model import (
    AND,
    CONDITION_TYPE,
    CONDITION_TYPES,
    CONDITIONS,
    CONDITIONS_PATH,
    KEY_CHECK,
    MAX_JSON_LENGTH,
    MISSING_KEY,
    OR,
    SAMPLING,
    SOURCES,
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


#: Where else copied conditions come from: an A2I output record, and the
#: `HumanLoopActivationOutput` of a Textract/Rekognition response (its results as a JSON string).
RECORD_KEY = "humanTaskActivationConditionResults"
ACTIVATION_OUTPUT = "HumanLoopActivationOutput"
ACTIVATION_RESULTS = "HumanLoopActivationConditionsEvaluationResults"
#: What A2I adds to every node of the conditions it evaluated.
EVALUATION_RESULT = "EvaluationResult"


class Found(NamedTuple):
    """Conditions found in a JSON document: the value, where it sits, and what it came from."""

    value: Any
    locator: Locator
    origin: str  # "conditions", "request", "record", "activation output"


def _string_or_value(
    text: str, path: list[str | int], value: Any, origin: str, filename: str
) -> Found:
    """The conditions at `path`: an object there, or JSON kept in a string there."""
    if not isinstance(value, str):
        return Found(value, Locator(text, prefix=path), origin)
    start, _ = locate_offsets(text, path)
    inner, offsets = json_string_offsets(text, start)
    locator = Locator(inner, offsets=offsets, host=text)
    try:
        return Found(json.loads(inner), locator, origin)
    except json.JSONDecodeError as exc:
        span = locator.value([]) if not inner else _offset_span(locator, exc.pos)
        raise CompileError(
            [
                Diagnostic.at(
                    span,
                    f"{format_path(path)}: the string is not valid JSON: {exc.msg}",
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


def _offset_span(locator: Locator, pos: int) -> Span:
    assert locator.offsets is not None
    last = len(locator.offsets) - 1
    start = locator.offsets[min(pos, last)]
    return span_of(locator.host, start, start + 1)


def find_conditions(document: Any, text: str, filename: str = "<string>") -> Found:
    """The activation conditions in a JSON document, wherever users copy them from.

    A bare `{"Conditions": [...]}`; a `build` request or a `describe-flow-definition`
    response (the conditions are a JSON string there); an A2I output record
    (`humanTaskActivationConditionResults`); a response's `HumanLoopActivationOutput` (its
    `HumanLoopActivationConditionsEvaluationResults` string) or that object alone.
    """
    if isinstance(document, dict):
        value: Any = document
        for step in CONDITIONS_PATH:
            if not isinstance(value, dict) or step not in value:
                break
            value = value[step]
        else:
            return _string_or_value(text, list(CONDITIONS_PATH), value, "request", filename)
        if RECORD_KEY in document:
            return _string_or_value(text, [RECORD_KEY], document[RECORD_KEY], "record", filename)
        output = document.get(ACTIVATION_OUTPUT)
        if isinstance(output, dict) and ACTIVATION_RESULTS in output:
            path: list[str | int] = [ACTIVATION_OUTPUT, ACTIVATION_RESULTS]
            return _string_or_value(
                text, path, output[ACTIVATION_RESULTS], "activation output", filename
            )
        if ACTIVATION_RESULTS in document:
            return _string_or_value(
                text,
                [ACTIVATION_RESULTS],
                document[ACTIVATION_RESULTS],
                "activation output",
                filename,
            )
        if "Conditions" not in document and (
            "HumanLoopConfig" in document or "FlowDefinitionName" in document
        ):
            raise CompileError(
                [
                    Diagnostic.at(
                        Locator(text).value([]),
                        "a CreateFlowDefinition request without HumanLoopActivationConfig: it "
                        "has no activation conditions (a custom task type, started by "
                        "StartHumanLoop)",
                        filename=filename,
                        code="A2I053",
                    )
                ],
                text,
            )
    return Found(document, Locator(text), "conditions")


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


def without_evaluation_results(node: Any) -> Any:
    """The conditions as written, from conditions A2I evaluated (`EvaluationResult` on every
    node of a record's `humanTaskActivationConditionResults`). Paths stay the same."""
    if isinstance(node, dict):
        return {
            k: (without_evaluation_results(v) if k in ("Conditions", "And", "Or") else v)
            for k, v in node.items()
            if k != EVALUATION_RESULT
        }
    if isinstance(node, list):
        return [without_evaluation_results(m) for m in node]
    return node


def infer_source(document: Any) -> tuple[Source | None, set[str]]:
    """The source the condition types imply (None when only `Sampling`), and the types seen."""
    types: set[str] = set()
    stack = [document]
    known = {t for allowed in CONDITION_TYPES.values() for t in allowed}
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get(CONDITION_TYPE) in known:  # an unknown type is reported by name
                types.add(item[CONDITION_TYPE])
            stack.extend(v for k, v in item.items() if k in (CONDITIONS, AND, OR))
        elif isinstance(item, list):
            stack.extend(item)
    implied = {s for s, allowed in CONDITION_TYPES.items() if types - {SAMPLING} <= set(allowed)}
    if len(implied) == 1:
        return next(iter(implied)), types
    return None, types


class JsonConditions(NamedTuple):
    """Validated JSON conditions: the model, the document it came from, a locator that maps
    a JSON path inside the document to its span in the file (for the lint stage), and the
    warnings found while reading it."""

    conditions: Conditions
    document: Any
    where: Callable[[list[str | int]], Span]
    warnings: tuple[Diagnostic, ...] = ()


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
    found = find_conditions(document, text, filename)
    return validate_document(
        found.value,
        found.locator,
        text=text,
        source=source,
        filename=filename,
        require_source=require_source,
    )


class Where(Protocol):
    """Where a path of the document is in the file: its value, or its key."""

    def value(self, path: list[str | int]) -> Span: ...

    def key(self, path: list[str | int]) -> Span: ...


def _closest(name: str, choices: Iterable[str]) -> str | None:
    """The valid name a user most likely meant (`...OrEqual` is AWS's own old spelling)."""
    choices = list(choices)
    fixed = re.sub(r"OrEquals?$", "Equals", name)
    if fixed != name and fixed in choices:
        return fixed
    lowered = {c.lower(): c for c in choices}
    if name.lower() in lowered:
        return lowered[name.lower()]
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def _parameter_names(condition_type: str) -> tuple[str, ...]:
    """The parameters the strict schema allows for a condition type (the schema decides)."""
    for src in SOURCES:
        definition = schemas.schema(src)["definitions"].get(condition_type)
        if definition is not None:
            return tuple(definition["properties"]["ConditionParameters"]["properties"])
    return ()


def _nodes(document: Any) -> Iterator[tuple[dict[str, Any], list[str | int]]]:
    """Every object under `Conditions`, And and Or, with its path, in document order."""
    if not isinstance(document, dict) or not isinstance(document.get("Conditions"), list):
        return
    stack: list[tuple[Any, list[str | int]]] = [
        (m, ["Conditions", i]) for i, m in reversed(list(enumerate(document["Conditions"])))
    ]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node, path
        for group in ("And", "Or"):
            if isinstance(node.get(group), list):
                stack.extend(
                    (m, [*path, group, i]) for i, m in reversed(list(enumerate(node[group])))
                )


def name_problems(
    document: Any, where: Where, filename: str, source: Source | None
) -> tuple[list[Diagnostic], list[Diagnostic], Any]:
    """Unknown condition types and parameter names, each at its own key with the closest valid
    name, and `"ImportantFormKey": "*"` with aliases (a warning; the aliases are dropped).

    Returns the errors, the warnings and the document to validate.
    """
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    inferred, _ = infer_source(document)
    preferred = source or inferred
    all_types = tuple(dict.fromkeys(t for s in SOURCES for t in CONDITION_TYPES[s]))
    dropped: list[list[str | int]] = []
    for node, path in _nodes(document):
        kind = node.get("ConditionType")
        if "ConditionType" not in node:
            continue
        for key in node:
            if key not in ("ConditionType", "ConditionParameters"):
                guess = _closest(key, ("ConditionType", "ConditionParameters"))
                errors.append(
                    Diagnostic.at(
                        where.key([*path, key]),
                        f"unknown key '{key}' in a condition"
                        + (f"; did you mean '{guess}'?" if guess else ""),
                        filename=filename,
                        hint="a condition has ConditionType and ConditionParameters",
                        code="A2I052",
                    )
                )
        if not isinstance(kind, str):
            continue
        if kind not in all_types:
            choices = CONDITION_TYPES[preferred] if preferred else all_types
            guess = _closest(kind, choices) or _closest(kind, all_types)
            errors.append(
                Diagnostic.at(
                    where.value([*path, "ConditionType"]),
                    f"unknown condition type '{kind}'"
                    + (f"; did you mean '{guess}'?" if guess else ""),
                    filename=filename,
                    hint="" if guess else "A2I's condition types are " + ", ".join(all_types),
                    code="A2I052",
                )
            )
            continue
        params = node.get("ConditionParameters")
        if not isinstance(params, dict):
            continue
        allowed = _parameter_names(kind)
        for name in params:
            if name in allowed:
                continue
            guess = _closest(name, allowed)
            errors.append(
                Diagnostic.at(
                    where.key([*path, "ConditionParameters", name]),
                    f"unknown parameter '{name}' for {kind}"
                    + (f"; did you mean '{guess}'?" if guess else ""),
                    filename=filename,
                    hint="" if guess else f"{kind} takes " + ", ".join(allowed),
                    code="A2I052",
                )
            )
        if (
            kind == KEY_CHECK
            and params.get("ImportantFormKey") == "*"
            and "ImportantFormKeyAliases" in params
        ):
            at = [*path, "ConditionParameters", "ImportantFormKeyAliases"]
            warnings.append(
                Diagnostic.at(
                    where.key(at),
                    'ImportantFormKeyAliases has no effect with "ImportantFormKey": "*" '
                    "(every key is checked); a2icond leaves the aliases out",
                    severity="warning",
                    code=STAR_ALIASES,
                    filename=filename,
                    hint="remove ImportantFormKeyAliases",
                )
            )
            dropped.append(at)
        if kind == MISSING_KEY and params.get("ImportantFormKey") == "*":
            errors.append(
                Diagnostic.at(
                    where.value([*path, "ConditionParameters", "ImportantFormKey"]),
                    'MissingImportantFormKey needs a key\'s text: "*" (any key) cannot be missing',
                    filename=filename,
                    hint="name the key, with its aliases",
                    code="A2I026",
                )
            )
    if dropped:
        document = copy.deepcopy(document)
        for at in dropped:
            target = document
            for step in at[:-2]:
                target = target[step]
            del target["ConditionParameters"]["ImportantFormKeyAliases"]
    return errors, warnings, document


#: The warning for `"ImportantFormKey": "*"` with `ImportantFormKeyAliases` (docs/language.md).
STAR_ALIASES = "A2I120"


def validate_document(
    document: Any,
    where: Where,
    *,
    text: str | None,
    source: Source | None = None,
    filename: str = "<string>",
    require_source: bool = True,
) -> JsonConditions:
    """Validate an activation-conditions document read from any file (JSON, Python,
    Terraform); `where` maps its paths to spans in `text`, the file's text."""
    if _has_evaluation_results(document):
        document = without_evaluation_results(document)

    def at(path: list[str | int], message: str, hint: str = "", *, code: str) -> Diagnostic:
        span = where.value(path) if text else Span(1, 1, 1, 1)
        prefix = f"{format_path(path)}: " if path else ""
        return Diagnostic.at(span, f"{prefix}{message}", filename=filename, hint=hint, code=code)

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

    if not isinstance(document, dict) or "Conditions" not in document:
        raise CompileError(
            [
                at(
                    [],
                    'not activation conditions: there is no "Conditions" list',
                    hint='write {"Conditions": [...]}; a2icond also reads them from a '
                    "CreateFlowDefinition request, a describe-flow-definition response, an A2I "
                    "output record and a HumanLoopActivationOutput",
                    code="A2I053",
                )
            ],
            text,
        )
    named_errors, warnings, document = name_problems(document, where, filename, source)
    if named_errors:
        raise CompileError(named_errors + warnings, text)

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
            (diagnostics or [at([], "does not match the schema", code="A2I051")]) + warnings, text
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
                ),
                *warnings,
            ],
            text,
        )

    known = source is not None or inferred is not None
    return JsonConditions(
        Conditions(chosen, members, source_known=known), document, where.value, tuple(warnings)
    )


def _has_evaluation_results(document: Any) -> bool:
    return any(EVALUATION_RESULT in node for node, _ in _nodes(document)) or (
        isinstance(document, dict) and EVALUATION_RESULT in document
    )
