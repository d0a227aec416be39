"""Converting between a2icond's spans (1-based lines and code-point columns, character offsets)
and LSP positions (0-based lines, columns in the negotiated encoding: UTF-16 by default)."""

from __future__ import annotations

from lsprotocol import types

from ..diagnostics import Span

UTF16 = "utf-16"
UTF8 = "utf-8"
UTF32 = "utf-32"


def _units(text: str, encoding: str) -> int:
    """The length of `text` in the client's units."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Lines:
    """A document's line starts, for offset <-> position conversion in either direction."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.starts = starts

    def line_text(self, line0: int) -> str:
        """Line `line0` (0-based) without its line break."""
        if line0 < 0 or line0 >= len(self.starts):
            return ""
        end = self.starts[line0 + 1] - 1 if line0 + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line0] : end]

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of 1-based `line` and code-point `column` (clamped to the text)."""
        line0 = min(max(line - 1, 0), len(self.starts) - 1)
        src = self.line_text(line0)
        col0 = min(max(column - 1, 0), len(src))
        return types.Position(line0, _units(src[:col0], self.encoding))

    def position_at(self, offset: int) -> types.Position:
        """The LSP position of a character offset."""
        import bisect

        offset = min(max(offset, 0), len(self.text))
        line0 = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line0, _units(self.text[self.starts[line0] : offset], self.encoding))

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position (clamped to its line)."""
        if position.line >= len(self.starts):
            return len(self.text)
        line0 = max(position.line, 0)
        src = self.line_text(line0)
        if src.isascii() or self.encoding == UTF32:
            return self.starts[line0] + min(position.character, len(src))
        units = 0
        for i, ch in enumerate(src):
            if units >= position.character:
                return self.starts[line0] + i
            units += _units(ch, self.encoding)
        return self.starts[line0] + len(src)

    def range(self, span: Span) -> types.Range:
        """The LSP range of a span, from its line/column (offsets may be absent)."""
        return types.Range(
            self.position(span.line, span.column), self.position(span.end_line, span.end_column)
        )

    def range_of(self, start: int, end: int) -> types.Range:
        return types.Range(self.position_at(start), self.position_at(end))

    def span_offsets(self, span: Span) -> tuple[int, int]:
        """Character offsets of a span computed from its lines and columns."""
        return self._offset(span.line, span.column), self._offset(span.end_line, span.end_column)

    def _offset(self, line: int, column: int) -> int:
        line0 = min(max(line - 1, 0), len(self.starts) - 1)
        return self.starts[line0] + min(max(column - 1, 0), len(self.line_text(line0)))
