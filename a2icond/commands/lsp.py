"""`a2icond lsp`: the language server, over standard input and output.

pygls is imported here, in `run`, and nowhere on any other command's path; without the `lsp`
extra the command says how to install it (exit 2).
"""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "lsp",
        help="run the language server (for editors) over stdio",
        description="Run the a2icond language server over standard input and output: "
        "diagnostics, formatting, completion, hover, rename and quick fixes for .cond files "
        "(and diagnostics for JSON activation-condition files). Editors start it: VS Code "
        "through the a2icond extension, Neovim and Helix from their language-server settings.",
    )
    p.add_argument(
        "--stdio",
        action="store_true",
        help="accepted for editors that pass it (stdio is the default)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..lsp.server import serve
    except ImportError as exc:
        print(
            f"a2icond: the language server needs pygls ({exc}); "
            "install it with: pip install 'a2icond[lsp]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    serve()
    return EXIT_OK
