"""Property tests: random programs, random bytes and mutated examples through the compiler."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import a2icond
from a2icond import ast, parser, printer, schemas
from a2icond.diagnostics import CompileError
from a2icond.fileio import decode
from a2icond.model import MAX_JSON_LENGTH

from .strategies import programs

DATA = Path(__file__).parent / "data"
AWS_SCHEMA = json.loads(
    (DATA / "schemas" / "aws-generic-activation-conditions.schema.json").read_text()
)
STRICT = {s: jsonschema.Draft7Validator(schemas.schema(s)) for s in ("rekognition", "textract")}
GENERIC = jsonschema.Draft7Validator(AWS_SCHEMA)
LIMIT_MESSAGES = ("nested 3 levels deep", "characters of compact JSON")

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(programs())
def test_generated_programs_compile_to_valid_json_and_parse_back(program: ast.Program) -> None:
    text = printer.program(program)
    # (b) the printed text parses back to the same AST
    assert parser.parse(text) == program
    try:
        conditions = a2icond.compile(text)
    except CompileError as exc:
        # Programs within the rules fail only on A2I's limits: nesting and size.
        assert all(any(m in d.message for m in LIMIT_MESSAGES) for d in exc.errors), exc.render()
        return
    document = conditions.to_dict()
    # (a) valid against the strict schema of its source and AWS's generic schema
    STRICT[program.source].validate(document)  # type: ignore[index]
    GENERIC.validate(document)
    assert conditions.source == program.source
    # (c) the compact output fits A2I's limit
    assert len(conditions.to_json()) <= MAX_JSON_LENGTH


@SETTINGS
@given(programs(max_depth=2))
def test_compact_json_is_within_the_limit_or_a_size_error(program: ast.Program) -> None:
    text = printer.program(program)
    try:
        compact = a2icond.compile(text).to_json()
    except CompileError as exc:
        assert exc.errors
        return
    assert len(compact) <= MAX_JSON_LENGTH
    assert json.loads(compact) == json.loads(a2icond.compile(text).to_json(compact=False))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_compile_or_raise_compile_error(data: bytes) -> None:
    try:
        a2icond.compile(decode(data, "fuzz.cond"), filename="fuzz.cond")
    except CompileError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.line >= 1 and d.column >= 1
            d.render("x")  # rendering never fails either


EXAMPLES = sorted((Path(__file__).parent.parent / "examples").rglob("*.cond"))


@pytest.mark.skipif(not EXAMPLES, reason="no example files")
@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(EXAMPLES or [Path("/dev/null")]),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.text(max_size=6)), max_size=4),
)
def test_mutated_examples_compile_or_raise_compile_error(
    path: Path, edits: list[tuple[int, int, str]]
) -> None:
    text = path.read_text(encoding="utf-8")
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    assume(text)
    try:
        a2icond.compile(text, filename=path.name)
    except CompileError as exc:
        assert exc.errors
        assert all(1 <= d.line <= text.count("\n") + 2 for d in exc.errors)
