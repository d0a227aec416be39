"""The pygls wiring: documents in, features out; heavy work in threads, errors logged.

Diagnostics are computed on open at once and on change after a short quiet period (debounced,
`initializationOptions.debounceSeconds`, default 0.2 s), in a worker thread, and published only
if the document has not changed meanwhile. Formatting, hover (which compiles) and code actions
run in worker threads too, so a slow request never holds up the others. Any exception in a
handler is logged to the client (`window/logMessage`, with its traceback) and the request gets
an empty answer; the server keeps running.
"""

from __future__ import annotations

import asyncio
import functools
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from .. import __version__, ast
from . import actions, completion, highlight, hover, navigation
from .document import Document
from .positions import UTF16

DEFAULT_DEBOUNCE = 0.2

R = TypeVar("R")


class A2icondServer(LanguageServer):
    """The language server: pygls plus a snapshot per open document and a worker pool."""

    def __init__(self) -> None:
        super().__init__("a2icond", __version__)
        self.debounce = DEFAULT_DEBOUNCE
        # Diagnostics and formatting (whole-file work) in one pool, the requests a user waits
        # on at the cursor in another, so a long format never queues a completion.
        self.heavy = ThreadPoolExecutor(max_workers=2, thread_name_prefix="a2icond-heavy")
        self.light = ThreadPoolExecutor(max_workers=2, thread_name_prefix="a2icond-light")
        self.snapshots: dict[str, Document] = {}
        self.last_good: dict[str, ast.Program] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self._reporting = False

    @property
    def encoding(self) -> str:
        chosen = self.server_capabilities.position_encoding
        if chosen is None:
            return UTF16
        return str(getattr(chosen, "value", chosen))

    def snapshot(self, uri: str) -> Document:
        """The analysed state of a document as the editor has it now (cached per version)."""
        current = self.workspace.get_text_document(uri)
        text = current.source
        cached = self.snapshots.get(uri)
        if cached is not None and cached.text == text and cached.version == current.version:
            return cached
        if cached is not None:
            self.remember(cached)
        doc = Document(uri, text, current.version, self.encoding, last_good=self.last_good.get(uri))
        self.snapshots[uri] = doc
        return doc

    def remember(self, doc: Document) -> None:
        """Keep the program of a snapshot that parsed (if a feature parsed it: diagnostics do
        not need the AST), for completing key names while the text is half-typed."""
        program = doc.parsed_program
        if program is not None:
            self.last_good[doc.uri] = program

    async def run(self, work: Callable[[], R], *, heavy: bool = False) -> R:
        """`work()` in a worker thread: the event loop keeps answering meanwhile."""
        pool = self.heavy if heavy else self.light
        return await asyncio.get_running_loop().run_in_executor(pool, work)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_error(self, what: str, exc: BaseException) -> None:
        detail = "".join(traceback.format_exception(exc)).rstrip()
        self.log(f"a2icond: internal error in {what}: {exc!r}\n{detail}", types.MessageType.Error)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls's own error path (a malformed message, say): logged, never fatal. If sending
        the log fails too (the client is gone), that is not reported again."""
        if self._reporting:
            return
        self._reporting = True
        try:
            self.log_error(getattr(source, "__name__", str(source)), error)
        except Exception:
            pass
        finally:
            self._reporting = False

    # -- diagnostics ----------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.refresh(uri, delay))

    async def refresh(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            doc = self.snapshot(uri)
            found = await self.run(lambda: publishable(doc), heavy=True)
            latest = self.workspace.get_text_document(uri)
            if latest.version != doc.version or latest.source != doc.text:
                return  # changed meanwhile: the newer refresh publishes
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=doc.version)
            )
            if doc.kind == "cond":
                # After publishing, so the diagnostics wait for nothing: the AST, kept while it
                # parses for completing key names once the text is half-typed.
                await self.run(lambda: doc.program, heavy=True)
                self.remember(doc)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.log_error(f"diagnostics for {uri}", exc)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]


def publishable(doc: Document) -> list[types.Diagnostic]:
    """What a diagnostics refresh publishes for `doc` (timed by bench/lsp_bench.py)."""
    from .document import to_lsp

    return [to_lsp(d, doc.lines) for d in doc.diagnostics]


def guarded(
    what: str, empty: Any = None
) -> Callable[
    [Callable[[A2icondServer, Any], Awaitable[Any]]],
    Callable[[A2icondServer, Any], Awaitable[Any]],
]:
    """Log any exception of a handler to the client and answer `empty`: one bad request (or a
    bug) must not take the server down."""

    def decorate(
        handler: Callable[[A2icondServer, Any], Awaitable[Any]],
    ) -> Callable[[A2icondServer, Any], Awaitable[Any]]:
        @functools.wraps(handler)
        async def wrapper(ls: A2icondServer, params: Any) -> Any:
            try:
                return await handler(ls, params)
            except JsonRpcInvalidParams:
                raise
            except Exception as exc:
                ls.log_error(what, exc)
                return empty

        return wrapper

    return decorate


def _format(doc: Document) -> tuple[list[types.TextEdit] | None, str]:
    """The edit that formats `doc`, or None and why not (logged by the caller, on the loop)."""
    from ..diagnostics import CompileError
    from ..formatter import FormatterError, format_source

    try:
        result = format_source(doc.text, filename=doc.filename)
    except CompileError as exc:
        return None, f"a2icond: {doc.filename} not formatted: it has errors ({exc})"
    except FormatterError as exc:
        return None, f"a2icond: {doc.filename} not formatted: {exc}"
    if result == doc.text:
        return [], ""
    whole = types.Range(types.Position(0, 0), doc.lines.position_at(len(doc.text)))
    return [types.TextEdit(whole, result)], ""


def build() -> A2icondServer:
    """A server with every feature registered."""
    server = A2icondServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: A2icondServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict):
            delay = options.get("debounceSeconds")
            if isinstance(delay, int | float) and 0 <= delay <= 10:
                ls.debounce = float(delay)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded("didOpen")
    async def did_open(ls: A2icondServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded("didChange")
    async def did_change(ls: A2icondServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded("didSave")
    async def did_save(ls: A2icondServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded("didClose")
    async def did_close(ls: A2icondServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.snapshots.pop(uri, None)
        ls.last_good.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded("formatting")
    async def formatting(
        ls: A2icondServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.snapshot(params.text_document.uri)
        if doc.kind != "cond":
            return None
        edits, why = await ls.run(lambda: _format(doc), heavy=True)
        if why:
            ls.log(why)
        return edits

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=['"', " "]),
    )
    @guarded("completion")
    async def complete(
        ls: A2icondServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        doc = ls.snapshot(params.text_document.uri)
        items = await ls.run(lambda: completion.complete(doc, params.position))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded("hover")
    async def on_hover(ls: A2icondServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.snapshot(params.text_document.uri)
        return await ls.run(lambda: hover.hover(doc, params.position))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded("definition")
    async def definition(
        ls: A2icondServer, params: types.DefinitionParams
    ) -> types.Location | None:
        doc = ls.snapshot(params.text_document.uri)
        return await ls.run(lambda: navigation.definition(doc, params.position))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded("references", [])
    async def references(ls: A2icondServer, params: types.ReferenceParams) -> list[types.Location]:
        doc = ls.snapshot(params.text_document.uri)
        include = params.context.include_declaration
        return await ls.run(lambda: navigation.references(doc, params.position, include))

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded("prepareRename")
    async def prepare_rename(
        ls: A2icondServer, params: types.PrepareRenameParams
    ) -> types.Range | None:
        doc = ls.snapshot(params.text_document.uri)
        return await ls.run(lambda: navigation.prepare_rename(doc, params.position))

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @guarded("rename")
    async def rename(ls: A2icondServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        doc = ls.snapshot(params.text_document.uri)
        try:
            return await ls.run(lambda: navigation.rename(doc, params.position, params.new_name))
        except navigation.RenameRefused as exc:
            raise JsonRpcInvalidParams(str(exc)) from None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded("codeAction", [])
    async def code_action(
        ls: A2icondServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        doc = ls.snapshot(params.text_document.uri)
        return await ls.run(lambda: actions.code_actions(doc, params.range))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded("documentSymbol", [])
    async def symbols(
        ls: A2icondServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        doc = ls.snapshot(params.text_document.uri)
        return await ls.run(lambda: navigation.document_symbols(doc))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, highlight.LEGEND)
    @guarded("semanticTokens", types.SemanticTokens(data=[]))
    async def tokens(ls: A2icondServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        doc = ls.snapshot(params.text_document.uri)
        return await ls.run(lambda: highlight.semantic_tokens(doc))

    return server


def serve() -> None:
    """Run the server over standard input and output until the client says exit."""
    build().start_io()


__all__ = ["A2icondServer", "build", "serve"]
