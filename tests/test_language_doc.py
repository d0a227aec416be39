"""docs/language.md cannot drift: every example in it is compiled again here.

In the document, each ```cond block is immediately followed by the compiler's output for it:
a ```json block (what `a2icond compile` prints; ```json compact: what `--compact` prints) or an
```error block (the rendered diagnostics, for a file named `example.cond`). A ```cond block may
carry `--source NAME`, the caller's source. Inputs too large to show (```error generated:NAME)
are built by GENERATED below. Every such block must match the compiler exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import a2icond
from a2icond.diagnostics import CompileError

DOC = Path(__file__).resolve().parent.parent / "docs" / "language.md"
FILENAME = "example.cond"

_FENCE = re.compile(
    r"^(?P<indent>[ ]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    """One fenced block of the document: its info string, its text and its first line."""

    info: str
    body: str
    line: int
    start: int
    end: int


def blocks(text: str) -> list[Block]:
    found = []
    for match in _FENCE.finditer(text):
        indent = match["indent"]
        lines = match["body"].splitlines(keepends=True)
        body = "".join(line.removeprefix(indent) for line in lines)
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(match["info"].strip(), body, line, match.start(), match.end()))
    return found


def pairs(text: str) -> list[tuple[Block, Block]]:
    """Each ```cond block with the output block right after it (only blank space between)."""
    found = blocks(text)
    result = []
    for i, block in enumerate(found):
        if block.info.split()[:1] != ["cond"]:
            continue
        following = found[i + 1] if i + 1 < len(found) else None
        assert following is not None and text[block.end : following.start].strip() == "", (
            f"docs/language.md:{block.line}: a cond block must be followed by its output"
        )
        assert following.info.split()[:1] in (["json"], ["error"]), (
            f"docs/language.md:{following.line}: expected a json or error block"
        )
        result.append((block, following))
    return result


def caller_source(cond: Block) -> str | None:
    words = cond.info.split()
    if "--source" in words:
        return words[words.index("--source") + 1]
    assert words == ["cond"], f"docs/language.md:{cond.line}: unknown options {words[1:]}"
    return None


def compile_output(text: str, source: str | None, kind: str) -> str:
    """What the compiler gives for `text`: JSON (pretty, or compact) or the rendered errors."""
    try:
        conditions = a2icond.compile(text, source=source, filename=FILENAME)  # type: ignore[arg-type]
    except CompileError as exc:
        return exc.render()
    if kind == "json compact":
        return conditions.to_json(compact=True)
    return conditions.to_json(compact=False)


# -- inputs too large to show in the document ----------------------------------------------------


def size_limit() -> str:
    return "\nor ".join(f'key "Field number {i:03}" confidence < 50' for i in range(120))


def too_deep_to_parse() -> str:
    text = 'label "A" confidence > 1'
    for i in range(201):
        text = f'label "B{i}" confidence > 1 {"and" if i % 2 == 0 else "or"}\n({text})'
    return text


def file_too_large() -> str:
    return "source rekognition\n" + "#" * (1 << 20) + "\nsample 5%\n"


GENERATED: dict[str, Callable[[], str]] = {
    "size-limit": size_limit,
    "too-deep-to-parse": too_deep_to_parse,
    "file-too-large": file_too_large,
}


DOC_TEXT = DOC.read_text("utf-8")
PAIRS = pairs(DOC_TEXT)
GENERATED_BLOCKS = [b for b in blocks(DOC_TEXT) if b.info.startswith("error generated:")]


def test_the_document_has_examples() -> None:
    assert len(PAIRS) >= 60
    assert {out.info for _, out in PAIRS} == {"json", "json compact", "error"}


@pytest.mark.parametrize(("cond", "out"), PAIRS, ids=[f"line-{c.line}" for c, _ in PAIRS])
def test_example_output_is_what_the_compiler_gives(cond: Block, out: Block) -> None:
    got = compile_output(cond.body, caller_source(cond), out.info)
    if out.info.startswith("json"):
        assert not got.startswith(FILENAME), f"expected JSON, the compiler said:\n{got}"
        source = caller_source(cond)
        warnings = a2icond.compile(cond.body, source=source).diagnostics  # type: ignore[arg-type]
        assert warnings == (), "an example shown with its JSON must compile without warnings"
    else:
        assert got.startswith(FILENAME), f"expected an error, the compiler gave:\n{got}"
    assert out.body.rstrip("\n") == got


def test_every_generated_example_is_shown() -> None:
    assert sorted(b.info.removeprefix("error generated:") for b in GENERATED_BLOCKS) == sorted(
        GENERATED
    )


@pytest.mark.parametrize("block", GENERATED_BLOCKS, ids=[b.info for b in GENERATED_BLOCKS])
def test_generated_error_is_what_the_compiler_gives(block: Block) -> None:
    text = GENERATED[block.info.removeprefix("error generated:")]()
    got = compile_output(text, None, "error")
    assert got.startswith(FILENAME)
    assert block.body.rstrip("\n") == got


def test_pairs_rejects_a_cond_block_without_output() -> None:
    """The checker above must not skip examples whose output was forgotten."""
    text = "```cond\nsample 5%\n```\n\nSome prose.\n\n```json\n{}\n```\n"
    with pytest.raises(AssertionError, match="must be followed by its output"):
        pairs(text)
