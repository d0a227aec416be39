"""Offline evaluation of A2I activation conditions against one response.

`evaluate(conditions, response)` answers what A2I would do with one Rekognition or Textract
response: whether a human loop starts, every node's `EvaluationResult` in A2I's own format, and
the items reviewers would see (`selectedAiServiceResponse`). The rules, and the evidence for
each, are in docs/evaluation.md.

The conditions are compiled once into a `Plan`: a flat list of leaf tests (closures over
precomputed key sets and comparators) and a small tree of indexes into it. `simulate` reuses the
same plan over millions of documents, so nothing is validated or rebuilt per document.
Everything here is a pure function of its inputs: a `Plan` pickles as its conditions, results are
plain data, so `evaluate` can be mapped over a Dask bag or a Spark RDD.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeAlias

from ..model import (
    AND,
    ANY,
    CONDITION_PARAMETERS,
    CONDITION_TYPE,
    CONDITIONS,
    KEY,
    KEY_ALIASES,
    KEY_CHECK,
    KEY_VALUE_PREFIX,
    LABEL_CHECK,
    LABEL_NAME,
    MISSING_KEY,
    OR,
    SAMPLING,
    SAMPLING_PERCENTAGE,
    WORD_PREFIX,
    And,
    Condition,
    Conditions,
    Node,
    Or,
)
from ..model import conditions as model_conditions
from .records import Difference, compare_with_record
from .responses import Response, ResponseError, normalize, trimmed_block

Path: TypeAlias = tuple[int, ...]
Compare = Callable[[float, float], bool]

#: A2I's comparator suffixes as Python comparisons: `confidence OP threshold`.
OPS: dict[str, Compare] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
}

#: The condition types that need a response of one kind (Sampling works with both).
KIND_OF_TYPE = {LABEL_CHECK: "rekognition", KEY_CHECK: "textract", MISSING_KEY: "textract"}


# -- the compiled plan ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leaf:
    """One condition of the tree, with its position and a fast test.

    `test(response) -> bool` decides the condition; `matches(response)` gives the items a
    confidence check matched (label indexes or block ids), for the selection.
    """

    path: Path
    condition: Condition
    test: Callable[[Response], bool]
    matches: Callable[[Response], list[Any]] | None
    percentage: Fraction | None = None  # Sampling only


# A compiled tree node: ("leaf", leaf_number) or ("and" | "or", children).
PlanNode: TypeAlias = tuple[str, Any]


def _thresholds(condition: Condition) -> list[tuple[str, Compare, float]]:
    return [(prefix, OPS[op], value) for prefix, op, value in condition.thresholds()]


def _label_leaf(condition: Condition, path: Path) -> Leaf:
    wanted = condition.parameters[LABEL_NAME]
    checks = tuple((cmp, value) for _, cmp, value in _thresholds(condition))

    def matched(label_conf: float) -> bool:
        return any(cmp(label_conf, value) for cmp, value in checks)

    if wanted == ANY:

        def test(r: Response) -> bool:
            return any(matched(lab.confidence) for lab in r.labels)

        def matches(r: Response) -> list[Any]:
            return [lab.index for lab in r.labels if matched(lab.confidence)]
    else:

        def test(r: Response) -> bool:
            return any(lab.name == wanted and matched(lab.confidence) for lab in r.labels)

        def matches(r: Response) -> list[Any]:
            return [lab.index for lab in r.labels if lab.name == wanted and matched(lab.confidence)]

    return Leaf(path, condition, test, matches)


def _key_texts(condition: Condition) -> frozenset[str] | None:
    """The texts a key condition matches (the key and its aliases); None for `*`."""
    key = condition.parameters[KEY]
    if key == ANY:
        return None
    return frozenset([key, *condition.parameters.get(KEY_ALIASES, ())])


def _key_leaf(condition: Condition, path: Path) -> Leaf:
    texts = _key_texts(condition)
    kv = tuple((cmp, v) for prefix, cmp, v in _thresholds(condition) if prefix == KEY_VALUE_PREFIX)
    word = tuple((cmp, v) for prefix, cmp, v in _thresholds(condition) if prefix == WORD_PREFIX)

    def pair_holds(pair: Any) -> bool:
        conf = pair.confidence
        if conf is not None:
            for cmp, v in kv:
                if cmp(conf, v):
                    return True
        if word:
            for words in (pair.key_words, pair.value_words):
                for _, wc in words:
                    if wc is not None:
                        for cmp, v in word:
                            if cmp(wc, v):
                                return True
        return False

    def test(r: Response) -> bool:
        return any((texts is None or p.text in texts) and pair_holds(p) for p in r.pairs)

    def matches(r: Response) -> list[Any]:
        return [
            pair for pair in r.pairs if (texts is None or pair.text in texts) and pair_holds(pair)
        ]

    return Leaf(path, condition, test, matches)


def _missing_leaf(condition: Condition, path: Path) -> Leaf:
    texts = _key_texts(condition) or frozenset()

    def test(r: Response) -> bool:
        return texts.isdisjoint(r.key_texts)

    return Leaf(path, condition, test, None)


def _sampling_leaf(condition: Condition, path: Path) -> Leaf:
    percentage = Fraction(str(condition.parameters[SAMPLING_PERCENTAGE]))

    def test(r: Response) -> bool:  # the draw; see `draw`
        return draw(r.canonical_bytes(), path) * 100 < percentage

    return Leaf(path, condition, test, None, percentage)


def draw(seed: bytes, path: Path) -> Fraction:
    """A deterministic number in [0, 1) from a response's canonical bytes and a node's path.

    BLAKE2b of the bytes and the path; the first 8 bytes as a fraction of 2**64. Exact, so a
    100% condition always holds and 0.01% holds for exactly 1 in 10,000 of the hash space.
    """
    digest = hashlib.blake2b(seed, digest_size=8, person=b"a2icond-sample")
    digest.update(b"\x00" + "/".join(map(str, path)).encode("ascii"))
    return Fraction(int.from_bytes(digest.digest(), "big"), 1 << 64)


class Plan:
    """Conditions compiled for fast, repeated evaluation. Build with `prepare(conditions)`.

    Pickles as its conditions' JSON (closures do not pickle), so it can be sent to worker
    processes and rebuilt there.
    """

    def __init__(self, conditions: Conditions) -> None:
        self.conditions = conditions
        self.leaves: list[Leaf] = []
        self.kinds = {
            KIND_OF_TYPE[leaf_type]
            for leaf_type in _types(conditions.members)
            if leaf_type in KIND_OF_TYPE
        }
        if not self.kinds and conditions.source_known:  # `source textract` + `sample` only
            self.kinds = {conditions.source}
        self.tree: tuple[PlanNode, ...] = tuple(
            self._compile(member, (i,)) for i, member in enumerate(conditions.members)
        )
        self.deterministic = tuple(
            i for i, leaf in enumerate(self.leaves) if leaf.percentage is None
        )
        self.sampling = tuple(
            i for i, leaf in enumerate(self.leaves) if leaf.percentage is not None
        )
        self._det_tests = tuple(self.leaves[i].test for i in self.deterministic)

    def __reduce__(self) -> tuple[Any, ...]:
        c = self.conditions
        return (_plan_from_json, (c.source, c.to_json(), c.source_known))

    def _compile(self, node: Node, path: Path) -> PlanNode:
        if isinstance(node, (And, Or)):
            children = tuple(self._compile(m, (*path, j)) for j, m in enumerate(node.members))
            return ("and" if isinstance(node, And) else "or", children)
        builder = {
            LABEL_CHECK: _label_leaf,
            KEY_CHECK: _key_leaf,
            MISSING_KEY: _missing_leaf,
            SAMPLING: _sampling_leaf,
        }[node.condition_type]
        self.leaves.append(builder(node, path))
        return ("leaf", len(self.leaves) - 1)

    def check_kind(self, response: Response) -> None:
        """Refuse a response of the other service (Sampling-only conditions take either)."""
        if self.kinds and response.kind not in self.kinds:
            want = " or ".join(sorted(self.kinds))
            raise ResponseError(
                f"the conditions are for {want}, but this is a {response.kind} response",
                response.name,
            )

    def deterministic_outcome(self, response: Response) -> tuple[bool, ...]:
        """The result of every non-Sampling condition, in leaf order (what `simulate` counts)."""
        return tuple(test(response) for test in self._det_tests)

    def leaf_values(self, outcome: Sequence[Any], sampling: Sequence[Any]) -> list[Any]:
        """Values for all leaves from deterministic outcomes and Sampling values, in leaf order."""
        values: list[Any] = [None] * len(self.leaves)
        for i, v in zip(self.deterministic, outcome, strict=True):
            values[i] = v
        for i, v in zip(self.sampling, sampling, strict=True):
            values[i] = v
        return values


def _plan_from_json(source: str, text: str, source_known: bool = True) -> Plan:
    from ..model import node_from_dict

    document = json.loads(text)
    members = tuple(node_from_dict(m) for m in document[CONDITIONS])
    return Plan(Conditions(source, members, source_known=source_known))  # type: ignore[arg-type]


def _types(members: Sequence[Node]) -> set[str]:
    return {condition.condition_type for condition in model_conditions(members)}


def prepare(conditions: Plan | Conditions | Mapping[str, Any] | str) -> Plan:
    """A `Plan` from conditions given as a `Conditions` object, a dict, or JSON text.

    Dicts and text are validated like a `.json` conditions file (raises `CompileError`).
    """
    if isinstance(conditions, Plan):
        return conditions
    if isinstance(conditions, Conditions):
        return Plan(conditions)
    from ..jsonconditions import from_json_text

    if isinstance(conditions, Mapping):
        text = json.dumps(conditions, ensure_ascii=False)
        return Plan(from_json_text(text, filename="<conditions>", require_source=False))
    if isinstance(conditions, str):
        return Plan(from_json_text(conditions, filename="<conditions>", require_source=False))
    raise TypeError(
        "conditions must be a Conditions object, a dict or JSON text, "
        f"not {type(conditions).__name__}"
    )


# -- tree arithmetic ---------------------------------------------------------------------------


def tree_value(node: PlanNode, values: Sequence[bool]) -> bool:
    """A node's result given every leaf's result (every member evaluated: no short-circuit)."""
    kind, arg = node
    if kind == "leaf":
        return bool(values[arg])
    results = [tree_value(child, values) for child in arg]
    return all(results) if kind == "and" else any(results)


def tree_probability(node: PlanNode, values: Sequence[Fraction]) -> Fraction:
    """A node's probability of holding, given each leaf's (independent) probability."""
    kind, arg = node
    if kind == "leaf":
        return values[arg]
    probs = [tree_probability(child, values) for child in arg]
    if kind == "and":
        out = Fraction(1)
        for p in probs:
            out *= p
        return out
    miss = Fraction(1)
    for p in probs:
        miss *= 1 - p
    return 1 - miss


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SamplingDraw:
    """One Sampling condition's draw: its path, percentage, the number drawn and the result."""

    path: Path
    percentage: float
    value: float
    holds: bool


@dataclass(frozen=True)
class EvaluationResult:
    """What A2I would do with one response.

    `condition_results` is `humanTaskActivationConditionResults`; `selected` is
    `selectedAiServiceResponse` in the response's key style. `depends_on_sampling` is true when
    another draw could change whether the loop starts; `sampled` lists the paths of the nodes
    whose result depends on a draw. `differences` is None unless the input was an A2I record.
    """

    human_loop_activated: bool
    condition_results: dict[str, Any]
    selected: dict[str, Any]
    depends_on_sampling: bool
    sampled: tuple[Path, ...] = ()
    draws: tuple[SamplingDraw, ...] = ()
    kind: str = ""
    style: str = ""
    name: str = "<response>"
    differences: tuple[Difference, ...] | None = None
    node_results: dict[Path, bool] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The three parts A2I writes in its output record, under A2I's names."""
        return {
            "HumanLoopActivated": self.human_loop_activated,
            "humanTaskActivationConditionResults": self.condition_results,
            "selectedAiServiceResponse": self.selected,
        }


def _result_tree(
    node: Node, plan_node: PlanNode, values: Sequence[bool], path: Path, out: dict[Path, bool]
) -> dict[str, Any]:
    """A2I's format for one node, keys in alphabetical order as in A2I's records."""
    if isinstance(node, Condition):
        result = bool(values[plan_node[1]])
        out[path] = result
        return {
            CONDITION_PARAMETERS: {k: node.parameters[k] for k in sorted(node.parameters)},
            CONDITION_TYPE: node.condition_type,
            "EvaluationResult": result,
        }
    members = [
        _result_tree(m, pn, values, (*path, j), out)
        for j, (m, pn) in enumerate(zip(node.members, plan_node[1], strict=True))
    ]
    member_results = [out[(*path, j)] for j in range(len(members))]
    result = any(member_results) if isinstance(node, Or) else all(member_results)
    out[path] = result
    name = AND if isinstance(node, And) else OR
    return dict(sorted({name: members, "EvaluationResult": result}.items()))


def _node_values(plan: Plan, values: Sequence[bool]) -> dict[Path, bool]:
    out: dict[Path, bool] = {}
    for i, (member, pn) in enumerate(zip(plan.conditions.members, plan.tree, strict=True)):
        _result_tree(member, pn, values, (i,), out)
    return out


def evaluate(
    conditions: Plan | Conditions | Mapping[str, Any] | str,
    response: Response | Mapping[str, Any],
) -> EvaluationResult:
    """Evaluate activation conditions against one response, as A2I would.

    `conditions`: a `Conditions` object (from `a2icond.compile` / `a2icond.load`), a dict, JSON
    text, or a `Plan` from `prepare` (fastest when evaluating many responses). `response`: a
    parsed Rekognition/Textract response or A2I output record, or a normalized `Response`.
    Raises `ResponseError` for a response that cannot be understood, `CompileError` for invalid
    conditions.
    """
    plan = prepare(conditions)
    resp = response if isinstance(response, Response) else normalize(response)
    plan.check_kind(resp)
    leaves = plan.leaves

    outcome = plan.deterministic_outcome(resp)
    draws: list[SamplingDraw] = []
    drawn: list[bool] = []
    if plan.sampling:
        seed = resp.canonical_bytes()
        for i in plan.sampling:
            leaf = leaves[i]
            value = draw(seed, leaf.path)
            holds = value * 100 < leaf.percentage  # type: ignore[operator]
            drawn.append(holds)
            draws.append(
                SamplingDraw(
                    leaf.path,
                    float(leaf.percentage) if leaf.percentage else 0.0,
                    float(value),
                    holds,
                )
            )
    values = plan.leaf_values(outcome, drawn)

    results: list[dict[str, Any]] = []
    node_results: dict[Path, bool] = {}
    for i, (member, pn) in enumerate(zip(plan.conditions.members, plan.tree, strict=True)):
        results.append(_result_tree(member, pn, values, (i,), node_results))
    activated = any(node_results[(i,)] for i in range(len(plan.tree)))

    sampled: tuple[Path, ...] = ()
    depends = False
    sampling_alone = False
    if plan.sampling:
        all_true = _node_values(plan, plan.leaf_values(outcome, [True] * len(plan.sampling)))
        all_false = _node_values(plan, plan.leaf_values(outcome, [False] * len(plan.sampling)))
        sampled = tuple(p for p in node_results if all_true[p] != all_false[p])
        top = range(len(plan.tree))
        without_draws = any(all_false[(i,)] for i in top)
        depends = any(all_true[(i,)] for i in top) != without_draws
        only_draws = _node_values(plan, plan.leaf_values([False] * len(outcome), drawn))
        sampling_alone = activated and not without_draws and any(only_draws[(i,)] for i in top)

    selected = _selection(plan, resp, values, node_results, activated, sampling_alone)
    condition_results = {CONDITIONS: results}
    differences = None
    if resp.recorded is not None:
        differences = tuple(compare_with_record(condition_results, selected, resp, set(sampled)))
    return EvaluationResult(
        human_loop_activated=activated,
        condition_results=condition_results,
        selected=selected,
        depends_on_sampling=depends,
        sampled=sampled,
        draws=tuple(draws),
        kind=resp.kind,
        style=resp.style,
        name=resp.name,
        differences=differences,
        node_results=node_results,
    )


def _selection(
    plan: Plan,
    resp: Response,
    values: Sequence[bool],
    node_results: Mapping[Path, bool],
    activated: bool,
    sampling_alone: bool,
) -> dict[str, Any]:
    """`selectedAiServiceResponse`: what reviewers see, in the response's key style."""
    n = resp.names
    if resp.kind == "rekognition":
        all_items = resp.raw[n.labels]
        # A2I's documented record keeps the model version next to the labels.
        version = "ModerationModelVersion" if resp.style == "pascal" else "moderationModelVersion"
        extra = {version: resp.raw[version]} if version in resp.raw else {}
        if sampling_alone:
            return {n.labels: all_items, **extra}
        chosen: set[int] = set()
        for leaf in _selecting_leaves(plan, values, node_results):
            chosen.update(leaf.matches(resp))  # type: ignore[misc]
        return {n.labels: [item for i, item in enumerate(all_items) if i in chosen], **extra}
    blocks = resp.raw[n.blocks]
    if sampling_alone:
        return {n.blocks: blocks}
    ids: set[str] = set()
    for leaf in _selecting_leaves(plan, values, node_results):
        for pair in leaf.matches(resp):  # type: ignore[misc]
            ids.update(pair.block_ids())
    if not ids:
        return {n.blocks: []}
    ident = n.id
    return {n.blocks: [trimmed_block(b, n) for b in blocks if b.get(ident) in ids]}


def _selecting_leaves(
    plan: Plan, values: Sequence[bool], node_results: Mapping[Path, bool]
) -> list[Leaf]:
    """Confidence checks that hold and whose every enclosing group holds."""
    out = []
    for i, leaf in enumerate(plan.leaves):
        if leaf.matches is None or not values[i]:
            continue
        path = leaf.path
        if all(node_results[path[:k]] for k in range(1, len(path))):
            out.append(leaf)
    return out
