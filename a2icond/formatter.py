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
from dataclasses import dataclass, field

from . import ast, printer
from .model import Source

_WHITESPACE = " \t\f\r\n\v"
_IGNORE = re.compile(r"a2icond:\s*ignore\b", re.IGNORECASE)


class FormatterError(RuntimeError):
    """The formatted text would not mean the same as the input: a bug, nothing is written."""


@dataclass(frozen=True)
class _Comment:
    text: str
    line: int
    start: int
    end: int
    own_line: bool
    blank_before: bool
    blank_after: bool

    @property
    def is_ignore(self) -> bool:
        return _IGNORE.search(self.text) is not None


@dataclass
class _Slot:
    """The comments that go with one output line."""

    leading: list[_Comment] = field(default_factory=list)
    trailing: list[_Comment] = field(default_factory=list)


def _comments(program: ast.Program, text: str) -> list[_Comment]:
    out = []
    for comment in sorted(program.comments, key=lambda c: c.span.start):
        start, end = comment.span.start, comment.span.end
        line_start = text.rfind("\n", 0, start) + 1
        before = start
        while before > 0 and text[before - 1] in _WHITESPACE:
            before -= 1
        after = end
        while after < len(text) and text[after] in _WHITESPACE:
            after += 1
        out.append(
            _Comment(
                text=comment.text.rstrip(),
                line=comment.span.line,
                start=start,
                end=end,
                own_line=not text[line_start:start].strip(_WHITESPACE),
                blank_before=before > 0 and text.count("\n", before, start) >= 2,
                blank_after=after < len(text) and text.count("\n", end, after) >= 2,
            )
        )
    return out


def _place(lines: list[printer.Line], comments: list[_Comment]) -> tuple[list[_Slot], _Slot]:
    """Assign each comment to an output line (or to the end of the file)."""
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
        if inside:
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
            ignores = [c for c in slot.trailing if c.is_ignore]
            keep = ignores[-1] if ignores else slot.trailing[-1]
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


def render(program: ast.Program, text: str) -> str:
    """The canonical text of `program` (parsed from `text`) with `text`'s comments."""
    lines = printer.layout(program)
    slots, tail = _place(lines, _comments(program, text))
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
    from .compiler import compile as compile_text
    from .parser import parse

    program = parse(text, filename=filename)
    before = compile_text(text, source=source, filename=filename)
    result = render(program, text)
    _verify(program, before.to_json(), result, source, Counter(d.code for d in before.warnings))
    return result


def _verify(
    program: ast.Program,
    json_before: str,
    result: str,
    source: Source | None,
    warnings_before: Counter[str] | None = None,
) -> None:
    """Refuse a result that changes the meaning, loses a comment, or reports a warning the
    input silenced (an ignore comment that ends up on another line than its warning)."""
    from .compiler import compile as compile_text
    from .diagnostics import CompileError
    from .parser import parse

    try:
        again = parse(result)
        after = compile_text(result, source=source)
        json_after = after.to_json()
    except CompileError as exc:
        raise FormatterError(f"the formatted text does not compile: {exc}") from None
    if again != program:
        raise FormatterError("the formatted text parses to a different program")
    if json_after != json_before:
        raise FormatterError("the formatted text compiles to different JSON")
    lost = Counter(c.text.rstrip() for c in program.comments) - Counter(
        c.text.rstrip() for c in again.comments
    )
    if lost:
        raise FormatterError(f"comments would be lost: {sorted(lost)}")
    # A warning that was silenced must stay silenced. (The reverse may happen: an ignore comment
    # that was on the wrong line of a construct the layout joins into one line now silences
    # its warning; A2I110, the report of such comments, is left out for the same reason.)
    warnings_after = Counter(d.code for d in after.warnings if d.code != "A2I110")
    appeared = warnings_after - (warnings_before or Counter())
    if warnings_before is not None and appeared:
        raise FormatterError(
            f"the formatted text would report warnings the input silences: "
            f"{sorted(appeared.elements())}"
        )
