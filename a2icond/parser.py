"""Source text -> `ast.Program`, with an LALR(1) parser generated from the grammar.

The grammar is `grammar/conditions.lark`, the only definition of the syntax. Lark's standalone
parser generator turns it into `_parser_tables.py` (plain data, committed, regenerated and
compared by `tests/test_parser_contract.py`; see `tools/gen_parser.py`), and this module runs
that lexer and those tables: no Lark, no cache and no pickle at run time, nothing loaded from
anywhere but the package. The callbacks of `_ToAst` run during parsing, so no parse tree is
built. Syntax errors become one diagnostic that says, in words, what was expected.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from types import ModuleType
from typing import Any

from . import _parser_tables, ast, syntax_hints
from .diagnostics import CompileError, Diagnostic, Span
from .model import DEPTH_LIMIT

#: Deeper nesting than this cannot fit in A2I's 10,240 characters anyway (each level needs
#: another condition of 80+ characters); refusing early keeps every later pass safe.
MAX_NESTING = 200

KEYWORDS = frozenset(
    {
        "source", "rekognition", "textract", "key", "aka", "label", "any", "confidence",
        "word", "missing", "sample", "between", "and", "or", "not",
    }
)  # fmt: skip

_COMPARATORS = {"LT", "LE", "GT", "GE", "EQ", "EQEQ"}
_CONDITION_START = {"LABEL", "ANY", "KEY", "IDENT", "SAMPLE", "LPAR", "NOT"}
_WORDS = {
    "IDENT": "a key name",
    "STRING": "a string in double quotes",
    "NUMBER": "a number",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "PERCENT": "'%'",
    "EQ": "'='",
    "$END": "the end of the file",
}


def grammar_text() -> str:
    """The grammar: from the installed package, or from the source tree in development (for
    the contract test and tools; parsing never reads it)."""
    from importlib import resources
    from pathlib import Path

    packaged = resources.files("a2icond").joinpath("grammar/conditions.lark")
    if packaged.is_file():
        return packaged.read_text("utf-8")
    return (Path(__file__).resolve().parent.parent / "grammar" / "conditions.lark").read_text(
        "utf-8"
    )


class Token:
    """A token: its terminal's name, its text and its span (`line`, `column` and `start_pos`,
    Lark's names, are what syntax errors and the contract test read of it)."""

    __slots__ = ("span", "type", "value")

    def __init__(self, type: str, value: str, span: Span) -> None:
        self.type, self.value, self.span = type, value, span

    @property
    def line(self) -> int:
        return self.span[0]

    @property
    def column(self) -> int:
        return self.span[1]

    @property
    def start_pos(self) -> int:
        return self.span[4]

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


#: `Span` built from a tuple without NamedTuple's Python-level `__new__` (the parser makes one
#: per token and per node, and this is twice as fast).
_new_span = tuple.__new__


class UnexpectedToken(Exception):
    """The parser met a token no rule allows here; `expected` are the terminals that fit."""

    def __init__(self, token: Token, expected: set[str]) -> None:
        super().__init__(f"unexpected {token.type} at {token.line}:{token.column}")
        self.token, self.expected = token, expected
        self.line, self.column = token.line, token.column


class UnexpectedCharacters(Exception):
    """The lexer found no terminal at `pos_in_stream`."""

    def __init__(self, pos_in_stream: int, line: int, column: int) -> None:
        super().__init__(f"no terminal matches at {line}:{column}")
        self.pos_in_stream, self.line, self.column = pos_in_stream, line, column


class _State(threading.local):
    def __init__(self) -> None:
        self.comments: list[ast.Comment] = []
        self.problems: list[tuple[Span, str]] = []
        self.depths: dict[int, int] = {}


_state = _State()


def _collect_comment(token: Any) -> Any:
    _state.comments.append(ast.Comment(token.value.rstrip("\r"), _tspan(token)))
    return token


#: A reduction: (callback or None to pass a single child through, length, origin).
_Reduce = tuple[Callable[[list[Any]], Any] | None, int, str]


class Machine:
    """The lexer and the LALR(1) loop over one tables module (`_parser_tables` by default;
    the contract test builds one from freshly generated tables)."""

    def __init__(self, tables: ModuleType, transformer: Any) -> None:
        self.keywords: dict[str, dict[str, str]] = tables.KEYWORDS
        self.ignore: frozenset[str] = tables.IGNORE
        self.newline: frozenset[str] = tables.NEWLINE
        self.states: tuple[dict[str, int], ...] = tables.STATES
        self.start: int = tables.START
        self.end: int = tables.END
        self.callbacks = {"COMMENT": _collect_comment}
        self.reduce: list[_Reduce] = [_reduction(rule, transformer) for rule in tables.RULES]
        #: The reduction an action names, indexed by the action itself: action `-1 - i`
        #: reduces by rule `i`, and a negative index counts from the end of this reversed list.
        self.by_action: list[_Reduce] = self.reduce[::-1]
        # Blanks (ignored terminals without a callback) are skipped by the same match as the
        # token after them, so that a Python iteration is spent on tokens only. The skip is
        # atomic: a run of blanks is never split to try again. (The terminals that may follow
        # a blank cannot begin with one, so the order of precedence is kept.)
        terminals: tuple[tuple[str, str], ...] = tables.TERMINALS
        blanks = "|".join(
            f"(?:{regexp})"
            for name, regexp in terminals
            if name in self.ignore and name not in self.callbacks
        )
        skip = f"(?>(?:{blanks})*)" if blanks else ""
        kept = "|".join(
            f"(?P<{name}>{regexp})"
            for name, regexp in terminals
            if name not in self.ignore or name in self.callbacks
        )
        self.token_pattern = re.compile(f"{skip}(?:{kept})")
        self.skip_pattern = re.compile(skip)
        # A comment followed by more comment lines (blanks between) is taken in one match, then
        # split into lines: most of the work of a file of comments. Only for comments as the
        # grammar writes them now (`#` to the end of the line), which `lex` relies on.
        comment = dict(terminals).get("COMMENT")
        self.comment_run = (
            re.compile(f"(?:(?>(?:{blanks})+)(?:{comment}))+").match
            if comment == "#[^\n]*" and blanks
            else None
        )

    def lex(self, text: str) -> tuple[list[Token], UnexpectedCharacters | None]:
        """The tokens of `text`, comments passed to their callback, blanks dropped, up to the
        first character no terminal matches (then also the error for it); positions and line
        counting as Lark's basic lexer gives them."""
        keywords, newline_types, callbacks = self.keywords, self.newline, self.callbacks
        match = self.token_pattern.match
        comments, Comment = _state.comments, ast.Comment
        out: list[Token] = []
        append = out.append
        pos, end = 0, len(text)
        line, line_start = 1, 0
        while pos < end:
            m = match(text, pos)
            if m is None:  # blanks to the end, or a character that starts no terminal
                stop = self.skip_pattern.match(text, pos).end()  # type: ignore[union-attr]
                if stop == end:
                    return out, None
                newlines = text.count("\n", pos, stop)
                if newlines:
                    line += newlines
                    line_start = text.rindex("\n", pos, stop) + 1
                return out, UnexpectedCharacters(stop, line, stop - line_start + 1)
            kind: str = m.lastgroup  # type: ignore[assignment]
            value = m.group(kind)
            stop = m.end()
            start = stop - len(value)
            if start != pos:  # blanks before the token: count their lines
                newlines = text.count("\n", pos, start)
                if newlines:
                    line += newlines
                    line_start = text.rindex("\n", pos, start) + 1
            column = start - line_start + 1
            if kind in newline_types and "\n" in value:
                end_line = line + value.count("\n")
                end_line_start = start + value.rindex("\n") + 1
                end_column = stop - end_line_start + 1
            else:
                end_line, end_line_start, end_column = line, line_start, column + stop - start
            span = _new_span(Span, (line, column, end_line, end_column, start, stop))
            if kind in keywords:
                found = keywords[kind].get(value.lower())
                if found is None and not value.isascii():
                    found = self.unicode_keyword(kind, value)
                append(Token(found or kind, value, span))
            elif kind == "COMMENT":  # what `_collect_comment` does, without a Token per line
                comments.append(Comment(value.rstrip("\r"), span))
                run = self.comment_run(text, stop) if self.comment_run else None
                if run is not None:  # the rest of the run, line by line
                    line_no, off = end_line, stop
                    for piece in text[stop : run.end()].split("\n"):
                        at = piece.find("#")
                        if at >= 0:  # blanks, then a comment to the end of the line
                            width = len(piece)
                            place = (line_no, at + 1, line_no, width + 1, off + at, off + width)
                            comments.append(
                                Comment(piece[at:].rstrip("\r"), _new_span(Span, place))
                            )
                            end_line, end_line_start = line_no, off
                        off += len(piece) + 1
                        line_no += 1
                    stop = run.end()
            elif kind in callbacks:
                callbacks[kind](Token(kind, value, span))
            else:
                append(Token(kind, value, span))
            line, line_start, pos = end_line, end_line_start, stop
        return out, None

    def tokens(self, text: str) -> Iterator[Token]:
        """`lex`, as a stream that raises `UnexpectedCharacters` where the text stops lexing."""
        found, error = self.lex(text)
        yield from found
        if error is not None:
            raise error

    def unicode_keyword(self, kind: str, value: str) -> str | None:
        """The keyword a non-ASCII identifier spells under Unicode case-insensitive matching
        (`ſource` is `source` to a case-insensitive regex, as it is to Lark's keyword check)."""
        pattern = "|".join(
            f"(?P<{name}>(?i:{re.escape(text)}))" for text, name in self.keywords[kind].items()
        )
        m = re.fullmatch(pattern, value)
        return m.lastgroup if m is not None else None

    def run(self, text: str) -> Any:
        """The LALR(1) loop: shift, or reduce and go to; `UnexpectedToken` where no action
        fits, with the terminals that would have. A character that starts no terminal is
        reported once the tokens before it are parsed, as a lazy lexer would."""
        states, by_action = self.states, self.by_action
        state = self.start
        state_stack = [state]
        value_stack: list[Any] = []
        found, lex_error = self.lex(text)
        for token in found:
            kind = token.type
            while True:
                arg = states[state].get(kind)
                if arg is None:
                    raise UnexpectedToken(token, {t for t in states[state] if t.isupper()})
                if arg >= 0:
                    state = arg
                    state_stack.append(state)
                    value_stack.append(token)
                    break
                callback, size, origin = by_action[arg]
                if callback is None:  # a single child passes through (`?rule`)
                    state = states[state_stack[-2]][origin]
                    state_stack[-1] = state
                    continue
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
                state = states[state_stack[-1]][origin]
                state_stack.append(state)
        if lex_error is not None:
            raise lex_error
        end_token = Token("$END", "", found[-1].span if found else _NO_TOKEN)
        while True:
            arg = states[state].get("$END")
            if arg is None or arg >= 0:
                raise UnexpectedToken(end_token, {t for t in states[state] if t.isupper()})
            callback, size, origin = by_action[arg]
            if callback is None:
                state = states[state_stack[-2]][origin]
                state_stack[-1] = state
            else:
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
                state = states[state_stack[-1]][origin]
                state_stack.append(state)
            if state == self.end:
                return value_stack[-1]


#: Where the end of an empty text is.
_NO_TOKEN = Span(1, 1, 1, 1, 0, 0)


def _same(children: list[Any]) -> list[Any]:
    return children


def _reduction(rule: tuple[Any, ...], transformer: Any) -> _Reduce:
    """What a rule's reduction does, as Lark's tree builder would: keep and splice children
    (`include`), return a lone child of a `?rule` as is, else call the transformer's method
    (rules named `_...` give a plain list, spliced into the parent)."""
    origin, size, name, expand1, include = rule
    if expand1 and size == 1 and include is None:
        return (None, size, origin)
    if name is None:
        call: Callable[[list[Any]], Any] = _same  # a fresh list already
    else:
        call = getattr(transformer, name)
    if expand1:
        inner = call

        def call(children: list[Any]) -> Any:
            return children[0] if len(children) == 1 else inner(children)

    if include is not None:
        final = call
        # A left-recursive `_` rule (`_items: _items "," item`) comes first in its parent: its
        # list is taken over rather than copied, as Lark does, so long chains stay linear.
        first, first_splice = include[0]
        rest = include[1:]

        def call(children: list[Any]) -> Any:
            kept: list[Any] = children[first] if first_splice else [children[first]]
            for i, splice in rest:
                if splice:
                    kept.extend(children[i])
                else:
                    kept.append(children[i])
            return final(kept)

    return (call, size, origin)


@cache
def _machine() -> Machine:
    return Machine(_parser_tables, _ToAst())


def _run(text: str) -> ast.Program:
    """The parse of `text` by the committed tables."""
    return _machine().run(text)  # type: ignore[no-any-return]


def expected_after(prefix: str) -> frozenset[str] | None:
    """The terminals (`LABEL`, `STRING`, `IDENT`, `$END`, ...) the grammar accepts right after
    `prefix`, or None when `prefix` is not the start of any program (or does not lex).

    For editors (completion, keyword-typo fixes): the tables, walked without building the AST.
    """
    machine = _machine()
    states, reduce = machine.states, machine.reduce
    stack = [machine.start]
    saved, _state.comments = _state.comments, []
    try:
        for token in machine.tokens(prefix):
            while True:
                arg = states[stack[-1]].get(token.type)
                if arg is None:
                    return None
                if arg >= 0:
                    stack.append(arg)
                    break
                callback, size, origin = reduce[-1 - arg]
                if callback is None:
                    del stack[-1]
                elif size:
                    del stack[-size:]
                stack.append(states[stack[-1]][origin])
    except UnexpectedCharacters:
        return None
    finally:
        _state.comments = saved
    return frozenset(t for t in states[stack[-1]] if t.isupper() or t == "$END")


def lex(text: str) -> list[tuple[str, Span]]:
    """Every token of `text`, comments included, as (terminal name, span) in order; up to the
    first character no terminal matches. For editors (semantic highlighting)."""
    out: list[tuple[str, Span]] = []
    saved, _state.comments = _state.comments, []
    try:
        for token in _machine().tokens(text):
            out.append((token.type, _tspan(token)))
    except UnexpectedCharacters:
        pass
    finally:
        comments, _state.comments = _state.comments, saved
    if comments:
        out += [("COMMENT", c.span) for c in comments]
        out.sort(key=lambda item: item[1].start)
    return out


def parse(text: str, *, filename: str = "<string>") -> ast.Program:
    """Parse `text` into a Program, or raise `CompileError` with the syntax error."""
    program, problems = parse_with_problems(text, filename=filename)
    if problems:
        raise CompileError(problems, text)
    return program


def parse_with_problems(
    text: str, *, filename: str = "<string>"
) -> tuple[ast.Program, list[Diagnostic]]:
    """Parse `text`; a syntax error raises, while problems inside tokens (a bad escape in a
    string) are returned with the program, so the compiler reports them with the checker's."""
    _state.comments, _state.problems, _state.depths = [], [], {}
    try:
        program: ast.Program = _run(text)
    except UnexpectedToken as exc:
        raise CompileError([_unexpected_token(exc, text, filename)], text) from None
    except UnexpectedCharacters as exc:
        raise CompileError([_unexpected_char(exc, text, filename)], text) from None
    except _TooDeep as exc:
        raise CompileError(
            [
                Diagnostic.at(
                    exc.span,
                    f"conditions nested more than {MAX_NESTING} levels deep",
                    filename=filename,
                    code="A2I040",
                    hint=f"A2I allows {DEPTH_LIMIT}",
                )
            ],
            text,
        ) from None
    finally:
        comments, problems = _state.comments, _state.problems
        _state.comments, _state.problems, _state.depths = [], [], {}
    program = ast.Program(
        program.source, program.keys, program.body, program.source_span, tuple(comments)
    )
    return program, [
        Diagnostic.at(span, message, filename=filename, code="A2I004") for span, message in problems
    ]


# ---------------------------------------------------------------------------------------------
# Syntax errors, in words


def _describe_expected(expected: set[str]) -> str:
    expected = set(expected)
    words: list[str] = []
    if expected >= _CONDITION_START:
        expected -= _CONDITION_START
        words.append("a condition (label, key, any, sample, not or '(')")
    if expected & (_COMPARATORS - {"EQ"}):
        # `between` is implied here; the spec words this error exactly so.
        expected -= _COMPARATORS | {"BETWEEN"}
        words.append("a comparator such as < or >=")
    for name in sorted(expected, key=lambda n: (n not in KEYWORDS_UPPER, n)):
        words.append(_WORDS.get(name, f"'{name.lower()}'"))
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return (
        ", ".join(words[:-1])
        + (", or " if len(words) > 2 or " or " in words[0] else " or ")
        + words[-1]
    )


KEYWORDS_UPPER = {k.upper() for k in KEYWORDS}


def _unexpected_token(exc: Any, text: str, filename: str) -> Diagnostic:
    token = exc.token
    expected = set(exc.expected or ())
    hint = ""
    if token.type == "$END":
        span = syntax_hints.end_span(text)
        found = "the end of the file"
    else:
        span = _tspan(token)
        found = repr(str(token.value))
        if token.type == "SOURCE":
            hint = "the `source` line must come first, before key declarations"
        elif token.type in KEYWORDS_UPPER and "IDENT" in expected:
            hint = f"{str(token.value)!r} is a keyword; key names cannot be keywords"
        elif token.type == "NOT":
            hint = "A2I conditions have no negation; `not` can only start a condition"
    better = syntax_hints.unexpected_token(text, token.type, str(token.value), span, expected)
    if better is not None:
        span, message, hint, code = better
        return Diagnostic.at(span, message, filename=filename, hint=hint, code=code)
    message = f"expected {_describe_expected(expected)}, found {found}"
    return Diagnostic.at(span, message, filename=filename, hint=hint, code="A2I001")


def _unexpected_char(exc: Any, text: str, filename: str) -> Diagnostic:
    char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
    span = Span(
        exc.line, exc.column, exc.line, exc.column + 1, exc.pos_in_stream, exc.pos_in_stream + 1
    )
    hint = ""
    if char == '"':
        message = 'unterminated string: a string ends with " on the same line'
    elif char == "-":
        message = "unexpected '-': numbers are unsigned (confidence runs from 0 to 100)"
    elif char in "!&|":
        message = f"unexpected {char!r}: write `and`, `or`"
        if char == "!":
            message = "unexpected '!': A2I conditions have no negation and no `!=`"
    elif char == ".":
        message = "unexpected '.': decimals have digits on both sides of the point, as in 97.5"
    elif char == "'":
        message = 'unexpected "\'": strings use double quotes'
    else:
        shown = char if char.isprintable() and char else f"\\u{ord(char):04x}" if char else ""
        message = f"unexpected character {shown!r}"
    code = "A2I004" if char == '"' else "A2I003"
    return Diagnostic.at(span, message, filename=filename, hint=hint, code=code)


# ---------------------------------------------------------------------------------------------
# Parse results -> AST


class _TooDeep(Exception):
    def __init__(self, span: Span) -> None:
        self.span = span


def _tspan(token: Any) -> Span:
    if type(token) is Token:
        return token.span
    return Span(  # a token of Lark's own, in the contract test
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.start_pos,
        token.end_pos,
    )


def _span(item: Any) -> Span:
    """The span of a token, an AST node, a span, or a helper tuple (which carries it last)."""
    kind = type(item)
    if kind is Token:
        return item.span  # type: ignore[no-any-return]
    if kind is Span:
        return item  # type: ignore[no-any-return]
    if kind is tuple:
        return _span(item[-1])
    if hasattr(item, "start_pos"):  # a token of Lark's own, in the contract test
        return _tspan(item)
    return item.span  # type: ignore[no-any-return]


def _cover(first: Any, last: Any) -> Span:
    a, b = _span(first), _span(last)
    return _new_span(Span, (a[0], a[1], b[2], b[3], a[4], b[5]))


_STRING_DECODER = json.JSONDecoder(strict=False)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _string(token: Any) -> str:
    """Decode a string token's JSON escapes; problems are recorded, not raised mid-parse."""
    raw: str = token.value
    if "\\" not in raw:
        value = raw[1:-1]  # no escapes: the text between the quotes (most strings)
    else:
        try:
            value = _STRING_DECODER.decode(raw)
        except json.JSONDecodeError as exc:
            _state.problems.append((_tspan(token), f"invalid escape in string: {exc.msg}"))
            return raw[1:-1]
    if _SURROGATE.search(value):
        _state.problems.append(
            (_tspan(token), "string has an unpaired surrogate escape (\\ud800-\\udfff)")
        )
    return value


def _number(token: Any) -> ast.Number:
    return ast.Number(str(token.value), _tspan(token))


def _group_depth(members: Any) -> int:
    return 1 + max(_state.depths.get(id(m), 0) for m in members)


class _ToAst:
    """Callbacks named after the grammar's rules and aliases; each gets the children list."""

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - a grammar/transformer mismatch
        raise AttributeError(name)

    def start(self, children: list[Any]) -> ast.Program:
        source: ast.SourceName | None = None
        source_span = Span(1, 1, 1, 1)
        keys: list[ast.KeyDecl] = []
        body: ast.Expr | None = None
        for child in children:
            if isinstance(child, tuple) and child[0] == "header":
                source, source_span = child[1], child[2]
            elif isinstance(child, ast.KeyDecl):
                keys.append(child)
            else:
                body = child
        return ast.Program(source, tuple(keys), body, source_span)

    def header(self, children: list[Any]) -> tuple[str, str, Span]:
        keyword, name = children
        return ("header", str(name.value).lower(), _cover(keyword, name))

    def keydecl(self, children: list[Any]) -> ast.KeyDecl:
        keyword, ident, _eq, text = children[:4]
        aliases: list[tuple[str, Span]] = children[4] if len(children) > 4 else []
        end = aliases[-1][1] if aliases else _tspan(text)
        return ast.KeyDecl(
            name=str(ident.value),
            text=_string(text),
            aliases=tuple(a for a, _ in aliases),
            span=_tspan(keyword).to(end),
            name_span=_tspan(ident),
            text_span=_tspan(text),
            alias_spans=tuple(s for _, s in aliases),
        )

    def aliases(self, children: list[Any]) -> list[tuple[str, Span]]:
        return [(_string(t), _tspan(t)) for t in children if t.type == "STRING"]

    def _nary(self, cls: type[ast.And] | type[ast.Or], children: list[Any]) -> Any:
        # The members, without the `and`/`or` tokens between them (ours, or Lark's: a `str`).
        members = tuple(c for c in children if not isinstance(c, Token | str))
        node = cls(members, _cover(members[0], members[-1]))
        depth = _group_depth(members)
        if depth > MAX_NESTING:
            raise _TooDeep(node.span)
        _state.depths[id(node)] = depth
        return node

    def disjunction(self, children: list[Any]) -> ast.Or:
        return self._nary(ast.Or, children)  # type: ignore[no-any-return]

    def conjunction(self, children: list[Any]) -> ast.And:
        return self._nary(ast.And, children)  # type: ignore[no-any-return]

    def parens(self, children: list[Any]) -> ast.Expr:
        """A parenthesized group's span includes its parentheses; atoms keep their own."""
        inner = children[1]
        if isinstance(inner, ast.And | ast.Or):
            wider = replace(inner, span=_cover(children[0], children[2]))
            _state.depths[id(wider)] = _state.depths.pop(id(inner), 0)
            return wider
        return inner  # type: ignore[no-any-return]

    def negation(self, children: list[Any]) -> ast.Not:
        keyword, operand = children
        node = ast.Not(operand, _cover(keyword, operand), _tspan(keyword))
        depth = _group_depth([operand])
        if depth > MAX_NESTING:
            raise _TooDeep(node.span)
        _state.depths[id(node)] = depth
        return node

    def named_label(self, children: list[Any]) -> tuple[str, Span, Span]:
        keyword, text = children
        return (_string(text), _tspan(text), _cover(keyword, text))

    def any_label(self, children: list[Any]) -> tuple[str, Span, Span]:
        first, last = children
        span = _cover(first, last)
        return (ast.ANY, span, span)

    def label_check(self, children: list[Any]) -> ast.LabelCheck:
        (name, name_span, span), test = children
        return ast.LabelCheck(name, test, span.to(test.span), name_span)

    def inline_key(self, children: list[Any]) -> ast.Key:
        keyword, text = children[:2]
        aliases: list[tuple[str, Span]] = children[2] if len(children) > 2 else []
        end = aliases[-1][1] if aliases else _tspan(text)
        return ast.Key(
            _string(text),
            tuple(a for a, _ in aliases),
            _tspan(keyword).to(end),
            _tspan(text),
            tuple(s for _, s in aliases),
        )

    def key_name(self, children: list[Any]) -> ast.KeyName:
        (ident,) = children
        return ast.KeyName(str(ident.value), _tspan(ident))

    def key_check(self, children: list[Any]) -> ast.KeyCheck:
        key, test = children
        return ast.KeyCheck(key, test, _cover(key, test))

    def any_key_check(self, children: list[Any]) -> ast.KeyCheck:
        any_, key_kw, test = children
        key_span = _cover(any_, key_kw)
        return ast.KeyCheck(ast.Key(ast.ANY, (), key_span, key_span), test, _cover(any_, test))

    def missing_key(self, children: list[Any]) -> ast.MissingKey:
        key, keyword = children
        return ast.MissingKey(key, _cover(key, keyword))

    def any_key_missing(self, children: list[Any]) -> ast.MissingKey:
        return ast.MissingKey(None, _cover(children[0], children[-1]))

    def sampling(self, children: list[Any]) -> ast.Sampling:
        keyword, number, percent = children
        return ast.Sampling(_number(number), _cover(keyword, percent))

    def measure(self, children: list[Any]) -> tuple[bool, Span]:
        return (len(children) == 2, _cover(children[0], children[-1]))

    def cmp(self, children: list[Any]) -> tuple[str, Span]:
        (token,) = children
        op = "=" if token.value == "==" else str(token.value)
        return (op, _tspan(token))

    def single(self, children: list[Any]) -> ast.Threshold:
        return self.threshold(children)

    def threshold(self, children: list[Any]) -> ast.Threshold:
        (word, measure_span), (op, _), number = children
        return ast.Threshold(op, _number(number), word, measure_span.to(_tspan(number)))

    def between(self, children: list[Any]) -> ast.Between:
        (word, measure_span), _kw, low, _and, high = children
        return ast.Between(_number(low), _number(high), word, measure_span.to(_tspan(high)))

    def group(self, children: list[Any]) -> ast.Group:
        thresholds = tuple(c for c in children if isinstance(c, ast.Threshold))
        return ast.Group(thresholds, _cover(children[0], children[-1]))
