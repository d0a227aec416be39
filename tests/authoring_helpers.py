"""Helpers for the authoring-tool tests: the spec's normalization and valid JSON documents.

`normalize` is written from the spec, on plain JSON, independently of a2icond's decompiler:
chains of one operator are flattened, one-member groups dissolve, an `Or` member of
`Conditions` dissolves into it (`Conditions` is itself an "any of"; a single top-level `Or` is
the common case), and an And of exactly `<= B, >= A` on one subject and measure becomes
`>= A, <= B` (the member order of `between`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

THRESHOLD = re.compile(
    r"^(Confidence|KeyValueBlockConfidence|WordBlockConfidence)"
    r"(LessThan|LessThanEquals|GreaterThan|GreaterThanEquals|Equals)$"
)
SUFFIXES = ["LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals", "Equals"]


def _threshold_items(condition: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for name in condition.get("ConditionParameters", {}):
        match = THRESHOLD.match(name)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def _subject(condition: dict[str, Any]) -> dict[str, Any]:
    params = condition.get("ConditionParameters", {})
    return {k: v for k, v in params.items() if not THRESHOLD.match(k)}


def _reversed_between(first: dict[str, Any], second: dict[str, Any]) -> bool:
    if "ConditionType" not in first or "ConditionType" not in second:
        return False
    if first["ConditionType"] != second["ConditionType"]:
        return False
    a, b = _threshold_items(first), _threshold_items(second)
    if len(a) != 1 or len(b) != 1:
        return False
    return (
        _subject(first) == _subject(second)
        and a[0][0] == b[0][0]
        and a[0][1] == "LessThanEquals"
        and b[0][1] == "GreaterThanEquals"
    )


def _normalize_node(node: dict[str, Any]) -> dict[str, Any]:
    for op in ("And", "Or"):
        if op in node:
            members: list[dict[str, Any]] = []
            for member in node[op]:
                member = _normalize_node(member)
                members.extend(member.get(op, [member]))
            if len(members) == 1:
                return members[0]
            if op == "And" and len(members) == 2 and _reversed_between(*members):
                members = [members[1], members[0]]
            return {op: members}
    return node


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    members: list[dict[str, Any]] = []
    for member in document["Conditions"]:
        member = _normalize_node(member)
        members.extend(member.get("Or", [member]))
    return {"Conditions": members}


def canonical_json(document: dict[str, Any]) -> str:
    """Order-insensitive for object keys, but `90` and `90.0` stay different."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Valid documents, following a2icond/schemas/*.schema.json


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
    min_size=1,
    max_size=10,
).filter(lambda s: s != "*")
key_texts = st.one_of(
    st.sampled_from(
        ["Employee Name", "Total:", "total", "Pay Date", "Source", "or", "1st Item", "Größe"]
    ),
    texts,
)
label_names = st.one_of(
    st.sampled_from(["*", "Explicit", "Violence", "Female Swimwear Or Underwear", 'Say "hi"']),
    texts,
)
confidences = st.one_of(
    st.integers(0, 100),
    st.floats(0, 100, allow_nan=False, allow_infinity=False),
    st.decimals(0, 100, places=2, allow_nan=False).map(float),
)
percentages = st.one_of(
    st.integers(1, 100),
    st.floats(0.01, 100, allow_nan=False, allow_infinity=False),
)

KeyDef = tuple[str, list[str]]


def sampling() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda p: {
            "ConditionType": "Sampling",
            "ConditionParameters": {"RandomSamplingPercentage": p},
        },
        percentages,
    )


def key_params(key: KeyDef) -> dict[str, Any]:
    params: dict[str, Any] = {"ImportantFormKey": key[0]}
    if key[1]:
        params["ImportantFormKeyAliases"] = list(key[1])
    return params


@st.composite
def check(draw: Any, source: str, keys: list[KeyDef]) -> dict[str, Any]:
    if source == "rekognition":
        subject: dict[str, Any] = {"ModerationLabelName": draw(label_names)}
        prefixes = ["Confidence"]
        kind = "ModerationLabelConfidenceCheck"
    else:
        key = draw(st.sampled_from([*keys, ("*", [])]))
        subject = key_params(key)
        prefixes = ["KeyValueBlockConfidence", "WordBlockConfidence"]
        kind = "ImportantFormKeyConfidenceCheck"
    names = [p + s for p in prefixes for s in SUFFIXES]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    params = {name: draw(confidences) for name in chosen}
    # parameter order carries no meaning
    params = {**subject, **params} if draw(st.booleans()) else {**params, **subject}
    return {"ConditionType": kind, "ConditionParameters": params}


@st.composite
def between_pair(draw: Any, source: str, keys: list[KeyDef]) -> dict[str, Any]:
    """An And of `>= A` and `<= B` on one subject, in either order (sometimes A > B)."""
    base = draw(check(source, keys))
    subject = {k: v for k, v in base["ConditionParameters"].items() if not THRESHOLD.match(k)}
    prefix = (
        "Confidence"
        if source == "rekognition"
        else draw(st.sampled_from(["KeyValueBlockConfidence", "WordBlockConfidence"]))
    )
    low, high = draw(confidences), draw(confidences)
    ge = {"ConditionType": base["ConditionType"], "ConditionParameters": {**subject}}
    le = {"ConditionType": base["ConditionType"], "ConditionParameters": {**subject}}
    ge["ConditionParameters"][prefix + "GreaterThanEquals"] = low
    le["ConditionParameters"][prefix + "LessThanEquals"] = high
    pair = [ge, le] if draw(st.booleans()) else [le, ge]
    return {"And": pair}


def missing(keys: list[KeyDef]) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(keys).map(
        lambda k: {"ConditionType": "MissingImportantFormKey", "ConditionParameters": key_params(k)}
    )


def condition(source: str, keys: list[KeyDef]) -> st.SearchStrategy[dict[str, Any]]:
    options = [check(source, keys), check(source, keys), sampling()]
    if source == "textract":
        options.append(missing(keys))
    return st.one_of(*options)


def every_key_missing(keys: list[KeyDef]) -> dict[str, Any]:
    members = [
        {"ConditionType": "MissingImportantFormKey", "ConditionParameters": key_params(k)}
        for k in keys
    ]
    return members[0] if len(members) == 1 else {"Or": members}


@st.composite
def documents(draw: Any) -> tuple[str, dict[str, Any]]:
    """`(source, document)`: a valid HumanLoopActivationConditions document for the source."""
    source = draw(st.sampled_from(["rekognition", "textract"]))
    keys: list[KeyDef] = draw(
        st.lists(
            st.tuples(key_texts, st.lists(texts, max_size=3)),
            min_size=1,
            max_size=4,
            unique_by=lambda k: (k[0], tuple(k[1])),
        )
    )
    leaf = condition(source, keys)
    level2 = st.one_of(
        leaf,
        leaf,
        between_pair(source, keys),
        st.builds(
            lambda op, ms: {op: ms},
            st.sampled_from(["And", "Or"]),
            st.lists(leaf, min_size=2, max_size=3),
        ),
    )
    options = [
        leaf,
        between_pair(source, keys),
        st.builds(
            lambda op, ms: {op: ms},
            st.sampled_from(["And", "Or"]),
            st.lists(level2, min_size=2, max_size=4),
        ),
    ]
    if source == "textract":
        options.append(st.just(every_key_missing(keys)))
    members = draw(st.lists(st.one_of(*options), min_size=1, max_size=5))
    return source, {"Conditions": members}
