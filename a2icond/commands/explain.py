"""`a2icond explain CODE`: print the documentation page of a diagnostic code (like `ruff rule`).

`a2icond explain --all` lists every code with its name and summary. The pages ship in the
wheel, so this works offline on any install.
"""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, usage_error


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "explain",
        help="explain a diagnostic code (A2I024, A2I101, ...)",
        description="Print the documentation of a diagnostic code: what it means, an example "
        "and the fix. A code (A2I024) or a name (undeclared-key); --all lists every code.",
    )
    p.add_argument("code", nargs="?", metavar="CODE", help="a code such as A2I101, or its name")
    p.add_argument("--all", action="store_true", help="list every code with its summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..codes import REGISTRY, lookup, page

    if args.all:
        for c in REGISTRY:
            print(f"{c.code}  {c.severity:<7}  {c.name:<25}  {c.summary}")
        return EXIT_OK
    if not args.code:
        return usage_error("explain: give a code (such as A2I101) or --all")
    found = lookup(args.code)
    if found is None:
        return usage_error(
            f"explain: unknown code {args.code!r}; `a2icond explain --all` lists them"
        )
    text = page(found.code)
    if text is None:  # a broken install: say what we know rather than nothing
        print(f"{found.code} {found.name} ({found.severity}): {found.summary}")
        print(f"a2icond: the page for {found.code} is missing from this install", file=sys.stderr)
        return 3
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK
