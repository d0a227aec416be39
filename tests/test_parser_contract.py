"""The parser contract: the committed tables are what the grammar gives, and they parse exactly
as Lark itself does.

- `_parser_tables.py` is regenerated from `grammar/conditions.lark` with the installed Lark's
  standalone tool (`tools/gen_parser.py`): byte for byte the committed module when the installed
  Lark is the one named in its header, else the same ASTs, comments and errors on a corpus.
- `a2icond.parser` (the committed tables and its own loop) gives the same ASTs, comments,
  problems and errors as `Lark(grammar, parser="lalr", lexer="basic", transformer=...)`, Lark's
  public API, on the examples, the test data, Hypothesis programs and broken variants of them.
- Nothing of Lark is imported, and nothing is written, when a2icond compiles.

`.ci/run` runs this module against the oldest and the newest Lark that pyproject allows.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a2icond import _parser_tables, parser, printer

from .strategies import programs

lark = pytest.importorskip("lark")

ROOT = Path(__file__).resolve().parent.parent

EDGE_CASES = [
    "",
    "# only a comment",
    "sample",
    "sample 5%",
    "(((",
    ")",
    'key a = "A"',
    'key a = "A" aka "B", "C"\na confidence > 5',
    'SOURCE Textract\nKEY a = "A"\nA CONFIDENCE > 5 # tail\r\n',
    "\u017fource rekognition\nsample 5%",  # ſ: Unicode case-insensitive `source`
    '\u212aey "x" confidence > 5',  # the Kelvin sign: `key`
    'source rekognition label "a" confidence > 5 or',
    'label "x\\q" confidence > 5',
    'label "x\\ud800" confidence > 5',
    "sample 5% \u00e9",
    "label 'x'",
    "sample -5%",
    "sample 5.%",
    "any key missing or a missing and not (sample 1%)",
    'label "x" word confidence between 1 and 2',
    'key "K" aka "k" (confidence < 5 or word confidence >= 90)',
    "(" * 250 + "sample 5%" + ")" * 250,
    "not " * 250 + "sample 5%",
]


def corpus() -> Iterator[str]:
    """Every `.cond` file of the examples and the test data, and the edge cases."""
    for folder in (ROOT / "examples", ROOT / "tests" / "data"):
        for path in sorted(folder.rglob("*.cond")):
            yield path.read_text(encoding="utf-8")
    yield from EDGE_CASES


def reset() -> None:
    parser._state.comments, parser._state.problems, parser._state.depths = [], [], {}


def outcome(run: Callable[[str], Any], text: str) -> tuple[str, Any]:
    """What parsing `text` gives: the AST with its comments and in-token problems, or the kind
    and place of the error (Lark's exceptions and ours have the same fields)."""
    reset()
    try:
        program = run(text)
        return ("ok", (program, list(parser._state.comments), list(parser._state.problems)))
    except parser._TooDeep as exc:
        return ("too deep", exc.span)
    except (parser.UnexpectedToken, lark.exceptions.UnexpectedToken) as exc:
        token = exc.token
        where = (token.line, token.column, token.start_pos)
        return ("token", (token.type, str(token.value), where, frozenset(exc.expected)))
    except (parser.UnexpectedCharacters, lark.exceptions.UnexpectedCharacters) as exc:
        return ("characters", (exc.line, exc.column, exc.pos_in_stream))
    finally:
        reset()


@cache
def lark_parse() -> Callable[[str], Any]:
    """Lark's own parser for the grammar, through its public API, with the same callbacks."""
    instance = lark.Lark(
        parser.grammar_text(),
        parser="lalr",
        lexer="basic",
        transformer=parser._ToAst(),
        lexer_callbacks={"COMMENT": parser._collect_comment},
    )
    return instance.parse  # type: ignore[no-any-return]


@cache
def regenerated() -> tuple[str, types.ModuleType]:
    """`_parser_tables.py` as the installed Lark generates it now, and loaded."""
    spec = importlib.util.spec_from_file_location("gen_parser", ROOT / "tools" / "gen_parser.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text: str = gen.render(ROOT / "grammar" / "conditions.lark")
    module = types.ModuleType("regenerated_parser_tables")
    exec(compile(text, "<regenerated>", "exec"), module.__dict__)
    return text, module


def test_tables_come_from_this_grammar() -> None:
    import hashlib

    grammar = (ROOT / "grammar" / "conditions.lark").read_bytes()
    assert hashlib.sha256(grammar).hexdigest() == _parser_tables.GRAMMAR_SHA256, (
        "grammar/conditions.lark changed: run `python tools/gen_parser.py`"
    )


def test_regenerated_tables_match_the_committed_ones() -> None:
    text, module = regenerated()
    committed = (ROOT / "a2icond" / "_parser_tables.py").read_text(encoding="utf-8")
    if metadata.version("lark") == _parser_tables.LARK_VERSION:
        assert text == committed, "run `python tools/gen_parser.py` and commit the result"
        return
    # Another Lark release: the tables may be laid out differently, but must parse the same.
    fresh = parser.Machine(module, parser._ToAst())
    inputs = list(corpus())
    for program in _sample_programs(300):
        inputs.append(program)
        inputs += [program[:cut] for cut in (len(program) // 3, len(program) // 2)]
    for text in inputs:
        assert outcome(fresh.run, text) == outcome(parser._run, text), text


def _sample_programs(count: int) -> list[str]:
    found: list[str] = []

    @settings(max_examples=count, deadline=None, database=None)
    @given(programs())
    def collect(program: Any) -> None:
        found.append(printer.program(program))

    collect()
    return found


@pytest.mark.parametrize("text", list(corpus()))
def test_same_as_lark_on_the_corpus(text: str) -> None:
    assert outcome(parser._run, text) == outcome(lark_parse(), text)


@settings(max_examples=200, deadline=None)
@given(programs())
def test_same_as_lark_on_valid_programs(program: Any) -> None:
    text = printer.program(program)
    mine = outcome(parser._run, text)
    assert mine[0] == "ok"
    assert mine == outcome(lark_parse(), text)


@settings(max_examples=300, deadline=None)
@given(
    programs(max_depth=2),
    st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.integers(0, 5),
            st.sampled_from(
                [
                    *["(", ")", " or ", " and ", "label", '"x"', "<", "5", "%", "key"],
                    *["any", "\n", "#", "\u017f", "-", ".", "'", "\\", "\r"],
                ]
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_same_as_lark_on_broken_programs(program: Any, edits: list[Any]) -> None:
    text = printer.program(program)
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    assert outcome(parser._run, text) == outcome(lark_parse(), text)


def test_compiling_loads_no_lark_and_writes_nothing(tmp_path: Path) -> None:
    """Nothing a2icond runs comes from a place another user can write: no Lark (whose cache
    is a pickle in the shared temporary folder), no pickle at all, no file written."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = (
        "import sys, a2icond\n"
        "a2icond.compile('source rekognition\\nlabel \"x\" confidence > 5 or sample 1%')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'pickle')))\n"
    )
    env = dict(os.environ, TMPDIR=str(scratch), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[]"
    assert list(scratch.iterdir()) == []


def test_long_chains_parse_in_linear_time() -> None:
    """`a and b and ...` is a left-recursive list in the grammar: each member must extend it,
    not copy it (16,000 members once took 9 s, quadratic)."""
    import time

    def chain(n: int, joiner: str) -> str:
        members = [f'label "L{i % 7}" confidence > {i % 90}' for i in range(n)]
        return "source rekognition\n" + joiner.join(members)

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            parser.parse(text)
            times.append(time.perf_counter() - start)
        return min(times)

    for joiner in ("\nand ", "\nor "):
        small, large = best(chain(2000, joiner)), best(chain(16000, joiner))
        assert large < 24 * small, (joiner, small, large)  # linear: 8x; quadratic: 64x


def _comment_places(run: Callable[[str], Any], text: str) -> Any:
    """Each comment's text and exact span (spans are left out of AST equality), or the error."""
    reset()
    try:
        run(text)
        return [(c.text, tuple(c.span)) for c in parser._state.comments]
    except Exception as exc:  # the same error either way is checked by the tests above
        return type(exc).__name__.startswith("Unexpected")
    finally:
        reset()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", " ", "\t", "\f", "  \t", "\r"]),
            st.sampled_from(["", "#", "# a", "#  # b\r", "#é ſ", "#\f"]),
            st.sampled_from(["\n", "\r\n", "\n\n", "\n \n", "\n\f\n"]),
        ),
        max_size=12,
    ),
    st.sampled_from(["", 'label "x" confidence > 5', "sample 5% # end"]),
)
def test_comment_lines_are_placed_as_lark_places_them(lines: list[Any], body: str) -> None:
    """Runs of comment lines are taken in one match (`Machine.lex`): every comment keeps the
    line, column and offsets Lark's lexer gives it."""
    text = "".join(a + b + c for a, b, c in lines)
    for program in (text + body, body + "\n" + text, text + body + "\n" + text):
        assert _comment_places(parser._run, program) == _comment_places(lark_parse(), program)
