"""Simulation over a corpus: how many human loops, how often each condition fires, what it costs.

`simulate(conditions, inputs)` streams responses from files, folders and JSON Lines files, and
never stops on a bad document (it counts and lists it). Expected counts are exact: every
`Sampling` condition is an independent event with its own probability (its percentage), every
other condition is decided by the document, and a document's chance of starting a loop is
computed through the And/Or tree (`P(and) = product`, `P(or) = 1 - product of complements`).
The tree's members are disjoint subtrees, so those products are exact under the independence of
the Sampling nodes; docs/evaluation.md says more.

Per document, only the non-Sampling conditions are evaluated; their results (a tuple of
booleans) are counted, and the probabilities are computed once per distinct tuple, in exact
fractions. So `sample 5%` over 1,000 documents expects exactly 50.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..model import Conditions
from .decoding import decode_or_error, read_responses
from .evaluate import Plan, prepare, tree_probability
from .responses import Response, ResponseError, expand, is_jsonl, normalize

#: At most this many bad inputs are listed (all are counted), to keep memory flat.
MAX_LISTED_ERRORS = 1000
#: Distinct outcome tuples kept before folding them into exact sums (memory stays flat).
MAX_OUTCOMES = 4096
#: Work sent to a worker process at a time: JSON files, or JSON Lines lines.
FILES_PER_CHUNK = 16
LINES_PER_CHUNK = 256


@dataclass(frozen=True)
class ConditionStat:
    """For one member of `Conditions` (0-based `index`): expected documents where it holds,
    and where it is the only member that holds."""

    index: int
    holds: Fraction
    only_one: Fraction

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "holds": float(self.holds), "onlyOne": float(self.only_one)}


@dataclass(frozen=True)
class SimulationReport:
    """The result of `simulate`. Counts are exact fractions; `to_dict()` gives floats."""

    documents: int
    errors: int
    human_loops_expected: Fraction
    human_loops_certain: int
    conditions: tuple[ConditionStat, ...]
    task_count: int = 1
    price_usd: Fraction | None = None
    failures: tuple[tuple[str, str], ...] = ()

    @property
    def rate(self) -> Fraction:
        """Expected loops per evaluated document (0 when there are none)."""
        return self.human_loops_expected / self.documents if self.documents else Fraction(0)

    @property
    def estimated_cost_usd(self) -> Fraction | None:
        if self.price_usd is None:
            return None
        return self.human_loops_expected * self.task_count * self.price_usd

    def to_dict(self) -> dict[str, Any]:
        """The `simulate --json` object."""
        cost = self.estimated_cost_usd
        return {
            "documents": self.documents,
            "errors": self.errors,
            "humanLoopsExpected": float(self.human_loops_expected),
            "humanLoopsCertain": self.human_loops_certain,
            "rate": float(self.rate),
            "conditions": [c.to_dict() for c in self.conditions],
            "estimatedCostUsd": None if cost is None else float(cost),
        }


@dataclass
class Tally:
    """Partial results: mergeable, picklable, bounded in size (what worker processes return)."""

    members: int
    documents: int = 0
    outcomes: Counter[tuple[bool, ...]] = field(default_factory=Counter)
    expected: Fraction = Fraction(0)
    certain: int = 0
    holds: list[Fraction] = field(default_factory=list)
    only_one: list[Fraction] = field(default_factory=list)
    errors: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.holds:
            self.holds = [Fraction(0)] * self.members
            self.only_one = [Fraction(0)] * self.members

    def fail(self, name: str, message: str) -> None:
        self.errors += 1
        if len(self.failures) < MAX_LISTED_ERRORS:
            self.failures.append((name, message))

    def fold(self, plan: Plan) -> None:
        """Turn the counted outcomes into exact sums (then forget them)."""
        if not self.outcomes:
            return
        sampling = [plan.leaves[i].percentage / 100 for i in plan.sampling]  # type: ignore[operator]
        for outcome, count in self.outcomes.items():
            values = plan.leaf_values([Fraction(int(v)) for v in outcome], sampling)
            tops = [tree_probability(node, values) for node in plan.tree]
            none = Fraction(1)
            for p in tops:
                none *= 1 - p
            loop = 1 - none
            self.expected += count * loop
            if loop == 1:
                self.certain += count
            for i, p in enumerate(tops):
                self.holds[i] += count * p
                others = Fraction(1)
                for j, q in enumerate(tops):
                    if j != i:
                        others *= 1 - q
                self.only_one[i] += count * p * others
        self.outcomes.clear()

    def merge(self, other: Tally, plan: Plan) -> None:
        other.fold(plan)
        self.documents += other.documents
        self.expected += other.expected
        self.certain += other.certain
        for i in range(self.members):
            self.holds[i] += other.holds[i]
            self.only_one[i] += other.only_one[i]
        self.errors += other.errors
        room = MAX_LISTED_ERRORS - len(self.failures)
        self.failures.extend(other.failures[: max(room, 0)])


def _count(plan: Plan, tally: Tally, name: str, document: Any) -> None:
    """Evaluate one parsed document into `tally`; a bad one is counted and listed."""
    if isinstance(document, ResponseError):
        tally.fail(document.name, document.message)
        return
    try:
        resp = document if isinstance(document, Response) else normalize(document, name)
        plan.check_kind(resp)
        outcome = plan.deterministic_outcome(resp)
    except ResponseError as exc:
        tally.fail(exc.name, exc.message)
        return
    tally.documents += 1
    tally.outcomes[outcome] += 1
    if len(tally.outcomes) > MAX_OUTCOMES:
        tally.fold(plan)


def _run_chunk(plan: Plan, chunk: list[tuple[Any, ...]]) -> Tally:
    """Worker: evaluate a chunk of ("file", path) or ("line", name, bytes) items."""

    tally = Tally(len(plan.tree))
    for item in chunk:
        if item[0] == "file":
            for name, document in read_responses(item[1]):
                _count(plan, tally, name, document)
        else:
            _count(plan, tally, item[1], decode_or_error(item[2], item[1], one_line=True))
    tally.fold(plan)
    return tally


def _items(inputs: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """Work items in input order: ("doc", name, obj), ("file", path), ("line", name, bytes)."""
    for position, item in enumerate(inputs):
        if isinstance(item, (Mapping, Response)):
            yield ("doc", f"<input {position}>", item)
            continue
        for path in expand([item]):
            if is_jsonl(path):
                try:
                    fh = open(path, "rb")  # noqa: SIM115 - closed below
                except OSError:
                    yield ("file", path)  # read_file reports the error
                    continue
                with fh:
                    for number, line in enumerate(fh, 1):
                        if line.strip():
                            yield ("line", f"{path}:{number}", line)
            else:
                yield ("file", path)


def _chunks(items: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    lines = 0
    for item in items:
        chunk.append(item)
        lines += item[0] == "line"
        if len(chunk) - lines >= FILES_PER_CHUNK or lines >= LINES_PER_CHUNK:
            yield chunk
            chunk, lines = [], 0
    if chunk:
        yield chunk


def _progress_bar(progress: bool) -> Any:
    """A tqdm bar on standard error, only when asked for and stderr is a terminal."""
    if not progress or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, desc="simulating", dynamic_ncols=True, leave=False)


def simulate(
    conditions: Plan | Conditions | Mapping[str, Any] | str,
    inputs: Iterable[Any] | str | os.PathLike[str],
    *,
    task_count: int = 1,
    price_usd: Any = None,
    jobs: int = 1,
    progress: bool = False,
) -> SimulationReport:
    """Expected human loops and cost of `conditions` over a corpus of responses.

    `inputs`: paths (files, folders = every `*.json` below them, JSON Lines files), or parsed
    responses (dicts). `jobs` > 1 spreads the files over that many processes (0: one per CPU).
    `price_usd` (per task; a string such as "0.036", a Decimal or a number) gives
    `estimated_cost_usd = expected loops x task_count x price_usd`.
    """
    plan = prepare(conditions)
    if isinstance(inputs, (str, os.PathLike, Mapping, Response)):
        inputs = [inputs]
    if isinstance(task_count, bool) or not isinstance(task_count, int) or task_count < 1:
        raise ValueError(f"task_count must be a positive integer, got {task_count!r}")
    price = None if price_usd is None else Fraction(str(price_usd))
    if price is not None and price < 0:
        raise ValueError(f"price_usd must not be negative, got {price_usd!r}")
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1 (or 0 for one per CPU), got {jobs!r}")

    total = Tally(len(plan.tree))
    bar = _progress_bar(progress)
    try:
        if jobs == 1:
            _simulate_here(plan, inputs, total, bar)
        else:
            _simulate_parallel(plan, inputs, total, bar, jobs)
    finally:
        if bar is not None:
            bar.close()
    total.fold(plan)
    return SimulationReport(
        documents=total.documents,
        errors=total.errors,
        human_loops_expected=total.expected,
        human_loops_certain=total.certain,
        conditions=tuple(
            ConditionStat(i, total.holds[i], total.only_one[i]) for i in range(len(plan.tree))
        ),
        task_count=task_count,
        price_usd=price,
        failures=tuple(total.failures),
    )


def _simulate_here(plan: Plan, inputs: Iterable[Any], total: Tally, bar: Any) -> None:

    for item in _items(inputs):
        before = total.documents + total.errors
        if item[0] == "doc":
            _count(plan, total, item[1], item[2])
        elif item[0] == "file":
            for name, document in read_responses(item[1]):
                _count(plan, total, name, document)
        else:
            _count(plan, total, item[1], decode_or_error(item[2], item[1], one_line=True))
        if bar is not None:
            bar.update(total.documents + total.errors - before)


def _simulate_parallel(
    plan: Plan, inputs: Iterable[Any], total: Tally, bar: Any, jobs: int
) -> None:
    """Chunks of work to `jobs` processes, a bounded number in flight; results merged in order."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    def local(item: tuple[Any, ...]) -> bool:
        if item[0] == "doc":  # already parsed: cheaper here than pickled to a worker
            _count(plan, total, item[1], item[2])
            if bar is not None:
                bar.update(1)
            return True
        return False

    remote = (item for item in _items(inputs) if not local(item))
    pending: dict[Future[Tally], int] = {}
    done_by_index: dict[int, Tally] = {}
    next_merge = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunks = enumerate(_chunks(remote))
        exhausted = False
        while True:
            while not exhausted and len(pending) < jobs * 2:
                try:
                    index, chunk = next(chunks)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(_run_chunk, plan, chunk)] = index
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                done_by_index[index] = future.result()
            while next_merge in done_by_index:  # merge in input order: errors listed in order
                part = done_by_index.pop(next_merge)
                if bar is not None:
                    bar.update(part.documents + part.errors)
                total.merge(part, plan)
                next_merge += 1
