"""`a2icond decompile`: activation-conditions JSON -> a canonical `.cond` program.

The JSON is validated first (`jsonconditions.from_json_text`, which also takes the conditions out
of a `build` request or a `describe-flow-definition` response). Then an `ast.Program` is built
and printed with `a2icond.printer`:

- a key used in more than one condition becomes a `key` declaration, named from its text
  (`"Employee Name"` -> `employee_name`);
- a condition with several thresholds becomes a group: `(confidence < 45 or word confidence < 85)`;
- `>= A` next to `<= B` on one subject in an And becomes `between A and B` (an And of exactly
  `<= B, >= A`, AWS's own order, too: And member order does not count, see `a2icond.equivalence`);
- the members of `Conditions` become the top-level `or` chain, and a top-level `Or` is dissolved
  into it; nested chains of one operator are flattened;
- a run of `or`ed MissingImportantFormKey conditions over every declared key, in declaration
  order, becomes `any key missing`.

The result is compiled again and must be equivalent to the input (`a2icond.equivalence`); if the
sugar above ever breaks that, the plain form (no `between`, no `any key missing`) is used, and
if that fails too an internal error is raised rather than a wrong program returned.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

from . import ast, model, printer
from .model import Conditions, Source
from .parser import KEYWORDS


class DecompileError(RuntimeError):
    """The program built from valid JSON does not compile back to it: a bug in a2icond."""


def number(value: int | float) -> ast.Number:
    """A literal that compiles back to `value`: `90` stays an integer, `97.5` a decimal."""
    if isinstance(value, bool):  # pragma: no cover - the schema rejects booleans
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return ast.Number(str(value))
    text = format(Decimal(repr(abs(value))), "f")  # no exponent: the grammar has none
    if "." not in text:
        text += ".0"
    return ast.Number(text)


def key_name(text: str, taken: set[str]) -> str:
    """A readable identifier for a key's text: `Employee Name` -> `employee_name`, unique."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "form_key"
    if base[0].isdigit():
        base = f"key_{base}"
    if base in KEYWORDS:
        base = f"{base}_key"
    name, n = base, 2
    while name in taken or name in KEYWORDS:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


KeyId = tuple[str, tuple[str, ...]]


class _Builder:
    def __init__(self, conditions: Conditions, sugar: bool, with_source: bool = True) -> None:
        self.source: Source | None = conditions.source if with_source else None
        self.sugar = sugar
        self.members = self.top_members(conditions.members)
        self.decls: dict[KeyId, ast.KeyDecl] = {}
        uses: dict[KeyId, int] = {}
        for condition in model.conditions(self.members):
            key = _key_of(condition)
            if key is not None and key[0] != ast.ANY:
                uses[key] = uses.get(key, 0) + 1
        taken: set[str] = set()
        for key, count in uses.items():
            if count > 1:
                text, aliases = key
                self.decls[key] = ast.KeyDecl(key_name(text, taken), text, aliases)

    @staticmethod
    def top_members(members: tuple[model.Node, ...]) -> list[model.Node]:
        """`Conditions` is an "any of": an `Or` member there dissolves into it."""
        out: list[model.Node] = []
        for member in members:
            out.extend(member.members if isinstance(member, model.Or) else (member,))
        return out

    # -- conditions -> atoms --------------------------------------------------------------------

    def key_ref(self, key: KeyId) -> ast.KeyRef:
        decl = self.decls.get(key)
        if decl is not None:
            return ast.KeyName(decl.name)
        return ast.Key(key[0], key[1])

    def atom(self, condition: model.Condition) -> ast.Expr:
        kind = condition.condition_type
        params = condition.parameters
        if kind == model.SAMPLING:
            return ast.Sampling(number(params[model.SAMPLING_PERCENTAGE]))
        if kind == model.MISSING_KEY:
            key = _key_of(condition)
            assert key is not None
            return ast.MissingKey(self.key_ref(key))
        thresholds = tuple(
            ast.Threshold(op, number(value), prefix == model.WORD_PREFIX)
            for prefix, op, value in condition.thresholds()
        )
        test: ast.Test = thresholds[0] if len(thresholds) == 1 else ast.Group(thresholds)
        if kind == model.LABEL_CHECK:
            return ast.LabelCheck(params[model.LABEL_NAME], test)
        key = _key_of(condition)
        assert key is not None
        ref: ast.KeyRef = ast.Key(ast.ANY) if key[0] == ast.ANY else self.key_ref(key)
        return ast.KeyCheck(ref, test)

    # -- groups -----------------------------------------------------------------------------

    def node(self, node: model.Node) -> ast.Expr:
        if isinstance(node, model.Condition):
            return self.atom(node)
        if isinstance(node, model.And):
            pair = self.between_pair(node.members) if self.sugar else None
            if pair is not None:
                return pair
            members = self.flat(model.And, node.members)
            return self.join(ast.And, self.betweens(members) if self.sugar else members)
        return self.or_chain(self.flat(model.Or, node.members))

    def flat(
        self, cls: type[model.And] | type[model.Or], members: tuple[model.Node, ...]
    ) -> list[ast.Expr]:
        """Members with same-operator children spliced in (one-member groups dissolve too)."""
        out: list[ast.Expr] = []
        for member in members:
            built = self.node(member)
            target = ast.And if cls is model.And else ast.Or
            if isinstance(built, target):
                out.extend(built.members)
            else:
                out.append(built)
        return out

    @staticmethod
    def join(cls: type[ast.And] | type[ast.Or], members: list[ast.Expr]) -> ast.Expr:
        return members[0] if len(members) == 1 else cls(tuple(members))

    def or_chain(self, members: list[ast.Expr]) -> ast.Expr:
        return self.join(ast.Or, self.any_key_missing(members) if self.sugar else members)

    def between_pair(self, members: tuple[model.Node, ...]) -> ast.Expr | None:
        """An And of exactly `<= B, >= A` (AWS's order) or `>= A, <= B` on one subject."""
        if len(members) != 2:
            return None
        first, second = (self.node(m) for m in members)
        merged = _between(first, second) or _between(second, first)
        if merged is None and _between(second, first, check_order=False) is not None:
            return ast.And((second, first))  # `>= A, <= B` with A > B: no `between`, same order
        return merged

    @staticmethod
    def betweens(members: list[ast.Expr]) -> list[ast.Expr]:
        """`>= A` directly followed by `<= B` on one subject, inside a longer And."""
        out: list[ast.Expr] = []
        i = 0
        while i < len(members):
            merged = _between(members[i], members[i + 1]) if i + 1 < len(members) else None
            if merged is not None:
                out.append(merged)
                i += 2
            else:
                out.append(members[i])
                i += 1
        return out

    def any_key_missing(self, members: list[ast.Expr]) -> list[ast.Expr]:
        """A run of `KEY missing` over every declared key, in order -> `any key missing`."""
        names = [d.name for d in self.decls.values()]
        if len(names) < 2:
            return members
        wanted = [ast.MissingKey(ast.KeyName(n)) for n in names]
        for i in range(len(members) - len(wanted) + 1):
            if members[i : i + len(wanted)] == wanted:
                return [*members[:i], ast.MissingKey(None), *members[i + len(wanted) :]]
        return members

    def program(self) -> ast.Program:
        body = self.or_chain(self.flat(model.Or, tuple(self.members)))
        return ast.Program(self.source, tuple(self.decls.values()), body)


def _key_of(condition: model.Condition) -> KeyId | None:
    params = condition.parameters
    if model.KEY not in params:
        return None
    return str(params[model.KEY]), tuple(params.get(model.KEY_ALIASES, ()))


def _subject(node: ast.Expr) -> Any:
    if isinstance(node, ast.LabelCheck):
        return ("label", node.label)
    if isinstance(node, ast.KeyCheck):
        return ("key", node.key)
    return None


def _between(low: ast.Expr, high: ast.Expr, check_order: bool = True) -> ast.Expr | None:
    """`low` is `>= A` and `high` is `<= B` on the same subject and measure, with A <= B."""
    if not isinstance(low, ast.LabelCheck | ast.KeyCheck):
        return None
    if not isinstance(high, ast.LabelCheck | ast.KeyCheck) or _subject(low) != _subject(high):
        return None
    lt, ht = low.test, high.test
    if not (isinstance(lt, ast.Threshold) and isinstance(ht, ast.Threshold)):
        return None
    if lt.op != ">=" or ht.op != "<=" or lt.word != ht.word:
        return None
    if check_order and lt.value.value > ht.value.value:
        return None
    from dataclasses import replace

    return replace(low, test=ast.Between(lt.value, ht.value, lt.word))


def decompile_conditions(
    conditions: Conditions, *, filename: str = "<string>", with_source: bool = True
) -> str:
    """The `.cond` text for already-validated conditions (without `source` line if asked)."""
    from .compiler import compile as compile_text
    from .diagnostics import CompileError
    from .equivalence import equivalent

    problems = []
    for sugar in (True, False):
        text = printer.program(_Builder(conditions, sugar, with_source).program())
        try:
            again = compile_text(text, source=conditions.source, filename=filename)
        except CompileError as exc:
            problems.append(str(exc))
            continue
        if equivalent(again, conditions):
            return text
        problems.append("the program compiles to different JSON")
    raise DecompileError(
        "internal error: cannot express these conditions exactly ("
        + "; ".join(problems)
        + "); this is a bug in a2icond, please report it with the JSON"
    )


def decompile(
    json_text_or_value: str | bytes | Any,
    *,
    source: Source | None = None,
    filename: str = "<string>",
) -> str:
    """The canonical `.cond` program for activation-conditions JSON (text or a parsed value).

    Takes a bare `{"Conditions": [...]}` document, a `build` request, a
    `describe-flow-definition` response, an A2I output record or a `HumanLoopActivationOutput`
    (see `jsonconditions.find_conditions`). Invalid input raises `CompileError` with located
    diagnostics. A document with nothing but `Sampling` fits both sources: without `source`
    the program gets no `source` line (compiling it then needs the source from the caller).
    """
    from .jsonconditions import from_json_text

    if isinstance(json_text_or_value, bytes):
        from .fileio import decode

        text = decode(json_text_or_value, filename)
    elif isinstance(json_text_or_value, str):
        text = json_text_or_value
    else:
        text = json.dumps(json_text_or_value, ensure_ascii=False)
    conditions = from_json_text(text, source=source, filename=filename, require_source=False)
    return decompile_validated(conditions, source=source, filename=filename)


def decompile_validated(
    conditions: Conditions, *, source: Source | None = None, filename: str = "<string>"
) -> str:
    """The program for conditions already validated (from JSON, or from code by
    `a2icond.sources`): a `source` line unless only `Sampling` leaves it open."""
    known = (
        source is not None
        or conditions.source_known
        or any(c.condition_type != model.SAMPLING for c in model.conditions(conditions.members))
    )
    return decompile_conditions(conditions, filename=filename, with_source=known)


def condition_text(node: model.Node, source: Source) -> str:
    """One condition (or And/Or group) in the condition language, keys written out in full:
    how `simulate` names a row of its per-condition table."""
    builder = _Builder(Conditions(source, (node,)), sugar=True, with_source=False)
    builder.decls = {}
    return printer.expr(builder.node(node))
