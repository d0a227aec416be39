"""Wall time of `a2icond check` against `check-jsonschema`, as a user runs both from a shell,
and the in-process compile time of a program at A2I's 10,240-character limit: every target of
the start-up and throughput issue, side by side in one run.

Targets (ratios of medians, a2icond / check-jsonschema on the equivalent JSON files):

- one file, a first run (empty result cache):          <= 0.40x  (moonshot 0.25x)
- 1,000 files, a first run (empty result cache):        <= 0.60x  (moonshot 0.40x)
- 1,000 unchanged files checked again (cache filled):  <= 0.10x
- `a2icond.compile` of a program at the 10,240 limit, warm, in process: < 5 ms

The programs are generated (`programs.py`: Rekognition and Textract, with keys, aliases,
groups, `between`, sampling and comments, about 430 characters each) into a temporary folder,
next to their compact JSON. Every command is a whole process (start-up included), timed with
`time.perf_counter`; cases are interleaved so a burst of load hits all alike, and each runs once
untimed first. A "first run" gets a new, empty cache folder each time (`A2ICOND_CACHE_DIR`), so
it pays for writing the cache as a user's first run does.

Bytecode: this environment may set PYTHONDONTWRITEBYTECODE=1, and without `.pyc` files every
start recompiles every module (+30% or so). So the script compiles a2icond's package with
`compileall`, and makes the untimed runs of both tools with that variable removed, which writes
the `.pyc` of every module either of them imports (where the folder is writable).

Both tools run in a clean virtual environment made for the run (see `clean_environment`), as in
pre-commit's hook environments; `--here` runs this interpreter's console scripts instead.

    python bench/check_bench.py                 # 1,000 files, 7 repetitions
    python bench/check_bench.py --quick         # 200 files, 3 repetitions: does it run?
    python bench/check_bench.py --scan          # also: where parallel checking starts to pay
    python bench/check_bench.py --busy 2        # the scan with two CPU-bound processes running
    python bench/check_bench.py --here          # this interpreter's console scripts
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
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
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "data" / "aws-generic-activation-conditions.schema.json"

sys.path.insert(0, str(HERE))
from programs import large_textract, programs  # noqa: E402

#: (name, target, moonshot) per comparison.
TARGETS = {
    "one": ("1 file, first run", 0.40, 0.25),
    "cold": ("{n} files, first run", 0.60, 0.40),
    "warm": ("{n} unchanged files, again", 0.10, None),
}
COMPILE_TARGET_MS = 5.0

#: A case: a function giving the command and its environment for one run.
Case = Callable[[], tuple[list[str], dict[str, str]]]


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


#: The console-script wrapper pip writes (pip's template, so both tools start as installed).
WRAPPER = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from {module} import {attr}
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit({attr}())
"""


def clean_environment(root: Path, a2icond_root: str) -> tuple[str, dict[str, str]]:
    """A virtual environment in `root` that runs what this interpreter has installed, without
    this interpreter's `site-packages` start-up hooks; returns its interpreter and console
    scripts.

    `python -m venv --without-pip`, then one `.pth` file naming a2icond's source folder and this
    interpreter's `site-packages` (folders named in a `.pth` file are put on the path, but their
    own `.pth` files are not run), then each tool's console script as pip writes it. This is
    what pre-commit's own environments and a user's virtual environment look like: only what
    was installed, no machine-wide hooks. (This sandbox's interpreter runs a `.pth` hook that
    imports certifi on every start, about 50 ms that a user's machine does not have.)
    """
    import venv

    where = root / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    python = where / "bin" / "python"
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    paths = [a2icond_root, *sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})]
    Path(found, "bench-paths.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    scripts = {}
    for name in ("a2icond", "check-jsonschema"):
        (entry,) = metadata.entry_points(group="console_scripts", name=name)
        module, attr = entry.value.split(":")
        script = where / "bin" / name
        script.write_text(WRAPPER.format(python=python, module=module, attr=attr))
        script.chmod(0o755)
        scripts[name] = str(script)
    scripts["python"] = str(python)
    return str(python), scripts


def compile_package() -> str:
    """Write the `.pyc` of every module of the a2icond that the console script will import."""
    spec = importlib.util.find_spec("a2icond")
    assert spec is not None and spec.submodule_search_locations
    folder = next(iter(spec.submodule_search_locations))
    compileall.compile_dir(folder, quiet=1)
    return folder


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


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, workers included) of one whole command; a
    failing command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
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


def measure(cases: dict[str, Case], repeat: int) -> dict[str, list[tuple[float, float]]]:
    """`repeat` timed runs of every case, interleaved, after one untimed run of each with
    bytecode writing on (see the module's docstring)."""
    for make in cases.values():
        cmd, env = make()
        warm_env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        run_once(cmd, warm_env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, make in cases.items():
            times[name].append(run_once(*make()))
    return times


def walls(samples: list[tuple[float, float]]) -> list[float]:
    return [wall for wall, _ in samples]


def cpus(samples: list[tuple[float, float]]) -> list[float]:
    return [cpu for _, cpu in samples]


def row(name: str, samples: list[tuple[float, float]]) -> str:
    wall = walls(samples)
    return (
        f"{name:<48} {statistics.median(wall):7.3f} s {min(wall):7.3f} s {max(wall):7.3f} s"
        f" {statistics.median(cpus(samples)):7.3f} s"
    )


def verdict(
    label: str,
    ours_t: list[tuple[float, float]],
    theirs_t: list[tuple[float, float]],
    target: float,
    moonshot: float | None,
) -> str:
    ours, theirs = walls(ours_t), walls(theirs_t)
    med = statistics.median(ours) / statistics.median(theirs)
    low = min(ours) / min(theirs)
    met = "MET" if med <= target else "MISSED"
    if moonshot is not None and med <= moonshot:
        met += ", moonshot too"
    goal = f"target <= {target:.2f}x" + (f", moonshot {moonshot:.2f}x" if moonshot else "")
    return f"{label:<32} median {med:5.2f}x, min {low:5.2f}x  ({goal}) -> {met}"


def compile_in_process(runs: int) -> list[float]:
    """Warm `a2icond.compile` of a program at the 10,240-character limit."""
    import a2icond

    text = large_textract()
    a2icond.compile(text)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        a2icond.compile(text)
        samples.append(time.perf_counter() - start)
    return samples


def scan(conds: list[str], a2icond: str, repeat: int, env: dict[str, str]) -> None:
    """Serial (`--jobs 1`), the default and `--jobs 2` for growing batches; then, for the whole
    batch, two serial processes side by side on half the files each: what two CPUs give on this
    machine, the ceiling of any parallel `check`."""
    print(f"\nwhere parallel checking pays (a2icond check --no-cache; median of {repeat} runs):")
    heads = ("--jobs 1", "default", "--jobs 2")
    print(f"{'files':>6}" + "".join(f"{h + ' wall':>16} {'cpu':>7}" for h in heads))
    for n in (50, 100, 200, 400, 1000):
        if n > len(conds):
            break
        base = [a2icond, "check", "--no-cache"]
        commands = {
            "--jobs 1": [*base, "--jobs", "1", *conds[:n]],
            "default": [*base, *conds[:n]],
            "--jobs 2": [*base, "--jobs", "2", *conds[:n]],
        }
        cases: dict[str, Case] = {
            name: (lambda cmd=cmd: (cmd, env))  # type: ignore[misc]
            for name, cmd in commands.items()
        }
        times = measure(cases, repeat)
        cells = "".join(
            f"{statistics.median(walls(times[h])):14.3f} s {statistics.median(cpus(times[h])):7.3f}"
            for h in heads
        )
        print(f"{n:>6}{cells}")
    half = len(conds) // 2
    pair = []
    for _ in range(repeat):
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [a2icond, "check", "--no-cache", "--jobs", "1", *part],
                env=env,
                stdout=subprocess.DEVNULL,
            )
            for part in (conds[:half], conds[half:])
        ]
        for proc in procs:
            proc.wait()
        pair.append(time.perf_counter() - start)
    print(
        f"two serial processes side by side, {half} files each: "
        f"{statistics.median(pair):.3f} s (median of {repeat})"
    )


def busy(count: int) -> list[subprocess.Popen[bytes]]:
    """`count` CPU-bound processes, to see what `check` does on a busy machine."""
    spin = [sys.executable, "-c", "while True: pass"]
    return [subprocess.Popen(spin) for _ in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="batch size (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--quick", action="store_true", help="200 files, 3 runs: a smoke test")
    parser.add_argument(
        "--scan", action="store_true", help="also time --jobs 1, the default and --jobs 2"
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="run N CPU-bound processes during the scan (implies --scan)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--here",
        action="store_true",
        help="run the console scripts of this interpreter, start-up hooks and all, instead of "
        "a clean virtual environment's (see clean_environment)",
    )
    args = parser.parse_args()
    if args.quick:
        args.files, args.repeat = min(args.files, 200), min(args.repeat, 3)

    package = compile_package()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{usable} CPUs usable; a2icond {metadata.version('a2icond')} from {package}, "
        f"check-jsonschema {metadata.version('check-jsonschema')}"
    )
    root = Path(tempfile.mkdtemp(prefix="a2icond-check-bench-"))
    try:
        if args.here:
            a2icond, cjs = executable("a2icond"), executable("check-jsonschema")
            python = sys.executable
            print("environment: this interpreter's console scripts (--here)")
        else:
            python, scripts = clean_environment(root, str(Path(package).parent))
            a2icond, cjs = scripts["a2icond"], scripts["check-jsonschema"]
            print(f"environment: a clean virtual environment ({Path(python).parent.parent})")
        conds, jsons = write_inputs(root, args.files)
        sizes = [Path(p).stat().st_size for p in conds]
        print(
            f"{len(conds)} .cond files, {statistics.mean(sizes):.0f} characters on average, "
            f"in {root}"
        )
        base = dict(os.environ)
        fresh = iter(range(1_000_000))

        def first_run(cmd: list[str]) -> Case:
            """A run with a new, empty result cache."""
            return lambda: (cmd, {**base, "A2ICOND_CACHE_DIR": str(root / f"c{next(fresh)}")})

        def again(cmd: list[str]) -> Case:
            """A run with the cache the untimed run filled."""
            return lambda: (cmd, {**base, "A2ICOND_CACHE_DIR": str(root / "cache-warm")})

        def plain(cmd: list[str]) -> Case:
            return lambda: (cmd, base)

        schema = ["--schemafile", str(SCHEMA)]
        n = len(conds)
        cases: dict[str, Case] = {
            "python -c pass (the interpreter's own start)": plain([python, "-c", "pass"]),
            "a2icond check, 1 .cond, first run": first_run([a2icond, "check", conds[1]]),
            "check-jsonschema, 1 .json": plain([cjs, *schema, jsons[1]]),
            f"a2icond check, {n} .cond, first run": first_run([a2icond, "check", *conds]),
            f"a2icond check, {n} .cond, unchanged": again([a2icond, "check", *conds]),
            f"check-jsonschema, {n} .json": plain([cjs, *schema, *jsons]),
            f"a2icond check, {n} .json, first run": first_run([a2icond, "check", *jsons]),
        }
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        times = measure(cases, args.repeat)
        load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
        print(
            f"\n{'case':<48} {'median':>9} {'min':>9} {'max':>9} {'cpu':>9}"
            f"   (wall time; cpu: median user+sys; {args.repeat} runs each)"
        )
        for name, samples in times.items():
            print(row(name, samples))
        t = list(times.values())[1:]
        print()
        for key, ours, theirs in (("one", t[0], t[1]), ("cold", t[2], t[4]), ("warm", t[3], t[4])):
            label, target, moonshot = TARGETS[key]
            print(verdict(label.format(n=n), ours, theirs, target, moonshot))
        samples = compile_in_process(200 if args.quick else 1000)
        med = statistics.median(samples) * 1000
        print(
            f"{'compile at the 10,240 limit':<32} median {med:5.2f} ms, min "
            f"{min(samples) * 1000:5.2f} ms  (target < {COMPILE_TARGET_MS:.0f} ms) -> "
            + ("MET" if med < COMPILE_TARGET_MS else "MISSED")
        )
        if load and load_after:
            print(f"load average before {load[0]:.2f}, after {load_after[0]:.2f}")
        if args.scan or args.busy:
            spinners = busy(args.busy)
            try:
                if spinners:
                    print(f"\n{len(spinners)} CPU-bound processes running during the scan")
                scan(conds, a2icond, max(3, args.repeat // 2), base)
            finally:
                for spinner in spinners:
                    spinner.kill()
                    spinner.wait()
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
