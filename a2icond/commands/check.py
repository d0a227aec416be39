"""`a2icond check PATH...`: check activation conditions wherever they are, for CI and pre-commit.

`.cond` and `.json` files, conditions in `.py`, `.ipynb` and `.tf` code, flow `.toml` files;
folders too.

Silent on success (unless -v); every diagnostic of every file otherwise. A file whose bytes
were checked before with the same a2icond and options is not checked again (`a2icond.cache`,
`--no-cache` to skip it). Large batches are spread over processes when the machine has CPUs
to spare.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_output_format_option,
    add_source_option,
    print_report,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..diagnostics import Diagnostic
    from ..report import FileResult

#: Below this many files one process is as fast as workers (`python bench/check_bench.py
#: --scan`, 2 CPUs: `--jobs 2` equalled `--jobs 1` at 50 and 100 files, 0.16 s, and won from
#: 200 files on, 0.22 s against 0.33 s; 1,000 files 0.66 s against 1.03 s).
PARALLEL_THRESHOLD = 200

#: What `check` reads in a folder (see `_common.expand_files`): `.toml` means `*.flow.toml`.
CHECKED_SUFFIXES = (".cond", ".json", ".toml", ".py", ".ipynb", ".tf")

#: Linux's load figures; the fourth field is `running/total` scheduling entities.
LOADAVG = "/proc/loadavg"
#: Readings of the run queue `busy_cpus` takes (about a millisecond in all).
RUN_QUEUE_SAMPLES = 5

#: How runs of files shrink (see `_runs`): each is this share of what is left per process,
#: and never fewer files than `SHORTEST_RUN`.
RUN_SHARE = 4
SHORTEST_RUN = 4
#: The most processes `check` runs, whatever `--jobs` asks.
MAX_JOBS = 64


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check activation conditions and flow files (files or folders)",
        description="Check .cond files (compiled), .json activation-condition files "
        "(validated against the strict schema of their source), the conditions in Python, "
        "notebook and Terraform files (read statically), and flow .toml files (the whole "
        "request, offline). Folders are searched recursively. Prints nothing on success "
        "unless -v.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="PATH",
        help=".cond, .json, flow .toml, .py, .ipynb or .tf files, or folders (recursively)",
    )
    add_source_option(p)
    p.add_argument("-v", "--verbose", action="store_true", help="name each file that passes")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes to use (default: for large batches, the CPUs the machine's load "
        "leaves free)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file, neither reading nor writing the result cache",
    )
    add_output_format_option(p)
    p.set_defaults(func=run)


def _jobs(text: str) -> int:
    """`--jobs N`: 0 (the default) means one per usable CPU; negative counts are refused."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per CPU) or more: {text!r}")
    return value


def check_one(path: str, source: str | None, data: bytes | None = None) -> FileResult:
    """Check one file (its bytes `data`, when already read): its diagnostics (and its text, for
    the report), or its source."""

    from ..compiler import load_text
    from ..diagnostics import CompileError
    from ..fileio import decode, read_text
    from ..report import FileResult

    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".toml":
        return _check_flow(path)
    text: str | None = None
    diagnostics: list[Diagnostic]
    detail: str
    try:
        text = read_text(path) if data is None else decode(data, path)
        if suffix in (".py", ".ipynb", ".tf"):
            return _check_code(text, path, source)
        result = load_text(
            text,
            filename=path,
            source=source,  # type: ignore[arg-type]
            require_source=False,
        )
        diagnostics = list(result.diagnostics)
        detail = result.source
        if suffix == ".json" and source is None:
            from ..jsonconditions import infer_source

            detail = infer_source(result.to_dict())[0] or "either source"
    except CompileError as exc:
        diagnostics = exc.diagnostics
        detail = ""
    return FileResult(path, tuple(diagnostics), text if diagnostics else None, detail)


def _check_code(text: str, path: str, source: str | None) -> FileResult:
    """A Python, notebook or Terraform file: every conditions value in it (see sources/)."""
    from ..diagnostics import sort_key
    from ..report import FileResult
    from ..sources import read_code

    reads, diagnostics = read_code(text, path, source=source)  # type: ignore[arg-type]
    for read in reads:
        diagnostics.extend(read.diagnostics)
    count = len(reads)
    detail = f"{count} conditions value{'s' if count != 1 else ''}"
    found = tuple(sorted(diagnostics, key=sort_key))
    return FileResult(path, found, text if found else None, detail)


def _check_flow(path: str) -> FileResult:
    """A flow file: the whole `CreateFlowDefinition` request it builds, validated offline by
    the flow reader in `aws/` (nothing is sent)."""
    from ..aws.flow import FlowError, build_request, problem_diagnostics, read_flow
    from ..report import FileResult

    texts: dict[str, str]
    try:
        built = build_request(read_flow(path))
        problems, texts = list(built.problems), dict(built.texts)
    except FlowError as exc:
        problems, texts = exc.problems, dict(exc.texts)
    diagnostics = tuple(problem_diagnostics(problems))
    return FileResult(
        path,
        diagnostics,
        texts.get(path) if diagnostics else None,
        "flow definition",
        tuple((name, text) for name, text in texts.items() if name != path),
    )


#: A file to check: `(path, --source)`, or `(path, --source, its bytes)`.
Item = tuple[Any, ...]


def usable_cpus() -> int:
    """CPUs this process may run on (a container's CPU set, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def busy_cpus() -> int:
    """CPUs other processes are using now: on Linux the run queue, less this process
    (`/proc/loadavg`'s fourth field), the least of `RUN_QUEUE_SAMPLES` readings a fraction of a
    millisecond apart, so that a kernel thread that ran for an instant does not count, while a
    process that keeps a CPU busy does; elsewhere the last minute's load average, whole CPUs
    only. The present matters more than the minute's average, which still counts the previous
    `a2icond check` of a pre-commit run or a benchmark as busy."""
    import time

    try:
        fewest = None
        for sample in range(RUN_QUEUE_SAMPLES):
            if sample:
                time.sleep(0.0002)
            with open(LOADAVG, "rb") as fh:
                running = int(fh.read().split()[3].split(b"/")[0])
            fewest = running if fewest is None else min(fewest, running)
        return max(0, (fewest or 1) - 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return math.floor(os.getloadavg()[0])
    except (AttributeError, OSError):  # not on every platform
        return 0


def worker_count(requested: int, files: int) -> int:
    """Processes for `files` files: `--jobs` when given; else one for a small batch, or as many
    as the CPUs this process may use that other processes leave idle. On a busy machine,
    workers only compete with each other and with the rest: one process it is."""
    if requested:
        return requested
    if files < PARALLEL_THRESHOLD or not _can_fork():
        return 1
    cpus = usable_cpus()
    return max(1, min(cpus, cpus - busy_cpus()))


def _can_fork() -> bool:
    """Workers are forked, which is safe and cheap on Linux; elsewhere `check` runs in one
    process (macOS's system libraries are not fork-safe; Windows has no fork)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _primers(items: list[Item]) -> list[int]:
    """The first `.json` file and the first other (compiled) file: one of each kind of work."""
    firsts: dict[bool, int] = {}
    for i, item in enumerate(items):
        firsts.setdefault(item[0].lower().endswith(".json"), i)
        if len(firsts) == 2:
            break
    return sorted(firsts.values())


def check_all(items: list[Item], jobs: int) -> list[FileResult]:
    """Every file's result, in order; over `jobs` processes when there are several files (see
    `_forked`; `worker_count` keeps small batches in one process unless `--jobs` says not)."""
    if jobs <= 1 or len(items) < 3 or not _can_fork():
        return [check_one(*item) for item in items]
    return _forked(items, jobs)


def _forked(items: list[Item], jobs: int) -> list[FileResult]:
    """Check `items` in this process and `jobs - 1` forked ones, all taking runs of files as
    they go, so that a process the machine slows down just takes fewer.

    One file of each kind is checked first, which imports the compiler and loads the schemas
    once: the forked workers inherit them. The runs are numbers in a pipe that every process
    reads four bytes at a time (a read that small is atomic), until the pipe is empty. A worker
    writes its results as JSON lines to a temporary file of its own (unlinked, so no one else
    can open it) and exits; whatever a worker did not deliver, this process checks itself.
    """
    import tempfile

    results: dict[int, FileResult] = {i: check_one(*items[i]) for i in _primers(items)}
    rest = [i for i in range(len(items)) if i not in results]
    # No more processes than there are runs of files for, nor than `MAX_JOBS`: the run numbers
    # must fit in the pipe before anyone reads it (64 KiB on Linux; a few thousand runs).
    jobs = max(1, min(jobs, MAX_JOBS, len(rest) // SHORTEST_RUN))
    runs = _runs(rest, jobs)
    claims, feed = os.pipe()
    try:
        os.write(feed, b"".join(n.to_bytes(4, "little") for n in range(len(runs))))
    finally:
        os.close(feed)
    workers: list[tuple[int, Any]] = []
    try:
        for _ in range(jobs - 1):
            try:
                out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _delivered
            except OSError:  # no temporary folder to write in: fewer workers
                break
            try:
                pid = os.fork()
            except OSError:  # no process to spare: fewer workers
                out.close()
                break
            if pid == 0:  # the worker
                _work(items, runs, claims, out)
            workers.append((pid, out))
        for n in _claimed(claims):
            for i in runs[n]:
                results[i] = check_one(*items[i])
    finally:
        os.close(claims)
        for pid, out in workers:
            os.waitpid(pid, 0)
            results.update(_delivered(out))
    return [results[i] if i in results else check_one(*items[i]) for i in range(len(items))]


def _runs(indices: list[int], jobs: int) -> list[list[int]]:
    """`indices` cut into runs that shrink as they go (guided self-scheduling): long runs
    while much is left, so claiming costs nothing, short ones at the end, so that no process
    waits long for another to finish its last run."""
    runs: list[list[int]] = []
    start = 0
    while start < len(indices):
        size = max(SHORTEST_RUN, (len(indices) - start) // (jobs * RUN_SHARE))
        runs.append(indices[start : start + size])
        start += size
    return runs


def _claimed(claims: int) -> Iterator[int]:
    """The numbers of the runs this process takes, until none is left."""
    while True:
        data = os.read(claims, 4)
        if len(data) < 4:
            return
        yield int.from_bytes(data, "little")


def _work(items: list[Item], runs: list[list[int]], claims: int, out: Any) -> NoReturn:
    """A worker's life: check the runs it claims, write `[index, result]` lines, exit without
    running anything of the parent's (no atexit, no flushing of its buffers)."""
    import json
    import signal

    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it
        with open(out.fileno(), "w", encoding="utf-8", closefd=False) as stream:
            for n in _claimed(claims):
                for i in runs[n]:
                    entry = [i, check_one(*items[i]).to_json()]
                    stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
        status = 0
    finally:
        os._exit(status)


def _delivered(out: Any) -> dict[int, FileResult]:
    """The results a worker wrote (a torn last line, from a worker that died, is dropped)."""
    import json

    from ..report import FileResult

    found: dict[int, FileResult] = {}
    out.seek(0)
    with out:
        for line in out.read().decode("utf-8").splitlines():
            try:
                i, data = json.loads(line)
                found[i] = FileResult.from_json(data)
            except (ValueError, TypeError, KeyError):
                continue
    return found


def run(args: argparse.Namespace) -> int:
    from ._common import expand_files

    files, empty = expand_files(args.files, CHECKED_SUFFIXES)
    for folder in empty:
        print(f"a2icond: warning: no files to check under {folder}", file=sys.stderr)
    results = check_cached(files, args.source, args.jobs, use_cache=not args.no_cache)
    status = EXIT_OK
    for result in results:
        warned = any(d.severity == "warning" for d in result.diagnostics)  # notes never fail
        if result.failed or (args.strict and warned):
            status = EXIT_PROBLEMS
    print_report(results, args.output_format, verbose=args.verbose)
    return status


def _read_bytes(path: str) -> bytes | None:
    """A file's bytes, or None when it cannot be read (`check_one` then reports why). Plain
    `os` calls: a third of the cost of `open()` for the small files a batch is made of."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        chunks = [os.read(fd, os.fstat(fd).st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
    except OSError:
        return None
    finally:
        os.close(fd)
    return b"".join(chunks)


def check_cached(
    files: list[str], source: str | None, jobs: int, *, use_cache: bool = True
) -> list[FileResult]:
    """Every file's result, in order: from the cache when its bytes were checked before, else
    checked now (and then remembered). Without a usable cache, every file is checked."""
    if not use_cache:
        items: list[Item] = [(f, source) for f in files]
        return check_all(items, worker_count(jobs, len(items)))
    from .. import cache

    store = cache.ResultCache({"source": source})
    results: list[FileResult | None] = [None] * len(files)
    todo: list[tuple[int, str | None]] = []
    items = []
    for i, path in enumerate(files):
        data = key = None
        # A flow file's result depends on the conditions file it names, not only on its own
        # bytes, so it is always checked afresh.
        if path != "-" and not path.lower().endswith(".toml"):
            data = _read_bytes(path)
        if data is not None:
            key = cache.digest(data)
            results[i] = store.get(path, key)
            if results[i] is not None:
                continue
        todo.append((i, key))
        items.append((path, source) if data is None else (path, source, data))
    if items:
        for (i, key), result in zip(
            todo, check_all(items, worker_count(jobs, len(items))), strict=True
        ):
            results[i] = result
            if key is not None:
                store.put(files[i], key, result)
        store.save()
    return [r for r in results if r is not None]
