"""Fast decoding: bytes of a response straight into the small form the evaluator reads.

Parsing dominates a simulation: a Textract response is hundreds of kilobytes of geometry and
text the conditions never look at. msgspec decodes the bytes into typed structures of only the
fields the evaluator reads (a block's `Id`, `BlockType`, `EntityTypes`, `Confidence`, `Text`,
`Relationships`; a label's `Name`, `ParentName`, `Confidence`), in either key style, skipping the
rest without building it. The structures are strict: anything they do not describe exactly (an
A2I output record, a video moderation response, a block without an `Id`, a confidence that is a
string, `NaN`, a byte-order mark, invalid JSON) fails to decode here and goes down the full path
(`json.loads` + `normalize`), which gives the same result or the same located error. So the
fast path changes speed, never an answer; the tests run every stored response through both.

The service response itself (`Response.raw`, for the sampling seed and the selection) is
decoded with `json.loads` only when something asks for it, from the bytes kept beside it.
"""

from __future__ import annotations

import functools
import gc
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import msgspec

from .responses import (
    KeyValuePair,
    Label,
    Recorded,
    Response,
    ResponseError,
    Style,
    _find_record,
    normalize,
    parse_json_bytes,
)

_UNSET = msgspec.UNSET
_Unset = msgspec.UnsetType


class _PRel(msgspec.Struct, rename="pascal", gc=False):
    type: str | None = None
    ids: list[str] | None = None


class _CRel(msgspec.Struct, rename="camel", gc=False):
    type: str | None = None
    ids: list[str] | None = None


class _PBlock(msgspec.Struct, rename="pascal", gc=False):
    id: str
    block_type: str | None = None
    entity_types: list[str] | None = None
    confidence: float | None = None
    text: str = ""
    relationships: list[_PRel] | None = None


class _CBlock(msgspec.Struct, rename="camel", gc=False):
    id: str
    block_type: str | None = None
    entity_types: list[str] | None = None
    confidence: float | None = None
    text: str = ""
    relationships: list[_CRel] | None = None


class _PLabel(msgspec.Struct, rename="pascal", gc=False):
    name: str
    confidence: float
    parent_name: str | None = None
    # a video moderation label (GetContentModeration) nests the label: the full path says so
    video: msgspec.Raw | _Unset = msgspec.field(default=_UNSET, name="ModerationLabel")
    c_video: msgspec.Raw | _Unset = msgspec.field(default=_UNSET, name="moderationLabel")


class _CLabel(msgspec.Struct, rename="camel", gc=False):
    name: str
    confidence: float
    parent_name: str | None = None
    video: msgspec.Raw | _Unset = msgspec.field(default=_UNSET, name="ModerationLabel")
    c_video: msgspec.Raw | _Unset = msgspec.field(default=_UNSET, name="moderationLabel")


class _Service(msgspec.Struct, gc=False):
    """A service response: Textract blocks or Rekognition labels, in either key style."""

    p_blocks: list[_PBlock] | _Unset = msgspec.field(default=_UNSET, name="Blocks")
    c_blocks: list[_CBlock] | _Unset = msgspec.field(default=_UNSET, name="blocks")
    p_labels: list[_PLabel] | _Unset = msgspec.field(default=_UNSET, name="ModerationLabels")
    c_labels: list[_CLabel] | _Unset = msgspec.field(default=_UNSET, name="moderationLabels")


class _Input(msgspec.Struct, gc=False):
    """An A2I record's `inputContent`: the service response and A2I's results."""

    service: _Service | _Unset = msgspec.field(default=_UNSET, name="aiServiceResponse")
    results: dict[str, Any] | _Unset | None = msgspec.field(
        default=_UNSET, name="humanTaskActivationConditionResults"
    )
    selected: dict[str, Any] | _Unset | None = msgspec.field(
        default=_UNSET, name="selectedAiServiceResponse"
    )


class _Document(msgspec.Struct, gc=False):
    """The top level: a service response, or an A2I output record (its response under
    `aiServiceResponse`, at the top or in `inputContent`). Responses that carry A2I's results
    in `HumanLoopActivationOutput` go down the full path (the `Raw` fields only note the key)."""

    p_blocks: list[_PBlock] | _Unset = msgspec.field(default=_UNSET, name="Blocks")
    c_blocks: list[_CBlock] | _Unset = msgspec.field(default=_UNSET, name="blocks")
    p_labels: list[_PLabel] | _Unset = msgspec.field(default=_UNSET, name="ModerationLabels")
    c_labels: list[_CLabel] | _Unset = msgspec.field(default=_UNSET, name="moderationLabels")
    record: _Service | _Unset = msgspec.field(default=_UNSET, name="aiServiceResponse")
    input_content: _Input | _Unset = msgspec.field(default=_UNSET, name="inputContent")
    results: dict[str, Any] | _Unset | None = msgspec.field(
        default=_UNSET, name="humanTaskActivationConditionResults"
    )
    selected: dict[str, Any] | _Unset | None = msgspec.field(
        default=_UNSET, name="selectedAiServiceResponse"
    )
    arn: Any = msgspec.field(default=None, name="flowDefinitionArn")
    activation: msgspec.Raw | _Unset = msgspec.field(
        default=_UNSET, name="HumanLoopActivationOutput"
    )
    c_activation: msgspec.Raw | _Unset = msgspec.field(
        default=_UNSET, name="humanLoopActivationOutput"
    )


_DECODER = msgspec.json.Decoder(_Document)


class LazyDocument(Mapping[str, Any]):
    """The service response, parsed with `json.loads` from its bytes on first use.

    Read-only and equal in content to what the full path parses; a simulation never asks for
    it, so its documents are never parsed twice.
    """

    __slots__ = ("_data", "_document")

    def __init__(self, data: bytes | Callable[[], dict[str, Any]]) -> None:
        self._data = data
        self._document: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._document is None:
            data = self._data
            self._document = data() if callable(data) else json.loads(data)
            self._data = b""
        return self._document

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"LazyDocument({self._load()!r})"


def decode_response(data: bytes, name: str = "<response>", one_line: bool = False) -> Response:
    """One response from its bytes: the fast path when it fits, else the full one.

    Raises `ResponseError` exactly as `normalize(parse_json_bytes(data))` would.
    """
    fast = _fast(data, name)
    if fast is not None:
        return fast
    return normalize(parse_json_bytes(data, name, one_line), name)


def decode_or_error(data: bytes, name: str, one_line: bool = False) -> Response | ResponseError:
    """`decode_response`, with the error returned rather than raised (for counting)."""
    try:
        return decode_response(data, name, one_line)
    except ResponseError as exc:
        return exc


def _fast(data: bytes, name: str) -> Response | None:
    """The fast path, with the cyclic garbage collector paused: decoding allocates hundreds of
    thousands of acyclic objects per large document, and collections triggered meanwhile would
    traverse them again and again, making a 100-page document dearer per page than a 1-page
    one. Nothing here makes a cycle, so nothing is left for the collector."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        return _decode_fast(data, name)
    finally:
        if enabled:
            gc.enable()


def _decode_fast(data: bytes, name: str) -> Response | None:
    try:
        doc = _DECODER.decode(data)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        # Not for the fast path (msgspec reports bytes that are not UTF-8 as a
        # UnicodeDecodeError): the full path says where the document is wrong.
        return None
    if doc.activation is not _UNSET or doc.c_activation is not _UNSET:
        return None
    service: _Service | _Document = doc
    recorded: Recorded | None = None
    raw: bytes | Callable[[], dict[str, Any]] = data
    inner = doc.input_content
    if isinstance(doc.record, _Service) or (
        isinstance(inner, _Input) and isinstance(inner.service, _Service)
    ):
        # an A2I output record, read as `responses.normalize` reads one
        if isinstance(doc.record, _Service):
            service, results, selected = doc.record, doc.results, doc.selected
        else:
            assert isinstance(inner, _Input) and isinstance(inner.service, _Service)
            service = inner.service
            results = doc.results if inner.results is _UNSET else inner.results
            selected = doc.selected if inner.selected is _UNSET else inner.selected
        recorded = Recorded(
            results if isinstance(results, dict) else None,
            selected if isinstance(selected, dict) else None,
            doc.arn if isinstance(doc.arn, str) else None,
        )
        raw = functools.partial(_service_of, data)
    # the full path's order: Blocks, blocks, ModerationLabels, moderationLabels
    if isinstance(service.p_blocks, list):
        return _textract(service.p_blocks, "pascal", raw, name, recorded)
    if isinstance(service.c_blocks, list):
        return _textract(service.c_blocks, "camel", raw, name, recorded)
    labels: tuple[Label, ...]
    style: Style
    for items in (service.p_labels, service.c_labels):
        if isinstance(items, list) and any(
            x.video is not _UNSET or x.c_video is not _UNSET for x in items
        ):
            return None
    if isinstance(service.p_labels, list):
        labels = tuple(Label(x.name, x.confidence, i) for i, x in enumerate(service.p_labels))
        style = "pascal"
    elif isinstance(service.c_labels, list):
        labels = tuple(Label(x.name, x.confidence, i) for i, x in enumerate(service.c_labels))
        style = "camel"
    else:
        return None  # neither service: the full path words the error
    return Response(
        "rekognition", style, LazyDocument(raw), labels=labels, recorded=recorded, name=name
    )


def _service_of(data: bytes) -> dict[str, Any]:
    """A record's `aiServiceResponse`, parsed with `json.loads` (the lazy `raw` of a record)."""
    document = json.loads(data)
    record = _find_record(document)
    assert record is not None
    service: dict[str, Any] = record["aiServiceResponse"]
    return service


def decode_pages(parts: Sequence[tuple[str, bytes]], name: str) -> Response:
    """One Textract document from the numbered pages of an asynchronous job's output.

    `parts` are `(name, bytes)` of `GetDocumentAnalysis` result pages in order; their `Blocks`
    are joined (relationships may cross pages) and the other top-level keys come from the first
    page, without `NextToken`. Raises `ResponseError` naming the part at fault.
    """
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        return _decode_pages(parts, name)
    finally:
        if enabled:
            gc.enable()


def _decode_pages(parts: Sequence[tuple[str, bytes]], name: str) -> Response:
    blocks: list[_PBlock] = []
    fast = True
    for _, data in parts:
        try:
            doc = _DECODER.decode(data)
        except (msgspec.DecodeError, RecursionError):
            fast = False
            break
        if (
            not isinstance(doc.p_blocks, list)
            or doc.record is not _UNSET
            or doc.input_content is not _UNSET
        ):
            fast = False
            break
        blocks.extend(doc.p_blocks)
    datas = [data for _, data in parts]
    if fast:
        return _textract(blocks, "pascal", lambda: join_pages([json.loads(d) for d in datas]), name)
    documents = []
    for part_name, data in parts:
        document = parse_json_bytes(data, part_name)
        if not isinstance(document, Mapping) or not isinstance(document.get("Blocks"), list):
            raise ResponseError(
                "not a page of Textract asynchronous output (no Blocks list)", part_name
            )
        documents.append(document)
    return normalize(join_pages(documents), name)


def join_pages(pages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The pages' `Blocks` joined, other keys from the first page, `NextToken` left out."""
    out = {k: v for k, v in pages[0].items() if k != "NextToken"}
    out["Blocks"] = [block for page in pages for block in page["Blocks"]]
    return out


def _textract(
    blocks: Sequence[_PBlock | _CBlock],
    style: Style,
    data: bytes | Callable[[], dict[str, Any]],
    name: str,
    recorded: Recorded | None = None,
) -> Response:
    """Key-value pairs exactly as `responses._pairs` builds them, from the typed blocks.

    One dict from id to block, built once: every relationship look-up is O(1), so a 100-page
    document costs per page what a 1-page one does.
    """
    by_id: dict[str, _PBlock | _CBlock] = {}
    keys: list[_PBlock | _CBlock] = []
    for block in blocks:
        by_id[block.id] = block
        if block.block_type == "KEY_VALUE_SET" and "KEY" in (block.entity_types or ()):
            keys.append(block)

    def words(block: _PBlock | _CBlock) -> list[tuple[str, float | None]]:
        found: list[tuple[str, float | None]] = []
        for rel in block.relationships or ():
            if rel.type == "CHILD":
                for child_id in rel.ids or ():
                    child = by_id.get(child_id)
                    if child is not None and child.block_type == "WORD":
                        found.append((child_id, child.confidence))
        return found

    pairs = []
    for key in keys:
        key_words = words(key)
        value_ids: list[str] = []
        value_words: list[tuple[str, float | None]] = []
        for rel in key.relationships or ():
            if rel.type == "VALUE":
                for value_id in rel.ids or ():
                    value = by_id.get(value_id)
                    if value is not None:
                        value_ids.append(value_id)
                        value_words.extend(words(value))
        text = " ".join(by_id[w].text for w, _ in key_words)
        pairs.append(
            KeyValuePair(
                text,
                key.id,
                key.confidence,
                tuple(value_ids),
                tuple(key_words),
                tuple(value_words),
            )
        )
    out = tuple(pairs)
    return Response(
        "textract",
        style,
        LazyDocument(data),
        pairs=out,
        recorded=recorded,
        name=name,
        _texts=frozenset(p.text for p in out),
    )


def read_responses(path: str) -> Iterator[tuple[str, Response | ResponseError]]:
    """`(name, Response or ResponseError)` for each document in one local file.

    Like `responses.read_file`, but decoded through the fast path: a `.json` file is one
    document, a JSON Lines file one per non-blank line (`PATH:LINE`), read line by line.
    """
    from .responses import is_jsonl

    if is_jsonl(path):
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed below, line by line for flat memory
        except OSError as exc:
            yield path, ResponseError(f"cannot read file: {exc.strerror or exc}", path)
            return
        with fh:
            try:
                for number, line in enumerate(fh, 1):
                    if line.strip():
                        name = f"{path}:{number}"
                        yield name, decode_or_error(line, name, one_line=True)
            except OSError as exc:
                yield path, ResponseError(f"cannot read file: {exc.strerror or exc}", path)
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        yield path, ResponseError(f"cannot read file: {exc.strerror or exc}", path)
        return
    yield path, decode_or_error(data, path)
