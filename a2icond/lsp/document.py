"""One open document, analysed with the compiler: diagnostics, the AST and what names what.

Plain Python over the compiler's results (no pygls), so tests and `bench/lsp_bench.py` call it
in process. Diagnostics come from `compiler.compile` / `compiler.load_text` exactly as `check`
reports them; the AST (for hover, completion, navigation) from `parser.parse_with_problems`,
computed only when a feature asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from lsprotocol import types

from .. import ast
from ..diagnostics import CompileError, Diagnostic, Span
from ..model import Conditions
from .positions import UTF16, Lines

#: `source` of every diagnostic the server publishes.
SOURCE = "a2icond"


def kind_of(uri: str) -> str:
    """`"json"` for a `.json` document, else `"cond"`: the client decides which documents it
    sends (the `a2icond` language, and the JSON files it was told to), so anything else is
    read as the condition language."""
    name = PurePosixPath(unquote(urlparse(uri).path)).name.lower()
    return "json" if name.endswith(".json") else "cond"


def filename_of(uri: str) -> str:
    """The path diagnostics name: the URI's path for `file:` URIs, else the URI itself."""
    parsed = urlparse(uri)
    if parsed.scheme in ("file", ""):
        return unquote(parsed.path) or uri
    return uri


def looks_like_conditions(text: str) -> bool:
    """A JSON document is checked only when it mentions `Conditions`: opening `package.json`
    in an editor that sends every JSON file must not produce errors."""
    return '"Conditions"' in text or '"HumanLoopActivationConditions"' in text


def diagnose(text: str, filename: str, kind: str = "cond") -> list[Diagnostic]:
    """Every error and warning `a2icond check` reports for `text` (empty when it is clean).

    Raises only on a bug in a2icond (the server logs it); bad input always gives diagnostics.
    """
    from ..compiler import compile as compile_text
    from ..compiler import load_text

    try:
        if kind == "json":
            if not looks_like_conditions(text):
                return []
            found = load_text(text, filename=filename, require_source=False)
        else:
            found = compile_text(text, filename=filename)
    except CompileError as exc:
        return list(exc.diagnostics)
    return list(found.diagnostics)


def to_lsp(d: Diagnostic, lines: Lines) -> types.Diagnostic:
    """An a2icond diagnostic as LSP shows it: the message, then its help and notes."""
    message = d.message
    if d.hint:
        message += f"\nhelp: {d.hint}"
    for note in d.notes:
        message += f"\nnote: {note}"
    return types.Diagnostic(
        range=lines.range(Span(d.line, d.column, d.end_line, d.end_column)),
        message=message,
        severity=(
            types.DiagnosticSeverity.Error
            if d.severity == "error"
            else types.DiagnosticSeverity.Warning
        ),
        code=d.code or None,
        source=SOURCE,
    )


def lsp_diagnostics(
    text: str, filename: str, kind: str = "cond", encoding: str = UTF16
) -> list[types.Diagnostic]:
    """`diagnose`, converted for the client: what the server publishes on open and change."""
    found = diagnose(text, filename, kind)
    if not found:
        return []
    lines = Lines(text, encoding)
    return [to_lsp(d, lines) for d in found]


@dataclass
class Document:
    """A snapshot of an open document and everything computed from it (lazily, once)."""

    uri: str
    text: str
    version: int | None = None
    encoding: str = UTF16
    #: The last program of this document that parsed: completion of key names while the
    #: current text is half-typed.
    last_good: ast.Program | None = field(default=None, repr=False)

    @cached_property
    def kind(self) -> str:
        return kind_of(self.uri)

    @cached_property
    def filename(self) -> str:
        return filename_of(self.uri)

    @cached_property
    def lines(self) -> Lines:
        return Lines(self.text, self.encoding)

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        return diagnose(self.text, self.filename, self.kind)

    @cached_property
    def program(self) -> ast.Program | None:
        """The AST of a `.cond` document, or None when it does not parse."""
        if self.kind != "cond":
            return None
        from ..parser import parse_with_problems

        try:
            program, _ = parse_with_problems(self.text, filename=self.filename)
        except CompileError:
            return None
        return program

    @property
    def parsed_program(self) -> ast.Program | None:
        """The program if it was already parsed (and parsed), without parsing it now."""
        found = self.__dict__.get("program")  # where cached_property keeps its value
        return found if isinstance(found, ast.Program) else None

    @cached_property
    def known_program(self) -> ast.Program | None:
        """The current program, else the last one that parsed, else the longest start of the
        text (cut at the start of the line of each syntax error in turn) that parses: key
        declarations come first, so they are known while the condition is half-typed."""
        if self.program is not None or self.last_good is not None or self.kind != "cond":
            return self.program or self.last_good
        from ..parser import parse_with_problems

        text = self.text
        for _ in range(8):
            try:
                program, _problems = parse_with_problems(text, filename=self.filename)
            except CompileError as exc:
                line = exc.diagnostics[0].line if exc.diagnostics else 1
                line = min(line, len(self.lines.starts))
                cut = self.lines.starts[line - 1]
                while cut >= len(text) and line > 1:
                    line -= 1
                    cut = self.lines.starts[line - 1]
                if cut == 0:
                    return None
                text = text[:cut]
                continue
            return program
        return None

    @cached_property
    def conditions(self) -> Conditions | None:
        """What the whole document compiles to, or None when it has errors."""
        from ..compiler import compile as compile_text

        if self.kind != "cond":
            return None
        try:
            return compile_text(self.text, filename=self.filename)
        except CompileError:
            return None

    def offset(self, position: types.Position) -> int:
        return self.lines.offset(position)

    def range(self, span: Span) -> types.Range:
        return self.lines.range(span)

    def key_decls(self) -> dict[str, ast.KeyDecl]:
        """Declared keys by name (the first declaration of a name wins, as in the checker)."""
        program = self.known_program
        out: dict[str, ast.KeyDecl] = {}
        for decl in program.keys if program else ():
            out.setdefault(decl.name, decl)
        return out


def contains(span: Span, offset: int) -> bool:
    """Whether a cursor at `offset` touches `span` (either end included, as editors expect)."""
    return span.start <= offset <= span.end and span != Span(1, 1, 1, 1, 0, 0)


def key_names(program: ast.Program) -> list[tuple[str, Span]]:
    """Every place a declared key's name is written: declarations, then uses, in order."""
    out = [(decl.name, decl.name_span) for decl in program.keys]
    if program.body is not None:
        for atom in ast.atoms(program.body):
            ref = atom.key if isinstance(atom, ast.KeyCheck | ast.MissingKey) else None
            if isinstance(ref, ast.KeyName):
                out.append((ref.name, ref.span))
    return out


def name_at(program: ast.Program, offset: int) -> str | None:
    """The declared-key name the cursor is on, if any."""
    for name, span in key_names(program):
        if contains(span, offset):
            return name
    return None


def top_members(program: ast.Program) -> tuple[ast.Expr, ...]:
    """The members of the top-level `or`: each one becomes one member of `Conditions`."""
    if program.body is None:
        return ()
    if isinstance(program.body, ast.Or):
        return program.body.members
    return (program.body,)
