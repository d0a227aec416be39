"""Lint warnings: conditions that compile but are probably wrong.

A stage of the compiler (`compiler.compile`, `compiler.load_text`), run on a program without
errors. Every warning has a stable code (`A2I1xx`, documented in docs/lint.md) and can be
silenced on its line with a trailing `# a2icond: ignore[CODE]` comment. The rules stay quiet
unless the mistake is certain: a clean, ordinary file gets no warning.

One module per rule family (`labels`, `ranges`, `members`, `keys`, `sampling`), each
registering its codes and rules in `registry`; `lint` walks the program once and runs the rules
registered for each node; `json` does the same for JSON conditions files; `suppression` reads
ignore comments.
"""

from __future__ import annotations

from .. import ast
from ..checker import Analysis
from ..diagnostics import Diagnostic

# The families register their codes and rules on import, in this order (the order rules run
# on one node): labels before ranges on a label, duplicates before ranges on a chain.
from . import keys, labels, members, ranges, sampling  # noqa: F401
from . import registry as registry
from .context import Context
from .json import lint_json as lint_json
from .keys import ALIAS_IS_KEY, REPEATED_ALIAS, SHARED_KEY_TEXT
from .labels import (
    OLD_LABEL,
    UNKNOWN_LABEL,
    LabelNames,
    label_names,
    label_problem,
    suggest_label,
)
from .members import DUPLICATE_MEMBER
from .ranges import (
    ALWAYS_HOLDS,
    DOMAIN,
    NEVER_HOLDS,
    Interval,
    covers_domain,
    intersect,
    simplify,
    threshold_interval,
)
from .sampling import SAMPLE_ALL
from .suppression import ignored_codes, suppress, unused_ignores

#: code -> short name, for docs and `--help`-style listings (the registry has the rest).
CODES = {code: registry.CODES[code].name for code in sorted(registry.CODES)}

__all__ = [
    "ALIAS_IS_KEY",
    "ALWAYS_HOLDS",
    "CODES",
    "DOMAIN",
    "DUPLICATE_MEMBER",
    "NEVER_HOLDS",
    "OLD_LABEL",
    "REPEATED_ALIAS",
    "SAMPLE_ALL",
    "SHARED_KEY_TEXT",
    "UNKNOWN_LABEL",
    "Interval",
    "LabelNames",
    "covers_domain",
    "ignored_codes",
    "intersect",
    "label_names",
    "label_problem",
    "lint",
    "lint_json",
    "simplify",
    "suggest_label",
    "suppress",
    "threshold_interval",
    "unused_ignores",
]


def lint(
    program: ast.Program, analysis: Analysis, *, filename: str = "<string>"
) -> list[Diagnostic]:
    """Warnings for a program that compiled without errors, minus the suppressed ones."""
    context = Context(program, analysis, filename)
    registry.dispatch(context, program)
    if program.body is not None:
        chained: set[int] = set()  # members of a chain, handled from the chain's top
        for node in ast.walk(program.body):
            if isinstance(node, ast.And | ast.Or):
                if id(node) not in chained:
                    registry.dispatch(context, context.chain(node))
                chained.update(id(m) for m in node.members if type(m) is type(node))
            else:
                registry.dispatch(context, node)
    found = context.found
    found.sort(key=lambda d: (d.line, d.column, d.code))
    kept = suppress(found, program.comments) + unused_ignores(found, program.comments, filename)
    return sorted(kept, key=lambda d: (d.line, d.column, d.code))
