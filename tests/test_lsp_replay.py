"""Half-typed programs are the normal case for a language server: every keystroke state of
every example file must give diagnostics (errors where the text is incomplete), never an
exception, and no feature may fail on it. Most of the replay runs in process against the
functions the server calls; a shorter one goes through the real server over stdio."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

import a2icond
from a2icond.lsp import actions, completion, highlight, hover, navigation
from a2icond.lsp.document import Document, lsp_diagnostics

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(
    p for p in (ROOT / "examples").rglob("*") if p.suffix in {".cond", ".json"} and p.is_file()
)


def test_there_are_examples_to_replay() -> None:
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_prefix_gets_diagnostics(path: Path) -> None:
    text = path.read_text("utf-8")
    for i in range(len(text) + 1):
        prefix = text[:i]
        found = lsp_diagnostics(prefix, str(path), "json" if path.suffix == ".json" else "cond")
        # An incomplete program has errors; the finished file is clean.
        for d in found:
            assert d.message and d.range.start.line >= 0
            assert (d.range.start.line, d.range.start.character) <= (
                d.range.end.line,
                d.range.end.character,
            )
            assert d.range.end.line <= prefix.count("\n")
        errors = [d for d in found if d.severity == types.DiagnosticSeverity.Error]
        if i == len(text):
            assert not errors
        elif not errors and path.suffix == ".cond":
            # No error shown: then the prefix really compiles (no failure goes unreported).
            a2icond.compile(prefix)
        elif not prefix.strip() or prefix.rstrip().endswith(("or", "and", "(", "<")):
            assert found, f"no diagnostic for an incomplete program: {prefix!r}"


@pytest.mark.parametrize("path", EXAMPLES[::4], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_feature_survives_every_prefix(path: Path) -> None:
    """Completion, hover, symbols, semantic tokens, navigation and code actions at the cursor
    of each prefix."""
    text = path.read_text("utf-8")
    for i in range(0, len(text) + 1, 3):
        doc = Document(f"file://{path}", text[:i])
        end = doc.lines.position_at(i)
        middle = doc.lines.position_at(i // 2)
        completion.complete(doc, end)
        hover.hover(doc, middle)
        navigation.document_symbols(doc)
        assert len(highlight.semantic_tokens(doc).data) % 5 == 0
        navigation.references(doc, middle)
        navigation.definition(doc, middle)
        actions.code_actions(doc, types.Range(types.Position(0, 0), end))


@pytest_lsp.fixture(
    # `--stdio`: what vscode-languageclient passes.
    config=ClientServerConfig(server_command=[sys.executable, "-m", "a2icond", "lsp", "--stdio"]),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounceSeconds": 0},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_typing_an_example_through_the_server(client: LanguageClient) -> None:
    """Type the payroll example a character at a time through the real server, asking for
    completion at each step: every request is answered, nothing is logged as an error, and
    the finished file is clean."""
    text = (ROOT / "examples" / "textract" / "payroll.cond").read_text("utf-8")
    uri = "file:///work/lsp-replay/payroll.cond"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="a2icond", version=0, text="")
        )
    )
    for i in range(1, len(text) + 1):
        before = text[: i - 1]
        line = before.count("\n")
        character = len(before) - (before.rfind("\n") + 1)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            types.Position(line, character), types.Position(line, character)
                        ),
                        text=text[i - 1],
                    )
                ],
            )
        )
        if i % 7 == 0:
            after = text[:i]
            position = types.Position(after.count("\n"), len(after) - (after.rfind("\n") + 1))
            result = await client.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=position
                )
            )
            assert result is not None
    for _ in range(500):
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        if symbols and uri in client.diagnostics and not client.diagnostics[uri]:
            break
        await asyncio.sleep(0.02)
    assert list(client.diagnostics[uri]) == []
    assert symbols and symbols[0].name == "source textract"
    assert not [m for m in client.log_messages if m.type == types.MessageType.Error]
