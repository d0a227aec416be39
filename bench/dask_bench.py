"""Benchmark: `simulate` on a Dask distributed cluster, 1 worker process vs 2, on this machine.

Run from the repository root:  python bench/dask_bench.py [--documents 2000] [--quick]

The corpus is the real Textract responses of tests/data/responses/ replicated into a temporary
folder (as bench/simulate_bench.py does). Each cluster (`LocalCluster`, processes, one thread
per worker) is started and warmed up before timing, so the figures are the simulation itself,
not the cluster's start-up; every run's report must equal the single-process one exactly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from simulate_bench import CONDITIONS, make_corpus, write_bytecode  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 documents, one round")
    args = parser.parse_args()
    if args.quick:
        args.documents, args.rounds = 200, 1
    write_bytecode()

    import distributed

    from a2icond.evaluation.evaluate import prepare
    from a2icond.evaluation.simulation import simulate

    plan = prepare(CONDITIONS)
    with tempfile.TemporaryDirectory(prefix="a2icond-dask-bench-") as tmp:
        folder = Path(tmp)
        make_corpus(folder, args.documents)
        start = time.perf_counter()
        single = simulate(plan, [folder])
        base = time.perf_counter() - start
        for _ in range(args.rounds - 1):
            start = time.perf_counter()
            simulate(plan, [folder])
            base = min(base, time.perf_counter() - start)
        print(f"corpus: {single.documents:,} documents")
        print(f"single process (no Dask):  {base:7.3f} s")
        times = {}
        for workers in (1, 2):
            with distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
            ) as cluster:
                simulate(plan, [folder / "000"], scheduler=cluster.scheduler_address)  # warm up
                best = float("inf")
                for _ in range(args.rounds):
                    start = time.perf_counter()
                    report = simulate(plan, [folder], scheduler=cluster.scheduler_address)
                    best = min(best, time.perf_counter() - start)
                    assert report == single, "a cluster run must equal the single-process run"
            times[workers] = best
            print(f"Dask, {workers} worker(s):        {best:7.3f} s  ({base / best:.2f}x single)")
        print(f"speed-up from 1 to 2 workers: {times[1] / times[2]:.2f}x (identical reports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
