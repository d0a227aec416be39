"""The long fuzzing campaign: many mutated inputs per reader, counted.

    python fuzz/campaign.py                      # 100,000 inputs for each of the six readers
    python fuzz/campaign.py --inputs 5000 --readers cond fmt --jobs 2 --seed 3
    python fuzz/campaign.py --save fuzz/findings  # keep every input that failed

For each reader (`.cond` compile, fmt, JSON conditions, eval responses/records, flow TOML,
simulate JSONL; see `fuzz/targets.py`) it prints the inputs run, how many were read and how
many refused as bad input, the internal errors (an exception escaping: what the CLI would
report with exit 3), the hangs (an input still running after `--hang-seconds`, interrupted
there) and the slowest input. Exit status 1 if any internal error or hang was seen.
Deterministic for a given `--seed`, `--inputs` and `--jobs`.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import random
import signal
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz.targets import TARGETS, mutate, seeds


class Hang(Exception):
    """Raised by the alarm in an input that ran past `--hang-seconds`."""


@dataclass
class Tally:
    inputs: int = 0
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    slowest: float = 0.0

    def merge(self, other: Tally) -> None:
        self.inputs += other.inputs
        self.outcomes.update(other.outcomes)
        self.failures.update(other.failures)
        self.slowest = max(self.slowest, other.slowest)


_armed = False  # the alarm interrupts only the target, never the bookkeeping around it


def _alarm(signum: int, frame: FrameType | None) -> None:
    if _armed:
        raise Hang


def _run(target: Callable[[bytes], str], data: bytes, seconds: float) -> str:
    """`target(data)`, interrupted by `Hang` after `seconds`."""
    global _armed
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _armed = True
    try:
        return target(data)
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)


def run_chunk(reader: str, seed: int, count: int, hang_seconds: float, save: str) -> Tally:
    """`count` inputs for `reader` from `seed`, in this process."""
    signal.signal(signal.SIGALRM, _alarm)
    target = TARGETS[reader]
    rng = random.Random(f"{reader}:{seed}")
    tally = Tally()
    for good in seeds(reader)[:3]:  # imports and caches first: an alarm must not cut an import
        target(good.encode("utf-8"))
    for _ in range(count):
        data = mutate(rng, reader)
        tally.inputs += 1
        started = time.monotonic()
        try:
            tally.outcomes[_run(target, data, hang_seconds)] += 1
        except Hang:
            # Run it again: on a loaded machine a stall of the whole machine looks the same.
            if _finishes(target, data, hang_seconds):
                tally.outcomes["stall"] += 1
            else:
                tally.outcomes["hang"] += 1
                tally.failures[f"hang past {hang_seconds:g} s (twice)"] += 1
                _save(save, reader, data)
        except Exception as exc:
            tally.outcomes["internal error"] += 1
            last = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(last.filename).name}:{last.lineno}"
            tally.failures[f"{type(exc).__name__}: {str(exc)[:120]} ({where})"] += 1
            _save(save, reader, data)
        tally.slowest = max(tally.slowest, time.monotonic() - started)
    return tally


def _finishes(target: Callable[[bytes], str], data: bytes, seconds: float) -> bool:
    """Whether `data` runs through `target` within `seconds` this time (errors count as
    finishing: the first run already showed it does not fail before the alarm)."""
    try:
        _run(target, data, seconds)
    except Hang:
        return False
    except Exception:
        return True
    return True


def _save(folder: str, reader: str, data: bytes) -> None:
    if folder:
        path = Path(folder) / reader
        path.mkdir(parents=True, exist_ok=True)
        (path / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per reader")
    parser.add_argument("--readers", nargs="+", choices=list(TARGETS), default=list(TARGETS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="processes (each runs whole chunks)")
    parser.add_argument("--hang-seconds", type=float, default=5.0, help="an input past this hangs")
    parser.add_argument("--save", default="", metavar="DIR", help="keep failing inputs here")
    args = parser.parse_args(argv)

    chunks = max(args.jobs, 1) * 4
    total_failed = 0
    print(f"{'reader':<7} {'inputs':>9} {'read':>9} {'refused':>9} {'internal':>9} {'hangs':>6}"
          f" {'stalls':>6}  slowest")  # fmt: skip
    for reader in args.readers:
        sizes = [args.inputs // chunks + (i < args.inputs % chunks) for i in range(chunks)]
        work = [(reader, args.seed * 1000 + i, n, args.hang_seconds, args.save)
                for i, n in enumerate(sizes) if n]  # fmt: skip
        tally = Tally()
        started = time.monotonic()
        if args.jobs > 1:
            with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                for part in pool.map(run_chunk, *zip(*work, strict=True)):
                    tally.merge(part)
        else:
            for item in work:
                tally.merge(run_chunk(*item))
        internal, hangs = tally.outcomes["internal error"], tally.outcomes["hang"]
        total_failed += internal + hangs
        print(
            f"{reader:<7} {tally.inputs:>9,} {tally.outcomes['ok']:>9,} "
            f"{tally.outcomes['refused']:>9,} {internal:>9,} {hangs:>6,} "
            f"{tally.outcomes['stall']:>6,}  "
            f"{tally.slowest:.2f} s  ({time.monotonic() - started:.0f} s in all)",
            flush=True,
        )
        for failure, n in tally.failures.most_common():
            print(f"    {n:>7,}  {failure}")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
