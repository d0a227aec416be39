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
