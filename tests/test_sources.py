"""Conditions in code: Python (`ast`) and Terraform (`python-hcl2`), read statically.

The code around the conditions is written here in the shape the real material has (AWS's sample
notebooks call `create_flow_definition` with `json.dumps(<dict literal>)`; the Terraform AWS
provider's tests put the JSON in a heredoc); the conditions themselves are the real ones from
`tests/data/realworld/` (provenance in its README.md). Published code is not copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import a2icond
from a2icond.cli import main
from a2icond.equivalence import canonical as normalized
from a2icond.jsonconditions import from_json_text
from a2icond.sources import read_code, scan

DATA = Path(__file__).parent / "data" / "realworld"


def real(name: str) -> dict[str, Any]:
    return json.loads((DATA / "conditions" / name).read_text("utf-8"))


def notebook(conditions: dict[str, Any], source: str = "Textract/AnalyzeDocument/Forms") -> str:
    """A notebook cell in the shape of AWS's samples: a dict literal passed through json.dumps."""
    literal = json.dumps(conditions, indent=4)
    return (
        "import json\n"
        "import boto3\n"
        "\n"
        'sagemaker_client = boto3.client("sagemaker")\n'
        f"humanLoopActivationConditions = {literal}\n"
        "\n"
        "response = sagemaker_client.create_flow_definition(\n"
        "    FlowDefinitionName=flowDefinitionName,\n"
        "    RoleArn=ROLE,\n"
        "    HumanLoopConfig={\n"
        '        "WorkteamArn": WORKTEAM_ARN,\n'
        '        "HumanTaskUiArn": humanTaskUiArn,\n'
        '        "TaskCount": 1,\n'
        '        "TaskDescription": "Document analysis sample task description",\n'
        '        "TaskTitle": "Document analysis sample task",\n'
        "    },\n"
        f'    HumanLoopRequestSource={{"AwsManagedHumanLoopRequestSource": "AWS/{source}/V1"}},\n'
        "    HumanLoopActivationConfig={\n"
        '        "HumanLoopActivationConditionsConfig": {\n'
        '            "HumanLoopActivationConditions": json.dumps(humanLoopActivationConditions)\n'
        "        }\n"
        "    },\n"
        '    OutputConfig={"S3OutputPath": OUTPUT_PATH},\n'
        ")\n"
    )


def at(text: str, line: int, column: int) -> str:
    return text.splitlines()[line - 1][column - 1 :]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- Python --------------------------------------------------------------------------------------


def test_notebook_conditions_are_found_once_through_json_dumps_and_the_variable() -> None:
    doc = real("a2inb-textract-current.json")
    text = notebook(doc)
    found = scan(text, "nb.py").found
    assert [f.document for f in found] == [doc]
    assert (found[0].line, found[0].name) == (5, "humanLoopActivationConditions")
    reads, notes = read_code(text, "nb.py")
    assert notes == []
    assert reads[0].conditions is not None and reads[0].conditions.to_dict() == doc


def test_warnings_point_at_the_value_in_the_python_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = notebook(real("a2inb-rekognition.json"), "Rekognition/DetectModerationLabels/Image")
    path = tmp_path / "rekognition.py"
    path.write_text(text, "utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith(str(path))]
    assert len(lines) == 2
    line, column = (int(n) for n in lines[0][len(str(path)) + 1 :].split(":")[:2])
    assert at(text, line, column).startswith('"Suggestive"')
    assert "warning[A2I102]" in lines[0]
    code, _, _ = run(capsys, "check", "--strict", str(path))
    assert code == 1


def test_aws_old_parameter_names_in_python_located_at_the_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = notebook(real("smdg-rek-example1-orequal-2020.json"))
    path = tmp_path / "old.py"
    path.write_text(text, "utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    heads = [line for line in out.splitlines() if line.startswith(f"{path}:")]
    assert len(heads) == 4
    for head in heads:
        line, column = (int(n) for n in head[len(str(path)) + 1 :].split(":")[:2])
        assert at(text, line, column).startswith('"Confidence')
        assert "OrEqual" in at(text, line, column).split(":")[0]
        assert "did you mean 'Confidence" in head


def test_json_string_in_python_is_located_inside_the_string() -> None:
    inner = json.dumps(real("smdg-rek-example2-orequal-2020.json"), indent=2)
    text = f"flow = dict(\n    HumanLoopActivationConditions='''{inner}''',\n)\n"
    reads, _ = read_code(text, "s.py")
    (read,) = reads
    (d,) = read.diagnostics
    assert at(text, d.line, d.column).startswith('"ConfidenceGreaterThanOrEqual"')


def test_json_dumps_of_a_string_is_an_error() -> None:
    """AWS's Textract guide (2022) wrote `json.dumps("{...}")`: A2I would get a JSON string."""
    text = 'cfg = {"HumanLoopActivationConditions": json.dumps(\'{"Conditions": []}\')}\n'
    reads, diagnostics = read_code(text, "d.py")
    assert reads == []
    (d,) = diagnostics
    assert d.message.startswith("json.dumps of a string encodes it twice")
    assert (d.line, d.column) == (1, 41)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ('f"{conditions}"', ""),
        ("build_conditions(threshold)", ""),
        ("json.dumps(CONDITIONS)", ": 'CONDITIONS' is not assigned in this file"),
        ("json.dumps(twice)", ": 'twice' is assigned more than once"),
    ],
)
def test_values_built_at_run_time_are_one_note(value: str, why: str) -> None:
    call = f"client.create_flow_definition(HumanLoopActivationConditions={value})"
    text = f"twice = {{}}\ntwice = {{}}\n{call}\n"
    reads, diagnostics = read_code(text, "r.py")
    assert reads == []
    (d,) = diagnostics
    assert d.severity == "note"
    assert d.line == 3
    assert d.message.endswith(
        f"is built at run time{why}; a2icond reads only literal values and does not check it"
    )


def test_a_note_does_not_fail_check_even_strict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "lambda_function.py"
    path.write_text("c.create_flow_definition(HumanLoopActivationConditions=make())\n", "utf-8")
    code, out, _ = run(capsys, "check", "--strict", str(path))
    assert code == 0
    note = "1:56: note[A2I130]: HumanLoopActivationConditions (make()) is built at run time"
    assert f"{path}:{note}" in out


def test_conditions_found_by_shape_and_unrelated_dicts_ignored() -> None:
    doc = real("smdg-tx-and-sampling-2020.json")
    text = "SETTINGS = {'Conditions': 'not a list'}\nOTHER = {'a': 1}\nEMPTY = {'Conditions': []}\n"
    text += "RULE = {'Conditions': [{'Field': 'path-pattern', 'Values': ['/img/*']}]}\n"
    text += 'TEXT = \'{"Conditions": [{"Field": "host-header"}]}\'\n'
    text += f"REVIEW = {json.dumps(doc)}\n"
    (found,) = scan(text, "shape.py").found
    assert found.document == doc and found.name == "REVIEW" and found.line == 6


def test_python_syntax_error_is_located() -> None:
    """AWS's Textract guide (2022) published a create_flow_definition call that does not parse."""
    _, diagnostics = read_code('x = json.dumps("{\n', "bad.py")
    (d,) = diagnostics
    assert d.message.startswith("not valid Python: ")
    assert d.line == 1


def test_non_ascii_before_the_conditions_keeps_columns_in_characters() -> None:
    doc = {
        "Conditions": [
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {
                    "ModerationLabelName": "Suggestive",
                    "ConfidenceLessThan": 98,
                },
            }
        ]
    }
    text = f"é = 'ü'; C = {json.dumps(doc)}\n"
    reads, _ = read_code(text, "u.py")
    (w,) = reads[0].diagnostics
    assert at(text, w.line, w.column).startswith('"Suggestive"')


def test_decompile_python_migrates_to_a_cond_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = real("a2inb-textract-current.json")
    path = tmp_path / "notebook.py"
    path.write_text(notebook(doc), "utf-8")
    code, program, err = run(capsys, "decompile", str(path))
    assert code == 0, err
    assert program.startswith(f"# decompiled from {path}:5:")
    assert "(humanLoopActivationConditions)" in program.splitlines()[0]
    again = a2icond.compile(program)
    assert normalized(again) == normalized(from_json_text(json.dumps(doc)))


def test_decompile_several_values_needs_a_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a, b = real("a2inb-textract-first.json"), real("smdg-tx-and-sampling-2020.json")
    path = tmp_path / "flows.py"
    path.write_text(f"FIRST = {json.dumps(a)}\nSECOND = {json.dumps(b)}\n", "utf-8")
    code, out, err = run(capsys, "decompile", str(path))
    assert code == 2 and out == ""
    assert "holds 2 activation-conditions values; give -o FOLDER" in err
    target = tmp_path / "migrated"
    code, _, err = run(capsys, "decompile", str(path), "-o", str(target))
    assert code == 0, err
    files = sorted(p.name for p in target.iterdir())
    assert files == ["flows.first.cond", "flows.second.cond"]
    for name, doc in zip(files, (a, b), strict=True):
        compiled = a2icond.compile_file(target / name)
        assert normalized(compiled) == normalized(from_json_text(json.dumps(doc)))


# -- Terraform -----------------------------------------------------------------------------------

TF_RESOURCE = """resource "aws_sagemaker_flow_definition" "test" {{
  flow_definition_name = var.name
  role_arn             = aws_iam_role.test.arn

  human_loop_request_source {{
    aws_managed_human_loop_request_source = "AWS/Textract/AnalyzeDocument/Forms/V1"
  }}

  human_loop_activation_config {{
    human_loop_activation_conditions_config {{
      human_loop_activation_conditions = {value}
    }}
  }}
}}
"""


def terraform(value: str) -> str:
    return TF_RESOURCE.format(value=value)


def test_terraform_heredoc_as_in_the_providers_test() -> None:
    body = (DATA / "conditions" / "tf-flow-definition-sampling5.json").read_text("utf-8")
    text = terraform(f"<<EOF\n{body}EOF")
    (found,) = scan(text, "main.tf").found
    assert found.document == real("tf-flow-definition-sampling5.json")
    assert found.name == "aws_sagemaker_flow_definition.test"
    span = found.where.value(["Conditions", 0, "ConditionParameters", "RandomSamplingPercentage"])
    assert (
        at(text, span.line, span.column).startswith("5\n")
        or at(text, span.line, span.column) == "5"
    )


def test_terraform_heredoc_error_is_located_in_the_tf_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = json.dumps(real("smdg-rek-example2-orequal-2020.json"), indent=2)
    text = terraform(f"<<-EOT\n{body}\n    EOT")
    path = tmp_path / "main.tf"
    path.write_text(text, "utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    head = out.splitlines()[0]
    line, column = (int(n) for n in head[len(str(path)) + 1 :].split(":")[:2])
    assert at(text, line, column).startswith('"ConfidenceGreaterThanOrEqual"')


def test_terraform_jsonencode_is_read_with_key_locations() -> None:
    value = """jsonencode({
        Conditions = [
          {
            ConditionType = "ImportantFormKeyConfidenceCheck"
            ConditionParameters = {
              ImportantFormKey                = "Mail Address"
              ImportantFormKeyAliases         = ["Mail Address:", "Mailing Address"]
              KeyValueBlockConfidenceLessThen = 99
              WordBlockConfidenceLessThan     = 99.5
            }
          },
          { "ConditionType" = "Sampling",
            "ConditionParameters" = { "RandomSamplingPercentage" = 5 } }
        ]
      })"""
    text = terraform(value)
    (read,), notes = read_code(text, "main.tf")
    assert notes == []
    assert read.found.document["Conditions"][1]["ConditionParameters"] == {
        "RandomSamplingPercentage": 5
    }
    (d,) = read.diagnostics
    assert d.message == (
        "unknown parameter 'KeyValueBlockConfidenceLessThen' for ImportantFormKeyConfidenceCheck; "
        "did you mean 'KeyValueBlockConfidenceLessThan'?"
    )
    assert at(text, d.line, d.column).startswith("KeyValueBlockConfidenceLessThen ")


def test_terraform_quoted_string_with_escapes_is_located() -> None:
    inner = json.dumps(real("smdg-rek-example2-orequal-2020.json"))
    quoted = json.dumps(inner)  # HCL escapes quotes as JSON does
    text = terraform(quoted)
    (read,), _ = read_code(text, "main.tf")
    (d,) = read.diagnostics
    assert at(text, d.line, d.column).startswith('\\"ConfidenceGreaterThanOrEqual\\"')


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("var.conditions", "a reference"),
        ('file("${path.module}/conditions.json")', "the result of file()"),
        ('templatefile("c.json.tpl", { t = 90 })', "the result of templatefile()"),
        ('"{\\"Conditions\\": ${local.c}}"', "a string with an interpolation"),
        ('<<EOF\n{"Conditions": [${local.c}]}\nEOF', "a heredoc with a template interpolation"),
        (
            "jsonencode({ Conditions = local.members })",
            "jsonencode() of a value with a reference or a call",
        ),
    ],
)
def test_terraform_values_built_at_run_time_are_one_note(value: str, what: str) -> None:
    reads, diagnostics = read_code(terraform(value), "main.tf")
    assert reads == []
    (d,) = diagnostics
    assert d.severity == "note"
    assert d.message.startswith(
        f"human_loop_activation_conditions is {what}, built when Terraform runs"
    )


def test_terraform_syntax_error_is_located() -> None:
    reads, diagnostics = read_code('resource "x" "y" {\n  a = \n}\n}\n', "bad.tf")
    assert reads == []
    (d,) = diagnostics
    assert d.message == "not valid Terraform (HCL) syntax"
    assert d.line >= 2


def test_decompile_terraform(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = (DATA / "conditions" / "tf-flow-definition-sampling5.json").read_text("utf-8")
    path = tmp_path / "main.tf"
    path.write_text(terraform(f"<<EOF\n{body}EOF"), "utf-8")
    code, program, err = run(capsys, "decompile", str(path))  # the resource says textract
    assert code == 0, err
    assert program == (
        f"# decompiled from {path}:11:42 (aws_sagemaker_flow_definition.test)\n"
        "source textract\n\nsample 5%\n"
    )


def test_request_source_next_to_the_conditions_gives_the_source() -> None:
    """Sampling-only conditions fit both services; the request source in the same call
    (Python) or resource (Terraform) says which, and contradicting it is an error."""
    sampling = real("smdg-rek-sampling52-2020.json")
    (read,), _ = read_code(notebook(sampling, "Rekognition/DetectModerationLabels/Image"), "n.py")
    assert read.conditions is not None and read.conditions.source == "rekognition"
    assert read.conditions.source_known
    (read,), _ = read_code(notebook(sampling), "n.py")
    assert read.conditions is not None and read.conditions.source == "textract"
    (read,), _ = read_code(notebook(real("a2inb-rekognition.json")), "n.py")
    assert read.conditions is None
    (d,) = [d for d in read.diagnostics if d.severity == "error"]
    assert d.message == "the conditions are for rekognition, but the source given is textract"
    body = (DATA / "conditions" / "tf-flow-definition-sampling5.json").read_text("utf-8")
    (read,), _ = read_code(terraform(f"<<EOF\n{body}EOF"), "main.tf")
    assert read.conditions is not None and read.conditions.source == "textract"
    (read,), _ = read_code(
        terraform(f"<<EOF\n{body}EOF").replace("AWS/Textract/AnalyzeDocument/Forms/V1", "x"),
        "main.tf",
    )
    assert read.conditions is not None and not read.conditions.source_known


def test_eval_and_build_read_the_one_value_in_a_code_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "notebook.py"
    rekognition = "Rekognition/DetectModerationLabels/Image"
    path.write_text(notebook(real("a2inb-rekognition.json"), rekognition), "utf-8")
    loaded = a2icond.load(path)
    assert loaded.to_dict() == real("a2inb-rekognition.json")
    assert [w.code for w in loaded.warnings] == ["A2I102", "A2I102"]
    response = DATA / "responses" / "awscli-detect-moderation-labels.json"
    code, out, err = run(capsys, "eval", str(path), str(response))
    assert code == 0, err
    assert out.startswith(f"{response}: no human loop")
    two = tmp_path / "two.py"
    two.write_text(
        f"A = {json.dumps(real('a2inb-textract-first.json'))}\nB = A\n"
        f"C = {json.dumps(real('smdg-tx-and-sampling-2020.json'))}\n"
    )
    with pytest.raises(a2icond.CompileError) as info:
        a2icond.load(two)
    assert [d.message for d in info.value.errors] == [
        "2 activation-conditions values here (lines 1, 3); a2icond needs one"
    ]
    none = tmp_path / "none.py"
    none.write_text(
        "conditions = build()\nc.create_flow_definition(HumanLoopActivationConditions=conditions)\n"
    )
    with pytest.raises(a2icond.CompileError) as info:
        a2icond.load(none)
    error, note = info.value.diagnostics  # the note points where the value is built
    assert (error.severity, note.severity, note.line, note.column) == ("error", "note", 1, 14)
    assert error.message == "no activation conditions that can be read without running the code"


@pytest.mark.parametrize("prefix", ["", "r"])
def test_json_string_with_escapes_in_python_is_located_exactly(prefix: str) -> None:
    inner = json.dumps(real("smdg-rek-example2-orequal-2020.json"))  # one line, "quoted"
    quote = "'" if prefix else '"'
    # in a plain string: an escaped space first (\u0020), then every quote escaped (\")
    body = inner if prefix else "\\u0020" + inner.replace('"', '\\"')
    text = f"flow(HumanLoopActivationConditions={prefix}{quote}{body}{quote})\n"
    (read,), _ = read_code(text, "e.py")
    (d,) = read.diagnostics
    key = '"ConfidenceGreaterThanOrEqual"'
    expected = key if prefix else key.replace('"', '\\"')
    assert at(text, d.line, d.column).startswith(expected)
    assert d.end_column - d.column == len(expected)


# -- Jupyter notebooks ---------------------------------------------------------------------------


def ipynb(*cells: tuple[str, str]) -> str:
    """A notebook (nbformat 4, as Jupyter writes it: indent 1, sources as lists of lines)."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": kind,
                    "metadata": {},
                    "source": text.splitlines(keepends=True),
                    **({"execution_count": None, "outputs": []} if kind == "code" else {}),
                }
                for kind, text in cells
            ],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 4,
        },
        indent=1,
    )


def test_notebook_cells_are_read_and_located_in_the_ipynb_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = ipynb(
        ("markdown", "# Amazon A2I and Rekognition\nCreate the flow definition."),
        ("code", "%pip install boto3\n!aws --version\nimport json"),
        ("code", "%%bash\necho not python {"),
        (
            "code",
            notebook(real("a2inb-rekognition.json"), "Rekognition/DetectModerationLabels/Image"),
        ),
    )
    path = tmp_path / "A2I and Rekognition.ipynb"
    path.write_text(text, "utf-8")
    (found,) = scan(text, str(path)).found
    assert found.document == real("a2inb-rekognition.json")
    code, out, err = run(capsys, "check", str(path))
    assert code == 0, out + err
    heads = [line for line in out.splitlines() if line.startswith(f"{path}:")]
    assert len(heads) == 2 and all("warning[A2I102]" in h for h in heads)
    line, column = (int(n) for n in heads[0][len(str(path)) + 1 :].split(":")[:2])
    assert at(text, line, column).startswith('\\"Suggestive\\"')
    code, program, err = run(capsys, "decompile", str(path))
    assert code == 0, err
    assert normalized(a2icond.compile(program)) == normalized(
        from_json_text(json.dumps(real("a2inb-rekognition.json")))
    )


def test_notebook_errors_and_notes_point_into_the_ipynb_file(tmp_path: Path) -> None:
    text = ipynb(
        ("code", "x = 1\n"),
        ("code", notebook(real("smdg-rek-example2-orequal-2020.json"))),
        ("code", "client.create_flow_definition(HumanLoopActivationConditions=build())"),
    )
    reads, notes = read_code(text, "nb.ipynb")
    (read,) = reads
    (d,) = [d for d in read.diagnostics if d.severity == "error"]
    assert at(text, d.line, d.column).startswith('\\"ConfidenceGreaterThanOrEqual\\"')
    (n,) = notes
    assert n.severity == "note" and at(text, n.line, n.column).startswith("build()")
    bad = ipynb(("code", "def f(:\n    pass"))
    _, problems = read_code(bad, "bad.ipynb")
    (p,) = problems
    assert p.message.startswith("not valid Python") and at(bad, p.line, p.column).startswith(":")
