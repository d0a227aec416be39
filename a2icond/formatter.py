"""`a2icond fmt`: the canonical layout of a `.cond` file, with every comment kept.

The printer (`a2icond.printer.layout`) gives the canonical lines, each tied to the span of the
source it prints: the `source` line, each key declaration, each top-level `or` member. This
module puts every comment back:

- an own-line comment goes on its own line before the line of the code that follows it;
- a trailing comment stays at the end of the line of the code it followed;
- a comment inside a construct that the canonical layout prints on one line (a declaration or a
  member written over several lines) moves to its own line just before that line; an
  `# a2icond: ignore[...]` comment there becomes the line's trailing comment instead, so it
  keeps silencing the warnings of that line;
- a blank line next to a comment is kept (several collapse to one); other blank lines go.

A file that does not compile is refused (`CompileError`). After formatting, the result is
parsed and compiled again: the AST and the compiled JSON must be the same and every comment's
text present, or `FormatterError` is raised and nothing should be written.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import ast, printer
from .diagnostics import CompileError, Diagnostic, Span
from .model import Conditions, Source

_WHITESPACE = " \t\f\r\n\v"
_IGNORE = re.compile(r"a2icond:\s*ignore\b", re.IGNORECASE)


class FormatterError(RuntimeError):
    """The formatted text would not mean the same as the input: a bug, nothing is written."""


class _Comment:
    """One comment and the blank lines around it. A plain slotted class, not a frozen
    dataclass: a 1 MiB file can hold half a million comments."""

    __slots__ = (
        "blank_after", "blank_before", "end", "is_ignore", "line", "own_line", "start", "text",
    )  # fmt: skip

    def __init__(
        self,
        text: str,
        line: int,
        start: int,
        end: int,
        own_line: bool,
        blank_before: bool,
        blank_after: bool,
    ) -> None:
        self.text, self.line, self.start, self.end = text, line, start, end
        self.own_line, self.blank_before, self.blank_after = own_line, blank_before, blank_after
        self.is_ignore = _IGNORE.search(text) is not None


@dataclass
class _Slot:
    """The comments that go with one output line."""

    leading: list[_Comment] = field(default_factory=list)
    trailing: list[_Comment] = field(default_factory=list)


def _comments(program: ast.Program, text: str, runs: bool = True) -> list[_Comment]:
    """The comments in source order, each with its line's layout around it. Linear in the
    text: each whitespace run is walked once backwards (by the comment after it) and once
    forwards (by the comment before it).

    With `runs`, consecutive own-line comments with only whitespace between them (none an
    ignore comment) come as one entry whose text is their lines, a blank line where there was
    one or more: they always go to the same place, one after the other, and a 1 MiB file can
    hold half a million of them. `runs=False` gives one entry per comment (the tests check
    both give the same text).
    """
    out = []
    size = len(text)
    rfind, count, search = text.rfind, text.count, _IGNORE.search
    comments = sorted(program.comments, key=_start)
    total = len(comments)
    k = 0
    while k < total:
        comment = comments[k]
        k += 1
        span = comment.span
        start, end = span.start, span.end
        line_start = rfind("\n", 0, start) + 1
        before = start
        while before > 0 and text[before - 1] in _WHITESPACE:
            before -= 1
        body = comment.text.rstrip()
        own_line = before <= line_start
        if runs and own_line and search(body) is None:
            lines = [body]
            while k < total:
                span_k = comments[k].span
                gap = text[end : span_k.start]
                if "\n" not in gap or gap.strip(_WHITESPACE):
                    break  # code between, or not on a line of its own
                next_body = comments[k].text.rstrip()
                if search(next_body) is not None:
                    break  # an ignore comment is placed on its own
                if gap.count("\n") >= 2:
                    lines.append("")
                lines.append(next_body)
                end = span_k.end
                k += 1
            body = "\n".join(lines)
        after = end
        while after < size and text[after] in _WHITESPACE:
            after += 1
        out.append(
            _Comment(
                body,
                span.line,
                start,
                end,
                own_line,
                before > 0 and count("\n", before, start) >= 2,
                after < size and count("\n", end, after) >= 2,
            )
        )
    return out


def _start(comment: ast.Comment) -> int:
    return comment.span.start


def _place(
    lines: list[printer.Line],
    comments: list[_Comment],
    ignores: dict[int, tuple[int, ...]] | None = None,
) -> tuple[list[_Slot], _Slot]:
    """Assign each comment to an output line (or to the end of the file).

    `ignores` maps an ignore comment's start to the output lines whose warnings it silenced
    (see `_ignore_targets`): it ends each of them (repeated if several), or, silencing
    nothing, goes on its own line, where it cannot silence anything either.
    """

    units = [i for i, line in enumerate(lines) if line.span is not None]
    spans = [lines[i].span for i in units]
    starts = [s.start for s in spans if s is not None]
    slots = [_Slot() for _ in lines]
    tail = _Slot()
    for comment in comments:
        # the last unit starting before the comment, and the first one starting after it
        k = bisect.bisect_left(starts, comment.start) - 1
        prev_span = spans[k] if k >= 0 else None
        inside = prev_span is not None and comment.start < prev_span.end
        following = units[k + 1] if k + 1 < len(units) else None
        targets = ignores.get(comment.start) if ignores else None
        if targets:
            for target in targets:
                slots[target].trailing.append(comment)
        elif targets is not None:  # silences nothing: keep it where it cannot start to
            home = units[k] if inside else following
            (slots[home] if home is not None else tail).leading.append(comment)
        elif inside:
            slot = slots[units[k]]
            if comment.is_ignore and not comment.own_line:
                slot.trailing.append(comment)
            else:
                slot.leading.append(comment)
        elif not comment.own_line and prev_span is not None and prev_span.end_line == comment.line:
            slots[units[k]].trailing.append(comment)
        elif following is not None:
            slots[following].leading.append(comment)
        else:
            tail.leading.append(comment)
    for slot in slots:
        if len(slot.trailing) > 1:  # keep one trailing comment, preferably an ignore comment
            ignoring = [c for c in slot.trailing if c.is_ignore]
            keep = ignoring[-1] if ignoring else slot.trailing[-1]
            slot.leading = sorted(
                slot.leading + [c for c in slot.trailing if c is not keep], key=lambda c: c.start
            )
            slot.trailing = [keep]
    return slots, tail


def _emit_leading(out: list[str], comments: list[_Comment]) -> None:
    for comment in comments:
        if comment.blank_before and out and out[-1] != "":
            out.append("")
        out.append(comment.text)
    if comments and comments[-1].blank_after:
        out.append("")


def render(program: ast.Program, text: str, warnings: list[Diagnostic] | None = None) -> str:
    """The canonical text of `program` (parsed from `text`) with `text`'s comments.

    `warnings` are the program's warnings before suppression; with them, every
    `# a2icond: ignore` comment is placed so that it silences the same warnings as before.
    """
    lines = printer.layout(program)
    comments = _comments(program, text)
    ignores = _ignore_targets(lines, comments, text, warnings) if warnings else None
    slots, tail = _place(lines, comments, ignores)

    out: list[str] = []
    for line, slot in zip(lines, slots, strict=True):
        if line.span is None:
            if out and out[-1] != "":
                out.append("")
            continue
        _emit_leading(out, slot.leading)
        code = line.text
        if slot.trailing:
            if slot.trailing[0].is_ignore and line.flat:
                code = line.flat  # unwrapped, so the ignore comment stays on its warnings' line
            code += "  " + slot.trailing[0].text
        out.append(code)
    _emit_leading(out, tail.leading)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def format_source(text: str, *, filename: str = "<string>", source: Source | None = None) -> str:
    """The canonical form of `text`; raises `CompileError` when `text` does not compile.

    `source` is needed only for a file that neither says nor implies its source.
    """
    from .compiler import compile_with_program

    # compiling first refuses what cannot be formatted (huge files among them)
    program, before = compile_with_program(text, source=source, filename=filename)
    raw = _raw_warnings(program, source, filename)
    result = render(program, text, raw)
    _verify(program, before, result, source, text, raw)
    return result


def _raw_warnings(
    program: ast.Program, source: Source | None, filename: str = "<string>"
) -> list[Diagnostic] | None:
    """The program's warnings before any ignore comment silences them (None without ignore
    comments: then there is nothing to keep)."""
    if not any(_IGNORE.search(c.text) for c in program.comments):
        return None
    from dataclasses import replace

    from . import checker, lint

    analysis = checker.check(program, source=source, filename=filename)
    return lint.lint(replace(program, comments=()), analysis, filename=filename)


def _ignore_targets(
    lines: list[printer.Line],
    comments: list[_Comment],
    text: str,
    warnings: list[Diagnostic],
) -> dict[int, tuple[int, ...]]:
    """For each ignore comment, the output lines holding the warnings it silences today.

    A warning silenced today is one on the comment's line whose code the comment names (or any,
    for a bare `ignore`). Its output line is the one printing the unit (declaration, top-level
    member) its start falls in. A comment whose warnings cannot be placed is left out (the
    default placement, then the self-check, decide).
    """
    from .lint import ignored_codes

    line_starts = [0]
    line_starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    units = [i for i, line in enumerate(lines) if line.span is not None]
    spans = [lines[i].span for i in units]
    starts = [s.start for s in spans if s is not None]

    def unit_of(d: Diagnostic) -> int | None:
        if not 1 <= d.line <= len(line_starts):
            return None
        offset = line_starts[d.line - 1] + d.column - 1
        k = bisect.bisect_right(starts, offset) - 1
        span = spans[k] if k >= 0 else None
        return units[k] if span is not None and offset < span.end else None

    by_line: dict[int, list[Diagnostic]] = {}
    for d in warnings:
        by_line.setdefault(d.line, []).append(d)
    out: dict[int, tuple[int, ...]] = {}
    for comment in comments:
        if not comment.is_ignore:
            continue
        codes = ignored_codes([ast.Comment(comment.text, _line_span(comment.line))]).get(
            comment.line, frozenset()
        )
        silenced = [d for d in by_line.get(comment.line, ()) if codes is None or d.code in codes]
        targets = {unit_of(d) for d in silenced}
        if None in targets:
            continue
        out[comment.start] = tuple(sorted(t for t in targets if t is not None))
    return out


def _line_span(line: int) -> Span:
    return Span(line, 1, line, 1)


def _shown(warnings: Sequence[Diagnostic]) -> Counter[tuple[str, str]]:
    """The reported warnings, independent of where they are (messages may name lines)."""
    return Counter((d.code, _LINE_REF.sub("line N", d.message)) for d in warnings)


_LINE_REF = re.compile(r"line \d+")


def _verify(
    program: ast.Program,
    before: Conditions,
    result: str,
    source: Source | None,
    text: str,
    raw: list[Diagnostic] | None,
) -> None:
    """Refuse a result that changes the meaning, the warnings reported, or loses a comment;
    and one that formatting again would change (black's stability check)."""
    from .compiler import compile_with_program

    try:
        again, after = compile_with_program(result, source=source)
    except CompileError as exc:
        raise FormatterError(f"the formatted text does not compile: {exc}") from None
    if again != program:
        raise FormatterError("the formatted text parses to a different program")
    if after.to_json() != before.to_json():
        raise FormatterError("the formatted text compiles to different JSON")
    lost = Counter(c.text.rstrip() for c in program.comments) - Counter(
        c.text.rstrip() for c in again.comments
    )
    if lost:
        raise FormatterError(f"comments would be lost: {sorted(lost)}")
    if _shown(after.warnings) != _shown(before.warnings):
        raise _suppression_changed(before.warnings, after.warnings, raw or [], text)
    if render(again, result, _raw_warnings(again, source)) != result:
        raise FormatterError("formatting the formatted text would change it again")


def _suppression_changed(
    before: Sequence[Diagnostic],
    after: Sequence[Diagnostic],
    raw: Sequence[Diagnostic],
    text: str,
) -> CompileError:
    """The layout cannot keep what the ignore comments silence (one comment would have to
    silence part of a line): a located error for the user, and nothing is written."""
    changed = (_shown(after) - _shown(before)) + (_shown(before) - _shown(after))
    code, message = next(iter(changed))
    where = next(
        (d for d in raw if (d.code, _LINE_REF.sub("line N", d.message)) == (code, message)),
        None,
    )
    appears = _shown(after)[(code, message)] > _shown(before)[(code, message)]
    line = where.line if where else 1
    column = where.column if where else 1
    return CompileError(
        [
            Diagnostic(
                f"fmt cannot keep what `# a2icond: ignore` comments silence here: the canonical "
                f"layout puts this {code} warning on a line where it would be "
                f"{'reported' if appears else 'silenced'} "
                f"({'it is silenced now' if appears else 'it is reported now'})",
                line,
                column,
                line,
                column + 1,
                filename=where.filename if where else "<string>",
                code="A2I091",
                hint="put the ignore comment at the end of the top-level member or declaration "
                "whose warnings it silences, one member per line",
            )
        ],
        text,
    )
