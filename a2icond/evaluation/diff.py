"""The impact of a change to activation conditions, over a corpus, before it ships.

`diff(old, new, inputs)` evaluates both sets of conditions on every document and reports, in
exact fractions: each set's expected human loops (every `Sampling` node counted by its
probability, as `simulate` does), the loops certain whatever the draws, the cost, every top-level
condition matched across the two sets by meaning (`a2icond.equivalence`: a member kept, added or
removed, and how often it holds before and after), and the documents whose verdict changes:
a loop that starts and no longer does, or the reverse, or a certain loop that now depends on a
draw. Memory stays flat: per document only the two outcome tuples are kept, probabilities are
computed once per distinct tuple, and at most `MAX_LISTED` changed documents are listed (all are
counted).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..model import Conditions
from .evaluate import Plan, prepare, tree_probability
from .responses import Response, ResponseError
from .s3 import S3Options
from .simulation import dollars

#: Changed documents listed (all are counted) and bad inputs listed.
MAX_LISTED = 1000
#: Distinct outcome tuples whose probabilities are remembered.
MAX_CACHED = 4096


@dataclass(frozen=True)
class MemberChange:
    """One top-level condition of either set: `status` is "kept" (an equivalent member is in
    both), "added" or "removed"; `holds_*` are the expected documents where it holds (None for
    the set it is not in); `documents` lists (up to 20) documents where it holds in the set(s)
    it belongs to and the verdict changed."""

    text: str
    status: str
    old_index: int | None
    new_index: int | None
    holds_old: Fraction | None
    holds_new: Fraction | None
    documents: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "condition": self.text,
            "status": self.status,
            "oldIndex": self.old_index,
            "newIndex": self.new_index,
            "holdsBefore": None if self.holds_old is None else float(self.holds_old),
            "holdsAfter": None if self.holds_new is None else float(self.holds_new),
            "documents": list(self.documents),
        }


@dataclass(frozen=True)
class DocumentChange:
    """A document whose probability of starting a loop changed (1: certain, 0: never)."""

    name: str
    before: Fraction
    after: Fraction

    @property
    def kind(self) -> str:
        """`starts -> no loop`, `no loop -> starts`, or a change involving a sampling draw."""
        return f"{verdict(self.before)} -> {verdict(self.after)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.name,
            "before": verdict(self.before),
            "after": verdict(self.after),
            "probabilityBefore": float(self.before),
            "probabilityAfter": float(self.after),
        }


def verdict(p: Fraction) -> str:
    if p == 1:
        return "loop"
    if p == 0:
        return "no loop"
    return f"loop {float(p):.4g}"


@dataclass(frozen=True)
class Side:
    """One set of conditions over the corpus: expected loops, certain loops, cost."""

    expected: Fraction
    certain: int
    documents: int
    task_count: int
    price_usd: Fraction | None
    object_price_usd: Fraction | None

    @property
    def rate(self) -> Fraction:
        return self.expected / self.documents if self.documents else Fraction(0)

    @property
    def cost_usd(self) -> Fraction | None:
        parts = []
        if self.price_usd is not None:
            parts.append(self.expected * self.task_count * self.price_usd)
        if self.object_price_usd is not None:
            parts.append(self.expected * self.object_price_usd)
        return sum(parts, Fraction(0)) if parts else None

    def to_dict(self) -> dict[str, Any]:
        cost = self.cost_usd
        return {
            "humanLoopsExpected": float(self.expected),
            "humanLoopsCertain": self.certain,
            "rate": float(self.rate),
            "estimatedCostUsd": None if cost is None else float(cost),
        }


@dataclass(frozen=True)
class DiffReport:
    """The result of `diff`. `changed` counts every document whose verdict changed;
    `changes` lists the first `MAX_LISTED` of them."""

    old_name: str
    new_name: str
    documents: int
    errors: int
    before: Side
    after: Side
    members: tuple[MemberChange, ...]
    changed: int
    changes: tuple[DocumentChange, ...]
    failures: tuple[tuple[str, str], ...] = ()
    interrupted: bool = False
    equivalent: bool = False

    @property
    def rate_increase(self) -> Fraction:
        """The change in the loop rate, as a fraction of documents (0.02 = 2 points)."""
        return self.after.rate - self.before.rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_name,
            "new": self.new_name,
            "equivalent": self.equivalent,
            "documents": self.documents,
            "errors": self.errors,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "rateIncrease": float(self.rate_increase),
            "conditions": [m.to_dict() for m in self.members],
            "changed": self.changed,
            "changes": [c.to_dict() for c in self.changes],
            "interrupted": self.interrupted,
        }


@dataclass
class _Tally:
    plan: Plan
    cache: dict[tuple[bool, ...], tuple[Fraction, tuple[Fraction, ...]]] = field(
        default_factory=dict
    )
    expected: Fraction = Fraction(0)
    certain: int = 0
    holds: list[Fraction] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.holds = [Fraction(0)] * len(self.plan.tree)

    def probabilities(self, outcome: tuple[bool, ...]) -> tuple[Fraction, tuple[Fraction, ...]]:
        """The loop's probability and each top-level member's, for one outcome tuple."""
        found = self.cache.get(outcome)
        if found is None:
            plan = self.plan
            sampling = [plan.leaves[i].percentage / 100 for i in plan.sampling]  # type: ignore[operator]
            values = plan.leaf_values([Fraction(int(v)) for v in outcome], sampling)
            tops = tuple(tree_probability(node, values) for node in plan.tree)
            none = Fraction(1)
            for p in tops:
                none *= 1 - p
            found = (1 - none, tops)
            if len(self.cache) >= MAX_CACHED:
                self.cache.clear()
            self.cache[outcome] = found
        return found

    def add(self, outcome: tuple[bool, ...]) -> tuple[Fraction, tuple[Fraction, ...]]:
        loop, tops = self.probabilities(outcome)
        self.expected += loop
        self.certain += loop == 1
        for i, p in enumerate(tops):
            self.holds[i] += p
        return loop, tops


def describe(node: Mapping[str, Any]) -> str:
    """A short one-line text for a condition node (A2I's names, parameters inline)."""
    for group in ("And", "Or"):
        if group in node:
            inner = f" {group.lower()} ".join(describe(m) for m in node[group])
            return f"({inner})"
    params = node.get("ConditionParameters", {})
    shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items())
    return f"{node.get('ConditionType')}({shown})"


def _match_members(
    old: Conditions, new: Conditions
) -> list[tuple[str, int | None, int | None, str]]:
    """Top-level members paired by meaning: (status, old index, new index, text)."""
    from ..equivalence import node_key

    old_docs = [m.to_dict() for m in old.members]
    new_docs = [m.to_dict() for m in new.members]
    unmatched_new: dict[Any, list[int]] = {}
    for j, doc in enumerate(new_docs):
        unmatched_new.setdefault(node_key(doc), []).append(j)
    out: list[tuple[str, int | None, int | None, str]] = []
    for i, doc in enumerate(old_docs):
        partners = unmatched_new.get(node_key(doc))
        if partners:
            out.append(("kept", i, partners.pop(0), describe(doc)))
        else:
            out.append(("removed", i, None, describe(doc)))
    for j, doc in enumerate(new_docs):
        if j in {n for s, _, n, _ in out if n is not None}:
            continue
        out.append(("added", None, j, describe(doc)))
    return out


def diff(
    old: Plan | Conditions | Mapping[str, Any] | str,
    new: Plan | Conditions | Mapping[str, Any] | str,
    inputs: Iterable[Any],
    *,
    old_name: str = "old",
    new_name: str = "new",
    s3: S3Options | None = None,
    task_count: int = 1,
    price_usd: Any = None,
    object_price_usd: Any = None,
) -> DiffReport:
    """Compare two sets of conditions over a corpus (files, folders, JSON Lines, `s3://` URLs,
    parsed documents). Ctrl-C stops and returns what was done, with `interrupted` set."""
    from .corpus import read_corpus

    old_plan, new_plan = prepare(old), prepare(new)
    if isinstance(task_count, bool) or not isinstance(task_count, int) or task_count < 1:
        raise ValueError(f"task_count must be a positive integer, got {task_count!r}")
    price = dollars(price_usd, "price_usd")
    object_price = dollars(object_price_usd, "object_price_usd")
    if isinstance(inputs, (str, Mapping, Response)):
        inputs = [inputs]
    pairs = _match_members(old_plan.conditions, new_plan.conditions)
    before, after = _Tally(old_plan), _Tally(new_plan)
    documents = errors = changed = 0
    failures: list[tuple[str, str]] = []
    changes: list[DocumentChange] = []
    behind: dict[int, list[str]] = {k: [] for k in range(len(pairs))}
    interrupted = False
    try:
        for name, doc in read_corpus(inputs, s3):
            try:
                if isinstance(doc, ResponseError):
                    raise doc
                old_plan.check_kind(doc)
                new_plan.check_kind(doc)
                old_outcome = old_plan.deterministic_outcome(doc)
                new_outcome = new_plan.deterministic_outcome(doc)
            except ResponseError as exc:
                errors += 1
                if len(failures) < MAX_LISTED:
                    failures.append((exc.name, exc.message))
                continue
            documents += 1
            p_old, tops_old = before.add(old_outcome)
            p_new, tops_new = after.add(new_outcome)
            if p_old != p_new:
                changed += 1
                if len(changes) < MAX_LISTED:
                    changes.append(DocumentChange(name, p_old, p_new))
                for k, (_, i, j, _) in enumerate(pairs):
                    holds = (i is not None and tops_old[i] > 0) or (
                        j is not None and tops_new[j] > 0
                    )
                    if holds and len(behind[k]) < 20:
                        behind[k].append(name)
    except KeyboardInterrupt:
        interrupted = True
    members = tuple(
        MemberChange(
            text,
            status,
            i,
            j,
            None if i is None else before.holds[i],
            None if j is None else after.holds[j],
            tuple(behind[k]),
        )
        for k, (status, i, j, text) in enumerate(pairs)
    )
    return DiffReport(
        old_name,
        new_name,
        documents,
        errors,
        Side(before.expected, before.certain, documents, task_count, price, object_price),
        Side(after.expected, after.certain, documents, task_count, price, object_price),
        members,
        changed,
        tuple(changes),
        tuple(failures),
        interrupted,
        _equivalent(old_plan.conditions, new_plan.conditions),
    )


def _equivalent(old: Conditions, new: Conditions) -> bool:
    from ..equivalence import equivalent

    return equivalent(old.to_dict(), new.to_dict())
