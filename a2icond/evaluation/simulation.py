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

import functools
import operator
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from ..model import Conditions
from .decoding import decode_or_error, read_responses
from .evaluate import Plan, prepare, tree_probability
from .responses import Response, ResponseError, expand, is_jsonl, normalize
from .s3 import S3Options, is_s3

#: At most this many bad inputs are listed (all are counted), to keep memory flat.
MAX_LISTED_ERRORS = 1000
#: Distinct outcome tuples kept before folding them into exact sums (memory stays flat).
MAX_OUTCOMES = 4096
#: Work sent to a worker process at a time: JSON files, or JSON Lines lines.
FILES_PER_CHUNK = 16
LINES_PER_CHUNK = 256


@dataclass(frozen=True)
class ConditionStat:
    """For one row (0-based `index`): expected documents where it holds, and where it is the
    only row that holds. The rows are the members of `Conditions`, with a top-level `Or`
    member (AWS's usual `{"Conditions": [{"Or": [...]}]}`) split into its own members, which
    are alternatives just the same. `path` is the row's JSON path, `condition` its text in the
    condition language, `line` its line in the `.cond` file (0 for JSON)."""

    index: int
    holds: Fraction
    only_one: Fraction
    path: str = ""
    condition: str = ""
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "path": self.path,
            "condition": self.condition,
            "line": self.line or None,
            "holds": float(self.holds),
            "onlyOne": float(self.only_one),
        }


def rows(plan: Plan) -> list[tuple[str, Any, Any]]:
    """`(path, model node, plan node)` of each row of the per-condition table (see
    `ConditionStat`)."""
    from ..model import Or

    out: list[tuple[str, Any, Any]] = []
    for i, (member, node) in enumerate(zip(plan.conditions.members, plan.tree, strict=True)):
        if isinstance(member, Or) and node[0] == "or":
            out.extend(
                (f"Conditions[{i}].Or[{j}]", m, n)
                for j, (m, n) in enumerate(zip(member.members, node[1], strict=True))
            )
        else:
            out.append((f"Conditions[{i}]", member, node))
    return out


def _row_stat(
    index: int, row: tuple[str, Any, Any], source: Any, holds: Fraction, only: Fraction
) -> ConditionStat:
    from ..decompiler import condition_text

    path, member, _ = row
    span = member.span
    line = span.line if span.end > span.start else 0
    return ConditionStat(index, holds, only, path, condition_text(member, source), line)


@dataclass(frozen=True)
class SimulationReport:
    """The result of `simulate`: a mergeable summary. Counts are exact fractions; `to_dict()`
    gives floats.

    Reports of disjoint parts of a corpus combine with `a + b` (or `merge_reports`): every count
    is a sum, so merging is associative and commutative up to the order of the listed
    failures (the first 1,000 in merge order are kept), and `SimulationReport.empty(n)` is the
    identity. That is what lets a corpus be split over Dask, Spark or Ray partitions.

    Cost: each human loop is one reviewed object (an image, or a Textract page), charged
    `object_price_usd` by A2I, plus `task_count x price_usd` for a public workforce.
    """

    documents: int
    errors: int
    human_loops_expected: Fraction
    human_loops_certain: int
    conditions: tuple[ConditionStat, ...]
    task_count: int = 1
    price_usd: Fraction | None = None
    failures: tuple[tuple[str, str], ...] = ()
    object_price_usd: Fraction | None = None
    interrupted: bool = False

    @classmethod
    def empty(
        cls,
        members: int,
        *,
        task_count: int = 1,
        price_usd: Fraction | None = None,
        object_price_usd: Fraction | None = None,
    ) -> SimulationReport:
        """The report of no documents: the identity of `+`."""
        return cls(
            0,
            0,
            Fraction(0),
            0,
            tuple(ConditionStat(i, Fraction(0), Fraction(0)) for i in range(members)),
            task_count,
            price_usd,
            (),
            object_price_usd,
        )

    def __add__(self, other: SimulationReport) -> SimulationReport:
        if not isinstance(other, SimulationReport):
            return NotImplemented
        if len(self.conditions) != len(other.conditions):
            raise ValueError("cannot merge reports of conditions with different members")
        if (self.task_count, self.price_usd, self.object_price_usd) != (
            other.task_count,
            other.price_usd,
            other.object_price_usd,
        ):
            raise ValueError("cannot merge reports made with different prices or task counts")
        return replace(
            self,
            documents=self.documents + other.documents,
            errors=self.errors + other.errors,
            human_loops_expected=self.human_loops_expected + other.human_loops_expected,
            human_loops_certain=self.human_loops_certain + other.human_loops_certain,
            conditions=tuple(
                replace(
                    a if a.condition or not b.condition else b,  # the identity has no text
                    holds=a.holds + b.holds,
                    only_one=a.only_one + b.only_one,
                )
                for a, b in zip(self.conditions, other.conditions, strict=True)
            ),
            failures=(self.failures + other.failures)[:MAX_LISTED_ERRORS],
            interrupted=self.interrupted or other.interrupted,
        )

    @property
    def rate(self) -> Fraction:
        """Expected loops per evaluated document (0 when there are none)."""
        return self.human_loops_expected / self.documents if self.documents else Fraction(0)

    @property
    def workforce_cost_usd(self) -> Fraction | None:
        """Expected loops x task count x the public-workforce price per task (None: no price)."""
        if self.price_usd is None:
            return None
        return self.human_loops_expected * self.task_count * self.price_usd

    @property
    def a2i_cost_usd(self) -> Fraction | None:
        """Expected loops x A2I's charge per reviewed object (None: no charge given)."""
        if self.object_price_usd is None:
            return None
        return self.human_loops_expected * self.object_price_usd

    @property
    def estimated_cost_usd(self) -> Fraction | None:
        """The sum of the known parts of the cost, or None when neither is known."""
        parts = [c for c in (self.a2i_cost_usd, self.workforce_cost_usd) if c is not None]
        return sum(parts, Fraction(0)) if parts else None

    def to_dict(self) -> dict[str, Any]:
        """The `simulate --json` object."""
        cost = self.estimated_cost_usd

        def money(value: Fraction | None) -> float | None:
            return None if value is None else float(value)

        return {
            "documents": self.documents,
            "errors": self.errors,
            "humanLoopsExpected": float(self.human_loops_expected),
            "humanLoopsCertain": self.human_loops_certain,
            "rate": float(self.rate),
            "conditions": [c.to_dict() for c in self.conditions],
            "estimatedCostUsd": None if cost is None else float(cost),
            "cost": {
                "taskCount": self.task_count,
                "workforcePricePerTaskUsd": money(self.price_usd),
                "a2iPricePerObjectUsd": money(self.object_price_usd),
                "workforceUsd": money(self.workforce_cost_usd),
                "a2iUsd": money(self.a2i_cost_usd),
            },
            "interrupted": self.interrupted,
        }


def merge_reports(reports: Iterable[SimulationReport]) -> SimulationReport:
    """`functools.reduce(operator.add, reports)`: partial reports into one."""
    return functools.reduce(operator.add, reports)


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
            tops = [tree_probability(node, values) for _, _, node in rows(plan)]
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


def _run_chunk(plan: Plan, chunk: list[tuple[Any, ...]], s3: S3Options | None = None) -> Tally:
    """Worker: evaluate a chunk of ("file", path), ("line", name, bytes) or ("unit", Unit)
    items (S3 units are fetched by the worker itself, concurrently)."""
    tally = Tally(len(rows(plan)))
    units = []
    for item in chunk:
        if item[0] == "file":
            for name, document in read_responses(item[1]):
                _count(plan, tally, name, document)
        elif item[0] == "line":
            _count(plan, tally, item[1], decode_or_error(item[2], item[1], one_line=True))
        else:
            units.append(item[1])
    if units:
        from .s3 import read_units

        for name, document in read_units(units, s3 or S3Options()):
            _count(plan, tally, name, document)
    tally.fold(plan)
    return tally


def _items(inputs: Iterable[Any], s3: S3Options | None, units: bool) -> Iterator[tuple[Any, ...]]:
    """Work items in input order: ("doc", name, obj), ("file", path), ("line", name, bytes),
    and for S3 ("s3", url) or, with `units`, one ("unit", Unit) per listed document."""
    for position, item in enumerate(inputs):
        if isinstance(item, (Mapping, Response)):
            yield ("doc", f"<input {position}>", item)
            continue
        if is_s3(item):
            if not units:
                yield ("s3", item)
                continue
            from .s3 import list_units

            for unit in list_units(item, s3 or S3Options()):
                if isinstance(unit, ResponseError):
                    yield ("error", unit)
                else:
                    yield ("unit", unit)
            continue
        for path in expand([item]):
            if is_jsonl(path):
                try:
                    fh = open(path, "rb")  # noqa: SIM115 - closed below
                except OSError:
                    yield ("file", path)  # read_responses reports the error
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


def dollars(value: Any, what: str) -> Fraction | None:
    """An amount of US dollars as an exact Fraction (None stays None); junk and negatives are
    a ValueError naming `what`."""
    if value is None:
        return None
    try:
        out = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{what} must be an amount of US dollars, got {value!r}") from None
    if out < 0:
        raise ValueError(f"{what} must not be negative, got {value!r}")
    return out


def simulate(
    conditions: Plan | Conditions | Mapping[str, Any] | str,
    inputs: Iterable[Any] | str | os.PathLike[str],
    *,
    task_count: int = 1,
    price_usd: Any = None,
    object_price_usd: Any = None,
    jobs: int = 1,
    progress: bool = False,
    s3: S3Options | None = None,
    scheduler: str | None = None,
) -> SimulationReport:
    """Expected human loops and cost of `conditions` over a corpus of responses.

    `inputs`: paths (files, folders = every `*.json` below them, JSON Lines files),
    `s3://bucket/prefix/` URLs (read as `s3` options say), or parsed responses (dicts). `jobs`
    > 1 spreads the work over that many processes (0: one per CPU). `scheduler` runs it on a
    Dask distributed cluster instead: a scheduler address, or "local" for a `LocalCluster` of
    `jobs` worker processes (needs `pip install 'a2icond[dask]'`; local paths must be readable
    by the workers). `price_usd` is the public-workforce price per task, `object_price_usd`
    A2I's charge per reviewed object (strings such as "0.036", Decimals or numbers).

    Ctrl-C (KeyboardInterrupt) stops the run and returns the report of what was done, with
    `interrupted` set.
    """
    plan = prepare(conditions)
    if isinstance(inputs, (str, os.PathLike, Mapping, Response)):
        inputs = [inputs]
    if isinstance(task_count, bool) or not isinstance(task_count, int) or task_count < 1:
        raise ValueError(f"task_count must be a positive integer, got {task_count!r}")
    price = dollars(price_usd, "price_usd")
    object_price = dollars(object_price_usd, "object_price_usd")
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1 (or 0 for one per CPU), got {jobs!r}")

    total = Tally(len(rows(plan)))
    bar = _progress_bar(progress)
    interrupted = False
    try:
        if scheduler is not None:
            _simulate_dask(plan, inputs, total, bar, scheduler, jobs, s3)
        elif jobs == 1:
            _simulate_here(plan, inputs, total, bar, s3)
        else:
            _simulate_parallel(plan, inputs, total, bar, jobs, s3)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
    return _report(plan, total, task_count, price, object_price, interrupted)


def _report(
    plan: Plan,
    total: Tally,
    task_count: int = 1,
    price: Fraction | None = None,
    object_price: Fraction | None = None,
    interrupted: bool = False,
) -> SimulationReport:
    total.fold(plan)
    return SimulationReport(
        documents=total.documents,
        errors=total.errors,
        human_loops_expected=total.expected,
        human_loops_certain=total.certain,
        conditions=tuple(
            _row_stat(i, row, plan.conditions.source, total.holds[i], total.only_one[i])
            for i, row in enumerate(rows(plan))
        ),
        task_count=task_count,
        price_usd=price,
        failures=tuple(total.failures),
        object_price_usd=object_price,
        interrupted=interrupted,
    )


def summarize(
    conditions: Plan | Conditions | Mapping[str, Any] | str,
    documents: Iterable[Any],
    *,
    task_count: int = 1,
    price_usd: Any = None,
    object_price_usd: Any = None,
) -> SimulationReport:
    """The report of one partition of a corpus, for Spark's `mapPartitions`, Ray's
    `map_batches` and the like: `documents` are parsed responses (dicts), raw JSON (`bytes` or
    `str`), or `(name, document)` pairs. Merge the partitions' reports with `+`."""
    plan = prepare(conditions)
    tally = Tally(len(rows(plan)))
    for position, item in enumerate(documents):
        name = f"<document {position}>"
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, item = item
        if isinstance(item, str):
            item = item.encode("utf-8")
        if isinstance(item, (bytes, bytearray, memoryview)):
            _count(plan, tally, name, decode_or_error(bytes(item), name))
        else:
            _count(plan, tally, name, item)
    return _report(
        plan,
        tally,
        task_count,
        dollars(price_usd, "price_usd"),
        dollars(object_price_usd, "object_price_usd"),
    )


def _simulate_here(
    plan: Plan, inputs: Iterable[Any], total: Tally, bar: Any, s3: S3Options | None
) -> None:
    for item in _items(inputs, s3, units=False):
        before = total.documents + total.errors
        if item[0] == "doc":
            _count(plan, total, item[1], item[2])
        elif item[0] == "file":
            for name, document in read_responses(item[1]):
                _count(plan, total, name, document)
        elif item[0] == "s3":
            from .s3 import read_url

            for name, document in read_url(item[1], s3 or S3Options()):
                _count(plan, total, name, document)
                if bar is not None:
                    bar.update(1)
            continue
        else:
            _count(plan, total, item[1], decode_or_error(item[2], item[1], one_line=True))
        if bar is not None:
            bar.update(total.documents + total.errors - before)


def _local(plan: Plan, total: Tally, bar: Any, item: tuple[Any, ...]) -> bool:
    """Handle items cheaper here than sent to a worker; False for the others."""
    if item[0] == "doc":
        _count(plan, total, item[1], item[2])
    elif item[0] == "error":
        total.fail(item[1].name, item[1].message)
    else:
        return False
    if bar is not None:
        bar.update(1)
    return True


def _run_ordered(
    chunks: Iterator[list[tuple[Any, ...]]],
    submit: Callable[[list[tuple[Any, ...]]], Any],
    wait_first: Callable[[set[Any]], set[Any]],
    result: Callable[[Any], Tally],
    limit: int,
    plan: Plan,
    total: Tally,
    bar: Any,
) -> None:
    """Chunks to an executor, at most `limit` in flight; partial tallies merged in input order
    (so the failures are listed in input order whatever finishes first)."""
    pending: dict[Any, int] = {}
    done_by_index: dict[int, Tally] = {}
    next_merge = 0
    numbered = enumerate(chunks)
    exhausted = False

    def merge_ready() -> None:
        nonlocal next_merge
        while next_merge in done_by_index:
            part = done_by_index.pop(next_merge)
            if bar is not None:
                bar.update(part.documents + part.errors)
            total.merge(part, plan)
            next_merge += 1

    try:
        while True:
            while not exhausted and len(pending) < limit:
                try:
                    index, chunk = next(numbered)
                except StopIteration:
                    exhausted = True
                    break
                pending[submit(chunk)] = index
            if not pending:
                break
            for future in wait_first(set(pending)):
                done_by_index[pending.pop(future)] = result(future)
            merge_ready()
    except KeyboardInterrupt:
        # keep what the workers finished: every completed chunk, in input order
        for future, index in pending.items():
            if future.done() and not future.cancelled():
                try:
                    done_by_index[index] = result(future)
                except Exception:  # a chunk that failed or was cut off: not counted
                    continue
        for index in sorted(done_by_index):
            next_merge = index
            merge_ready()
        raise


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    """Workers leave Ctrl-C to the parent, which stops the run and reports what was done."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _simulate_parallel(
    plan: Plan, inputs: Iterable[Any], total: Tally, bar: Any, jobs: int, s3: S3Options | None
) -> None:
    """Chunks of work to `jobs` processes, a bounded number in flight; results merged in order."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    remote = (item for item in _items(inputs, s3, units=True) if not _local(plan, total, bar, item))
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_sigint)
    try:
        _run_ordered(
            _chunks(remote),
            lambda chunk: pool.submit(_run_chunk, plan, chunk, s3),
            lambda pending: wait(pending, return_when=FIRST_COMPLETED)[0],
            lambda future: future.result(),
            jobs * 2,
            plan,
            total,
            bar,
        )
    finally:
        # after Ctrl-C: queued chunks are dropped, running ones (workers ignore SIGINT) end
        pool.shutdown(wait=True, cancel_futures=True)


def _simulate_dask(
    plan: Plan,
    inputs: Iterable[Any],
    total: Tally,
    bar: Any,
    scheduler: str,
    jobs: int,
    s3: S3Options | None,
) -> None:
    """The same chunks on a Dask distributed cluster: the plan is scattered once, at most
    four chunks per worker thread are in flight, partial tallies merge in input order."""
    import importlib

    try:  # typed as Any: distributed ships no type hints
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise ValueError(
            "--scheduler needs Dask distributed: pip install 'a2icond[dask]'"
        ) from None

    cluster = None
    if scheduler == "local":
        cluster = distributed.LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            host="127.0.0.1",
        )
        client = distributed.Client(cluster)
    else:
        try:
            client = distributed.Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        threads = max(1, sum(client.nthreads().values()))
        [plan_future] = client.scatter([plan], broadcast=True)
        remote = (
            item for item in _items(inputs, s3, units=True) if not _local(plan, total, bar, item)
        )
        _run_ordered(
            _chunks(remote),
            lambda chunk: client.submit(_run_chunk, plan_future, chunk, s3, pure=False),
            lambda pending: set(
                distributed.wait(list(pending), return_when="FIRST_COMPLETED").done
            ),
            lambda future: future.result(),
            threads * 4,
            plan,
            total,
            bar,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
