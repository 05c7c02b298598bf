"""What reading the meaning costs: compare() with and without findings, interleaved.

    python benchmarks/findings_cost.py [--rounds N]

Every consecutive pair of the bundled Telegram history (39 comparisons) is compared from the
files' bytes (each version read once a round, as a history is), once with findings and once
without, in random order each round, with no frame cached from an earlier round; the figure
is the median of the per-round ratios (aim: findings add at most 25 %, ratio ≤ 1.25). The
same rounds' CPU time is printed too: on a machine shared with other work, wall time says as
much about the neighbours as about policydiff.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff.comparison import clear_caches, compare_documents, read_document  # noqa: E402
from policydiff.sources import read_file  # noqa: E402

AIM = 1.25


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    files = sorted((ROOT / "snapshots" / "telegram.org" / "privacy").glob("*.md"))
    snapshots = [read_file(f) for f in files]

    def run(semantics: bool) -> tuple[float, float]:
        clear_caches()  # each round reads every document and frame anew, from the bytes
        start, cpu = time.perf_counter(), time.process_time()
        documents = [read_document(s) for s in snapshots]
        for old, new in itertools.pairwise(documents):
            compare_documents(old, new, semantics=semantics)
        return time.perf_counter() - start, time.process_time() - cpu

    run(True)  # warm the imports and the lexicon
    ratios, cpu_ratios, plain, full = [], [], [], []
    for _ in range(args.rounds):
        order = [True, False]
        random.shuffle(order)
        times = {flag: run(flag) for flag in order}
        ratios.append(times[True][0] / times[False][0])
        cpu_ratios.append(times[True][1] / times[False][1])
        plain.append(times[False][0])
        full.append(times[True][0])
    ratio = statistics.median(ratios)
    print(f"{len(snapshots) - 1} comparisons of the bundled Telegram history, {args.rounds} rounds")
    print(f"  without findings  {statistics.median(plain) * 1000:8.1f} ms")
    print(f"  with findings     {statistics.median(full) * 1000:8.1f} ms")
    verdict = "met" if ratio <= AIM else "NOT met"
    print(f"  ratio (median of per-round ratios) {ratio:.2f}  (aim ≤ {AIM:.2f}, {verdict})")
    print(f"  in CPU time                        {statistics.median(cpu_ratios):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
