"""Reading AI-service responses into the small form the evaluator needs.

Accepted inputs, each a JSON object:

- a Rekognition `DetectModerationLabels` response (`ModerationLabels`, or A2I's `moderationLabels`);
- a Textract `AnalyzeDocument` response in boto3's PascalCase (`Blocks`, `BlockType`, ...) or A2I's
  lowerCamel (`blocks`, `blockType`, ...);
- an A2I output record: `aiServiceResponse` at the top or under `inputContent`, with the recorded
  `humanTaskActivationConditionResults` and `selectedAiServiceResponse` next to it.

Normalizing once per document keeps evaluation cheap: blocks are indexed by id a single time, a
key's text is built once, and nothing is deep-copied (the normalized form points into the parsed
JSON). The input's key style is remembered so that the selection is written back in that style.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeAlias

from .. import jsonread
from ..model import Source

Kind: TypeAlias = Source  # the kind of response: the model's one `Source` type
Style = Literal["pascal", "camel"]

#: File name endings read as JSON Lines (one response per line).
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


class ResponseError(Exception):
    """A response that cannot be read or understood; `str()` is a one-line, located message."""

    def __init__(self, message: str, name: str = "<response>") -> None:
        self.message = message
        self.name = name
        super().__init__(f"{name}: {message}")


@dataclass(frozen=True, slots=True)
class Names:
    """The key names of one style, so the hot loops index dicts without branching on style."""

    blocks: str
    block_type: str
    id: str
    text: str
    confidence: str
    entity_types: str
    relationships: str
    type: str
    ids: str
    geometry: str
    polygon: str
    labels: str
    name: str


PASCAL = Names(
    "Blocks",
    "BlockType",
    "Id",
    "Text",
    "Confidence",
    "EntityTypes",
    "Relationships",
    "Type",
    "Ids",
    "Geometry",
    "Polygon",
    "ModerationLabels",
    "Name",
)
CAMEL = Names(
    "blocks",
    "blockType",
    "id",
    "text",
    "confidence",
    "entityTypes",
    "relationships",
    "type",
    "ids",
    "geometry",
    "polygon",
    "moderationLabels",
    "name",
)
NAMES: dict[Style, Names] = {"pascal": PASCAL, "camel": CAMEL}


@dataclass(frozen=True, slots=True)
class Label:
    """One moderation label: its `Name`, `Confidence` and position in the response's list."""

    name: str
    confidence: float
    index: int


@dataclass(frozen=True, slots=True)
class KeyValuePair:
    """A KEY block with its text, confidence, word confidences and the ids reviewers would see.

    `key_words` / `value_words` are `(id, confidence)` of the WORD children of the KEY block and
    of its VALUE block(s); `confidence` is the KEY block's own `Confidence`.
    """

    text: str
    key_id: str
    confidence: float | None
    value_ids: tuple[str, ...]
    key_words: tuple[tuple[str, float | None], ...]
    value_words: tuple[tuple[str, float | None], ...]

    def block_ids(self) -> set[str]:
        """The KEY block, its VALUE block(s) and their WORD children."""
        ids = {self.key_id, *self.value_ids}
        ids.update(w for w, _ in self.key_words)
        ids.update(w for w, _ in self.value_words)
        return ids


@dataclass(frozen=True, slots=True)
class Recorded:
    """What A2I recorded in an output record: its condition results and its selection."""

    results: Mapping[str, Any] | None
    selected: Mapping[str, Any] | None
    flow_definition_arn: str | None = None  # the record's `flowDefinitionArn`, for `audit`


@dataclass(frozen=True)
class Response:
    """A normalized response. `raw` is the service response itself (not a copy)."""

    kind: Kind
    style: Style
    raw: Mapping[str, Any]
    labels: tuple[Label, ...] = ()
    pairs: tuple[KeyValuePair, ...] = ()
    recorded: Recorded | None = None
    name: str = "<response>"
    _texts: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def names(self) -> Names:
        return NAMES[self.style]

    @property
    def key_texts(self) -> frozenset[str]:
        """The text of every key in the document (for `MissingImportantFormKey`)."""
        return self._texts

    def canonical_bytes(self) -> bytes:
        """The service response as canonical JSON (sorted keys, no spaces): the sampling seed.

        boto3's `ResponseMetadata` and the JS SDK's `$metadata` (request id, HTTP date) are left
        out: they change with every call, and the same document must always draw the same way;
        so is `HumanLoopActivationOutput`, which A2I adds only when it started a loop.
        """
        content = {k: v for k, v in self.raw.items() if k not in NOT_CONTENT}
        try:
            text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError) as exc:  # a set, a datetime, a circular reference
            raise ResponseError(
                f"not a JSON document, so no sampling seed: {exc}", self.name
            ) from None
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a Response built by hand; `normalize` refuses these
            raise ResponseError(_lone_surrogate_message(content), self.name) from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_lone_surrogates(document: Mapping[str, Any], name: str) -> None:
    """Refuse a document holding a lone surrogate (`"\\ud800"` in a Python string), as the
    file readers refuse one (`jsonread`): it is not Unicode text, the sampling seed (the
    response's UTF-8 bytes, the same from every SDK) has no value for it, and nothing a2icond
    prints could show it. One C-speed dump finds it; the path is looked for only then."""
    text = json.dumps(document, ensure_ascii=False, default=_opaque)
    if _SURROGATE.search(text) is not None:
        raise ResponseError(_lone_surrogate_message(document), name)


def _opaque(value: object) -> None:
    """A value JSON cannot hold is not what this check is about (`canonical_bytes` says)."""
    return None


def _lone_surrogate_message(document: Any) -> str:
    path = _surrogate_path(document, "")
    where = f"at {path}" if path else "in the document"
    return (
        f"a lone surrogate character {where} (\\ud800-\\udfff without its pair is not "
        "Unicode text; responses from the services never hold one)"
    )


def _surrogate_path(value: Any, path: str) -> str | None:
    """The JSON path (`Blocks[3].Text`) of the first string or key holding a lone surrogate."""
    if isinstance(value, str):
        return path if _SURROGATE.search(value) is not None else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            shown = str(key).encode("utf-8", "backslashreplace").decode("utf-8")
            here = f"{path}.{shown}" if path else shown
            if isinstance(key, str) and _SURROGATE.search(key) is not None:
                return here
            found = _surrogate_path(item, here)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _surrogate_path(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


#: Top-level keys of a response that are not the document's content (see `canonical_bytes`).
NOT_CONTENT = frozenset({"ResponseMetadata", "$metadata", "HumanLoopActivationOutput"})


def _num(value: Any) -> float | None:
    """A confidence as a number, or None when absent or not a number (booleans are not)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def _style_of(document: Mapping[str, Any], name: str) -> tuple[Kind, Style] | None:
    if "Blocks" in document:
        return "textract", "pascal"
    if "blocks" in document:
        return "textract", "camel"
    if "ModerationLabels" in document:
        return "rekognition", "pascal"
    if "moderationLabels" in document:
        return "rekognition", "camel"
    return None


def _find_record(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The object holding `aiServiceResponse` in an A2I output record, if this is one."""
    if "aiServiceResponse" in document:
        return document
    inner = document.get("inputContent")
    if isinstance(inner, str):  # some records keep the input as a JSON string
        try:
            inner = jsonread.loads(inner)
        except ValueError:
            return None
    if isinstance(inner, Mapping) and "aiServiceResponse" in inner:
        return inner
    return None


def _activation_output(output: Mapping[str, Any], name: str) -> Recorded | None:
    """A2I's results in a response's `HumanLoopActivationOutput` (a JSON string), compared
    like a record's `humanTaskActivationConditionResults`."""
    results = output.get("HumanLoopActivationConditionsEvaluationResults")
    if isinstance(results, str):
        try:
            results = json.loads(results)
        except (ValueError, RecursionError):
            raise ResponseError(
                "HumanLoopActivationConditionsEvaluationResults is a string but not JSON", name
            ) from None
    return Recorded(results, None) if isinstance(results, Mapping) else None


def normalize(document: Any, name: str = "<response>") -> Response:
    """Read one parsed JSON document (a response or an A2I record) into a `Response`.

    Raises `ResponseError` with a message that says what is wrong and where; also for a lone
    surrogate in any string (see `_refuse_lone_surrogates`).
    """
    if not isinstance(document, Mapping):
        raise ResponseError(
            f"expected a JSON object (a Rekognition or Textract response, or an A2I output "
            f"record), got {type(document).__name__ if document is not None else 'null'}",
            name,
        )
    _refuse_lone_surrogates(document, name)
    recorded: Recorded | None = None
    service: Any = document
    record = _find_record(document)
    if record is not None:
        service = record["aiServiceResponse"]
        if isinstance(service, str):
            try:
                service = jsonread.loads(service)
            except jsonread.Refused as exc:
                raise ResponseError(f"aiServiceResponse (a JSON string): {exc.msg}", name) from None
            except ValueError:
                raise ResponseError("aiServiceResponse is a string but not JSON", name) from None
        if not isinstance(service, Mapping):
            raise ResponseError("aiServiceResponse is not a JSON object", name)
        # next to aiServiceResponse; for a record with inputContent, also at the top level
        results, selected = (
            (record if key in record else document).get(key)
            for key in ("humanTaskActivationConditionResults", "selectedAiServiceResponse")
        )
        arn = document.get("flowDefinitionArn")
        recorded = Recorded(
            results if isinstance(results, Mapping) else None,
            selected if isinstance(selected, Mapping) else None,
            arn if isinstance(arn, str) else None,
        )
    elif isinstance(document.get("HumanLoopActivationOutput"), Mapping):
        recorded = _activation_output(document["HumanLoopActivationOutput"], name)
    found = _style_of(service, name)
    if found is None:
        where = "aiServiceResponse" if record is not None else "the document"
        keys = ", ".join(list(service)[:6]) or "none"
        raise ResponseError(
            f"{where} is neither a Rekognition DetectModerationLabels response (ModerationLabels) "
            f"nor a Textract AnalyzeDocument response (Blocks); its keys: {keys}",
            name,
        )
    kind, style = found
    try:
        if kind == "rekognition":
            return Response(
                kind,
                style,
                service,
                labels=_labels(service, NAMES[style], name),
                recorded=recorded,
                name=name,
            )
        pairs = _pairs(service, NAMES[style], name)
        return Response(
            kind,
            style,
            service,
            pairs=pairs,
            recorded=recorded,
            name=name,
            _texts=frozenset(p.text for p in pairs),
        )
    except ResponseError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # malformed in an odd way
        raise ResponseError(
            f"malformed {kind} response ({type(exc).__name__}: {exc})", name
        ) from None


def _labels(service: Mapping[str, Any], n: Names, name: str) -> tuple[Label, ...]:
    items = service[n.labels]
    if not isinstance(items, list):
        raise ResponseError(f"{n.labels} is not a list", name)
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ResponseError(f"{n.labels}[{i}] is not an object", name)
        if "ModerationLabel" in item or "moderationLabel" in item:
            raise ResponseError(
                "a video moderation response (GetContentModeration: labels with a Timestamp); "
                "A2I supports image moderation only (DetectModerationLabels)",
                name,
            )
        label_name = item.get(n.name)
        confidence = _num(item.get(n.confidence))
        if not isinstance(label_name, str):
            raise ResponseError(f"{n.labels}[{i}] has no {n.name} string", name)
        if confidence is None:
            raise ResponseError(f"{n.labels}[{i}] has no numeric {n.confidence}", name)
        out.append(Label(label_name, confidence, i))
    return tuple(out)


def _pairs(service: Mapping[str, Any], n: Names, name: str) -> tuple[KeyValuePair, ...]:
    blocks = service[n.blocks]
    if not isinstance(blocks, list):
        raise ResponseError(f"{n.blocks} is not a list", name)
    bt, ident, rels, typ, ids, conf = (
        n.block_type,
        n.id,
        n.relationships,
        n.type,
        n.ids,
        n.confidence,
    )
    by_id: dict[str, Mapping[str, Any]] = {}
    keys: list[Mapping[str, Any]] = []
    for i, block in enumerate(blocks):
        try:
            block_id = block[ident]
        except (KeyError, TypeError):
            raise ResponseError(f"{n.blocks}[{i}] has no {ident}", name) from None
        by_id[block_id] = block
        if block.get(bt) == "KEY_VALUE_SET" and "KEY" in (block.get(n.entity_types) or ()):
            keys.append(block)

    def words(block: Mapping[str, Any]) -> list[tuple[str, float | None]]:
        found: list[tuple[str, float | None]] = []
        for rel in block.get(rels) or ():
            if rel.get(typ) == "CHILD":
                for child_id in rel.get(ids) or ():
                    child = by_id.get(child_id)
                    if child is not None and child.get(bt) == "WORD":
                        found.append((child_id, _num(child.get(conf))))
        return found

    text_key = n.text
    out = []
    value_word_cache: dict[Any, list[tuple[str, float | None]]] = {}
    for key in keys:
        key_words = words(key)
        value_ids: list[str] = []
        value_words: list[tuple[str, float | None]] = []
        for rel in key.get(rels) or ():
            if rel.get(typ) == "VALUE":
                for value_id in rel.get(ids) or ():
                    value = by_id.get(value_id)
                    if value is not None:
                        value_ids.append(value_id)
                        # many KEYs may point at one VALUE: its words are found once
                        found = value_word_cache.get(value_id)
                        if found is None:
                            found = value_word_cache[value_id] = words(value)
                        value_words.extend(found)
        text = " ".join(str(by_id[w].get(text_key, "")) for w, _ in key_words)
        out.append(
            KeyValuePair(
                text,
                key[ident],
                _num(key.get(conf)),
                tuple(value_ids),
                tuple(key_words),
                tuple(value_words),
            )
        )
    return tuple(out)


# -- reading files --------------------------------------------------------------------------


def parse_json_bytes(data: bytes | str, name: str, one_line: bool = False) -> Any:
    """`json.loads`, with failures as a located `ResponseError` (line and column; only the
    column for a JSON Lines line, whose name already carries the line number)."""
    try:
        return jsonread.loads(data)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if one_line else f"line {exc.lineno}, column {exc.colno}"
        if isinstance(exc, jsonread.Refused):
            raise ResponseError(f"{where}: {exc.msg}", name) from None
        raise ResponseError(f"not valid JSON ({where}): {exc.msg}", name) from None
    except UnicodeDecodeError as exc:
        raise ResponseError(f"not UTF-8 text (byte offset {exc.start})", name) from None
    except RecursionError:
        raise ResponseError("JSON nested too deeply to read", name) from None


def is_jsonl(path: str | os.PathLike[str]) -> bool:
    return str(path).lower().endswith(JSONL_SUFFIXES)


def read_file(path: str | os.PathLike[str]) -> Iterator[tuple[str, Any]]:
    """Yield `(name, parsed JSON or ResponseError)` for each document in one file.

    A `.json` file is one document; a JSON Lines file one per non-blank line (named
    `PATH:LINE`). Errors are yielded, not raised, so a caller can count them and carry on.
    """
    name = str(path)
    if is_jsonl(path):
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed below, line by line for flat memory
        except OSError as exc:
            yield name, ResponseError(f"cannot read file: {exc.strerror or exc}", name)
            return
        with fh:
            try:
                for number, line in enumerate(fh, 1):
                    if line.strip():
                        yield from parse_document(line, f"{name}:{number}", one_line=True)
            except OSError as exc:
                yield name, ResponseError(f"cannot read file: {exc.strerror or exc}", name)
        return
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        yield name, ResponseError(f"cannot read file: {exc.strerror or exc}", name)
        return
    yield from parse_document(data, name)


def parse_document(data: bytes, name: str, one_line: bool = False) -> Iterator[tuple[str, Any]]:
    try:
        yield name, parse_json_bytes(data, name, one_line)
    except ResponseError as exc:
        yield name, exc


def expand(inputs: Sequence[str | os.PathLike[str]]) -> Iterator[str]:
    """Files named by `inputs`: files as given, folders as every `*.json` below them (sorted).

    A path that does not exist is yielded as is; reading it then reports the error.
    """
    for item in inputs:
        path = os.fspath(item)
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for file in sorted(files):
                    if file.lower().endswith(".json"):
                        yield os.path.join(root, file)
        else:
            yield str(path)


def load_response(path: str | os.PathLike[str]) -> Response:
    """Read and normalize the single response in a `.json` file (raises `ResponseError`)."""
    for name, document in read_file(path):
        if isinstance(document, ResponseError):
            raise document
        return normalize(document, name)
    raise ResponseError("no response in the file", str(path))


# -- writing the selection back in the input's style -----------------------------------------


def trimmed_block(block: Mapping[str, Any], n: Names) -> dict[str, Any]:
    """A block as A2I puts it in `selectedAiServiceResponse` (see docs/evaluation.md).

    The real record keeps `blockType`, `id`, `text` for a WORD, and `blockType`, `confidence`,
    `entityTypes`, `geometry` (polygon only), `id`, `relationships` for a KEY_VALUE_SET, with the
    keys in alphabetical order. Other block types (not seen in a record) are kept whole.
    """
    kind = block.get(n.block_type)
    if kind == "WORD":
        return {k: block[k] for k in (n.block_type, n.id, n.text) if k in block}
    if kind == "KEY_VALUE_SET":
        out: dict[str, Any] = {}
        for k in (n.block_type, n.confidence, n.entity_types, n.geometry, n.id, n.relationships):
            if k not in block:
                continue
            if k == n.geometry and isinstance(block[k], Mapping) and n.polygon in block[k]:
                out[k] = {n.polygon: block[k][n.polygon]}
            else:
                out[k] = block[k]
        return out
    return dict(block)
