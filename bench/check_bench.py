"""Wall time of `a2icond check` against `check-jsonschema`, as a user runs both from a shell.

Targets (issue "Condition language compiler"):

- `a2icond check` on 1,000 `.cond` files is no slower than `check-jsonschema --schemafile`
  with AWS's generic schema on the 1,000 equivalent JSON files;
- `a2icond check` on one file is no slower than `check-jsonschema` on one file.

The 1,000 programs are generated (see `programs.py`: Rekognition and Textract, with keys,
aliases, groups, `between`, sampling and comments, about 430 characters each) into a temporary
directory, next to their compact JSON from `a2icond.compile(text).to_json()`. Every command is
a whole process (start-up included), timed with `time.perf_counter`; the cases are interleaved
so a burst of load on the machine hits all of them alike, and each is run once untimed first.

    python bench/check_bench.py                 # the comparison, 7 repetitions
    python bench/check_bench.py --scan          # also: where parallel checking starts to pay
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "data" / "aws-generic-activation-conditions.schema.json"

sys.path.insert(0, str(HERE))
from programs import programs  # noqa: E402


def executable(name: str) -> str:
    """The console script itself, not a version manager's shim in front of it (pyenv's adds
    tens of milliseconds to every start and would blur the figures of both tools)."""
    direct = Path(sysconfig.get_path("scripts")) / name
    if direct.is_file():
        return str(direct)
    found = shutil.which(name)
    if not found:
        sys.exit(f"check_bench: {name!r} is not installed (pip install -e '.[test]')")
    return found


def write_inputs(root: Path, count: int) -> tuple[list[str], list[str]]:
    """`count` .cond files and their compact JSON; returns both lists of paths."""
    import a2icond

    cond_dir, json_dir = root / "cond", root / "json"
    cond_dir.mkdir()
    json_dir.mkdir()
    conds, jsons = [], []
    for i, (_, text) in enumerate(programs(count)):
        cond = cond_dir / f"{i:04d}.cond"
        cond.write_text(text, encoding="utf-8")
        js = json_dir / f"{i:04d}.json"
        js.write_text(a2icond.compile(text).to_json(compact=True), encoding="utf-8")
        conds.append(str(cond))
        jsons.append(str(js))
    return conds, jsons


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, workers included) of one whole command; a
    failing command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        shown = " ".join(cmd[:4]) + (" ..." if len(cmd) > 4 else "")
        sys.exit(
            f"check_bench: `{shown}` exited {proc.returncode}:\n{proc.stdout[-2000:]}"
            f"{proc.stderr[-2000:]}"
        )
    return elapsed, cpu


def measure(cases: dict[str, list[str]], repeat: int) -> dict[str, list[tuple[float, float]]]:
    """`repeat` timed runs of every case, interleaved, after one untimed run of each (which
    fills the OS file cache and Lark's grammar cache)."""
    for cmd in cases.values():
        run_once(cmd)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, cmd in cases.items():
            times[name].append(run_once(cmd))
    return times


def walls(samples: list[tuple[float, float]]) -> list[float]:
    return [wall for wall, _ in samples]


def cpus(samples: list[tuple[float, float]]) -> list[float]:
    return [cpu for _, cpu in samples]


def row(name: str, samples: list[tuple[float, float]]) -> str:
    wall = walls(samples)
    return (
        f"{name:<46} {statistics.median(wall):7.3f} s {min(wall):7.3f} s {max(wall):7.3f} s"
        f" {statistics.median(cpus(samples)):7.3f} s"
    )


def verdict(
    label: str, ours_t: list[tuple[float, float]], theirs_t: list[tuple[float, float]]
) -> str:
    ours, theirs = walls(ours_t), walls(theirs_t)
    med = statistics.median(ours) / statistics.median(theirs)
    low = min(ours) / min(theirs)
    met = "MET" if med <= 1.0 else "MISSED"
    return f"{label:<46} median {med:5.2f}x, min {low:5.2f}x  -> {met}"


def scan(conds: list[str], a2icond: str, repeat: int) -> None:
    """Serial (`--jobs 1`) against the default batch strategy, for growing batches."""
    print(f"\nwhere parallel checking pays (a2icond check; median of {repeat} runs):")
    print(f"{'files':>6} {'--jobs 1 wall':>14} {'cpu':>8} {'default wall':>14} {'cpu':>8}")
    for n in (50, 100, 200, 400, 1000):
        if n > len(conds):
            break
        cases = {
            "serial": [a2icond, "check", "--jobs", "1", *conds[:n]],
            "default": [a2icond, "check", *conds[:n]],
        }
        times = measure(cases, repeat)
        cells = [
            f"{statistics.median(f(times[k])):12.3f} s"
            for k in ("serial", "default")
            for f in (walls, cpus)
        ]
        print(f"{n:>6} {cells[0]} {cells[1][6:]} {cells[2]} {cells[3][6:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="batch size (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--scan", action="store_true", help="also time --jobs 1 vs default")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    a2icond = executable("a2icond")
    cjs = executable("check-jsonschema")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{cpus} CPUs usable; a2icond {metadata.version('a2icond')}, "
        f"lark {metadata.version('lark')}, check-jsonschema {metadata.version('check-jsonschema')}"
    )
    root = Path(tempfile.mkdtemp(prefix="a2icond-check-bench-"))
    try:
        conds, jsons = write_inputs(root, args.files)
        sizes = [Path(p).stat().st_size for p in conds]
        print(
            f"{len(conds)} .cond files, {statistics.mean(sizes):.0f} characters on average, "
            f"in {root}"
        )
        schema = ["--schemafile", str(SCHEMA)]
        n = len(conds)
        cases = {
            f"a2icond check, {n} .cond": [a2icond, "check", *conds],
            f"check-jsonschema, {n} .json": [cjs, *schema, *jsons],
            "a2icond check, 1 .cond": [a2icond, "check", conds[1]],
            "check-jsonschema, 1 .json": [cjs, *schema, jsons[1]],
            f"a2icond check, {n} .json (strict schemas)": [a2icond, "check", *jsons],
        }
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        times = measure(cases, args.repeat)
        load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
        print(
            f"\n{'case':<46} {'median':>9} {'min':>9} {'max':>9} {'cpu':>9}"
            f"   (wall time; cpu: median user+sys; {args.repeat} runs each)"
        )
        for name, samples in times.items():
            print(row(name, samples))
        names = list(times)
        print()
        print(verdict(f"{n} files: a2icond / check-jsonschema", times[names[0]], times[names[1]]))
        print(verdict("1 file: a2icond / check-jsonschema", times[names[2]], times[names[3]]))
        if load and load_after:
            print(f"load average before {load[0]:.2f}, after {load_after[0]:.2f}")
        if args.scan:
            scan(conds, a2icond, max(3, args.repeat // 2))
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
