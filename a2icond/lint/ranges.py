"""Confidence ranges (A2I103, A2I104): thresholds and `and` chains that never hold, and tests
every confidence passes.

Confidences run from 0 to 100; a threshold is an interval of them, a group of thresholds on one
measure a union of intervals, and an `and` chain on one subject their intersection.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from .. import ast
from ..model import CONFIDENCE_RANGE
from . import registry
from .context import Chain, Context
from .json import JsonCondition, JsonContext

FAMILY = "ranges"

NEVER_HOLDS = registry.code(
    "A2I103",
    "never-holds",
    family=FAMILY,
    summary="a threshold or an `and` chain that no confidence satisfies",
)
ALWAYS_HOLDS = registry.code(
    "A2I104",
    "always-holds",
    family=FAMILY,
    summary="a threshold, range or group that every confidence passes",
)


@dataclass(frozen=True)
class Interval:
    """A range of confidences; `lo_closed`/`hi_closed` say whether the ends are included."""

    lo: float
    lo_closed: bool
    hi: float
    hi_closed: bool

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def __and__(self, other: Interval) -> Interval:
        if (self.lo, not self.lo_closed) >= (other.lo, not other.lo_closed):
            lo, lo_closed = self.lo, self.lo_closed
        else:
            lo, lo_closed = other.lo, other.lo_closed
        if (self.hi, self.hi_closed) <= (other.hi, other.hi_closed):
            hi, hi_closed = self.hi, self.hi_closed
        else:
            hi, hi_closed = other.hi, other.hi_closed
        return Interval(lo, lo_closed, hi, hi_closed)


LOW, HIGH = (float(bound) for bound in CONFIDENCE_RANGE)
RUNS = f"confidence runs from {CONFIDENCE_RANGE[0]} to {CONFIDENCE_RANGE[1]}"
DOMAIN = Interval(LOW, True, HIGH, True)


def threshold_interval(op: str, value: float) -> Interval:
    """The confidences that pass `confidence OP value`, within 0..100."""
    if op == "<":
        lo, lo_closed, hi, hi_closed = LOW, True, value, False
    elif op == "<=":
        lo, lo_closed, hi, hi_closed = LOW, True, value, True
    elif op == ">":
        lo, lo_closed, hi, hi_closed = value, False, HIGH, True
    elif op == ">=":
        lo, lo_closed, hi, hi_closed = value, True, HIGH, True
    elif op == "=":
        lo, lo_closed, hi, hi_closed = value, True, value, True
    else:
        raise KeyError(op)
    # The shape `& DOMAIN`, without building either.
    if (lo, not lo_closed) < (LOW, False):
        lo, lo_closed = LOW, True
    if (hi, hi_closed) > (HIGH, True):
        hi, hi_closed = HIGH, True
    return Interval(lo, lo_closed, hi, hi_closed)


Union = tuple[Interval, ...]


def simplify(union: Union) -> Union:
    """Sorted, disjoint intervals: keeps repeated intersections small on long `and` chains."""
    out: list[Interval] = []
    for part in sorted((p for p in union if not p.empty), key=lambda i: (i.lo, not i.lo_closed)):
        last = out[-1] if out else None
        if last is not None and (
            part.lo < last.hi or (part.lo == last.hi and (part.lo_closed or last.hi_closed))
        ):
            if (part.hi, part.hi_closed) > (last.hi, last.hi_closed):
                out[-1] = Interval(last.lo, last.lo_closed, part.hi, part.hi_closed)
        else:
            out.append(part)
    return tuple(out)


def intersect(a: Union, b: Union) -> Union:
    return simplify(tuple(x & y for x in a for y in b))


def covers_domain(union: Union) -> bool:
    """Whether the intervals together contain every confidence from 0 to 100."""
    reach, reach_closed = LOW, False  # covered so far: [LOW, reach] (or [LOW, reach) if open)
    started = False
    for part in sorted(union, key=lambda i: (i.lo, not i.lo_closed)):
        if part.empty:
            continue
        if not started:
            if part.lo != LOW or not part.lo_closed:
                return False
            started = True
        elif part.lo > reach or (part.lo == reach and not (reach_closed or part.lo_closed)):
            return False
        if (part.hi, part.hi_closed) > (reach, reach_closed):
            reach, reach_closed = part.hi, part.hi_closed
    return started and reach == HIGH and reach_closed


# ---------------------------------------------------------------------------------------------
# One atom's test


@registry.rule(ast.LabelCheck, ast.KeyCheck, codes=(NEVER_HOLDS, ALWAYS_HOLDS))
def check_test(context: Context, atom: ast.LabelCheck | ast.KeyCheck) -> None:
    test = atom.test
    if isinstance(test, ast.Threshold):
        _check_threshold(context, test, atom)
    elif isinstance(test, ast.Between):
        if test.low.value <= LOW and test.high.value >= HIGH:
            context.warn(
                test.span,
                ALWAYS_HOLDS,
                f"`between {test.low.text} and {test.high.text}` covers every confidence: "
                "this only checks that the "
                f"{'label' if isinstance(atom, ast.LabelCheck) else 'key'} is present",
                hint="narrow the range, or suppress this warning if presence is the point",
            )
    else:
        for threshold in test.thresholds:
            _check_threshold(context, threshold, atom, in_group=True)
        measures = {t.word for t in test.thresholds}
        union = tuple(threshold_interval(t.op, t.value.value) for t in test.thresholds)
        always = any(covers_domain((part,)) for part in union)
        if len(measures) == 1 and not always and covers_domain(union):
            context.warn(
                test.span,
                ALWAYS_HOLDS,
                f"together these thresholds cover every confidence from {CONFIDENCE_RANGE[0]} "
                f"to {CONFIDENCE_RANGE[1]}, so the group always holds",
            )


def _check_threshold(
    context: Context,
    threshold: ast.Threshold,
    atom: ast.LabelCheck | ast.KeyCheck,
    in_group: bool = False,
) -> None:
    value = threshold.value.value
    if LOW < value < HIGH:
        return  # strictly inside: no comparator makes that empty or everything
    interval = threshold_interval(threshold.op, value)
    empty = interval.empty
    if not empty and interval != DOMAIN:  # one interval covers 0..100 only by being it
        return  # the usual case: nothing to say
    what = "label" if isinstance(atom, ast.LabelCheck) else "key"
    shown = f"{'word ' if threshold.word else ''}confidence {threshold.op} "
    shown += threshold.value.text
    if empty:
        context.warn(
            threshold.span,
            NEVER_HOLDS,
            f"`{shown}` never holds: {RUNS}",
        )
    else:
        tail = (
            "the whole group always holds"
            if in_group
            else (f"this only checks that the {what} is present")
        )
        context.warn(
            threshold.span,
            ALWAYS_HOLDS,
            f"`{shown}` always holds ({RUNS}): {tail}",
            hint="fix the threshold, or suppress this warning if presence is the point",
        )


# ---------------------------------------------------------------------------------------------
# And chains


@dataclass(frozen=True)
class _Constraint:
    """What one atom of an And says about one subject's one measure."""

    subject: Hashable
    measure: str
    union: Union
    atom: ast.LabelCheck | ast.KeyCheck


def _constraints(context: Context, atom: ast.Expr) -> Iterator[_Constraint]:
    if not isinstance(atom, ast.LabelCheck | ast.KeyCheck):
        return
    if isinstance(atom, ast.LabelCheck):
        if atom.label == ast.ANY:  # any label: each threshold may meet a different label
            return
        subject: Hashable = ("label", atom.label)
    else:
        text, aliases = context.key_of(atom.key)
        if text == ast.ANY:
            return
        subject = ("key", text, aliases)
    test = atom.test
    if isinstance(test, ast.Threshold):
        yield _Constraint(
            subject,
            str(test.word),
            (threshold_interval(test.op, test.value.value),),
            atom,
        )
    elif isinstance(test, ast.Between):
        yield _Constraint(
            subject,
            str(test.word),
            (Interval(float(test.low.value), True, float(test.high.value), True),),
            atom,
        )
    elif len({t.word for t in test.thresholds}) == 1:  # one measure: a union of ranges
        union = tuple(threshold_interval(t.op, t.value.value) for t in test.thresholds)
        yield _Constraint(subject, str(test.thresholds[0].word), union, atom)
    # a group over two measures is an `or` across them: it constrains neither alone


@registry.rule(Chain, codes=(NEVER_HOLDS,))
def check_and(context: Context, chain: Chain) -> None:
    """An `and` whose members cannot all hold for the same subject and measure."""
    if chain.op != "and":
        return
    running: dict[tuple[Hashable, str], tuple[Union, list[_Constraint]]] = {}
    visited: set[int] = set()
    for member, _ in chain.members:
        if id(member) in visited:
            continue  # a member spliced in with several forms is one member
        visited.add(id(member))
        for constraint in _constraints(context, member):
            own = tuple(part for part in constraint.union if not part.empty)
            if not own:
                continue  # never holds on its own: reported at the threshold
            slot = (constraint.subject, constraint.measure)
            union, before = running.get(slot, ((DOMAIN,), []))
            if not union:
                continue  # already reported for this subject
            meet = intersect(union, own)
            if not meet:
                earlier = ", ".join(f"`{_show(c.atom)}`" for c in before)
                kind = "label" if isinstance(constraint.atom, ast.LabelCheck) else "key"
                context.warn(
                    constraint.atom.span,
                    NEVER_HOLDS,
                    f"this And never holds: `{_show(constraint.atom)}` and {earlier} "
                    f"cannot all be true of the same {kind}",
                    hint="check the comparators: the ranges do not overlap",
                )
            before.append(constraint)  # one list per slot, grown in place
            running[slot] = (meet, before)


def _show(atom: ast.LabelCheck | ast.KeyCheck) -> str:
    from .. import printer

    return printer.atom(atom)


# ---------------------------------------------------------------------------------------------
# Fractions (A2I111): `confidence > 0.9` was almost always meant as 90


FRACTION = registry.code(
    "A2I111",
    "fractional-confidence",
    family=FAMILY,
    summary="a threshold between 0 and 1, where confidences run from 0 to 100",
)


def _percent(text: str) -> str:
    """`0.9` -> `90`, `0.955` -> `95.5`: the number written as a percentage."""
    from decimal import Decimal

    return format((Decimal(text) * 100).normalize(), "f")


def _fixed(number: ast.Number) -> str:
    return _percent(number.text) if 0 < number.value < 1 else number.text


def _fraction_warning(context: Context, number: ast.Number, shown: str, meant: str) -> None:
    if 0 < number.value < 1:
        context.warn(
            number.span,
            FRACTION,
            f"`{shown}` compares with {number.text} percent: confidences run from 0 to 100, so "
            f"`{meant}` was probably meant (a probability written as a fraction)",
            hint=f"write `{meant}`, or suppress this warning if {number.text}% is meant",
        )


@registry.rule(ast.LabelCheck, ast.KeyCheck, codes=(FRACTION,))
def check_fraction(context: Context, atom: ast.LabelCheck | ast.KeyCheck) -> None:
    test = atom.test
    if type(test) is ast.Threshold and not 0 < test.value.value < 1:
        return  # the usual case, first
    numbers = (
        (test.low, test.high)
        if isinstance(test, ast.Between)
        else (test.value,)
        if isinstance(test, ast.Threshold)
        else tuple(t.value for t in test.thresholds)
    )
    if not any(0 < n.value < 1 for n in numbers):
        return  # the usual case: nothing to say
    measure = "word confidence" if getattr(test, "word", False) else "confidence"
    if isinstance(test, ast.Between):
        shown = f"{measure} between {test.low.text} and {test.high.text}"
        meant = f"{measure} between {_fixed(test.low)} and {_fixed(test.high)}"
        first = test.low if 0 < test.low.value < 1 else test.high
        _fraction_warning(context, first, shown, meant)
        return
    thresholds = (test,) if isinstance(test, ast.Threshold) else test.thresholds
    for t in thresholds:
        word = "word confidence" if t.word else "confidence"
        shown = f"{word} {t.op} {t.value.text}"
        _fraction_warning(context, t.value, shown, f"{word} {t.op} {_fixed(t.value)}")


@registry.rule(JsonCondition, codes=(FRACTION,))
def check_json_fraction(context: JsonContext, condition: JsonCondition) -> None:
    for name, value in condition.parameters.items():
        if "Confidence" not in name or isinstance(value, bool):
            continue
        if isinstance(value, int | float) and 0 < value < 1:
            context.warn_at(
                condition.parameter_path(name),
                FRACTION,
                f"{name} {value} is {value} percent: confidences run from 0 to 100, so "
                f"{_percent(repr(value))} was probably meant (a probability written as a fraction)",
                f"write {_percent(repr(value))}",
            )
