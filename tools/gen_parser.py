"""Generate `a2icond/_parser_tables.py` from `grammar/conditions.lark` with Lark's standalone tool.

    python tools/gen_parser.py            # rewrite a2icond/_parser_tables.py
    python tools/gen_parser.py --check    # exit 1 if the committed module is not what this gives

The grammar stays the only definition of the syntax. Lark's public standalone parser generator
(`python -m lark.tools.standalone -l basic`) analyses it; this script reads the analysis out of
the generated module's `DATA`/`MEMO` literals (with `ast.literal_eval`: nothing generated is
executed), and writes plain Python data: one lexer regex, the keyword table, the LALR(1) states
and the rules with what Lark's tree builder does to their children. `a2icond/parser.py` runs a
small LALR loop over that module, so a2icond needs no Lark, no cache and no pickle at run time.

Lark numbers its states differently from run to run (its sets iterate in hash order), so states
are renumbered here in a canonical order (breadth first from the start state, symbols sorted):
the same grammar gives the same bytes with any hash seed, which lets a test compare byte for
byte. The lexer's order of terminals and its keyword handling follow what Lark's basic lexer
documents and does (priority, then longest pattern, then name; string terminals that an
identifier regex also matches become keywords of that identifier); `tests/test_parser_contract.py`
checks the result against `Lark(..., parser="lalr", lexer="basic")` on a corpus.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import re
import subprocess
import sys
from collections import deque
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = ROOT / "grammar" / "conditions.lark"
OUTPUT = ROOT / "a2icond" / "_parser_tables.py"


class Unsupported(Exception):
    """The grammar (or a Lark release) uses something this generator does not translate."""


def standalone_source(grammar: Path) -> str:
    """The module Lark's standalone tool writes for `grammar` (basic lexer, LALR)."""
    result = subprocess.run(
        [sys.executable, "-m", "lark.tools.standalone", "-l", "basic", str(grammar)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise Unsupported(f"lark.tools.standalone failed:\n{result.stderr}")
    return result.stdout


class _TokensAsText(ast.NodeTransformer):
    """Some Lark releases (1.2) write rule names as `Token('RULE', 'name')`: keep the text."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func, args = node.func, node.args
        if (
            isinstance(func, ast.Name)
            and func.id == "Token"
            and len(args) == 2
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)
        ):
            return ast.copy_location(ast.Constant(args[1].value), node)  # type: ignore[attr-defined]
        raise Unsupported(f"an unexpected call in the generated data: {ast.unparse(node)[:80]}")


def data_and_memo(source: str) -> tuple[dict[str, Any], dict[int, Any]]:
    """The `DATA` and `MEMO` literals of a standalone module, read without running it."""
    found: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("DATA", "MEMO"):
                found[target.id] = ast.literal_eval(_TokensAsText().visit(node.value))
    if set(found) != {"DATA", "MEMO"}:
        raise Unsupported("the standalone module has no DATA/MEMO literals")
    return found["DATA"], found["MEMO"]


def _deref(value: Any, memo: dict[int, Any]) -> Any:
    if isinstance(value, dict) and set(value) == {"@"}:
        return memo[value["@"]]
    return value


def _to_regexp(pattern: dict[str, Any]) -> str:
    """A terminal's regex as Lark writes it (strings escaped, flags as inline groups)."""
    kind = pattern["__type__"]
    value = re.escape(pattern["value"]) if kind == "PatternStr" else pattern["value"]
    for flag in sorted(pattern.get("flags", ())):
        value = f"(?{flag}:{value})"
    return str(value)


def _max_width(pattern: dict[str, Any]) -> int:
    if pattern["__type__"] == "PatternStr":
        return len(pattern["value"])
    if "_width" not in pattern:
        raise Unsupported("a regex terminal without its recorded width")
    return int(pattern["_width"][1])


def _has_newline(regexp: str) -> bool:
    """Lark's test for terminals that may contain a newline (their tokens update the line)."""
    return (
        "\n" in regexp
        or "\\n" in regexp
        or "\\s" in regexp
        or "[^" in regexp
        or ("(?s" in regexp and "." in regexp)
    )


def lexer_tables(data: dict[str, Any], memo: dict[int, Any]) -> dict[str, Any]:
    conf = data["parser"]["lexer_conf"]
    if conf.get("g_regex_flags", 0) or conf.get("use_bytes"):
        raise Unsupported("global regex flags or bytes input")
    terminals = [_deref(t, memo) for t in conf["terminals"]]
    ignore = sorted(conf["ignore"])
    newline = sorted(t["name"] for t in terminals if _has_newline(_to_regexp(t["pattern"])))
    terminals.sort(
        key=lambda t: (
            -t["priority"],
            -_max_width(t["pattern"]),
            -len(t["pattern"]["value"]),
            t["name"],
        )
    )
    strings = [t for t in terminals if t["pattern"]["__type__"] == "PatternStr"]
    keywords: dict[str, dict[str, str]] = {}
    embedded: set[str] = set()
    for retok in terminals:
        if retok["pattern"]["__type__"] != "PatternRE":
            continue
        regexp = _to_regexp(retok["pattern"])
        table: dict[str, str] = {}
        for strtok in strings:
            text = strtok["pattern"]["value"]
            if strtok["priority"] != retok["priority"]:
                continue
            match = re.match(regexp, text)
            if not match or match.group(0) != text:
                continue
            if not set(strtok["pattern"]["flags"]) <= set(retok["pattern"]["flags"]):
                raise Unsupported(f"{strtok['name']} is both a keyword and its own terminal")
            if strtok["pattern"]["flags"] not in ([], ["i"]):
                raise Unsupported(f"{strtok['name']}: flags {strtok['pattern']['flags']}")
            folded = text.lower()
            if "i" not in strtok["pattern"]["flags"] or folded in table:
                raise Unsupported(f"{strtok['name']}: only distinct case-insensitive keywords")
            table[folded] = strtok["name"]
            embedded.add(strtok["name"])
        if table:
            keywords[retok["name"]] = table
    kept = [t for t in terminals if t["name"] not in embedded]
    if len(kept) >= 100:
        raise Unsupported("more than 99 terminals do not fit in one regex")
    pairs = [(t["name"], _to_regexp(t["pattern"])) for t in kept]
    pattern = "|".join(f"(?P<{name}>{regexp})" for name, regexp in pairs)
    return {
        "pattern": pattern,
        "terminals": pairs,
        "keywords": keywords,
        "ignore": ignore,
        "newline": newline,
    }


def parser_tables(data: dict[str, Any], memo: dict[int, Any]) -> dict[str, Any]:
    """States renumbered canonically; actions: state >= 0 to shift (or go to), -1 - rule to
    reduce by a rule of `rules`, which says what Lark's tree builder does with the children."""
    table = data["parser"]["parser"]
    names: dict[int, str] = table["tokens"]
    raw_rules = [_deref(r, memo) for r in data["parser"]["parser_conf"]["rules"]]

    def rule_key(rule: dict[str, Any]) -> tuple[Any, ...]:
        return (
            rule["origin"]["name"],
            rule["order"],
            tuple(s["name"] for s in rule["expansion"]),
            rule["alias"] or "",
        )

    ordered = sorted(raw_rules, key=rule_key)
    index = {rule_key(r): i for i, r in enumerate(ordered)}
    rules = []
    for rule in ordered:
        options = rule["options"]
        if options.get("template_source") or options.get("empty_indices"):
            raise Unsupported(f"rule {rule['origin']['name']}: templates or [] placeholders")
        include = []
        for i, sym in enumerate(rule["expansion"]):
            is_term = sym["__type__"] == "Terminal"
            if options["keep_all_tokens"] or not (is_term and sym.get("filter_out")):
                include.append((i, not is_term and sym["name"].startswith("_")))
        expansion = rule["expansion"]
        plain = len(include) == len(expansion) and not any(s for _, s in include)
        origin = rule["origin"]["name"]
        callback = rule["alias"] or (None if origin.startswith("_") else origin)
        rules.append(
            (
                origin,
                len(expansion),
                callback,
                bool(options["expand1"] and not rule["alias"]),
                None if plain else tuple(include),
            )
        )

    states: dict[int, dict[str, tuple[int, Any]]] = {
        s: {names[t]: action for t, action in actions.items()}
        for s, actions in table["states"].items()
    }
    start, end = table["start_states"]["start"], table["end_states"]["start"]
    number = {start: 0}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for _symbol, (kind, arg) in sorted(states[state].items()):
            if kind == 0 and arg not in number:
                number[arg] = len(number)
                queue.append(arg)
    if len(number) != len(states):
        raise Unsupported("unreachable LALR states")
    out: list[dict[str, int]] = [{} for _ in number]
    for state, actions in states.items():
        row = out[number[state]]
        for symbol, (kind, arg) in sorted(actions.items()):
            if kind == 0:
                row[symbol] = number[arg]
            else:
                row[symbol] = -1 - index[rule_key(_deref(arg, memo))]
    return {"rules": rules, "states": out, "start": 0, "end": number[end]}


HEADER = '''\
# ruff: noqa
# fmt: off
# Generated by tools/gen_parser.py from grammar/conditions.lark with Lark {lark}
# (python -m lark.tools.standalone -l basic). Do not edit: change the grammar, then run
# `python tools/gen_parser.py`; tests/test_parser_contract.py checks that this is up to date.
"""The condition language's lexer and LALR(1) tables, as plain data for `a2icond.parser`."""

LARK_VERSION = {lark!r}
GRAMMAR_SHA256 = {sha!r}
'''


def render(grammar: Path) -> str:
    """The text of `a2icond/_parser_tables.py` for `grammar` with the installed Lark."""
    text = grammar.read_text(encoding="utf-8")
    data, memo = data_and_memo(standalone_source(grammar))
    if data["parser"]["parser_conf"]["start"] != ["start"]:
        raise Unsupported("one start rule, `start`, is expected")
    lexer = lexer_tables(data, memo)
    parser = parser_tables(data, memo)
    lines = [
        HEADER.format(
            lark=metadata.version("lark"), sha=hashlib.sha256(text.encode("utf-8")).hexdigest()
        ),
        "#: Every terminal the lexer matches, in Lark's order of precedence, as one regex.",
        f"PATTERN = {lexer['pattern']!r}",
        "#: The same terminals one by one: (name, regex), in the same order.",
        "TERMINALS: tuple[tuple[str, str], ...] = (",
        *(f"    {pair!r}," for pair in lexer["terminals"]),
        ")",
        "",
        "#: Keywords inside identifier terminals: terminal -> {lowercase text: keyword}.",
        "KEYWORDS: dict[str, dict[str, str]] = {",
    ]
    for terminal, table in sorted(lexer["keywords"].items()):
        lines.append(f"    {terminal!r}: {{")
        lines += [f"        {k!r}: {v!r}," for k, v in sorted(table.items())]
        lines.append("    },")
    lines += [
        "}",
        "",
        "#: Terminals matched and dropped (comments reach their callback first).",
        f"IGNORE = frozenset({lexer['ignore']!r})",
        "#: Terminals whose text may span lines.",
        f"NEWLINE = frozenset({lexer['newline']!r})",
        "",
        "#: (origin, length, callback or None to splice into the parent, return a single child",
        "#: as is, None or the (index, splice) of each child kept)",
        "RULES: tuple[tuple[str, int, str | None, bool, tuple[tuple[int, bool], ...] | None], ...]"
        " = (",
    ]
    lines += [f"    {rule!r}," for rule in parser["rules"]]
    lines += [
        ")",
        "",
        f"START = {parser['start']}",
        f"END = {parser['end']}",
        "",
        "#: Per state, symbol -> the next state (>= 0) or -1 - the rule to reduce by.",
        "STATES: tuple[dict[str, int], ...] = (",
    ]
    for row in parser["states"]:
        cells = ", ".join(f"{k!r}: {v}" for k, v in row.items())
        lines.append(f"    {{{cells}}},")
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--grammar", type=Path, default=GRAMMAR)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(args.grammar)
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'OUT OF DATE'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
