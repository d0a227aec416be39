"""The strict per-source JSON Schemas in `a2icond/schemas/`, and validation against them.

The schema files are the single source of truth for what a valid document is. Every document
is checked by plain functions generated from them at build time (`_schema_validators.py`, see
`tools/gen_validators.py`; a test regenerates it and checks it against the reference
`jsonschema`), which costs microseconds and no validator library on the path of every `check`.
When a document fails, the reference `jsonschema` implementation explains why (its `best_match`
descends into `oneOf` branches to the most relevant error), imported only on that path.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ._schema_validators import VALIDATORS
from .model import AND, CONDITION_TYPE, DEPTH_LIMIT, OR, Source


@cache
def schema_text(source: Source) -> str:
    """The schema file of `source`, as shipped in the package."""
    from .fileio import package_text

    return package_text(f"schemas/{source}.schema.json")


@cache
def schema(source: Source) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(source))
    return loaded


def is_valid(document: Any, source: Source) -> bool:
    """Whether `document` is valid on `source`'s strict schema."""
    return VALIDATORS[source](document)


def explain(document: Any, source: Source) -> list[tuple[list[str | int], str]]:
    """Why `document` fails `source`'s schema: `(json_path, message)` pairs, most relevant first."""
    import jsonschema
    from jsonschema.exceptions import best_match, relevance

    validator = jsonschema.Draft7Validator(schema(source))
    errors = sorted(validator.iter_errors(document), key=relevance)
    out: list[tuple[list[str | int], str]] = []
    seen: set[tuple[Any, ...]] = set()
    for top in errors:
        err = best_match([top])
        path = list(err.absolute_path)
        key = (tuple(path), err.message)
        if key not in seen:
            seen.add(key)
            out.append((path, _plain(err)))
    return out


def _plain(err: Any) -> str:
    """Turn jsonschema's messages into ones that name A2I's rules."""
    validator = err.validator
    message = str(err.message)
    if validator == "additionalProperties":
        return message.replace("were unexpected", "are not allowed here").replace(
            "was unexpected", "is not allowed here"
        )
    if validator == "const":
        return f"must be {err.validator_value!r} here (got {err.instance!r})"
    if validator == "minItems" and err.validator_value == 2:
        return "an And/Or group needs at least two members"
    if validator in ("oneOf", "anyOf") and isinstance(err.instance, dict):
        if CONDITION_TYPE in err.instance:
            return f"{err.instance.get(CONDITION_TYPE)!r} has no threshold, or is not allowed here"
        if {AND, OR} & set(err.instance):
            return f"And/Or nested too deeply: A2I allows {DEPTH_LIMIT}"
    return message
