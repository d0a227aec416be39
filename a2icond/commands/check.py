"""`a2icond check FILE...`: check .cond and .json activation-condition files, for CI and pre-commit.

Silent on success (unless -v); every diagnostic of every file otherwise. Large batches are
spread over processes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..diagnostics import Diagnostic
from ._common import EXIT_OK, EXIT_PROBLEMS

#: Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 400


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check .cond and .json activation-condition files",
        description="Check .cond files (compiled) and .json activation-condition files "
        "(validated against the strict schema of their source). Prints nothing on success "
        "unless -v.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".cond or .json files")
    p.add_argument(
        "--source",
        choices=("rekognition", "textract"),
        help="the source, for files that neither say nor imply it",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="name each file that passes")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="processes to use (default: all cores for large batches)",
    )
    p.set_defaults(func=run)


def check_one(path: str, source: str | None) -> tuple[str, str, bool]:
    """Check one file: `(path, rendered diagnostics, has_errors)`; the source when it passes."""
    from ..compiler import compile as compile_text
    from ..diagnostics import CompileError
    from ..fileio import read_text

    text: str | None = None
    diagnostics: list[Diagnostic]
    try:
        text = read_text(path)
        if Path(path).suffix.lower() == ".json":
            from ..jsonconditions import from_json_text

            result = from_json_text(
                text,
                source=source,
                filename=path,
                require_source=False,  # type: ignore[arg-type]
            )
        else:
            result = compile_text(text, source=source, filename=path)  # type: ignore[arg-type]
        diagnostics = list(result.diagnostics)
        from ..jsonconditions import infer_source

        detail = source or infer_source(result.to_dict())[0] or "either source"
    except CompileError as exc:
        diagnostics = exc.diagnostics
        detail = ""
    from ..diagnostics import render_all

    failed = any(d.severity == "error" for d in diagnostics)
    rendered = render_all(diagnostics, text if text is not None else None)
    return rendered, detail, failed


def _check_star(item: tuple[str, str | None]) -> tuple[str, str, bool]:
    return check_one(*item)


def run(args: argparse.Namespace) -> int:
    files: list[str] = args.files
    jobs = args.jobs or (os.cpu_count() or 1)
    items = [(f, args.source) for f in files]
    if jobs > 1 and len(files) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_check_star, items, chunksize=64))
    else:
        results = [check_one(*item) for item in items]
    status = EXIT_OK
    out = sys.stdout
    for path, (rendered, detail, failed) in zip(files, results, strict=True):
        if rendered:
            print(rendered, file=out)
        warned = bool(rendered) and not failed
        if failed or (args.strict and warned):
            status = EXIT_PROBLEMS
        elif args.verbose:
            print(f"{path}: ok ({detail})", file=out)
    return status
