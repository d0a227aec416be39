"""Lint warnings: conditions that compile but are probably wrong.

A stage of the compiler (`compiler.compile`, `compiler.load_text`), run on a program without
errors. Every warning has a stable code (`A2I1xx`, documented in docs/lint.md) and can be
silenced on its line with a trailing `# a2icond: ignore[CODE]` comment. The rules stay quiet
unless the mistake is certain: a clean, ordinary file gets no warning.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .. import ast
from ..checker import Analysis
from ..diagnostics import Diagnostic, Span

UNKNOWN_LABEL = "A2I101"
OLD_LABEL = "A2I102"
NEVER_HOLDS = "A2I103"
ALWAYS_HOLDS = "A2I104"
DUPLICATE_MEMBER = "A2I105"
ALIAS_IS_KEY = "A2I106"
REPEATED_ALIAS = "A2I107"
SHARED_KEY_TEXT = "A2I108"
SAMPLE_ALL = "A2I109"

#: code -> short name, for docs and `--help`-style listings.
CODES: dict[str, str] = {
    UNKNOWN_LABEL: "unknown-label",
    OLD_LABEL: "model-6.1-label",
    NEVER_HOLDS: "never-holds",
    ALWAYS_HOLDS: "always-holds",
    DUPLICATE_MEMBER: "duplicate-member",
    ALIAS_IS_KEY: "alias-equals-key",
    REPEATED_ALIAS: "repeated-alias",
    SHARED_KEY_TEXT: "shared-key-text",
    SAMPLE_ALL: "sample-everything",
}


def _q(text: str) -> str:
    """A string as the language writes it: double quotes, minimal escapes."""
    return json.dumps(text, ensure_ascii=False)


_IGNORE = re.compile(r"a2icond:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Rekognition's label names


@dataclass(frozen=True)
class LabelNames:
    """Model-7 names, model-6.1 names and the 6.1 -> 7 renames, from the shipped data file."""

    model_7: tuple[str, ...]
    model_6_1: tuple[str, ...]
    renamed: dict[str, str]


@cache
def label_names() -> LabelNames:
    data = json.loads(
        resources.files("a2icond")
        .joinpath("data/rekognition-moderation-labels.json")
        .read_text("utf-8")
    )
    model_7 = tuple(dict.fromkeys(item["Name"] for item in data["model_7"]))
    model_6_1 = tuple(dict.fromkeys(item["Name"] for item in data["model_6_1"]))
    # "Explicit Nudity (top level)" describes a level, not a name; model 7 still has the name.
    renamed = {old: new for old, new in data["renamed_in_7"].items() if old not in model_7}
    return LabelNames(model_7, model_6_1, renamed)


def suggest_label(name: str) -> str | None:
    """The model-7 name `name` was probably meant to be: same letters first, then spelling."""
    names = label_names()
    lowered = {n.lower(): n for n in names.model_7}
    if name.lower() in lowered:
        return lowered[name.lower()]
    old_lowered = {n.lower(): n for n in names.renamed}
    if name.lower() in old_lowered:
        return names.renamed[old_lowered[name.lower()]]
    candidates = {**{n.lower(): n for n in names.renamed}, **lowered}
    close = difflib.get_close_matches(name.lower(), list(candidates), n=1, cutoff=0.6)
    if not close:
        return None
    found = candidates[close[0]]
    return names.renamed.get(found, found)


def label_problem(name: str) -> tuple[str, str, str] | None:
    """`(code, message, hint)` when Rekognition never returns a label named `name`, else None.

    Shared by the `.cond` lint and the lint of JSON activation-condition files.
    """
    if not name or name == ast.ANY:
        return None
    names = label_names()
    if name in names.model_7:
        return None
    if name in names.renamed:
        new = names.renamed[name]
        return (
            OLD_LABEL,
            f"{_q(name)} is a Rekognition model 6.1 label name; model 7 returns {_q(new)} "
            "instead, so this condition never matches",
            f"write label {_q(new)}",
        )
    if name in names.model_6_1:
        return (
            OLD_LABEL,
            f"{_q(name)} is a Rekognition model 6.1 label that model 7 no longer returns, so "
            "this condition never matches",
            "choose a model-7 label (see docs/lint.md)",
        )
    guess = suggest_label(name)
    return (
        UNKNOWN_LABEL,
        f"Rekognition returns no moderation label named {_q(name)}; A2I compares label names "
        "exactly (case-sensitive), so this condition never matches",
        f"did you mean {_q(guess)}?" if guess else "",
    )


def lint_json(
    document: Any, locate: Callable[[list[str | int]], Span], filename: str
) -> list[Diagnostic]:
    """Label-name and `sample 100%` warnings for a validated JSON conditions document.

    `locate` maps a JSON path to its span in the file, so warnings point at the value.
    """
    out: list[Diagnostic] = []
    stack: list[tuple[Any, list[str | int]]] = [
        (m, ["Conditions", i]) for i, m in enumerate(document["Conditions"])
    ]
    while stack:
        node, path = stack.pop()
        for group in ("And", "Or"):
            if group in node:
                stack.extend((m, [*path, group, i]) for i, m in enumerate(node[group]))
        params = node.get("ConditionParameters", {})
        problem = None
        where: list[str | int] = [*path, "ConditionParameters"]
        if node.get("ConditionType") == "ModerationLabelConfidenceCheck":
            where.append("ModerationLabelName")
            problem = label_problem(params["ModerationLabelName"])
        elif node.get("ConditionType") == "Sampling" and params["RandomSamplingPercentage"] == 100:
            where.append("RandomSamplingPercentage")
            problem = (
                SAMPLE_ALL,
                "RandomSamplingPercentage 100 sends every request to human review",
                "use a smaller percentage; every other condition is moot next to it",
            )
        if problem is not None:
            code, message, hint = problem
            out.append(
                Diagnostic.at(
                    locate(where),
                    message,
                    severity="warning",
                    code=code,
                    filename=filename,
                    hint=hint,
                )
            )
    return sorted(out, key=lambda d: (d.line, d.column))


# ---------------------------------------------------------------------------------------------
# Confidence intervals


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


DOMAIN = Interval(0.0, True, 100.0, True)


def threshold_interval(op: str, value: float) -> Interval:
    """The confidences that pass `confidence OP value`, within 0..100."""
    shapes = {
        "<": Interval(0.0, True, value, False),
        "<=": Interval(0.0, True, value, True),
        ">": Interval(value, False, 100.0, True),
        ">=": Interval(value, True, 100.0, True),
        "=": Interval(value, True, value, True),
    }
    return shapes[op] & DOMAIN


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
    reach, reach_closed = 0.0, False  # covered so far: [0, reach] (or [0, reach) if open)
    started = False
    for part in sorted(union, key=lambda i: (i.lo, not i.lo_closed)):
        if part.empty:
            continue
        if not started:
            if part.lo != 0.0 or not part.lo_closed:
                return False
            started = True
        elif part.lo > reach or (part.lo == reach and not (reach_closed or part.lo_closed)):
            return False
        if (part.hi, part.hi_closed) > (reach, reach_closed):
            reach, reach_closed = part.hi, part.hi_closed
    return started and reach == 100.0 and reach_closed


# ---------------------------------------------------------------------------------------------
# The linter


@dataclass(frozen=True)
class _Constraint:
    """What one atom of an And says about one subject's one measure."""

    subject: Hashable
    measure: str
    union: Union
    atom: ast.LabelCheck | ast.KeyCheck


class _Linter:
    def __init__(self, program: ast.Program, analysis: Analysis, filename: str) -> None:
        self.program = program
        self.keys = analysis.keys
        self.filename = filename
        self.found: list[Diagnostic] = []
        self._forms: dict[int, Hashable] = {}

    def warn(self, span: Span, code: str, message: str, hint: str = "") -> None:
        self.found.append(
            Diagnostic.at(
                span, message, severity="warning", code=code, filename=self.filename, hint=hint
            )
        )

    def key_of(self, ref: ast.KeyRef) -> tuple[str, tuple[str, ...]]:
        if isinstance(ref, ast.KeyName):
            decl = self.keys[ref.name]
            return decl.text, decl.aliases
        return ref.text, ref.aliases

    # -- labels -----------------------------------------------------------------------------

    def check_label(self, atom: ast.LabelCheck) -> None:
        problem = label_problem(atom.label)
        if problem is not None:
            code, message, hint = problem
            self.warn(atom.label_span, code, message, hint=hint)

    # -- keys -------------------------------------------------------------------------------

    def check_key_strings(
        self, text: str, aliases: tuple[str, ...], alias_spans: tuple[Span, ...]
    ) -> None:
        seen: set[str] = set()
        for alias, span in zip(aliases, alias_spans, strict=False):
            if alias == text:
                self.warn(
                    span,
                    ALIAS_IS_KEY,
                    f"the alias {_q(alias)} is the key's own text",
                    hint="remove it: the key text always matches",
                )
            elif alias in seen:
                self.warn(
                    span,
                    REPEATED_ALIAS,
                    f"the alias {_q(alias)} is listed twice",
                    hint="remove one",
                )
            seen.add(alias)

    def check_declarations(self) -> None:
        owners: dict[str, ast.KeyDecl] = {}
        for decl in self.program.keys:
            self.check_key_strings(decl.text, decl.aliases, decl.alias_spans)
            strings = [(decl.text, decl.text_span)]
            strings += list(zip(decl.aliases, decl.alias_spans, strict=False))
            reported: set[str] = set()
            for value, span in strings:
                other = owners.get(value)
                if other is not None and other is not decl and other.name not in reported:
                    reported.add(other.name)
                    self.warn(
                        span,
                        SHARED_KEY_TEXT,
                        f"{_q(value)} also names key `{other.name}` (line {other.span.line}); "
                        "two declared keys match the same form key",
                        hint="merge the two declarations, or remove the text from one of them",
                    )
            for value, _ in strings:
                owners.setdefault(value, decl)

    # -- thresholds ---------------------------------------------------------------------------

    def check_test(self, atom: ast.LabelCheck | ast.KeyCheck) -> None:
        test = atom.test
        if isinstance(test, ast.Threshold):
            self.check_threshold(test, atom)
        elif isinstance(test, ast.Between):
            if test.low.value <= 0 and test.high.value >= 100:
                self.warn(
                    test.span,
                    ALWAYS_HOLDS,
                    f"`between {test.low.text} and {test.high.text}` covers every confidence: "
                    "this only checks that the "
                    f"{'label' if isinstance(atom, ast.LabelCheck) else 'key'} is present",
                    hint="narrow the range, or suppress this warning if presence is the point",
                )
        else:
            for threshold in test.thresholds:
                self.check_threshold(threshold, atom, in_group=True)
            measures = {t.word for t in test.thresholds}
            union = tuple(threshold_interval(t.op, t.value.value) for t in test.thresholds)
            always = any(covers_domain((part,)) for part in union)
            if len(measures) == 1 and not always and covers_domain(union):
                self.warn(
                    test.span,
                    ALWAYS_HOLDS,
                    "together these thresholds cover every confidence from 0 to 100, so the "
                    "group always holds",
                )

    def check_threshold(
        self, threshold: ast.Threshold, atom: ast.LabelCheck | ast.KeyCheck, in_group: bool = False
    ) -> None:
        interval = threshold_interval(threshold.op, threshold.value.value)
        what = "label" if isinstance(atom, ast.LabelCheck) else "key"
        shown = f"{'word ' if threshold.word else ''}confidence {threshold.op} "
        shown += threshold.value.text
        if interval.empty:
            self.warn(
                threshold.span,
                NEVER_HOLDS,
                f"`{shown}` never holds: confidence runs from 0 to 100",
            )
        elif covers_domain((interval,)):
            tail = (
                "the whole group always holds"
                if in_group
                else (f"this only checks that the {what} is present")
            )
            self.warn(
                threshold.span,
                ALWAYS_HOLDS,
                f"`{shown}` always holds (confidence runs from 0 to 100): {tail}",
                hint="fix the threshold, or suppress this warning if presence is the point",
            )

    # -- conjunctions ---------------------------------------------------------------------------

    def constraints(self, atom: ast.Expr) -> Iterator[_Constraint]:
        if not isinstance(atom, ast.LabelCheck | ast.KeyCheck):
            return
        if isinstance(atom, ast.LabelCheck):
            if atom.label == ast.ANY:  # any label: each threshold may meet a different label
                return
            subject: Hashable = ("label", atom.label)
        else:
            text, aliases = self.key_of(atom.key)
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

    def check_and(self, members: list[ast.Expr]) -> None:
        running: dict[tuple[Hashable, str], tuple[Union, list[_Constraint]]] = {}
        for member in members:
            for constraint in self.constraints(member):
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
                    self.warn(
                        constraint.atom.span,
                        NEVER_HOLDS,
                        f"this And never holds: `{_show(constraint.atom)}` and {earlier} "
                        f"cannot all be true of the same {kind}",
                        hint="check the comparators: the ranges do not overlap",
                    )
                running[slot] = (meet, [*before, constraint])

    # -- duplicates -----------------------------------------------------------------------------

    def canon(self, node: ast.Expr) -> Hashable:
        """A form that is equal for two members that say the same thing (memoized: nested
        groups are asked for again by every chain that encloses them)."""
        form = self._forms.get(id(node))
        if form is None:
            form = self._forms[id(node)] = self._canon(node)
        return form

    def _canon(self, node: ast.Expr) -> Hashable:
        if isinstance(node, ast.LabelCheck):
            return ("label", node.label, _canon_test(node.test))
        if isinstance(node, ast.KeyCheck):
            return ("key", self.key_of(node.key), _canon_test(node.test))
        if isinstance(node, ast.MissingKey):
            if node.key is not None:
                return ("missing", self.key_of(node.key))
            keys = [("missing", (d.text, d.aliases)) for d in self.keys.values()]
            return keys[0] if len(keys) == 1 else ("or", frozenset(keys))
        if isinstance(node, ast.Sampling):
            return ("sample", float(node.percent.value))
        if isinstance(node, ast.Not):
            return ("not", self.canon(node.operand))
        op = "and" if isinstance(node, ast.And) else "or"
        return (op, frozenset(c for _, c in self.flat(node)))

    def flat(self, node: ast.And | ast.Or) -> list[tuple[ast.Expr, Hashable]]:
        """The members of a chain with same-operator children spliced in, with their forms."""
        out: list[tuple[ast.Expr, Hashable]] = []
        op = "and" if isinstance(node, ast.And) else "or"
        for member in node.members:
            if type(member) is type(node):
                out.extend(self.flat(member))  # type: ignore[arg-type]
                continue
            form = self.canon(member)
            if isinstance(form, tuple) and form[0] == op and isinstance(form[1], frozenset):
                out.extend((member, part) for part in form[1])
            else:
                out.append((member, form))
        return out

    def check_duplicates(self, members: list[tuple[ast.Expr, Hashable]], op: str) -> None:
        seen: dict[Hashable, ast.Expr] = {}
        reported: set[int] = set()
        for member, form in members:
            first = seen.get(form)
            if first is None:
                seen[form] = member
            elif id(member) not in reported and first is not member:
                reported.add(id(member))
                self.warn(
                    member.span,
                    DUPLICATE_MEMBER,
                    f"this repeats a member of the same `{op}` chain (line {first.span.line}): "
                    "the duplicate changes nothing",
                    hint="remove it, or fix it if it was meant to differ",
                )

    # -- the whole program ------------------------------------------------------------------

    def run(self) -> list[Diagnostic]:
        self.check_declarations()
        body = self.program.body
        if body is None:
            return self.found
        parents: dict[int, type] = {}
        for node in ast.walk(body):
            if isinstance(node, ast.And | ast.Or):
                for member in node.members:
                    parents[id(member)] = type(node)
                if parents.get(id(node)) is type(node):
                    continue  # part of a longer chain, handled from its top
                pairs = self.flat(node)
                op = "and" if isinstance(node, ast.And) else "or"
                self.check_duplicates(pairs, op)
                if isinstance(node, ast.And):
                    self.check_and(_unique([m for m, _ in pairs]))
            elif isinstance(node, ast.LabelCheck):
                self.check_label(node)
                self.check_test(node)
            elif isinstance(node, ast.KeyCheck):
                if isinstance(node.key, ast.Key):
                    self.check_key_strings(node.key.text, node.key.aliases, node.key.alias_spans)
                self.check_test(node)
            elif isinstance(node, ast.MissingKey):
                if isinstance(node.key, ast.Key):
                    self.check_key_strings(node.key.text, node.key.aliases, node.key.alias_spans)
            elif isinstance(node, ast.Sampling) and node.percent.value >= 100:
                self.warn(
                    node.span,
                    SAMPLE_ALL,
                    f"`sample {node.percent.text}%` sends every request to human review",
                    hint="use a smaller percentage; every other condition is moot next to it",
                )
        return self.found


def _unique(members: list[ast.Expr]) -> list[ast.Expr]:
    out: list[ast.Expr] = []
    for member in members:
        if not any(member is m for m in out):
            out.append(member)
    return out


def _canon_test(test: ast.Test) -> Hashable:
    if isinstance(test, ast.Between):
        return ("between", test.word, float(test.low.value), float(test.high.value))
    thresholds = (test,) if isinstance(test, ast.Threshold) else test.thresholds
    return ("thresholds", frozenset((t.word, t.op, float(t.value.value)) for t in thresholds))


def _show(atom: ast.LabelCheck | ast.KeyCheck) -> str:
    from .. import printer

    return printer.atom(atom)


# ---------------------------------------------------------------------------------------------
# Suppression


def ignored_codes(comments: Iterable[ast.Comment]) -> dict[int, frozenset[str] | None]:
    """Line -> the codes a `# a2icond: ignore[...]` comment silences there (None: all)."""
    out: dict[int, frozenset[str] | None] = {}
    for comment in comments:
        match = _IGNORE.search(comment.text)
        if match is None:
            continue
        listed = match.group(1)
        if listed is None:
            out[comment.span.line] = None
        else:
            codes = frozenset(c.strip().upper() for c in listed.split(",") if c.strip())
            previous = out.get(comment.span.line, frozenset())
            out[comment.span.line] = None if previous is None else previous | codes
    return out


def suppress(diagnostics: list[Diagnostic], comments: Iterable[ast.Comment]) -> list[Diagnostic]:
    """Drop the warnings silenced by an ignore comment on their line."""
    ignored = ignored_codes(comments)
    if not ignored:
        return diagnostics
    kept = []
    for d in diagnostics:
        codes = ignored.get(d.line, frozenset())
        if d.severity == "warning" and (codes is None or d.code in codes):
            continue
        kept.append(d)
    return kept


def lint(
    program: ast.Program, analysis: Analysis, *, filename: str = "<string>"
) -> list[Diagnostic]:
    """Warnings for a program that compiled without errors, minus the suppressed ones."""
    found = _Linter(program, analysis, filename).run()
    found.sort(key=lambda d: (d.line, d.column, d.code))
    return suppress(found, program.comments)
