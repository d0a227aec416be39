"""`a2icond lsp` end to end: pytest-lsp starts the real server (`python -m a2icond lsp`) over
stdio and drives it as an editor would. Documents are the repository's examples or written
here."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).resolve().parent.parent
PAYROLL = (ROOT / "examples" / "textract" / "payroll.cond").read_text("utf-8")
MODERATION = (ROOT / "examples" / "rekognition" / "moderation.cond").read_text("utf-8")

pytestmark = pytest.mark.asyncio(loop_scope="module")


#: uri -> every (version, diagnostics) the server published for it, in order.
PUBLISHED: dict[str, list[tuple[int | None, list[types.Diagnostic]]]] = {}


def _record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    PUBLISHED.setdefault(params.uri, []).append((params.version, list(params.diagnostics)))


def make_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publication with its document version."""
    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record}
    )
    return client


SERVER = [sys.executable, "-m", "a2icond", "lsp"]

#: The token types the server announces, in its order (checked against `initialize` below).
SEMANTIC_LEGEND = ["keyword", "enumMember", "string", "number", "operator", "comment", "variable"]


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=SERVER, client_factory=make_client),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            # Long enough that five changes sent at once always fall in one quiet period,
            # even on a loaded machine; opening a document publishes at once regardless.
            initialization_options={"debounceSeconds": 0.5},
        )
    )
    provider = result.capabilities.semantic_tokens_provider
    assert isinstance(
        provider, types.SemanticTokensOptions | types.SemanticTokensRegistrationOptions
    )
    assert list(provider.legend.token_types) == SEMANTIC_LEGEND
    yield
    await lsp_client.shutdown_session()


_counter = iter(range(1_000_000))


def new_uri(name: str) -> str:
    """A fresh file URI per document, so tests sharing the server never see each other's."""
    return f"file:///work/lsp-test/{next(_counter)}/{name}"


async def open_doc(
    client: LanguageClient, name: str, text: str, timeout: float = 10
) -> tuple[str, list[types.Diagnostic]]:
    uri = new_uri(name)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="a2icond", version=1, text=text)
        )
    )
    return uri, await diagnostics_for(client, uri, 1, timeout)


async def diagnostics_for(
    client: LanguageClient, uri: str, version: int, timeout: float = 10
) -> list[types.Diagnostic]:
    """Wait until the server has published diagnostics for `uri` at `version`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for published, found in PUBLISHED.get(uri, []):
            if published == version:
                return found
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics for {uri} version {version} within {timeout}s")


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def at(uri: str, line: int, character: int) -> dict[str, object]:
    return {
        "text_document": types.TextDocumentIdentifier(uri=uri),
        "position": types.Position(line, character),
    }


def position_of(text: str, needle: str, skip: int = 0) -> types.Position:
    offset = text.index(needle)
    for _ in range(skip):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


# ---------------------------------------------------------------------------------------------
# Diagnostics


async def test_clean_example_has_no_diagnostics(client: LanguageClient) -> None:
    _uri, found = await open_doc(client, "payroll.cond", PAYROLL)
    assert found == []


async def test_warnings_have_codes_and_exact_ranges(client: LanguageClient) -> None:
    text = 'source rekognition\n\n   label "Nudity" confidence > 90\nor sample 5%\n'
    _uri, found = await open_doc(client, "warning.cond", text)
    assert len(found) == 1
    warning = found[0]
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert warning.code == "A2I102"
    assert warning.source == "a2icond"
    assert warning.range == types.Range(types.Position(2, 9), types.Position(2, 17))
    assert "Explicit Nudity" in warning.message


async def test_errors_have_exact_ranges(client: LanguageClient) -> None:
    text = 'source rekognition\n\n   label "Explicit" confidence > 101\nor sample 0%\n'
    _uri, found = await open_doc(client, "errors.cond", text)
    assert [d.severity for d in found] == [types.DiagnosticSeverity.Error] * 2
    start = position_of(text, "101")
    assert found[0].range == types.Range(start, types.Position(start.line, start.character + 3))
    assert found[1].range.start == position_of(text, "0%")


async def test_syntax_error_is_located(client: LanguageClient) -> None:
    text = 'source textract\nkey total = "Total"\ntotal confidence <\n'
    _uri, found = await open_doc(client, "broken.cond", text)
    assert len(found) == 1
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert "expected a number" in found[0].message
    assert found[0].code and found[0].code.startswith("A2I")  # errors carry codes too
    # At the end of the text (just past `<`, or on the empty line after it).
    start = found[0].range.start
    assert (start.line, start.character) in {(2, 18), (3, 0)}


async def test_diagnostics_follow_changes_and_are_debounced(client: LanguageClient) -> None:
    uri, found = await open_doc(client, "typing.cond", MODERATION)
    assert found == []
    broken = MODERATION.replace("between 50 and 90", "between 50 and")
    for version in range(2, 7):  # five quick keystrokes
        change(client, uri, version, broken if version % 2 == 0 else MODERATION)
    sent = time.monotonic()
    change(client, uri, 7, broken)
    found = await diagnostics_for(client, uri, 7)
    # Not before the quiet period this client asked for (debounceSeconds 0.5, default 0.2).
    assert time.monotonic() - sent >= 0.45
    assert [d.severity for d in found] == [types.DiagnosticSeverity.Error]
    await asyncio.sleep(0.7)
    versions = [v for v, _ in PUBLISHED[uri]]
    # Debounced: one publication on open, one for the last of the quick changes.
    assert versions == [1, 7]
    change(client, uri, 8, MODERATION)
    assert await diagnostics_for(client, uri, 8) == []


async def test_json_activation_conditions_are_checked(client: LanguageClient) -> None:
    document = {
        "Conditions": [
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {
                    "ModerationLabelName": "Suggestive",
                    "ConfidenceLessThan": 98,
                },
            }
        ]
    }
    text = json.dumps(document, indent=2)
    _uri, found = await open_doc(client, "conditions.json", text)
    assert [d.code for d in found] == ["A2I102"]
    assert found[0].range.start == position_of(text, '"Suggestive"')
    bad = text.replace("98", "198")
    _uri, found = await open_doc(client, "bad-conditions.json", bad)
    assert found and found[0].severity == types.DiagnosticSeverity.Error
    assert found[0].range.start.line == position_of(bad, "198").line
    _uri, found = await open_doc(client, "package.json", '{"name": "x"}')
    assert found == []


# ---------------------------------------------------------------------------------------------
# Formatting


async def test_formatting_gives_the_canonical_text(client: LanguageClient) -> None:
    text = 'SOURCE Rekognition\nlabel "Explicit"   confidence>90 # keep me\nOR sample 5 %\n'
    uri, _ = await open_doc(client, "messy.cond", text)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert edits is not None and len(edits) == 1
    assert edits[0].range.start == types.Position(0, 0)
    assert edits[0].range.end == types.Position(3, 0)
    assert edits[0].new_text == (
        'source rekognition\n\n   label "Explicit" confidence > 90  # keep me\nor sample 5%\n'
    )


async def test_formatting_leaves_a_broken_file_alone(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "broken-fmt.cond", 'label "Explicit" confidence >\n')
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits


async def test_a_slow_format_does_not_block_other_requests(client: LanguageClient) -> None:
    # A file near A2I's limit many times over: formatting it (parse, compile twice, verify)
    # takes far longer than a completion, which must not wait for it.
    members = [f'label "Explicit" confidence > {i % 100}' for i in range(4000)]
    huge = "source rekognition\n" + "\nor ".join(members) + "\n"
    uri, _ = await open_doc(client, "huge.cond", huge, timeout=120)
    small, _ = await open_doc(client, "small.cond", 'source rekognition\n\nlabel "Explicit" ')
    fmt = asyncio.ensure_future(
        client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                options=types.FormattingOptions(tab_size=4, insert_spaces=True),
            )
        )
    )
    await asyncio.sleep(0.05)
    done = await client.text_document_completion_async(types.CompletionParams(**at(small, 2, 17)))
    assert done is not None
    assert not fmt.done(), "the completion waited for the formatting"
    assert not await fmt  # it finishes, with no edits: the file is over A2I's size limit


# ---------------------------------------------------------------------------------------------
# Completion


def labels_of(
    result: types.CompletionList | list[types.CompletionItem] | None,
) -> dict[str, types.CompletionItem]:
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    return {item.label: item for item in items}


async def test_completion_offers_keywords_the_grammar_allows(client: LanguageClient) -> None:
    text = 'source rekognition\n\nlabel "Explicit" '
    uri, _ = await open_doc(client, "kw.cond", text)
    items = labels_of(
        await client.text_document_completion_async(types.CompletionParams(**at(uri, 2, 17)))
    )
    assert {"confidence", "word"} <= set(items)
    assert "missing" not in items and "label" not in items
    text = "source "
    uri, _ = await open_doc(client, "kw2.cond", text)
    items = labels_of(
        await client.text_document_completion_async(types.CompletionParams(**at(uri, 0, 7)))
    )
    assert set(items) == {"rekognition", "textract"}


async def test_completion_of_label_names_with_their_category(client: LanguageClient) -> None:
    text = 'source rekognition\n\nlabel "Exp'
    uri, _ = await open_doc(client, "labels.cond", text)
    items = labels_of(
        await client.text_document_completion_async(types.CompletionParams(**at(uri, 2, 10)))
    )
    exposed = items["Exposed Female Nipple"]
    assert exposed.detail == "Explicit › Explicit Nudity"
    assert items["Explicit"].detail == "top-level category"
    assert exposed.text_edit is not None
    assert exposed.text_edit.new_text == '"Exposed Female Nipple"'
    assert exposed.text_edit.range == types.Range(types.Position(2, 6), types.Position(2, 10))
    assert "Nudity" not in items  # a model-6.1 name is never offered


async def test_completion_of_declared_keys_and_snippets(client: LanguageClient) -> None:
    text = PAYROLL.rstrip("\n") + "\nor pay"
    uri, _ = await open_doc(client, "keys.cond", text)
    line = text.count("\n")
    items = labels_of(
        await client.text_document_completion_async(types.CompletionParams(**at(uri, line, 6)))
    )
    assert items["pay_date"].kind == types.CompletionItemKind.Variable
    assert items["pay_date"].detail == '"Pay Date" aka "PayDate", "DateOfPay", "pay-date"'
    snippet = items["any key missing"]
    assert snippet.kind == types.CompletionItemKind.Snippet
    assert items["label between"].insert_text_format == types.InsertTextFormat.Snippet


# ---------------------------------------------------------------------------------------------
# Hover


def hover_text(result: types.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover_on_a_label_shows_its_place_and_model_7_name(client: LanguageClient) -> None:
    text = (
        'source rekognition\n\n   label "Exposed Female Nipple" confidence > 90\n'
        'or label "Drugs" confidence > 90\n'
    )
    uri, _ = await open_doc(client, "hover-labels.cond", text)
    shown = hover_text(await client.text_document_hover_async(types.HoverParams(**at(uri, 2, 12))))
    assert "Explicit › Explicit Nudity › **Exposed Female Nipple**" in shown
    assert "level 3" in shown
    shown = hover_text(await client.text_document_hover_async(types.HoverParams(**at(uri, 3, 11))))
    assert 'model 7 calls it "Drugs & Tobacco"' in shown


async def test_hover_on_a_condition_shows_its_json(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "hover-json.cond", MODERATION)
    where = position_of(MODERATION, "between")
    shown = hover_text(
        await client.text_document_hover_async(
            types.HoverParams(**at(uri, where.line, where.character))
        )
    )
    body = shown.split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(body) == {
        "And": [
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {
                    "ModerationLabelName": "Explicit",
                    "ConfidenceGreaterThanEquals": 50,
                },
            },
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {
                    "ModerationLabelName": "Explicit",
                    "ConfidenceLessThanEquals": 90,
                },
            },
        ]
    }


async def test_hover_on_a_declared_key_shows_its_aliases(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "hover-key.cond", PAYROLL)
    use = position_of(PAYROLL, "pay_date", skip=1)
    shown = hover_text(
        await client.text_document_hover_async(
            types.HoverParams(**at(uri, use.line, use.character + 2))
        )
    )
    assert '"Pay Date"' in shown
    assert '"PayDate", "DateOfPay", "pay-date"' in shown


# ---------------------------------------------------------------------------------------------
# Definition, references, rename, symbols


async def test_definition_references_and_rename_of_a_key(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "nav.cond", PAYROLL)
    decl = position_of(PAYROLL, "total")
    use = position_of(PAYROLL, "total", skip=1)
    found = await client.text_document_definition_async(
        types.DefinitionParams(**at(uri, use.line, use.character + 1))
    )
    assert isinstance(found, types.Location)
    assert found.range == types.Range(decl, types.Position(decl.line, decl.character + 5))
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            **at(uri, decl.line, decl.character),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    assert sorted((r.range.start.line, r.range.start.character) for r in refs) == [
        (decl.line, decl.character),
        (use.line, use.character),
    ]
    edit = await client.text_document_rename_async(
        types.RenameParams(**at(uri, use.line, use.character), new_name="amount")
    )
    assert edit is not None and edit.changes is not None
    assert sorted(e.range.start.line for e in edit.changes[uri]) == [decl.line, use.line]
    assert {e.new_text for e in edit.changes[uri]} == {"amount"}
    with pytest.raises(Exception, match="keyword"):
        await client.text_document_rename_async(
            types.RenameParams(**at(uri, use.line, use.character), new_name="label")
        )


async def test_document_symbols(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "symbols.cond", PAYROLL)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None
    names = [s.name for s in symbols]
    assert names[:4] == ["source textract", "employee", "pay_date", "total"]
    assert "any key missing" in names
    assert len(names) == 4 + 5


# ---------------------------------------------------------------------------------------------
# Code actions


async def actions_at(client: LanguageClient, uri: str, line: int) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


async def test_code_actions_fix_labels_and_add_ignore_comments(client: LanguageClient) -> None:
    text = (
        'source rekognition\n\n   label "Nudity" confidence > 90\n'
        'or label "Explicitt" confidence > 90  # typo\n'
    )
    uri, _ = await open_doc(client, "fix-labels.cond", text)
    by_title = {a.title: a for a in await actions_at(client, uri, 2)}
    rename = by_title['Replace with "Explicit Nudity"']
    assert rename.is_preferred
    assert [e.new_text for e in edits_of(rename, uri)] == ['"Explicit Nudity"']
    ignore = by_title["Ignore A2I102 on this line"]
    assert [e.new_text for e in edits_of(ignore, uri)] == ["  # a2icond: ignore[A2I102]"]
    by_title = {a.title: a for a in await actions_at(client, uri, 3)}
    assert 'Replace with "Explicit"' in by_title
    merged = edits_of(by_title["Ignore A2I101 on this line"], uri)
    assert [e.new_text for e in merged] == ["# typo; a2icond: ignore[A2I101]"]


async def test_code_action_fixes_a_keyword_typo(client: LanguageClient) -> None:
    text = 'source rekognition\n\nlable "Explicit" confidance > 90\n'
    uri, found = await open_doc(client, "fix-kw.cond", text)
    assert found
    titles = {a.title for a in await actions_at(client, uri, 2)}
    assert "Change 'lable' to 'label'" in titles


# ---------------------------------------------------------------------------------------------
# Robustness


async def test_a_server_error_is_logged_and_the_server_keeps_running(
    client: LanguageClient,
) -> None:
    # A request for a document that was never opened and is not on disk: reading it fails
    # inside the handler.
    missing = "file:///nonexistent/never-opened.cond"
    before = len(client.log_messages)
    result = await client.text_document_hover_async(types.HoverParams(**at(missing, 0, 0)))
    assert result is None
    errors = [m for m in client.log_messages[before:] if m.type == types.MessageType.Error]
    assert errors and "internal error in hover" in errors[0].message
    uri, found = await open_doc(client, "after-error.cond", PAYROLL)
    assert found == []
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols


async def test_ranges_count_utf16_units(client: LanguageClient) -> None:
    # "😀" is two UTF-16 code units: the warning after it starts one unit later than the
    # code-point column, which is what LSP clients count by default.
    text = 'source textract\n\nkey "😀" aka "😀" missing\n'
    _uri, found = await open_doc(client, "emoji.cond", text)
    assert [d.code for d in found] == ["A2I106"]
    assert found[0].range.start == types.Position(2, 13)  # code point 12
    assert found[0].range.end == types.Position(2, 17)


async def test_code_action_fixes_a_misspelled_key_name(client: LanguageClient) -> None:
    text = PAYROLL.replace("or total (", "or totl (")
    uri, found = await open_doc(client, "fix-key.cond", text)
    assert any("did you mean 'total'" in d.message for d in found)
    line = position_of(text, "totl").line
    by_title = {a.title: a for a in await actions_at(client, uri, line)}
    fix = by_title["Change 'totl' to 'total'"]
    assert [e.new_text for e in edits_of(fix, uri)] == ["total"]


async def test_json_label_fix(client: LanguageClient) -> None:
    document = {
        "Conditions": [
            {
                "ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {"ModerationLabelName": "Tobacco", "ConfidenceLessThan": 9},
            }
        ]
    }
    text = json.dumps(document, indent=2)
    uri, found = await open_doc(client, "label-conditions.json", text)
    assert [d.code for d in found] == ["A2I102"]
    line = position_of(text, '"Tobacco"').line
    by_title = {a.title: a for a in await actions_at(client, uri, line)}
    assert [e.new_text for e in edits_of(by_title['Replace with "Drugs & Tobacco"'], uri)] == [
        '"Drugs & Tobacco"'
    ]
    assert not any(title.startswith("Ignore") for title in by_title)  # JSON has no comments
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert not symbols


async def test_key_names_survive_a_broken_declaration(client: LanguageClient) -> None:
    """While a declaration is being edited (the file does not parse up to it), completion
    still knows the keys from the last version of the document that parsed."""
    uri, _ = await open_doc(client, "last-good.cond", PAYROLL)
    # The server keeps the AST after each diagnostics refresh and after any request that
    # parsed; a hover (answered only once it has parsed) makes the order certain here.
    await client.text_document_hover_async(types.HoverParams(**at(uri, 7, 4)))
    broken = PAYROLL.replace('"Employee Name"', '"Employee Name') + "or emp"
    change(client, uri, 2, broken)
    items = labels_of(
        await client.text_document_completion_async(
            types.CompletionParams(**at(uri, broken.count("\n"), 6))
        )
    )
    assert {"employee", "pay_date", "total"} <= set(items)


async def test_semantic_tokens(client: LanguageClient) -> None:
    uri, _ = await open_doc(client, "tokens.cond", PAYROLL)
    found = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(found, types.SemanticTokens)
    lines = PAYROLL.split("\n")
    decoded = []
    line = column = 0
    data = list(found.data)
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[i : i + 5]
        line += delta_line
        column = delta_start if delta_line else column + delta_start
        decoded.append((lines[line][column : column + length], kind, modifiers))
    types_ = SEMANTIC_LEGEND
    named = [(text, types_[kind], modifiers) for text, kind, modifiers in decoded]
    assert named[:6] == [
        ("# Textract: payroll forms", "comment", 0),
        ("source", "keyword", 0),
        ("textract", "enumMember", 0),
        ("key", "keyword", 0),
        ("employee", "variable", 1),  # a declaration
        ("=", "operator", 0),
    ]
    assert ("employee", "variable", 0) in named  # a use
    assert ("60", "number", 0) in named and ("<", "operator", 0) in named


async def test_hover_on_a_json_label_name(client: LanguageClient) -> None:
    document = {
        "Conditions": [
            {
                "Or": [
                    {
                        "ConditionType": "ModerationLabelConfidenceCheck",
                        "ConditionParameters": {
                            "ModerationLabelName": "Hate Symbols",
                            "ConfidenceGreaterThan": 80,
                        },
                    },
                    {
                        "ConditionType": "ModerationLabelConfidenceCheck",
                        "ConditionParameters": {
                            "ModerationLabelName": "Hate Symbols",
                            "ConfidenceLessThan": 20,
                        },
                    },
                ]
            }
        ]
    }
    text = json.dumps(document, indent=2)
    uri, _ = await open_doc(client, "hover-conditions.json", text)
    where = position_of(text, '"Hate Symbols"', skip=1)
    result = await client.text_document_hover_async(
        types.HoverParams(**at(uri, where.line, where.character + 3))
    )
    assert "Hate Symbols" in hover_text(result)
    assert result is not None and result.range is not None
    assert result.range.start == where
    nothing = await client.text_document_hover_async(types.HoverParams(**at(uri, 0, 0)))
    assert nothing is None
