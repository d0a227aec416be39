"""`a2icond schema --source S`: print the strict JSON Schema, for editors and other tools."""

from __future__ import annotations

import argparse
import sys

from ._common import add_source_option


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "schema",
        help="print the strict JSON Schema of a source",
        description="Print the strict draft-07 JSON Schema that a2icond validates "
        "activation conditions against.",
    )
    add_source_option(p, "which schema", required=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..schemas import schema_text

    sys.stdout.write(schema_text(args.source))
    return 0
