"""Comparing an evaluation with what A2I recorded: every node and selected item that differs.

An A2I output record carries A2I's own `humanTaskActivationConditionResults` and
`selectedAiServiceResponse`; `eval` and `audit` put ours beside them, node by node.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from ..model import AND, CONDITION_PARAMETERS, CONDITION_TYPE, CONDITIONS, OR
from .responses import Response

Path: TypeAlias = tuple[int, ...]


@dataclass(frozen=True)
class Difference:
    """A node where our result and A2I's recorded result differ."""

    where: str
    message: str
    sampled: bool = False

    def __str__(self) -> str:
        note = " (a Sampling draw: A2I's is random, ours is a hash)" if self.sampled else ""
        return f"{self.where}: {self.message}{note}"


def _where(path: Sequence[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def compare_with_record(
    ours: Mapping[str, Any],
    selected: Mapping[str, Any],
    resp: Response,
    sampled: set[Path],
) -> list[Difference]:
    """Every node where our results differ from A2I's recorded ones, and the selection."""
    recorded = resp.recorded
    out: list[Difference] = []
    if recorded is None:
        return out
    if recorded.results is None:
        out.append(Difference("humanTaskActivationConditionResults", "not in the record"))
    elif _reshaped(ours, recorded.results):
        out.extend(_compare_equivalent(ours, recorded.results, sampled))
    else:
        _compare_list(
            ours.get(CONDITIONS, []),
            recorded.results.get(CONDITIONS),
            [CONDITIONS],
            (),
            sampled,
            out,
        )
    if recorded.selected is not None:
        out.extend(_compare_selection(selected, recorded.selected, resp))
    return out


def _bare(value: Any) -> Any:
    """The conditions without A2I's `EvaluationResult`s."""
    if isinstance(value, Mapping):
        return {k: _bare(v) for k, v in value.items() if k != "EvaluationResult"}
    if isinstance(value, list):
        return [_bare(v) for v in value]
    return value


def _reshaped(ours: Mapping[str, Any], recorded: Mapping[str, Any]) -> bool:
    """The record's conditions mean ours but are written differently (AWS's usual single
    top-level `Or`, another member order): see `a2icond.equivalence`."""
    from ..equivalence import equivalent, identical

    mine, theirs = _bare(ours), _bare(recorded)
    return not identical(mine, theirs) and equivalent(mine, theirs)


def _compare_equivalent(
    ours: Mapping[str, Any], recorded: Mapping[str, Any], sampled: set[Path]
) -> list[Difference]:
    """Each of our nodes against the record's node of the same meaning, and the outcome."""
    from ..equivalence import node_key

    results: dict[Any, list[Any]] = {}

    def collect(node: Any) -> None:
        results.setdefault(node_key(node), []).append(node.get("EvaluationResult"))
        for member in node.get(AND) or node.get(OR) or ():
            collect(member)

    for node in recorded[CONDITIONS]:
        collect(node)
    out: list[Difference] = []

    def walk(node: Mapping[str, Any], where: list[Any], path: Path) -> None:
        theirs = results.get(node_key(node), [])
        if theirs and node["EvaluationResult"] not in theirs:
            out.append(
                Difference(
                    _where(where),
                    f"EvaluationResult is {json.dumps(node['EvaluationResult'])} here, "
                    f"{json.dumps(theirs[0])} at the record's equivalent node",
                    sampled=path in sampled,
                )
            )
        group = AND if AND in node else OR
        for j, member in enumerate(node.get(group) or ()):
            walk(member, [*where, group, j], (*path, j))

    for i, node in enumerate(ours[CONDITIONS]):
        walk(node, [CONDITIONS, i], (i,))
    mine = any(n["EvaluationResult"] is True for n in ours[CONDITIONS])
    theirs = any(n.get("EvaluationResult") is True for n in recorded[CONDITIONS])
    if mine != theirs:
        out.append(
            Difference(
                CONDITIONS,
                f"a loop {'starts' if mine else 'does not start'} here, "
                f"{'starts' if theirs else 'does not start'} in the record",
                sampled=bool(sampled),
            )
        )
    return out


def _compare_list(
    ours: list[Any],
    theirs: Any,
    where: list[Any],
    path: Path,
    sampled: set[Path],
    out: list[Difference],
) -> None:
    if not isinstance(theirs, list):
        out.append(Difference(_where(where), "the record has no list of conditions here"))
        return
    if len(ours) != len(theirs):
        out.append(
            Difference(
                _where(where),
                f"{len(ours)} members here, {len(theirs)} in the record: the record was made "
                "with other conditions",
            )
        )
        return
    for j, (mine, rec) in enumerate(zip(ours, theirs, strict=True)):
        _compare_node(mine, rec, [*where, j], (*path, j), sampled, out)


def _compare_node(
    mine: Mapping[str, Any],
    rec: Any,
    where: list[Any],
    path: Path,
    sampled: set[Path],
    out: list[Difference],
) -> None:
    if not isinstance(rec, Mapping):
        out.append(Difference(_where(where), "the record has no condition here"))
        return
    group = AND if AND in mine else OR if OR in mine else None
    if group is not None:
        if group not in rec:
            out.append(Difference(_where(where), f"an {group} group here, not in the record"))
            return
    elif (
        rec.get(CONDITION_TYPE) != mine[CONDITION_TYPE]
        or rec.get(CONDITION_PARAMETERS) != mine[CONDITION_PARAMETERS]
    ):
        out.append(
            Difference(
                _where(where),
                f"the record has another condition here ({rec.get('ConditionType')} "
                f"{json.dumps(rec.get('ConditionParameters'), sort_keys=True)})",
            )
        )
        return
    if rec.get("EvaluationResult") != mine["EvaluationResult"]:
        out.append(
            Difference(
                _where(where),
                f"EvaluationResult is {json.dumps(mine['EvaluationResult'])} here, "
                f"{json.dumps(rec.get('EvaluationResult'))} in the record",
                sampled=path in sampled,
            )
        )
    if group is not None:
        _compare_list(mine[group], rec[group], [*where, group], path, sampled, out)


def _compare_selection(
    selected: Mapping[str, Any], recorded: Mapping[str, Any], resp: Response
) -> list[Difference]:
    """Compare the selected items by identity: block ids, or label names and confidences."""
    if resp.kind == "textract":

        def ident(items: Any) -> list[str]:
            return [str(b.get("id", b.get("Id"))) for b in items or () if isinstance(b, Mapping)]

        mine = ident(next(iter(selected.values()), []))
        theirs = ident(recorded.get("blocks", recorded.get("Blocks")))
        what = "blocks"
    else:

        def ident(items: Any) -> list[str]:
            return [
                f"{b.get('name', b.get('Name'))}@{b.get('confidence', b.get('Confidence'))}"
                for b in items or ()
                if isinstance(b, Mapping)
            ]

        mine = ident(next(iter(selected.values()), []))
        theirs = ident(recorded.get("moderationLabels", recorded.get("ModerationLabels")))
        what = "labels"
    missing = [i for i in theirs if i not in set(mine)]
    extra = [i for i in mine if i not in set(theirs)]
    out = []
    if missing:
        out.append(
            Difference("selectedAiServiceResponse", f"A2I selected {what} we did not: {missing}")
        )
    if extra:
        out.append(
            Difference("selectedAiServiceResponse", f"we select {what} A2I did not: {extra}")
        )
    return out
