"""The compiler pipeline and its public entry points.

text -> `parser.parse` (Lark, LALR) -> `ast.Program` -> `checker.check` -> `lint.lint`
-> `lowering.lower` -> schema validation -> `Conditions`. Every stage adds diagnostics; the run
stops after the first stage that found errors, so each error is reported once and at its source.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .diagnostics import CompileError, Diagnostic
from .model import MAX_JSON_LENGTH, Conditions, Source

if TYPE_CHECKING:
    from . import ast

#: A file this large cannot compile to A2I's 10,240 characters; refuse it before parsing it.
MAX_SOURCE_CHARS = 1 << 20


def compile(text: str, *, source: Source | None = None, filename: str = "<string>") -> Conditions:
    """Compile condition-language `text` to validated A2I activation conditions.

    `source` ("rekognition" or "textract") is needed only when the file does not say or imply
    it. Raises `CompileError` listing every error found; warnings ride on the result's
    `.diagnostics`.
    """
    return compile_with_program(text, source=source, filename=filename)[1]


def compile_with_program(
    text: str, *, source: Source | None = None, filename: str = "<string>"
) -> tuple[ast.Program, Conditions]:
    """`compile`, also returning the parsed program: `fmt` needs both, and parsing a 1 MiB
    file of comments twice is most of its time."""
    from . import checker, lint, lowering, parser, schemas

    if not isinstance(text, str):
        raise TypeError(
            f"a2icond.compile takes the program's text (str), not {type(text).__name__}; "
            "use a2icond.compile_file for a path"
        )
    if len(text) > MAX_SOURCE_CHARS:
        raise CompileError(
            [
                Diagnostic(
                    f"the file is {len(text)} characters; a2icond reads at most "
                    f"{MAX_SOURCE_CHARS} (conditions must compile to at most {MAX_JSON_LENGTH})",
                    filename=filename,
                    code="A2I011",
                )
            ]
        )
    program, problems = parser.parse_with_problems(text, filename=filename)
    analysis = checker.check(program, source=source, filename=filename)
    if not problems and not analysis.errors:
        # Lint only a program without errors, so a mistake is never reported twice.
        analysis.diagnostics.extend(lint.lint(program, analysis, filename=filename))
    problems += analysis.diagnostics
    if program.body is None:
        raise CompileError(problems, text)
    conditions, limits = lowering.lower(program, analysis, filename=filename)
    problems += limits
    if any(d.severity == "error" for d in problems):
        raise CompileError(problems, text)
    if not schemas.is_valid(conditions.to_dict(), conditions.source):
        details = "; ".join(
            f"{'/'.join(map(str, path))}: {msg}"
            for path, msg in schemas.explain(conditions.to_dict(), conditions.source)
        )
        raise CompileError(
            [
                Diagnostic(
                    "internal compiler error: the output does not match the "
                    f"{conditions.source} schema ({details}); this is a bug in a2icond, "
                    "please report it with this file",
                    filename=filename,
                    code="A2I090",
                )
            ],
            text,
        )
    return program, Conditions(conditions.source, conditions.members, tuple(analysis.diagnostics))


def compile_file(path: str | os.PathLike[str], *, source: Source | None = None) -> Conditions:
    """Compile a `.cond` file (`-` reads standard input). Diagnostics name the path."""
    from .fileio import read_text

    name = "<stdin>" if str(path) == "-" else str(path)
    return compile(read_text(path, name), source=source, filename=name)


def load_text(
    text: str,
    *,
    filename: str,
    source: Source | None = None,
    require_source: bool = True,
) -> Conditions:
    """Conditions from text already read: validated when `filename` ends in `.json`, read
    from code for `.py` and `.tf` (the file must hold exactly one value), else compiled.
    `require_source=False` accepts a JSON document of only `Sampling` conditions without a
    source (it means the same for both; see `jsonconditions.from_json_text`)."""
    suffix = os.path.splitext(filename)[1].lower()
    if suffix == ".json":
        from .jsonconditions import read_json_conditions
        from .lint import lint_json

        found = read_json_conditions(
            text, source=source, filename=filename, require_source=require_source
        )
        warnings = [*found.warnings, *lint_json(found.document, found.where, filename)]
        return Conditions(
            found.conditions.source,
            found.conditions.members,
            tuple(warnings),
            source_known=found.conditions.source_known,
        )
    if suffix in (".py", ".ipynb", ".tf"):
        return _load_code(text, filename, source, require_source)
    try:
        return compile(text, source=source, filename=filename)
    except CompileError as exc:
        if text.lstrip().startswith("{"):
            raise _json_in_program(exc, text, filename) from None
        raise


def _load_code(text: str, filename: str, source: Source | None, require_source: bool) -> Conditions:
    """The one conditions value in a Python or Terraform file (see `a2icond.sources`)."""
    from .sources import read_code

    reads, notes = read_code(text, filename, source=source, require_source=require_source)
    problems = [d for read in reads for d in read.diagnostics] + notes
    if len(reads) == 1 and reads[0].conditions is not None:
        return reads[0].conditions
    if len(reads) > 1:
        lines = ", ".join(str(read.found.line) for read in reads)
        problems.append(
            Diagnostic(
                f"{len(reads)} activation-conditions values here (lines {lines}); a2icond "
                "needs one",
                reads[1].found.line,
                reads[1].found.column,
                reads[1].found.line,
                reads[1].found.column + 1,
                filename=filename,
                hint="`a2icond decompile` writes one .cond file each",
                code="A2I053",
            )
        )
    elif not reads and not any(d.severity == "error" for d in problems):
        problems.append(
            Diagnostic(
                "no activation conditions that can be read without running the code",
                filename=filename,
                code="A2I053",
            )
        )
    raise CompileError(problems, text)


def _json_in_program(exc: CompileError, text: str, filename: str) -> CompileError:
    """JSON in a `.cond` or `.txt` file: say so on the first error, and where its JSON breaks."""
    import json
    from dataclasses import replace

    hint = (
        "this file holds JSON, not the condition language: name it *.json to check it as "
        "activation conditions, or `a2icond decompile` it to a .cond program"
    )
    try:
        json.loads(text)
    except json.JSONDecodeError as bad:
        hint += f" (its JSON is not valid at {bad.lineno}:{bad.colno}: {bad.msg})"
    except RecursionError:
        pass
    diagnostics = list(exc.diagnostics)
    first = next((i for i, d in enumerate(diagnostics) if d.severity == "error"), None)
    if first is None:
        return exc
    diagnostics[first] = replace(diagnostics[first], hint=hint)
    return CompileError(diagnostics, exc.text)


def load(
    path: str | os.PathLike[str],
    *,
    source: Source | None = None,
    require_source: bool = True,
) -> Conditions:
    """Conditions from a `.cond` file (compiled) or a `.json` file (validated), by extension.

    The JSON may be a bare `{"Conditions": [...]}` document, a `build` request or a
    `describe-flow-definition` response. `-` reads standard input (as a `.cond` file).
    """
    from .fileio import read_text

    name = "<stdin>" if str(path) == "-" else str(path)
    return load_text(
        read_text(path, name), filename=name, source=source, require_source=require_source
    )
