"""The registry of lint codes and rules: every code with its family, summary and the rules
that produce it.

A rule family module declares its codes with `code(...)` and its rules with `@rule(...)`; both
register themselves when the module is imported (`a2icond.lint` imports every family). The
linters (`a2icond.lint.lint` for `.cond` programs, `lint_json` for JSON files) walk their tree
once and hand each node to the rules registered for its kind, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar


@dataclass(frozen=True)
class Code:
    """A warning code (`A2I1xx`), its short name, its family (module) and a one-line summary."""

    code: str
    name: str
    family: str
    summary: str
    rules: list[str] = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class Rule:
    """A check run on every node of one of `kinds`; it may report any of `codes`."""

    name: str
    family: str
    kinds: tuple[type, ...]
    codes: tuple[str, ...]
    check: Callable[[Any, Any], None]


#: code -> its entry, in the order the families declare them.
CODES: dict[str, Code] = {}
#: every rule, in registration order.
RULES: list[Rule] = []
_BY_KIND: dict[type, list[Rule]] = {}

F = TypeVar("F", bound=Callable[..., None])


def code(code: str, name: str, *, family: str, summary: str) -> str:
    """Declare a warning code; returns the code, so a module keeps it as a constant."""
    if code in CODES:
        raise ValueError(f"lint code {code} declared twice")
    CODES[code] = Code(code, name, family, summary)
    return code


def rule(*kinds: type, codes: tuple[str, ...]) -> Callable[[F], F]:
    """Register the decorated `check(context, node)` for nodes of `kinds`."""

    def register(check: F) -> F:
        family = check.__module__.rsplit(".", 1)[-1]
        entry = Rule(check.__name__, family, kinds, codes, check)
        for c in codes:
            CODES[c].rules.append(f"{family}.{check.__name__}")
        RULES.append(entry)
        for kind in kinds:
            _BY_KIND.setdefault(kind, []).append(entry)
        return check

    return register


def rules_for(kind: type) -> list[Rule]:
    """The rules run on a node of type `kind` (exactly that type), in registration order."""
    return _BY_KIND.get(kind, [])


def dispatch(context: Any, node: object) -> None:
    """Run every rule registered for `node`'s type."""
    for entry in _BY_KIND.get(type(node), ()):
        entry.check(context, node)


def unregister(check: Callable[..., None]) -> None:
    """Remove every registration of `check` (for tests and embedders that swap a rule)."""
    for entry in [r for r in RULES if r.check is check]:
        RULES.remove(entry)
        for kind in entry.kinds:
            _BY_KIND[kind].remove(entry)
        for c in entry.codes:
            CODES[c].rules.remove(f"{entry.family}.{entry.name}")
