"""`policydiff batch` over every consecutive pair of every history in ../shared/corpus/:
pairs per second with 1 and 2 local worker processes and on a two-worker Dask cluster, the
speed-up, peak memory per worker, and the projected time for a million pairs.

    python benchmarks/batch.py [--corpus ../shared/corpus/history] [--rounds 1]

Each run starts from the files into an empty output folder (nothing to resume). The Dask
cluster is started before its timed run (its start-up is printed apart); the local pools
start inside theirs, as a user's run does. With --rounds N the three ways run N times each
in random order per round; the figures are medians (the speed-up: of the per-round ratios).
"busy workers" is the time spent in tasks over the wall time: 2.0 means both workers worked
all along, so a speed-up short of 2 then means each task ran slower (a shared or busy machine),
not that the work did not split. Run it when nothing else runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff.batch import DaskCluster, Executor, LocalWorkers, Report, run_batch  # noqa: E402

MILLION = 1_000_000


def run(corpus: Path, executor: Executor, task_pairs: int) -> Report:
    with tempfile.TemporaryDirectory() as out:
        report = run_batch([str(corpus)], out, executor=executor, task_pairs=task_pairs)
    if report.failures:
        for document, error in report.failures:
            print(f"  failed {document}: {error}", file=sys.stderr)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/history")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--task-pairs", type=int, default=40)
    args = parser.parse_args()

    import logging

    from distributed import LocalCluster

    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    startup = time.perf_counter() - started
    ways: dict[str, Executor] = {
        "local, 1 worker": LocalWorkers(1),
        "local, 2 workers": LocalWorkers(2),
        "Dask, 2 workers": DaskCluster(cluster.scheduler_address),
    }
    reports: dict[str, list[Report]] = {name: [] for name in ways}
    try:
        for _ in range(args.rounds):
            order = list(ways)
            random.shuffle(order)
            for name in order:
                reports[name].append(run(args.corpus, ways[name], args.task_pairs))
    finally:
        cluster.close()

    first = reports["local, 1 worker"][0]
    print(
        f"{args.corpus}: {first.documents} documents, {first.pairs} consecutive pairs, "
        f"{first.tasks} tasks of at most {args.task_pairs} pairs; {args.rounds} round(s)"
    )
    print(f"Dask LocalCluster start-up (not in its figures): {startup:.1f} s\n")
    print(
        f"{'executor':<18} {'seconds':>8} {'pairs/s':>8} {'per worker':>11} "
        f"{'busy workers':>13} {'peak MB/worker':>15}"
    )
    rate: dict[str, float] = {}
    for name, runs in reports.items():
        seconds = statistics.median(r.seconds for r in runs)
        rate[name] = statistics.median(r.rate for r in runs)
        workers = runs[0].workers
        peak = max(max(r.peak_memory.values(), default=0) for r in runs) / 2**20
        busy = statistics.median(r.busy / r.seconds for r in runs)  # workers kept at work
        print(
            f"{name:<18} {seconds:>8.1f} {rate[name]:>8.2f} {rate[name] / workers:>11.2f} "
            f"{busy:>13.2f} {peak:>15.0f}"
        )
    one = rate["local, 1 worker"]

    def speedup(name: str) -> float:  # the median of the per-round ratios
        rounds = zip(reports[name], reports["local, 1 worker"], strict=True)
        return statistics.median(r.rate / base.rate for r, base in rounds)

    print(
        f"\nspeed-up with 2 workers: local {speedup('local, 2 workers'):.2f}x, "
        f"Dask {speedup('Dask, 2 workers'):.2f}x"
    )
    hours = MILLION / one / 3600
    print(
        f"a million pairs at {one:.2f} pairs/s per worker: {hours:,.1f} worker-hours; "
        f"{hours * 60 / 64:,.0f} min on 64 workers, {hours * 60 / 512:,.1f} min on 512"
    )


if __name__ == "__main__":
    main()
