"""Label names (A2I101, A2I102): Rekognition returns only the names of its taxonomy, compared
exactly, so a misspelt or model-6.1 name silently never matches."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .. import ast
from ..model import LABEL_CHECK, LABEL_NAME
from . import registry
from .context import Context, Reporter, quote
from .json import JsonCondition, JsonContext

if TYPE_CHECKING:  # pragma: no cover
    from ..closematch import CloseMatcher

FAMILY = "labels"

UNKNOWN_LABEL = registry.code(
    "A2I101",
    "unknown-label",
    family=FAMILY,
    summary="a label name Rekognition never returns (a typo, or the wrong case)",
)
OLD_LABEL = registry.code(
    "A2I102",
    "model-6.1-label",
    family=FAMILY,
    summary="a Rekognition model 6.1 label name that model 7 renamed or dropped",
)


@dataclass(frozen=True)
class LabelNames:
    """Model-7 names, model-6.1 names and the 6.1 -> 7 renames, from the shipped data file."""

    model_7: tuple[str, ...]
    model_6_1: tuple[str, ...]
    renamed: dict[str, str]


@cache
def label_names() -> LabelNames:
    from ..fileio import package_text

    data = json.loads(package_text("data/rekognition-moderation-labels.json"))
    model_7 = tuple(dict.fromkeys(item["Name"] for item in data["model_7"]))
    model_6_1 = tuple(dict.fromkeys(item["Name"] for item in data["model_6_1"]))
    # "Explicit Nudity (top level)" describes a level, not a name; model 7 still has the name.
    renamed = {old: new for old, new in data["renamed_in_7"].items() if old not in model_7}
    return LabelNames(model_7, model_6_1, renamed)


@cache
def _lookups() -> tuple[dict[str, str], dict[str, str], frozenset[str], frozenset[str]]:
    """Lower-cased model-7 names, lower-cased old names, and both name sets, built once."""
    names = label_names()
    lowered = {n.lower(): n for n in names.model_7}
    old_lowered = {n.lower(): n for n in names.renamed}
    return lowered, old_lowered, frozenset(names.model_7), frozenset(names.model_6_1)


@cache
def _suggest_matcher() -> CloseMatcher:
    """suggest_label's candidates: lower-cased old names, then model-7 names."""
    from ..closematch import CloseMatcher  # difflib: only once a name is unknown

    lowered, old_lowered, _, _ = _lookups()
    return CloseMatcher(list({**old_lowered, **lowered}))


@cache
def _closest_names() -> tuple[dict[str, str], CloseMatcher]:
    """Lower-cased model 6.1 and model 7 names (model 7 winning a clash), and their matcher."""
    from ..closematch import CloseMatcher

    names = label_names()
    lowered = {n.lower(): n for n in names.model_6_1}
    lowered.update({n.lower(): n for n in names.model_7})
    return lowered, CloseMatcher(list(lowered))


@lru_cache(maxsize=4096)
def suggest_label(name: str) -> str | None:
    """The model-7 name `name` was probably meant to be: same letters first, then spelling."""
    names = label_names()
    lowered, old_lowered, _, _ = _lookups()
    if name.lower() in lowered:
        return lowered[name.lower()]
    if name.lower() in old_lowered:
        return names.renamed[old_lowered[name.lower()]]
    candidates = {**old_lowered, **lowered}
    close = _suggest_matcher().best(name.lower())
    if close is None:
        return None
    found = candidates[close]
    return names.renamed.get(found, found)


#: Distinct unknown label names per file that get a "did you mean" hint; past them the
#: warning stays, without a hint (a 1 MiB file can name 24,000 distinct unknown labels, and
#: looking for the nearest name for each is most of its check time).
MAX_LABEL_HINTS = 1000

NO_MORE_HINTS = (
    f"(no spelling suggestions after the first {MAX_LABEL_HINTS:,} distinct unknown label "
    "names of a file)"
)


@lru_cache(maxsize=4096)
def label_problem(name: str, hint: bool = True) -> tuple[str, str, str] | None:
    """`(code, message, hint)` when Rekognition never returns a label named `name`, else None.

    Shared by the `.cond` lint and the lint of JSON activation-condition files (memoized: a
    long file names the same few labels over and over). `hint=False` skips looking for the
    name that was nearly typed (see `MAX_LABEL_HINTS`).
    """
    if not name or name == ast.ANY:
        return None
    names = label_names()
    _, _, model_7, model_6_1 = _lookups()
    if name in model_7:
        return None
    if name in names.renamed:
        new = names.renamed[name]
        return (
            OLD_LABEL,
            f"{quote(name)} is a Rekognition model 6.1 label name; model 7 returns {quote(new)} "
            "instead, so this condition never matches",
            f"write label {quote(new)}",
        )
    if name in model_6_1:
        return (
            OLD_LABEL,
            f"{quote(name)} is a Rekognition model 6.1 label that model 7 no longer returns, so "
            "this condition never matches",
            "choose a model-7 label (`a2icond explain A2I102` lists them)",
        )
    return (
        UNKNOWN_LABEL,
        f"Rekognition returns no moderation label named {quote(name)}; A2I compares label names "
        "exactly (case-sensitive), so this condition never matches",
        _nearly(name) if hint else NO_MORE_HINTS,
    )


@lru_cache(maxsize=4096)
def closest_label(name: str) -> str | None:
    """The label name, model 7 or model 6.1, that `name` is nearly: the same letters in another
    case first (model 7 before 6.1), then the closest spelling of any of them."""
    lowered, matcher = _closest_names()
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = matcher.best(name.lower())
    return lowered[close] if close is not None else None


def _nearly(name: str) -> str:
    """The hint for an unknown label: the name the user nearly typed, and, when that is a model
    6.1 name, what model 7 calls it (so the hint never names a label out of the blue)."""
    found = closest_label(name)
    if found is None:
        return ""
    names = label_names()
    hint = f"did you mean {quote(found)}?"
    if found in names.model_7:
        return hint
    if found in names.renamed:
        return f"{hint} That is a model 6.1 name; model 7 calls it {quote(names.renamed[found])}"
    return f"{hint} That is a model 6.1 name, which model 7 no longer returns"


def _file_label_problem(reporter: Reporter, name: str) -> tuple[str, str, str] | None:
    """`label_problem`, with a hint for the first `MAX_LABEL_HINTS` distinct unknown names of
    the file `reporter` collects for (and for those again wherever they recur)."""
    hinted = reporter.hinted_labels
    if name in hinted or len(hinted) < MAX_LABEL_HINTS:
        problem = label_problem(name)
        if problem is not None and problem[0] == UNKNOWN_LABEL:
            hinted.add(name)
        return problem
    return label_problem(name, hint=False)


@registry.rule(ast.LabelCheck, codes=(UNKNOWN_LABEL, OLD_LABEL))
def check_label(context: Context, atom: ast.LabelCheck) -> None:
    problem = _file_label_problem(context, atom.label)
    if problem is not None:
        code, message, hint = problem
        context.warn(atom.label_span, code, message, hint=hint)


@registry.rule(JsonCondition, codes=(UNKNOWN_LABEL, OLD_LABEL))
def check_json_label(context: JsonContext, condition: JsonCondition) -> None:
    if condition.type != LABEL_CHECK:
        return
    problem = _file_label_problem(context, condition.parameters[LABEL_NAME])
    if problem is not None:
        code, message, hint = problem
        context.warn_at(condition.parameter_path(LABEL_NAME), code, message, hint)
