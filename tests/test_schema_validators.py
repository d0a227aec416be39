"""The validators generated from the strict schemas: up to date, and as strict as the reference.

`a2icond/_schema_validators.py` is regenerated from `a2icond/schemas/*.schema.json`
(`tools/gen_validators.py`) and compared byte for byte; its verdicts are compared with the
reference `jsonschema` Draft 7 validator on compiled programs, the AWS examples in tests/data,
and thousands of mutations of them (wrong types, values out of range, missing and extra keys,
empty and deeper groups, booleans for numbers).
"""

from __future__ import annotations

import copy
import importlib.util
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

import a2icond
from a2icond import printer, schemas
from a2icond._schema_validators import VALIDATORS

from .strategies import programs

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("rekognition", "textract")
REFERENCE = {s: jsonschema.Draft7Validator(schemas.schema(s)) for s in SOURCES}

REPLACEMENTS: list[Any] = [
    None, True, False, 0, 1, -1, 100, 100.0, 101, 50.5, -0.5, 1e300, "", "x", "Sampling",
    [], [{}], {}, {"And": []}, {"Or": [{"ConditionType": "Sampling"}]},
]  # fmt: skip


def test_committed_validators_are_current() -> None:
    spec = importlib.util.spec_from_file_location(
        "gen_validators", ROOT / "tools" / "gen_validators.py"
    )
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (ROOT / "a2icond" / "_schema_validators.py").read_text(encoding="utf-8")
    assert gen.render() == committed, "run `python tools/gen_validators.py` and commit the result"


def paths(doc: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from paths(value, (*here, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from paths(value, (*here, i))


def mutations(doc: Any, most: int = 0) -> Iterator[Any]:
    """`doc` and documents one edit away from it (at `most` places spread over it, if given)."""
    yield doc
    places = list(paths(doc))
    if most and len(places) > most:
        places = places[:: -(-len(places) // most)]
    for path in places:
        parent_path, last = path[:-1], path[-1] if path else None
        for value in REPLACEMENTS:
            new = copy.deepcopy(doc)
            if not path:
                yield value
                continue
            target = new
            for step in parent_path:
                target = target[step]
            target[last] = value
            yield new
        if not path:
            continue
        new = copy.deepcopy(doc)
        target = new
        for step in parent_path:
            target = target[step]
        del target[last]
        yield new
        target = new = copy.deepcopy(doc)
        for step in path:
            target = target[step]
        if isinstance(target, dict):
            target["Extra"] = 1
            yield new
            if "ConditionType" in target:
                new = copy.deepcopy(doc)
                target = new
                for step in path:
                    target = target[step]
                yield {"Conditions": [{"And": [target, target]}]}
                yield {
                    "Conditions": [{"Or": [{"And": [target, {"Or": [target, target]}]}, target]}]
                }
        elif isinstance(target, list):
            target.append(copy.deepcopy(target[0]) if target else {})
            yield new


def agree(doc: Any) -> None:
    for source in SOURCES:
        assert VALIDATORS[source](doc) == REFERENCE[source].is_valid(doc), (source, doc)


@cache
def examples() -> list[Any]:
    """The AWS examples that are JSON (some as published are not), and the examples compiled."""
    found = []
    for path in sorted(ROOT.glob("tests/data/aws-*/*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError:
            continue
    for path in sorted(ROOT.glob("examples/*/*.cond")):
        found.append(a2icond.compile_file(path).to_dict())
    return found


@pytest.mark.parametrize("index", range(len(examples())))
def test_agrees_with_jsonschema_on_examples_and_their_mutations(index: int) -> None:
    for doc in mutations(examples()[index], most=12):
        agree(doc)


@settings(max_examples=15, deadline=None)
@given(programs(max_depth=2))
def test_agrees_with_jsonschema_on_compiled_programs(program: Any) -> None:
    try:
        doc = a2icond.compile(printer.program(program)).to_dict()
    except a2icond.CompileError:
        return  # too deep or too long for A2I: nothing to validate
    assert VALIDATORS[program.source](doc)
    for mutated in mutations(doc, most=6):
        agree(mutated)


def test_the_cond_path_imports_no_validator_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, a2icond\n"
        "a2icond.compile('source rekognition\\nlabel \"x\" confidence > 5')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('jsonschema', 'jsonschema_rs'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"
