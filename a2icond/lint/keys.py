"""Form keys (A2I106-A2I108): aliases that add nothing, and declared keys that overlap."""

from __future__ import annotations

from .. import ast
from ..diagnostics import Span
from . import registry
from .context import Context, quote

FAMILY = "keys"

ALIAS_IS_KEY = registry.code(
    "A2I106",
    "alias-equals-key",
    family=FAMILY,
    summary="an alias equal to its key's own text",
)
REPEATED_ALIAS = registry.code(
    "A2I107",
    "repeated-alias",
    family=FAMILY,
    summary="the same alias twice in one list",
)
SHARED_KEY_TEXT = registry.code(
    "A2I108",
    "shared-key-text",
    family=FAMILY,
    summary="two declared keys share a text or an alias",
)


def _check_strings(
    context: Context, text: str, aliases: tuple[str, ...], alias_spans: tuple[Span, ...]
) -> None:
    seen: set[str] = set()
    for alias, span in zip(aliases, alias_spans, strict=False):
        if alias == text:
            context.warn(
                span,
                ALIAS_IS_KEY,
                f"the alias {quote(alias)} is the key's own text",
                hint="remove it: the key text always matches",
            )
        elif alias in seen:
            context.warn(
                span,
                REPEATED_ALIAS,
                f"the alias {quote(alias)} is listed twice",
                hint="remove one",
            )
        seen.add(alias)


@registry.rule(ast.Program, codes=(ALIAS_IS_KEY, REPEATED_ALIAS, SHARED_KEY_TEXT))
def check_declarations(context: Context, program: ast.Program) -> None:
    owners: dict[str, ast.KeyDecl] = {}
    for decl in program.keys:
        _check_strings(context, decl.text, decl.aliases, decl.alias_spans)
        strings = [(decl.text, decl.text_span)]
        strings += list(zip(decl.aliases, decl.alias_spans, strict=False))
        reported: set[str] = set()
        for value, span in strings:
            other = owners.get(value)
            if other is not None and other is not decl and other.name not in reported:
                reported.add(other.name)
                context.warn(
                    span,
                    SHARED_KEY_TEXT,
                    f"{quote(value)} also names key `{other.name}` (line {other.span.line}); "
                    "two declared keys match the same form key",
                    hint="merge the two declarations, or remove the text from one of them",
                )
        for value, _ in strings:
            owners.setdefault(value, decl)


@registry.rule(ast.KeyCheck, ast.MissingKey, codes=(ALIAS_IS_KEY, REPEATED_ALIAS))
def check_written_key(context: Context, node: ast.KeyCheck | ast.MissingKey) -> None:
    """A key written in place (`key "Total:" aka ...`) gets the same alias checks."""
    if isinstance(node.key, ast.Key):
        _check_strings(context, node.key.text, node.key.aliases, node.key.alias_spans)
