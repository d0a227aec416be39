"""Fuzz targets: one per reader a2icond has, and the mutator that feeds them.

A target takes the bytes of one input file and runs it through what the commands do with such
a file (read, compile or validate, evaluate, render every diagnostic, encode the output as
UTF-8). It returns "ok" or "refused" (the input was reported as a problem of the input), and
lets anything else escape: an escaping exception is an internal error, what the campaign and
the Hypothesis tests count. Inputs come from `mutate`: the project's own examples and small
responses, changed by a few edits chosen to hit readers' edges (long numbers, NaN, lone
surrogate escapes, deep nesting, ignore comments, NUL, size up to the 1 MiB limit).

Used by `tests/test_fuzz.py` (short, in CI) and `fuzz/campaign.py` (long, by hand).
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1 << 20  # the 1 MiB input limit

Target = Callable[[bytes], str]


# -- seeds -----------------------------------------------------------------------------------------


def _files(pattern: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob(pattern))]


RESPONSES = [
    json.dumps({"ModerationLabels": [{"Name": "Explicit Nudity", "Confidence": 97.5}]}),
    json.dumps(
        {
            "moderationLabels": [
                {"name": "Suggestive", "confidence": 61, "parentName": ""},
                {"name": "Violence", "confidence": 12.25, "parentName": ""},
            ],
            "moderationModelVersion": "7.0",
        }
    ),
    json.dumps(
        {
            "Blocks": [
                {
                    "BlockType": "KEY_VALUE_SET",
                    "Id": "k1",
                    "Confidence": 40.5,
                    "EntityTypes": ["KEY"],
                    "Relationships": [
                        {"Type": "CHILD", "Ids": ["w1"]},
                        {"Type": "VALUE", "Ids": ["v1"]},
                    ],
                },
                {"BlockType": "WORD", "Id": "w1", "Text": "Total:", "Confidence": 80},
                {
                    "BlockType": "KEY_VALUE_SET",
                    "Id": "v1",
                    "Confidence": 70,
                    "EntityTypes": ["VALUE"],
                    "Relationships": [{"Type": "CHILD", "Ids": ["w2"]}],
                },
                {"BlockType": "WORD", "Id": "w2", "Text": "$10", "Confidence": 99},
            ]
        }
    ),
    json.dumps(
        {
            "inputContent": {
                "aiServiceResponse": {
                    "moderationLabels": [{"name": "Explicit Nudity", "confidence": 97.5}]
                }
            },
            "humanTaskActivationConditionResults": {
                "Conditions": [
                    {
                        "ConditionType": "ModerationLabelConfidenceCheck",
                        "ConditionParameters": {
                            "ModerationLabelName": "Explicit Nudity",
                            "ConfidenceGreaterThan": 90,
                        },
                        "EvaluationResult": True,
                    }
                ]
            },
            "selectedAiServiceResponse": {
                "moderationLabels": [{"name": "Explicit Nudity", "confidence": 97.5}]
            },
        }
    ),
]

REKOGNITION_CONDITIONS = (
    'source rekognition\nlabel "Explicit Nudity" confidence > 90 or sample 5%\n'
)
TEXTRACT_CONDITIONS = (
    'source textract\nkey total = "Total:" aka "Total"\ntotal confidence < 45 or any key missing\n'
)


@cache
def seeds(reader: str) -> tuple[str, ...]:
    """The unmutated inputs of each reader."""
    if reader in ("cond", "fmt"):
        return tuple(_files("examples/**/*.cond") + _files("tests/data/authoring/fmt/*.cond"))
    if reader == "json":
        return tuple(
            _files("tests/data/aws-doc-examples/*.json")
            + _files("tests/data/authoring/decompile/*.json")
            + _files("tests/data/flow/*.json")
        )
    if reader == "toml":
        return tuple(_files("examples/**/*.toml") + _files("tests/data/flow/*.toml"))
    if reader in ("eval", "jsonl"):
        return tuple(RESPONSES)
    raise ValueError(reader)


# -- the mutator -------------------------------------------------------------------------------

TOKENS = [
    "1" * 5000,
    "9" * 101,
    "-" + "7" * 4400,
    "1e400",
    "1e-400",
    "1e999999999",
    "0." + "0" * 3000 + "1",
    "NaN",
    "-Infinity",
    "Infinity",
    '"\\ud800"',
    "\\udc00",
    "\\ud83d\\ude00",
    "\\u0000",
    "\x00",
    "\ufeff",
    "\u2028",
    "[" * 3000,
    "]" * 3000,
    '{"a":' * 3000,
    "{a=" * 3000,
    "(" * 3000,
    "0x" + "f" * 2000,
    '"""',
    "'''",
    "# a2icond: ignore[A2I101]",
    "# a2icond: ignore",
    "  # a2icond: ignore[A2I102,A2I104]\n",
    "\n",
    "\r\n",
    " or ",
    " and ",
    " not ",
    "(",
    ")",
    'label "X" confidence > 50',
    'label "\\ud800" confidence > 50',
    "any key missing",
    "sample 100%",
    "between 90 and 10",
    'key k = "Total:" aka "Total"',
    "source textract",
    "source rekognition",
    '"ConditionType": "Sampling"',
    '"RandomSamplingPercentage": 1e308',
    '"Conditions": []',
    '"And": [',
    '"Or": [',
    "null",
    "true",
    "[]",
    "{}",
    '""',
    "price_usd = ",
    "count = ",
    "conditions = ",
    "[task]\n",
    "[[task]]\n",
    "\\",
    '"',
    "'",
    "#",
    "=",
    ",",
    ":",
]


def mutate(rng: random.Random, reader: str) -> bytes:
    """One input for `reader`: a seed with one to four edits, as UTF-8 bytes."""
    pool = seeds(reader)
    text = rng.choice(pool)
    if reader in ("cond", "fmt") and rng.random() < 0.4:
        text = _relayout(rng, text)
    for _ in range(rng.randint(0 if reader in ("cond", "fmt") else 1, 4)):
        text = _edit(rng, text, pool)
    if len(text) > LIMIT:
        text = text[:LIMIT]
    if reader == "jsonl":  # several documents, one a line, some of them mutated
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 3))]
        lines.insert(rng.randint(0, len(lines)), text.replace("\n", " "))
        text = "\n".join(lines) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.03:  # raw bytes: invalid UTF-8, encoded surrogates, NUL
        i = rng.randrange(len(data) + 1)
        data = data[:i] + rng.choice([b"\xff", b"\xed\xa0\x80", b"\x00", b"\xc3"]) + data[i:]
    return data


_BREAKS = [
    "\n",
    "\n\n",
    "  # a2icond: ignore\n",
    "  # a2icond: ignore[A2I101]\n",
    "  # a2icond: ignore[A2I102, A2I104]\n",
    "  # a2icond: ignore[A2I105]\n",
    "  # a note\n",
    "\n# own line\n",
]


def _relayout(rng: random.Random, text: str) -> str:
    """The same program laid out differently: line breaks, ignore comments and other comments
    between tokens (where `fmt` must keep what every ignore comment silences)."""
    lines = [line for line in text.split("\n") if not line.lstrip().startswith("#")]
    words = " ".join(lines).split(" ")
    out = []
    for word in words:
        out.append(word)
        out.append(rng.choice(_BREAKS) if word and rng.random() < 0.25 else " ")
    return "".join(out)


def _edit(rng: random.Random, text: str, pool: tuple[str, ...]) -> str:
    n = len(text)
    i = rng.randrange(n + 1)
    j = min(n, i + rng.randint(0, 40))
    choice = rng.random()
    if choice < 0.45:  # insert or replace with an edge token
        token = rng.choice(TOKENS)
        return text[:i] + token + (text[j:] if rng.random() < 0.5 else text[i:])
    if choice < 0.6:  # delete a slice
        return text[:i] + text[j:]
    if choice < 0.72:  # duplicate a slice
        return text[:j] + text[i:j] * rng.randint(1, 4) + text[j:]
    if choice < 0.82:  # splice in a piece of another seed
        other = rng.choice(pool)
        k = rng.randrange(len(other) + 1)
        return text[:i] + other[k : k + rng.randint(1, 200)] + text[i:]
    if choice < 0.9:  # change one character
        return (
            text[:i]
            + chr(rng.choice([rng.randint(0, 127), rng.randint(0, 0x10FFFF)]))
            + text[i + 1 :]
        )
    if choice < 0.9995:  # swap two neighbouring pieces
        return text[:i] + text[j : j + 10] + text[i:j] + text[j + 10 :]
    # rarely: grow towards the 1 MiB limit by repeating a slice
    piece = text[i:j] or text or "x"
    return text + piece * ((LIMIT - n) // len(piece))


# -- the targets -------------------------------------------------------------------------------


def _utf8(*texts: str) -> None:
    """What the commands print must be UTF-8 (a lone surrogate here crashed printing)."""
    for text in texts:
        text.encode("utf-8")


def _refused_compile(exc: Any) -> str:
    from a2icond.diagnostics import render_all

    _utf8(render_all(exc.diagnostics, exc.text))
    return "refused"


def target_cond(data: bytes) -> str:
    """`a2icond check/compile x.cond`."""
    from a2icond.compiler import compile as compile_text
    from a2icond.diagnostics import CompileError, render_all
    from a2icond.fileio import decode

    try:
        text = decode(data, "x.cond")
        result = compile_text(text, filename="x.cond")
    except CompileError as exc:
        return _refused_compile(exc)
    _utf8(result.to_json(), render_all(result.diagnostics, text))
    return "ok"


def target_fmt(data: bytes) -> str:
    """`a2icond fmt`: the result (the formatter checks it means the same and keeps every
    comment and warning) must be stable; a `FormatterError` escapes as an internal error."""
    from a2icond.diagnostics import CompileError
    from a2icond.fileio import decode
    from a2icond.formatter import format_source

    try:
        text = decode(data, "x.cond")
        result = format_source(text, filename="x.cond")
    except CompileError as exc:
        return _refused_compile(exc)
    _utf8(result)
    if format_source(result, filename="x.cond") != result:
        raise AssertionError("fmt is not idempotent")
    return "ok"


def target_json(data: bytes) -> str:
    """`a2icond check x.json` and `a2icond decompile x.json`."""
    from a2icond.compiler import load_text
    from a2icond.decompiler import decompile
    from a2icond.diagnostics import CompileError, render_all
    from a2icond.fileio import decode

    try:
        text = decode(data, "x.json")
        result = load_text(text, filename="x.json", require_source=False)
    except CompileError as exc:
        return _refused_compile(exc)
    _utf8(result.to_json(), render_all(result.diagnostics, text))
    _utf8(decompile(text, filename="x.json", source=result.source))
    return "ok"


@cache
def _plans() -> tuple[Any, ...]:
    from a2icond.compiler import compile as compile_text
    from a2icond.evaluation.evaluate import prepare

    return tuple(prepare(compile_text(t)) for t in (REKOGNITION_CONDITIONS, TEXTRACT_CONDITIONS))


def target_eval(data: bytes) -> str:
    """`a2icond eval CONDITIONS x.json` (text and --json output), against both sources."""
    from a2icond.commands.eval import render
    from a2icond.evaluation.evaluate import evaluate
    from a2icond.evaluation.responses import ResponseError, normalize, parse_json_bytes

    try:
        document = parse_json_bytes(data, "x.json")
        outcome = "refused"  # unless one of the two plans reads it
        for plan in _plans():
            try:
                response = normalize(document, "x.json")
                result = evaluate(plan, response)
            except ResponseError as exc:
                _utf8(str(exc))
                continue
            _utf8(render(plan, result))
            _utf8(json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":")))
            outcome = "ok"
        return outcome
    except ResponseError as exc:
        _utf8(str(exc))
        return "refused"


def target_toml(data: bytes) -> str:
    """`a2icond build x.flow.toml` (and `submit --dry-run`), next to a good `ok.cond`."""
    from a2icond.aws.flow import FlowDefinition, FlowError, build_request, render_problems
    from a2icond.diagnostics import CompileError
    from a2icond.fileio import decode
    from a2icond.model import dump_json

    folder = _flow_folder()
    try:
        text = decode(data, "x.toml")
        flow = FlowDefinition.from_toml_text(text, filename="x.toml", base_dir=folder)
        request = flow.to_request()
    except CompileError as exc:
        return _refused_compile(exc)
    except FlowError as exc:
        _utf8(exc.render())
        return "refused"
    built = build_request(flow)
    _utf8(dump_json(request, compact=False), render_problems(built.problems, built.texts))
    return "ok"


@cache
def _flow_folder() -> str:
    folder = tempfile.mkdtemp(prefix="a2icond-fuzz-")
    for name in ("payroll.cond", "sampling.cond", "rekognition-example-1.json"):
        source = ROOT / "tests" / "data" / "flow" / name
        (Path(folder) / name).write_bytes(source.read_bytes())
    for path in ROOT.glob("examples/**/*.cond"):
        (Path(folder) / path.name).write_bytes(path.read_bytes())
    return folder


def target_jsonl(data: bytes) -> str:
    """`a2icond simulate CONDITIONS x.jsonl` (one process): bad lines are counted, never fatal."""
    from a2icond.evaluation.simulation import simulate

    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as fh:
        fh.write(data)
    try:
        outcome = "refused"  # unless every line is read by one of the two plans
        for plan in _plans():
            report = simulate(plan, [fh.name], jobs=1, price_usd="0.036")
            _utf8(json.dumps(report.to_dict()), *(f"{n}: {m}" for n, m in report.failures))
            if not report.errors:
                outcome = "ok"
        return outcome
    finally:
        Path(fh.name).unlink()


TARGETS: dict[str, Target] = {
    "cond": target_cond,
    "fmt": target_fmt,
    "json": target_json,
    "eval": target_eval,
    "toml": target_toml,
    "jsonl": target_jsonl,
}
