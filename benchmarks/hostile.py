"""Time of compare() on hostile inputs, and how it grows when the input doubles.

    python benchmarks/hostile.py [--sizes 100,200,400] [--kind NAME ...] [--limit SECONDS]

For each kind of hostile input (issue 11: Markdown emphasis and brackets that never close,
runs of dots and abbreviations, an unterminated Wayback toolbar, deep numbering, nested
HTML, one huge paragraph ...), builds a file of 100 KB, 200 KB and 400 KB, compares a small
ordinary policy with it, and prints the time at each size and the growth ratio per
doubling (time(2n) / time(n)). Linear work doubles (ratio ~2); quadratic work quadruples.
Aim: every ratio <= 2.3. Each size runs in a child process with a time limit, so a
pathological case prints "> LIMIT" instead of hanging the benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile_inputs import GOOD, KINDS  # noqa: E402


def _run(kind: str, size: int, queue: multiprocessing.Queue[float | str]) -> None:
    from policydiff.errors import PolicydiffError
    from policydiff.models import Snapshot
    from policydiff.normalize.decode import sniff_format

    text = KINDS[kind](size)
    extension = {"html": "html", "markdown": "md", "text": "txt"}[sniff_format(text)]
    good = Snapshot(content=GOOD.encode(), name="good.md")
    hostile = Snapshot(content=text.encode(), name=f"hostile.{extension}")
    import policydiff

    # Imports and language data, outside the timed region.
    policydiff.compare(good, GOOD.replace("12 months", "24 months") + "\nWe sell data.\n")
    start = time.perf_counter()
    with contextlib.suppress(PolicydiffError):
        policydiff.compare(good, hostile)
    queue.put(time.perf_counter() - start)


def measure(kind: str, size: int, limit: float) -> float | None:
    """Seconds for one compare, or None past ``limit``."""
    queue: multiprocessing.Queue[float | str] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_run, args=(kind, size, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    if process.exitcode != 0:
        raise SystemExit(f"{kind} at {size} bytes: the child failed (exit {process.exitcode})")
    value = queue.get()
    return float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,200,400", help="sizes in KB (default 100,200,400)")
    parser.add_argument("--kind", action="append", choices=sorted(KINDS), help="only this kind")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per run (default 60)")
    args = parser.parse_args()
    sizes = [int(s) * 1000 for s in args.sizes.split(",")]
    print(f"{'kind':28}" + "".join(f"{s // 1000:>8} KB" for s in sizes) + "   ratio per doubling")
    worst = 0.0
    for kind in args.kind or list(KINDS):
        times = [measure(kind, size, args.limit) for size in sizes]
        cells = "".join(
            f"{t:>10.2f}s" if t is not None else f"{'>' + str(int(args.limit)):>10}s" for t in times
        )
        ratios = []
        for a, b in itertools.pairwise(times):
            if a is None or b is None:
                ratios.append("-")
                continue
            ratio = b / a if a > 0.05 else 1.0  # below 50 ms the noise is the figure
            worst = max(worst, ratio)
            ratios.append(f"{ratio:.2f}")
        print(f"{kind:28}{cells}   {' '.join(ratios)}", flush=True)
    print(f"worst growth ratio per doubling: {worst:.2f} (aim <= 2.3)")


if __name__ == "__main__":
    main()
