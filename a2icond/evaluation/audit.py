"""Auditing A2I's output records: does the offline evaluation still match A2I in production?

Each A2I output record carries the activation conditions with A2I's own `EvaluationResult` on
every node (`humanTaskActivationConditionResults`), the service response they were evaluated on
and what A2I selected for review. `audit` evaluates each record's own conditions (the recorded
tree without its results) on its own response and compares node by node, and the selection
(`records.compare_with_record`, which matches nodes by meaning through `a2icond.equivalence`).

A record **agrees** when nothing differs; it **differs only at sampling draws** when every
difference is at a node whose result depends on a `Sampling` draw (A2I's draw is random, ours a
hash: such differences are expected and do not count as disagreements); otherwise it
**disagrees**. With `conditions`, a record whose conditions are not equivalent to those is also
a disagreement (the deployed definition is not the one under review). Results are grouped per
flow definition: the record's `flowDefinitionArn`, else the flow name in its S3 key
(`<prefix>/<flow>/YYYY/MM/DD/hh/mm/ss/<loop>/output.json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Conditions
from .evaluate import Plan, evaluate, prepare
from .records import Difference
from .responses import Response, ResponseError
from .s3 import S3Options, flow_of

#: Disagreements and unreadable records listed (all are counted).
MAX_LISTED = 1000
#: Distinct recorded condition sets kept compiled.
MAX_PLANS = 256
UNKNOWN_FLOW = "(unknown flow definition)"


@dataclass(frozen=True)
class Disagreement:
    """A record that differs from our evaluation: every node and value that differs."""

    record: str
    flow: str
    differences: tuple[Difference, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "flowDefinition": self.flow,
            "differences": [
                {"where": d.where, "message": d.message, "sampled": d.sampled}
                for d in self.differences
            ],
        }


@dataclass
class FlowAudit:
    """Counts for one flow definition."""

    records: int = 0
    agree: int = 0
    sampled_only: int = 0
    disagree: int = 0
    unreadable: int = 0

    @property
    def rate(self) -> float:
        """Records that agree (sampling-only differences included) per evaluated record."""
        evaluated = self.records - self.unreadable
        return (self.agree + self.sampled_only) / evaluated if evaluated else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "agree": self.agree,
            "differOnlyAtSamplingDraws": self.sampled_only,
            "disagree": self.disagree,
            "unreadable": self.unreadable,
            "agreementRate": self.rate,
        }


@dataclass
class AuditReport:
    """The result of `audit`; `total` sums the flows."""

    total: FlowAudit = field(default_factory=FlowAudit)
    flows: dict[str, FlowAudit] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    sampled: list[Disagreement] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.total.to_dict(),
            "flowDefinitions": {name: f.to_dict() for name, f in sorted(self.flows.items())},
            "disagreements": [d.to_dict() for d in self.disagreements],
            "samplingOnly": [d.to_dict() for d in self.sampled],
            "errors": [{"record": n, "message": m} for n, m in self.failures],
            "interrupted": self.interrupted,
        }


def _bare(value: Any) -> Any:
    """The recorded conditions without A2I's `EvaluationResult`s."""
    if isinstance(value, Mapping):
        return {k: _bare(v) for k, v in value.items() if k != "EvaluationResult"}
    if isinstance(value, list):
        return [_bare(v) for v in value]
    return value


def audit(
    inputs: Iterable[Any],
    *,
    conditions: Plan | Conditions | Mapping[str, Any] | str | None = None,
    s3: S3Options | None = None,
) -> AuditReport:
    """Audit A2I output records from files, folders, JSON Lines, `s3://` URLs or parsed dicts.

    Ctrl-C stops and returns what was done, with `interrupted` set.
    """
    from ..diagnostics import CompileError
    from ..equivalence import equivalent
    from .corpus import read_corpus

    ours = None if conditions is None else prepare(conditions).conditions.to_dict()
    plans: dict[str, Plan] = {}
    report = AuditReport()
    try:
        for name, doc in read_corpus(inputs, s3):
            flow = _flow_for(name, doc)
            counts = report.flows.setdefault(flow, FlowAudit())
            for c in (counts, report.total):
                c.records += 1
            try:
                if isinstance(doc, ResponseError):
                    raise doc
                if doc.recorded is None or doc.recorded.results is None:
                    raise ResponseError(
                        "not an A2I output record (no humanTaskActivationConditionResults)",
                        name,
                    )
                recorded_conditions = _bare(doc.recorded.results)
                key = json.dumps(recorded_conditions, sort_keys=True)
                plan = plans.get(key)
                if plan is None:
                    try:
                        plan = prepare(recorded_conditions)
                    except CompileError as exc:
                        first = exc.diagnostics[0].message if exc.diagnostics else str(exc)
                        raise ResponseError(
                            f"the record's conditions are not valid: {first}", name
                        ) from None
                    if len(plans) >= MAX_PLANS:
                        plans.clear()
                    plans[key] = plan
                result = evaluate(plan, doc)
            except ResponseError as exc:
                for c in (counts, report.total):
                    c.unreadable += 1
                if len(report.failures) < MAX_LISTED:
                    report.failures.append((exc.name, exc.message))
                continue
            differences = list(result.differences or ())
            if ours is not None and not equivalent(ours, recorded_conditions):
                differences.insert(
                    0,
                    Difference(
                        "humanTaskActivationConditionResults",
                        "the record was made with conditions that are not equivalent to the "
                        "ones audited against",
                    ),
                )
            if not differences:
                for c in (counts, report.total):
                    c.agree += 1
            elif all(d.sampled for d in differences):
                for c in (counts, report.total):
                    c.sampled_only += 1
                if len(report.sampled) < MAX_LISTED:
                    report.sampled.append(Disagreement(name, flow, tuple(differences)))
            else:
                for c in (counts, report.total):
                    c.disagree += 1
                if len(report.disagreements) < MAX_LISTED:
                    report.disagreements.append(Disagreement(name, flow, tuple(differences)))
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def _flow_for(name: str, doc: Response | ResponseError) -> str:
    """The flow definition a record belongs to: its ARN's name, else its key's, else unknown."""
    if isinstance(doc, Response) and doc.recorded is not None:
        arn = doc.recorded.flow_definition_arn
        if arn is not None and "flow-definition/" in arn:
            return arn.rsplit("flow-definition/", 1)[1]
    return flow_of(name) or UNKNOWN_FLOW
