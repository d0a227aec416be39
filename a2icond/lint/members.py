"""Chain members (A2I105): a member that repeats another member of the same `and` / `or`."""

from __future__ import annotations

from collections.abc import Hashable

from .. import ast
from . import registry
from .context import Chain, Context

FAMILY = "members"

DUPLICATE_MEMBER = registry.code(
    "A2I105",
    "duplicate-member",
    family=FAMILY,
    summary="a member that repeats another member of the same chain",
)


@registry.rule(Chain, codes=(DUPLICATE_MEMBER,))
def check_duplicates(context: Context, chain: Chain) -> None:
    seen: dict[Hashable, ast.Expr] = {}
    reported: set[int] = set()
    for member, form in chain.members:
        first = seen.get(form)
        if first is None:
            seen[form] = member
        elif id(member) not in reported and first is not member:
            reported.add(id(member))
            context.warn(
                member.span,
                DUPLICATE_MEMBER,
                f"this repeats a member of the same `{chain.op}` chain (line {first.span.line}): "
                "the duplicate changes nothing",
                hint="remove it, or fix it if it was meant to differ",
            )
