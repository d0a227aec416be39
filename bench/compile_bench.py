"""How long `a2icond.compile` takes on a program at A2I's 10,240-character limit.

Target (issue "Condition language compiler"): compiling a file at the limit takes under 20 ms
in process. The program is generated (`programs.large_textract`: every form key declared with
aliases, then members of every kind until one more would pass the limit), so its compact JSON is
just under 10,240 characters.

- warm: `a2icond.compile(text)` in this process after one untimed call; median over many runs;
- cold: a fresh interpreter's first call, including `import a2icond`, the imports the compiler
  makes on first use and loading the grammar, in three states of Lark's grammar cache (a file
  in the temporary directory, see `a2icond/parser.py`): a hit, a miss (it is then written), and
  a temporary directory where nothing can be written.

    python bench/compile_bench.py [--runs 500]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from programs import large_textract  # noqa: E402

TARGET_MS = 20.0

#: Runs in a fresh interpreter: times the first compile and reports where Lark's cache is.
COLD = r"""
import json, sys, time, tempfile
setup = sys.argv[2]
if setup == "unwritable":
    # Point the temporary directory below a regular file: every write there fails with an
    # OSError, for root too (a read-only file system fails the same way).
    tempfile.tempdir = sys.argv[3] + "/not-a-directory"
elif setup == "none":
    # No usable temporary directory at all: what `tempfile` says on a read-only file system
    # (every candidate directory, and the current one, unwritable).
    tempfile.tempdir = None
    tempfile._candidate_tempdir_list = lambda: []
t0 = time.perf_counter()
import a2icond
t1 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
error, grammar, lark_import = "", 0.0, 0.0
try:
    from a2icond import parser
    t = time.perf_counter()
    import lark
    lark_import = time.perf_counter() - t
    parser._lark()  # the grammar alone: Lark's import and its cache (or its analysis)
    grammar = time.perf_counter() - t
    a2icond.compile(text)
except Exception as exc:  # reported, not raised: this is what a user would run into
    error = f"{type(exc).__name__}: {exc}"
t2 = time.perf_counter()
if not error:
    a2icond.compile(text)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "grammar": grammar, "lark": lark_import,
                  "second": t3 - t2,
                  "error": error}))
"""


def warm(text: str, runs: int) -> list[float]:
    import a2icond

    a2icond.compile(text)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        a2icond.compile(text)
        samples.append(time.perf_counter() - start)
    return samples


def stages(text: str, runs: int) -> dict[str, float]:
    """Median milliseconds of each pass (the pipeline of `a2icond/compiler.py`)."""
    from a2icond import checker, lint, lowering, parser, schemas

    times: dict[str, list[float]] = {
        "parse": [],
        "check": [],
        "lint": [],
        "lower": [],
        "validate": [],
    }
    for _ in range(runs):
        t0 = time.perf_counter()
        program = parser.parse(text)
        t1 = time.perf_counter()
        analysis = checker.check(program)
        t2 = time.perf_counter()
        lint.lint(program, analysis)
        t3 = time.perf_counter()
        conditions, _ = lowering.lower(program, analysis)
        t4 = time.perf_counter()
        schemas.is_valid(conditions.to_dict(), conditions.source)
        t5 = time.perf_counter()
        spans = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
        for name, spent in zip(times, spans, strict=True):
            times[name].append(spent)
    return {name: statistics.median(v) * 1000 for name, v in times.items()}


def cold(path: Path, setup: str, tmp: str, runs: int) -> tuple[list[dict[str, float]], str]:
    """`runs` fresh interpreters; returns their timings and any error the first call raised."""
    results, error = [], ""
    env = dict(os.environ, TMPDIR=tmp)
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(path), setup, tmp],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        result = json.loads(out.stdout)
        error = error or result.pop("error")
        results.append(result)
    return results, error


def lark_cache_files(directory: str) -> list[Path]:
    return sorted(Path(directory).glob(".lark_cache_*"))


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.2f} ms, min {min(values) * 1000:7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500, help="warm runs (default 500)")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh interpreters per case")
    args = parser.parse_args()

    import a2icond

    text = large_textract()
    size = len(a2icond.compile(text).to_json(compact=True))
    print(
        f"program: {len(text):,} characters of source, {text.count(chr(10))} lines, "
        f"compact JSON {size:,} characters (A2I's limit: 10,240)"
    )

    samples = warm(text, args.runs)
    verdict = "MET" if statistics.median(samples) * 1000 < TARGET_MS else "MISSED"
    print(
        f"warm a2icond.compile ({args.runs} runs): {ms(samples)}, max "
        f"{max(samples) * 1000:.2f} ms  -> target < {TARGET_MS:.0f} ms {verdict}"
    )
    parts = stages(text, max(20, args.runs // 5))
    print("  by pass (median): " + ", ".join(f"{k} {v:.2f} ms" for k, v in parts.items()))

    with tempfile.TemporaryDirectory(prefix="a2icond-compile-bench-") as work:
        path = Path(work) / "large.cond"
        path.write_text(text, encoding="utf-8")
        cache_dir = Path(work) / "tmp"
        cache_dir.mkdir()
        blocker = Path(work) / "file"
        blocker.write_text("", encoding="utf-8")
        print("\ncold: fresh interpreters (median); Lark's grammar cache in a fresh temp dir")

        def line(label: str, runs: list[dict[str, float]], note: str) -> None:
            def med(key: str) -> float:
                return statistics.median(r[key] for r in runs) * 1000

            print(
                f"  {label:<28} import a2icond {med('import'):6.1f} ms, first compile "
                f"{med('first'):6.1f} ms (of which grammar {med('grammar'):6.1f} ms, "
                f"{med('lark'):5.1f} ms of it importing lark), "
                f"second {med('second'):5.2f} ms{note}"
            )

        miss, error = cold(path, "default", str(cache_dir), 1)
        written = lark_cache_files(str(cache_dir))
        files = ", ".join(f"{p.name} ({p.stat().st_size:,} bytes)" for p in written)
        line("cache miss (1 run)", miss, f"; FAILED: {error}" if error else "")
        print(f"    cache file written: {files or 'NO'}")
        before = {p: p.stat().st_mtime_ns for p in written}
        hits, error = cold(path, "default", str(cache_dir), args.cold_runs)
        after = lark_cache_files(str(cache_dir))
        rewritten = [p for p in after if before.get(p) != p.stat().st_mtime_ns]
        line(f"cache hit ({args.cold_runs} runs)", hits, f"; FAILED: {error}" if error else "")
        print(
            "    cache file rewritten by those runs: "
            + ("YES (the cache was not used)" if rewritten else "no (so it was read, not rebuilt)")
        )
        for setup, label in (
            ("unwritable", "temp dir not writable"),
            ("none", "no usable temp dir"),
        ):
            runs, error = cold(path, setup, str(blocker), args.cold_runs)
            if error:
                print(f"  {label:<28} FAILED: {error}")
            else:
                line(f"{label} ({args.cold_runs} runs)", runs, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
