"""`a2icond check FILE...`: check .cond and .json activation-condition files, for CI and pre-commit.

Silent on success (unless -v); every diagnostic of every file otherwise. Large batches are
spread over processes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..report import FileResult
from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_output_format_option,
    add_source_option,
    print_report,
)

#: Below this many files one process is as fast as workers (measured with
#: `python bench/check_bench.py --scan`: on 2 CPUs, 2 workers first won clearly at 1,000 files,
#: 0.48 s against 0.88 s in process, and not at 400).
PARALLEL_THRESHOLD = 400

#: Chunks per worker (see `check_all`).
CHUNKS_PER_JOB = 4


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check .cond and .json activation-condition files",
        description="Check .cond files (compiled) and .json activation-condition files "
        "(validated against the strict schema of their source). Prints nothing on success "
        "unless -v.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".cond or .json files")
    add_source_option(p)
    p.add_argument("-v", "--verbose", action="store_true", help="name each file that passes")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="processes to use (default: all cores for large batches)",
    )
    add_output_format_option(p)
    p.set_defaults(func=run)


def check_one(path: str, source: str | None) -> FileResult:
    """Check one file: its diagnostics (and its text, for the report), or its source."""
    from ..compiler import load_text
    from ..diagnostics import CompileError
    from ..fileio import read_text

    text: str | None = None
    diagnostics: list[Diagnostic]
    detail: str
    try:
        text = read_text(path)
        result = load_text(
            text,
            filename=path,
            source=source,  # type: ignore[arg-type]
            require_source=False,
        )
        diagnostics = list(result.diagnostics)
        detail = result.source
        if Path(path).suffix.lower() == ".json" and source is None:
            from ..jsonconditions import infer_source

            detail = infer_source(result.to_dict())[0] or "either source"
    except CompileError as exc:
        diagnostics = exc.diagnostics
        detail = ""
    return FileResult(path, tuple(diagnostics), text if diagnostics else None, detail)


def _check_chunk(chunk: list[tuple[str, str | None]]) -> list[FileResult]:
    """One worker's share: a run of files, so that results go back in few, large messages."""
    return [check_one(path, source) for path, source in chunk]


def usable_cpus() -> int:
    """CPUs this process may run on (a container's CPU set, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _fork_context() -> Any:
    """Fork where it is safe (Linux), so workers inherit the loaded compiler; else the default."""
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _primers(items: list[tuple[str, str | None]]) -> list[int]:
    """The first `.json` file and the first other (compiled) file: one of each kind of work."""
    firsts: dict[bool, int] = {}
    for i, (path, _) in enumerate(items):
        firsts.setdefault(path.lower().endswith(".json"), i)
        if len(firsts) == 2:
            break
    return sorted(firsts.values())


def check_all(items: list[tuple[str, str | None]], jobs: int) -> list[FileResult]:
    """Check every file, in order; large batches over `jobs` processes.

    One file of each kind is checked here before any worker starts: that imports the compiler
    and loads the grammar and the schemas once, and the forked workers inherit them instead of
    each paying for them. The rest is cut into `CHUNKS_PER_JOB` runs per worker, which evens
    out a worker that the machine slows down without sending a message per file.
    """
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        return [check_one(path, source) for path, source in items]
    from concurrent.futures import ProcessPoolExecutor

    done = {i: check_one(*items[i]) for i in _primers(items)}
    rest = [item for i, item in enumerate(items) if i not in done]
    size = -(-len(rest) // (jobs * CHUNKS_PER_JOB))
    chunks = [rest[i : i + size] for i in range(0, len(rest), size)]
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)), mp_context=_fork_context()
    ) as pool:
        from_workers = iter(r for chunk in pool.map(_check_chunk, chunks) for r in chunk)
        return [done[i] if i in done else next(from_workers) for i in range(len(items))]


def run(args: argparse.Namespace) -> int:
    files: list[str] = args.files
    jobs = args.jobs or usable_cpus()
    results = check_all([(f, args.source) for f in files], jobs)
    status = EXIT_OK
    for result in results:
        if result.failed or (args.strict and result.diagnostics):
            status = EXIT_PROBLEMS
    print_report(results, args.output_format, verbose=args.verbose)
    return status
