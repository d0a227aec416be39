"""`check` and `decompile` over every real conditions file, A2I record and flow request.

The material is AWS's and others' published A2I JSON, copied in `tests/data/realworld/` (see
README.md and index.json there for repository, path, commit and license of each file). Each
file has its exact expected outcome: valid (with the exact warnings, and a decompiled program
that compiles back to the same conditions) or the specific located message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import a2icond
from a2icond.cli import main
from a2icond.equivalence import canonical as normalized

DATA = Path(__file__).parent / "data" / "realworld"

M61 = "is a Rekognition model 6.1 label name; model 7 returns"
SUGGESTIVE = (
    f'warning[A2I102]: "Suggestive" {M61} "Non-Explicit Nudity of Intimate parts and Kissing" '
    "instead, so this condition never matches"
)
SWIMWEAR = (
    f'warning[A2I102]: "Female Swimwear Or Underwear" {M61} "Female Swimwear or Underwear" '
    "instead, so this condition never matches"
)
MALE = (
    f'warning[A2I102]: "Graphic Male Nudity" {M61} "Exposed Male Genitalia" instead, so this '
    "condition never matches"
)
LE = (
    "error[A2I052]: unknown parameter 'ConfidenceLessThanOrEqual' for "
    "ModerationLabelConfidenceCheck; did you mean 'ConfidenceLessThanEquals'?"
)
GE = (
    "error[A2I052]: unknown parameter 'ConfidenceGreaterThanOrEqual' for "
    "ModerationLabelConfidenceCheck; did you mean 'ConfidenceGreaterThanEquals'?"
)
NOT_JSON_STRING = (
    "error[A2I012]: HumanLoopActivationConfig.HumanLoopActivationConditionsConfig."
    "HumanLoopActivationConditions: the string is not valid JSON: "
)
CUSTOM = (
    "1:1: error[A2I053]: a CreateFlowDefinition request without HumanLoopActivationConfig: it "
    "has no activation conditions (a custom task type, started by StartHumanLoop)"
)
JSON_IN_TEXT = "1:1: error[A2I003]: unexpected character '{'"

#: Valid files: the exact warnings `check` prints (line:column: message).
VALID: dict[str, list[str]] = {
    "conditions/a2inb-rekognition.json": [f"8:36: {SUGGESTIVE}", f"15:36: {SWIMWEAR}"],
    "conditions/a2inb-textract-current.json": [],
    "conditions/a2inb-textract-first.json": [],
    "conditions/rekdg-a2i-rekognition-and.json": [f"8:36: {SUGGESTIVE}", f"15:36: {SWIMWEAR}"],
    "conditions/smdg-rek-and-sampling-2020.json": [f"14:36: {MALE}"],
    "conditions/smdg-rek-or-and-2020.json": [f"8:36: {MALE}", f"23:48: {MALE}"],
    "conditions/smdg-rek-or-sampling-2020.json": [f"14:36: {MALE}"],
    "conditions/smdg-rek-sampling52-2020.json": [],
    "conditions/smdg-tx-and-sampling-2020.json": [],
    "conditions/smdg-tx-or-and-2020.repaired.json": [],
    "conditions/smdg-tx-or-sampling-2020.repaired.json": [],
    "conditions/smdg-tx-star-2020.repaired.json": [],
    "conditions/tf-flow-definition-sampling5.json": [],
    "conditions/txdg-a2i-textract-2020.json": [],
    "conditions/txdg-create-flow-def-api-2022.json": [],
    # conditions copied from A2I output records (EvaluationResult on every node)
    "records/smdg-output-record-rekognition.humanTaskActivationConditionResults.json": [
        f"9:56: {SUGGESTIVE}",
        f"17:56: {SWIMWEAR}",
    ],
    "records/smdg-output-record-textract.humanTaskActivationConditionResults.json": [],
}

#: Invalid files: the exact errors of `check`, then of `decompile` (None: the same).
INVALID: dict[str, tuple[list[str], list[str] | None]] = {
    "conditions/smdg-rek-example1-orequal-2020.json": (
        [f"8:30: {LE}", f"15:30: {GE}", f"25:30: {LE}", f"32:30: {GE}"],
        None,
    ),
    "conditions/smdg-rek-example2-orequal-2020.json": ([f"7:17: {GE}"], None),
    # JSON as published, with its syntax error; `check` reads .txt as the condition language
    "conditions/smdg-tx-or-and-2020.as-published.txt": (
        [JSON_IN_TEXT],
        ["36:25: error[A2I012]: not valid JSON: Expecting ',' delimiter"],
    ),
    "conditions/smdg-tx-or-sampling-2020.as-published.txt": (
        [JSON_IN_TEXT],
        ["24:9: error[A2I012]: not valid JSON: Expecting ',' delimiter"],
    ),
    "conditions/smdg-tx-star-2020.as-published.txt": (
        [JSON_IN_TEXT],
        ["7:17: error[A2I012]: not valid JSON: Expecting ',' delimiter"],
    ),
    "records/smdg-output-record-rekognition.as-published.txt": (
        [JSON_IN_TEXT],
        ["8:42: error[A2I012]: not valid JSON: Expecting value"],
    ),
    "records/smdg-output-record-textract.as-published.txt": (
        [JSON_IN_TEXT],
        ["8:32: error[A2I012]: not valid JSON: Expecting value"],
    ),
    "records/smdg-output-record-rekognition.selectedAiServiceResponse.json": (
        ['1:1: error[A2I053]: not activation conditions: there is no "Conditions" list'],
        None,
    ),
    # requests whose conditions are a placeholder of the published code (see the test below)
    "flows/a2inb-rekognition-flow.request.json": (
        [f"16:41: {NOT_JSON_STRING}Expecting value"],
        None,
    ),
    "flows/a2inb-textract-flow.request.json": ([f"16:41: {NOT_JSON_STRING}Expecting value"], None),
    "flows/smdg-create-flow-def-placeholder-textract.request.json": (
        [f"8:42: {NOT_JSON_STRING}Expecting property name enclosed in double quotes"],
        None,
    ),
    "flows/smdg-get-started-rekognition-flow.request.json": (
        [f"8:41: {NOT_JSON_STRING}Expecting value"],
        None,
    ),
    "flows/smdg-get-started-textract-flow.request.json": (
        [f"8:41: {NOT_JSON_STRING}Expecting value"],
        None,
    ),
    "flows/tf-human-loop-request-source-flow.request.json": (
        [f"18:41: {NOT_JSON_STRING}Expecting value"],
        None,
    ),
    "flows/txdg-create-flow-def-api-2022-flow.request.json": (
        [f"8:41: {NOT_JSON_STRING}Expecting value"],
        None,
    ),
    "flows/idp-workshop-textract-flow.request.json": (
        ['1:1: error[A2I053]: not activation conditions: there is no "Conditions" list'],
        None,
    ),
    **{
        f"flows/{name}.request.json": ([CUSTOM], None)
        for name in (
            "a2inb-comprehend-custom-classification-flow",
            "a2inb-detectsentiment-flow",
            "a2inb-frauddetector-custom-flow",
            "a2inb-model-monitor-flow",
            "a2inb-object-detection-flow",
            "a2inb-rekognition-custom-labels-flow",
            "a2inb-tabular-flow",
            "a2inb-transcribe-custom-flow",
            "a2inb-translate-flow",
            "handwritten-tabular-flow",
            "idp-workshop-custom-rules-flow",
            "rekcl-a2i-cfn-custom-resource-flow",
            "smdg-get-started-custom-flow",
            "textract-transformer-pipeline-flow",
            "tf-basic-flow",
            "tf-public-workforce-flow",
        )
    },
}

LOCATED = re.compile(r"^(?P<file>.+?):(?P<where>\d+:\d+: .*)$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def headlines(output: str, path: Path) -> list[str]:
    """The located headlines of `output` about `path`, without the file name."""
    out = []
    for line in output.splitlines():
        m = LOCATED.match(line)
        if m and m.group("file") == str(path):
            out.append(m.group("where"))
    return out


def test_every_real_file_has_an_expected_outcome() -> None:
    files = {
        str(p.relative_to(DATA))
        for folder in ("conditions", "records", "flows")
        for p in (DATA / folder).iterdir()
    }
    assert files == set(VALID) | set(INVALID)
    assert not set(VALID) & set(INVALID)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_real_file(capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = DATA / name
    code, out, err = run(capsys, "check", str(path))
    assert code == 0, out + err
    assert headlines(out, path) == VALID[name]
    code, program, err = run(capsys, "decompile", str(path))
    assert code == 0, err
    assert "Traceback" not in err
    expected = a2icond.load(path, require_source=False)
    again = a2icond.compile(program, source=expected.source)
    assert normalized(again) == normalized(expected)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_real_file(capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = DATA / name
    check_errors, decompile_errors = INVALID[name]
    code, out, err = run(capsys, "check", str(path))
    assert code == 1
    assert headlines(out, path) == check_errors
    code, program, err = run(capsys, "decompile", str(path))
    assert code == 1
    assert program == ""
    assert headlines(err, path) == (decompile_errors or check_errors)


@pytest.mark.parametrize(
    "name",
    ["smdg-tx-or-and-2020", "smdg-tx-or-sampling-2020", "smdg-tx-star-2020"],
)
def test_json_in_a_text_file_is_named_with_where_its_json_breaks(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = DATA / "conditions" / f"{name}.as-published.txt"
    broken_at = INVALID[f"conditions/{name}.as-published.txt"][1]
    assert broken_at is not None
    where = broken_at[0].split(": error[A2I012]: not valid JSON: ")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert (
        "  = help: this file holds JSON, not the condition language: name it *.json to check it "
        "as activation conditions, or `a2icond decompile` it to a .cond program (its JSON is "
        f"not valid at {where[0]}: {where[1]})"
    ) in out.splitlines()


def _substituted(request_file: str) -> tuple[str, str]:
    """The request with its `json.dumps(<id>)` / `<id, normalized>` placeholder replaced by
    the conditions of the corpus item it names, and that item's conditions file."""
    text = (DATA / "flows" / request_file).read_text("utf-8")
    m = re.search(r'"HumanLoopActivationConditions": "(?:json\.dumps\()?<([a-z0-9-]+)[^"]*"', text)
    assert m is not None
    conditions_file = f"conditions/{m.group(1)}.json"
    document = json.loads((DATA / conditions_file).read_text("utf-8"))
    value = json.dumps(json.dumps(document, separators=(",", ":")))
    return text[: m.start()] + f'"HumanLoopActivationConditions": {value}' + text[m.end() :], (
        conditions_file
    )


@pytest.mark.parametrize(
    "request_file",
    [
        "a2inb-rekognition-flow.request.json",
        "a2inb-textract-flow.request.json",
        "tf-human-loop-request-source-flow.request.json",
    ],
)
def test_real_requests_with_their_conditions_filled_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, request_file: str
) -> None:
    """The published request, its conditions as the published code sends them (a JSON string):
    read from inside the string, warnings located in the request file."""
    text, conditions_file = _substituted(request_file)
    path = tmp_path / request_file
    path.write_text(text, "utf-8")
    code, out, err = run(capsys, "check", str(path))
    assert code == 0, out + err
    warnings = [w.split(": ", 1)[1] for w in headlines(out, path)]
    assert warnings == [w.split(": ", 1)[1] for w in VALID[conditions_file]]
    lines = text.splitlines()
    number = next(
        i for i, line in enumerate(lines, 1) if '"HumanLoopActivationConditions":' in line
    )
    located = headlines(out, path)
    assert all(w.startswith(f"{number}:") for w in located)
    if located:  # the first warning is about "Suggestive": at its escaped quote in the string
        column = lines[number - 1].index('\\"Suggestive\\"') + 1
        assert located[0].startswith(f"{number}:{column}: ")
    loaded = a2icond.load(path, require_source=False)
    assert loaded.to_dict() == json.loads((DATA / conditions_file).read_text("utf-8"))
