"""Small hand-made Rekognition and Textract responses for the evaluator and simulator tests.

Responses are built in boto3's PascalCase; `camel()` turns one into A2I's lowerCamel style, so
every rule can be tested in both key styles.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def camel(value: Any) -> Any:
    """boto3 PascalCase keys -> A2I lowerCamel keys (`BlockType` -> `blockType`), recursively."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def styled(document: dict[str, Any], style: str) -> dict[str, Any]:
    return camel(document) if style == "camel" else document


def rekognition(labels: Sequence[tuple[str, float]], style: str = "pascal") -> dict[str, Any]:
    """A DetectModerationLabels response with these `(Name, Confidence)` labels."""
    doc = {
        "ModerationLabels": [
            {"Confidence": conf, "Name": name, "ParentName": ""} for name, conf in labels
        ],
        "ModerationModelVersion": "7.0",
    }
    return styled(doc, style)


@dataclass
class Pair:
    """A form field: key words with confidences, value words with confidences, KEY confidence."""

    key: str
    confidence: float = 99.0
    key_word_confidence: float | Sequence[float] = 99.0
    value: str = "value"
    value_word_confidence: float | Sequence[float] = 99.0
    checkbox: bool = False  # a SELECTION_ELEMENT child in the VALUE block
    ids: dict[str, Any] = field(default_factory=dict)  # filled by `textract`


def _confs(spec: float | Sequence[float], n: int) -> list[float]:
    if isinstance(spec, (int, float)):
        return [spec] * n
    assert len(spec) == n, "one confidence per word"
    return list(spec)


def textract(pairs: Sequence[Pair], style: str = "pascal", prefix: str = "b") -> dict[str, Any]:
    """An AnalyzeDocument (FORMS) response: PAGE, LINE, WORD and KEY_VALUE_SET blocks.

    Each pair's generated block ids are written to `pair.ids` (`key`, `value`, `key_words`,
    `value_words`, `checkbox`) so tests can assert on the selection.
    """
    counter = itertools.count(1)

    def new_id() -> str:
        return f"{prefix}-{next(counter):04d}"

    page: dict[str, Any] = {"BlockType": "PAGE", "Id": new_id(), "Relationships": []}
    words: list[dict[str, Any]] = []
    kvs: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    geometry = {
        "BoundingBox": {"Height": 0.1, "Left": 0.1, "Top": 0.1, "Width": 0.1},
        "Polygon": [{"X": 0.1, "Y": 0.1}, {"X": 0.2, "Y": 0.1}, {"X": 0.2, "Y": 0.2}],
    }
    for pair in pairs:
        key_texts = pair.key.split(" ")
        value_texts = pair.value.split(" ") if pair.value else []
        key_ids, value_ids = [], []
        key_confs = _confs(pair.key_word_confidence, len(key_texts))
        for text, conf in zip(key_texts, key_confs, strict=True):
            word_id = new_id()
            words.append(
                {
                    "BlockType": "WORD",
                    "Confidence": conf,
                    "Text": text,
                    "Id": word_id,
                    "Geometry": geometry,
                    "TextType": "PRINTED",
                }
            )
            key_ids.append(word_id)
        for text, conf in zip(
            value_texts, _confs(pair.value_word_confidence, len(value_texts)), strict=True
        ):
            word_id = new_id()
            words.append(
                {
                    "BlockType": "WORD",
                    "Confidence": conf,
                    "Text": text,
                    "Id": word_id,
                    "Geometry": geometry,
                    "TextType": "PRINTED",
                }
            )
            value_ids.append(word_id)
        line_id = new_id()
        lines.append(
            {
                "BlockType": "LINE",
                "Confidence": 99.0,
                "Text": f"{pair.key} {pair.value}",
                "Id": line_id,
                "Relationships": [{"Type": "CHILD", "Ids": key_ids + value_ids}],
            }
        )
        key_id, value_id = new_id(), new_id()
        value_children = list(value_ids)
        checkbox_id = None
        if pair.checkbox:
            checkbox_id = new_id()
            words.append(
                {
                    "BlockType": "SELECTION_ELEMENT",
                    "Confidence": 10.0,
                    "Id": checkbox_id,
                    "SelectionStatus": "SELECTED",
                    "Geometry": geometry,
                }
            )
            value_children.append(checkbox_id)
        kvs.append(
            {
                "BlockType": "KEY_VALUE_SET",
                "Confidence": pair.confidence,
                "Geometry": geometry,
                "Id": key_id,
                "EntityTypes": ["KEY"],
                "Relationships": [
                    {"Type": "VALUE", "Ids": [value_id]},
                    {"Type": "CHILD", "Ids": key_ids},
                ],
            }
        )
        value_block: dict[str, Any] = {
            "BlockType": "KEY_VALUE_SET",
            "Confidence": pair.confidence,
            "Geometry": geometry,
            "Id": value_id,
            "EntityTypes": ["VALUE"],
        }
        if value_children:
            value_block["Relationships"] = [{"Type": "CHILD", "Ids": value_children}]
        kvs.append(value_block)
        pair.ids = {
            "key": key_id,
            "value": value_id,
            "key_words": key_ids,
            "value_words": value_ids,
            "checkbox": checkbox_id,
        }
    page["Relationships"] = [{"Type": "CHILD", "Ids": [b["Id"] for b in lines]}]
    doc = {
        "DocumentMetadata": {"Pages": 1},
        "Blocks": [page, *lines, *words, *kvs],
        "AnalyzeDocumentModelVersion": "1.0",
    }
    return styled(doc, style)


def selected_ids(selected: dict[str, Any]) -> list[str]:
    """The block ids in a `selectedAiServiceResponse`, in either key style."""
    blocks = selected.get("Blocks", selected.get("blocks", []))
    return [b.get("Id", b.get("id")) for b in blocks]


def condition(kind: str, **parameters: Any) -> dict[str, Any]:
    return {"ConditionType": kind, "ConditionParameters": parameters}


def label_check(name: str, **thresholds: Any) -> dict[str, Any]:
    return condition("ModerationLabelConfidenceCheck", ModerationLabelName=name, **thresholds)


def key_check(key: str, aliases: Sequence[str] = (), **thresholds: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"ImportantFormKey": key}
    if aliases:
        params["ImportantFormKeyAliases"] = list(aliases)
    return condition("ImportantFormKeyConfidenceCheck", **params, **thresholds)


def missing(key: str, aliases: Sequence[str] = ()) -> dict[str, Any]:
    params: dict[str, Any] = {"ImportantFormKey": key}
    if aliases:
        params["ImportantFormKeyAliases"] = list(aliases)
    return condition("MissingImportantFormKey", **params)


def sample(percentage: float) -> dict[str, Any]:
    return condition("Sampling", RandomSamplingPercentage=percentage)


def conditions(*members: dict[str, Any]) -> dict[str, Any]:
    return {"Conditions": list(members)}
