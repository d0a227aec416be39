"""Source text -> `ast.Program`, with Lark's LALR parser; Lark never leaves this module.

The grammar is `grammar/conditions.lark` (shipped in the wheel as `a2icond/grammar/`). The
transformer runs during parsing, so no parse tree is built. Lark's analysis of the grammar is
cached on disk (Lark's own `cache=True`), which keeps the CLI's start-up short.
Syntax errors become one diagnostic that says, in words, what was expected.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.lexer import BasicLexer, Token
from lark.parsers.lalr_analysis import Shift
from lark.utils import TextSlice

from . import ast, syntax_hints
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
    """The grammar: from the installed package, or from the source tree in development."""
    packaged = resources.files("a2icond").joinpath("grammar/conditions.lark")
    if packaged.is_file():
        return packaged.read_text("utf-8")
    return (Path(__file__).resolve().parent.parent / "grammar" / "conditions.lark").read_text(
        "utf-8"
    )


class _State(threading.local):
    def __init__(self) -> None:
        self.comments: list[ast.Comment] = []
        self.problems: list[tuple[Span, str]] = []
        self.depths: dict[int, int] = {}


_state = _State()


def _collect_comment(token: Any) -> Any:
    _state.comments.append(ast.Comment(token.value.rstrip("\r"), _tspan(token)))
    return token


class FastBasicLexer(BasicLexer):
    """Lark's basic lexer with a leaner token loop.

    Lark still builds everything from the grammar (terminals, their order, the keyword/IDENT
    resolution, our comment callback); only the per-token bookkeeping is done here, which makes
    lexing about twice as fast. Tokens carry the same positions Lark's own loop gives them.
    """

    __future_interface__ = 2

    def lex(self, state: Any, parser_state: Any) -> Iterator[Token]:
        """Lark's interface; `tokens` does the work."""
        text_slice = state.text
        return self.tokens(text_slice.text, text_slice.start, text_slice.end)

    def keyword_types(self) -> dict[str, dict[str, str]]:
        """Per identifier terminal, its case-insensitive keywords: lowercase text -> type.

        Read from the keyword check Lark builds from the grammar (its `UnlessCallback`); empty
        when that check is anything else, and then Lark's callback runs as usual.
        """
        found = getattr(self, "_keyword_types", None)
        if found is None:
            found = {}
            _ = self.scanner  # Lark builds `callback` with the scanner
            for kind, callback in self.callback.items():
                terminals = getattr(getattr(callback, "scanner", None), "terminals", None)
                if type(callback).__name__ != "UnlessCallback" or not terminals:
                    continue
                if all(t.pattern.type == "str" and "i" in t.pattern.flags for t in terminals):
                    found[kind] = {t.pattern.value.lower(): t.name for t in terminals}
            self._keyword_types = found
        keyword_types: dict[str, dict[str, str]] = found
        return keyword_types

    def tokens(self, text: str, pos: int = 0, end: int | None = None) -> Iterator[Token]:
        """The tokens of `text[pos:end]`, comments passed to their callback, blanks dropped."""
        scanner = self.scanner
        ignore, callbacks, newline_types = self.ignore_types, self.callback, self.newline_types
        end = len(text) if end is None else end
        # Lark compiles the terminals into one alternation (several only past 100 groups,
        # far more terminals than this grammar has); matching it directly saves a call a token.
        regexes = getattr(scanner, "_mres", None)
        single = regexes[0].match if regexes is not None and len(regexes) == 1 else None
        keywords = self.keyword_types()
        line, line_start = 1, 0
        while pos < end:
            if single is not None:
                m = single(text, pos, end)
                found = (m.group(0), m.lastgroup) if m is not None else None
            else:
                found = scanner.match(TextSlice(text, 0, end), pos)
            if not found:
                raise UnexpectedCharacters(  # type: ignore[no-untyped-call]
                    text,
                    pos,
                    line,
                    pos - line_start + 1,
                    allowed=scanner.allowed_types - ignore,
                    terminals_by_name=self.terminals_by_name,
                )
            value, kind = found
            stop = pos + len(value)
            column = pos - line_start + 1
            if kind in newline_types and "\n" in value:
                end_line = line + value.count("\n")
                end_line_start = pos + value.rindex("\n") + 1
                end_column = stop - end_line_start + 1
            else:
                end_line, end_line_start, end_column = line, line_start, column + len(value)
            if kind in keywords:
                # The keyword check Lark's callback would do, as one dict lookup.
                kind = keywords[kind].get(value.lower(), kind)
                yield Token(kind, value, pos, line, column, end_line, end_column, stop)
            elif kind not in ignore or kind in callbacks:
                token = Token(kind, value, pos, line, column, end_line, end_column, stop)
                callback = callbacks.get(kind)
                if callback is not None:
                    token = callback(token)
                if kind not in ignore:
                    yield token
            line, line_start, pos = end_line, end_line_start, stop


def _cache_option() -> bool:
    """Lark caches its grammar analysis in the temp dir; without a usable one (a read-only file
    system) build it on each run instead: Lark calls gettempdir() outside its own error handling."""
    import tempfile

    try:
        tempfile.gettempdir()
    except OSError:
        return False
    return True


@cache
def _lark() -> Any:
    from lark import Lark

    return Lark(
        grammar_text(),
        parser="lalr",
        lexer=FastBasicLexer,
        transformer=_ToAst(),
        lexer_callbacks={"COMMENT": _collect_comment},
        cache=_cache_option(),
    )


@cache
def _machine() -> tuple[Any, ...]:
    """Lark's LALR tables and callbacks for the grammar, and its lexer."""
    frontend = _lark().parser
    engine = frontend.parser.parser  # lark.parsers.lalr_parser._Parser
    table = engine.parse_table
    callbacks = engine.callbacks
    reduce = {rule: (callbacks[rule], len(rule.expansion), rule.origin.name) for rule in callbacks}
    return (
        frontend.lexer,
        table.states,
        table.start_states["start"],
        table.end_states["start"],
        reduce,
    )


def _run(text: str) -> ast.Program:
    """Lark's LALR loop (`ParserState.feed_token`) inlined over Lark's own tables.

    Same table, same callbacks and the same `UnexpectedToken` errors as `Lark.parse`; without
    a method call and a handful of attribute lookups per token it parses a typical file about
    a fifth faster. `test_parser_driver` checks it against `Lark.parse`.
    """
    lexer, states, start, end, reduce = _machine()
    state_stack = [start]
    value_stack: list[Any] = []
    token = None
    for token in lexer.tokens(text):
        while True:
            actions = states[state_stack[-1]]
            try:
                action, arg = actions[token.type]
            except KeyError:
                expected = {t for t in actions if t.isupper()}
                raise UnexpectedToken(token, expected) from None  # type: ignore[no-untyped-call]
            if action is Shift:
                state_stack.append(arg)
                value_stack.append(token)
                break
            callback, size, origin = reduce[arg]
            children = value_stack[-size:] if size else []
            if size:
                del state_stack[-size:]
                del value_stack[-size:]
            value_stack.append(callback(children))
            state_stack.append(states[state_stack[-1]][origin][1])
    end_token = Token.new_borrow_pos("$END", "", token) if token else Token("$END", "", 0, 1, 1)
    while True:
        actions = states[state_stack[-1]]
        try:
            action, arg = actions[end_token.type]
        except KeyError:
            expected = {t for t in actions if t.isupper()}
            raise UnexpectedToken(end_token, expected) from None  # type: ignore[no-untyped-call]
        callback, size, origin = reduce[arg]
        children = value_stack[-size:] if size else []
        if size:
            del state_stack[-size:]
            del value_stack[-size:]
        value = callback(children)
        state_stack.append(states[state_stack[-1]][origin][1])
        value_stack.append(value)
        if state_stack[-1] == end:
            return value  # type: ignore[no-any-return]


def expected_after(prefix: str) -> frozenset[str] | None:
    """The terminals (`LABEL`, `STRING`, `IDENT`, `$END`, ...) the grammar accepts right after
    `prefix`, or None when `prefix` is not the start of any program (or does not lex).

    For editors (completion, keyword-typo fixes): Lark's tables, walked without building the AST.
    """
    lexer, states, start, _end, reduce = _machine()
    stack = [start]
    saved, _state.comments = _state.comments, []
    try:
        for token in lexer.tokens(prefix):
            while True:
                try:
                    action, arg = states[stack[-1]][token.type]
                except KeyError:
                    return None
                if action is Shift:
                    stack.append(arg)
                    break
                _callback, size, origin = reduce[arg]
                if size:
                    del stack[-size:]
                stack.append(states[stack[-1]][origin][1])
    except UnexpectedCharacters:
        return None
    finally:
        _state.comments = saved
    return frozenset(t for t in states[stack[-1]] if t.isupper() or t == "$END")


def lex(text: str) -> list[tuple[str, Span]]:
    """Every token of `text`, comments included, as (terminal name, span) in order; up to the
    first character no terminal matches. For editors (semantic highlighting)."""
    lexer = _machine()[0]
    out: list[tuple[str, Span]] = []
    saved, _state.comments = _state.comments, []
    try:
        for token in lexer.tokens(text):
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
    from lark.exceptions import LarkError, UnexpectedInput

    _state.comments, _state.problems, _state.depths = [], [], {}
    try:
        program: ast.Program = _run(text)
    except UnexpectedToken as exc:
        raise CompileError([_unexpected_token(exc, text, filename)], text) from None
    except UnexpectedCharacters as exc:
        raise CompileError([_unexpected_char(exc, text, filename)], text) from None
    except UnexpectedInput as exc:  # pragma: no cover - other lexer failures
        raise CompileError(
            [Diagnostic(str(exc).splitlines()[0], filename=filename, code="A2I001")], text
        ) from None
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
    except LarkError as exc:  # pragma: no cover - a transformer bug surfaces as this
        raise CompileError(
            [Diagnostic(f"cannot parse: {exc}", filename=filename, code="A2I090")], text
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
    return Span(
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
        return Span(
            item.line, item.column, item.end_line, item.end_column, item.start_pos, item.end_pos
        )
    if kind is Span:
        return item  # type: ignore[no-any-return]
    if kind is tuple:
        return _span(item[-1])
    return item.span  # type: ignore[no-any-return]


def _cover(first: Any, last: Any) -> Span:
    a, b = _span(first), _span(last)
    return Span(a.line, a.column, b.end_line, b.end_column, a.start, b.end)


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
        members = tuple(c for c in children if not hasattr(c, "type"))
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
