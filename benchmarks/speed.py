"""How fast policydiff is, each figure next to its aim (issue 12), measured in one run.

    python benchmarks/speed.py [--rounds N] [--quick] [--rows 1,3-5]

Honest by construction: each round runs the baseline and the subject in random order and
the figure is the median of the per-round ratios; every timed region starts from the
file's bytes with policydiff's caches emptied (nothing is carried over from an earlier
run); processes run with Python's bytecode cache allowed, as after an installation.
Peak memory is the child process's maximum resident set size. CPU time is printed beside
wall time: on a machine busier than its cores, wall time counts the waiting too.

Rows:
1. ``compare()`` on the German HTML pair, in process, against two bs4 + lxml parses (the
   floor: policydiff parses with them);
2. ``policydiff compare A.md B.md`` as a process (the console script) against a bare
   ``python -c pass``, both in a virtual environment as a user's after ``pip install`` (not
   the development one, whose editable install slows every start), the language cache
   written by an earlier run; the first start without it; the modules that take longest
   to import; and the floor under it: the libraries it uses imported alone, its comparison
   in a script without the command line or the report, then with the text report;
3. the 39 consecutive comparisons of the bundled Telegram history, against difflib over
   the same files' lines, and what the findings (semantics) add;
4. the timeline of the 176 versions of Telegram's terms of service (../shared/corpus);
5. growth with document size: 1k, 4k, 16k and 64k clauses (a generated policy and the same
   with 5 % of its clauses edited, moved or removed, as Markdown bytes), time and peak
   memory each, and the fitted exponent;
6. two documents of 12,000 mutually different short clauses;
7. two documents of 100,000 mutually different clauses (skipped with ``--quick``).
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SNAPSHOTS = ROOT / "snapshots" / "telegram.org"
CORPUS = ROOT.parent / "shared" / "corpus"
TERMS = CORPUS / "history" / "telegram" / "terms-of-service"
HEADLINE = (
    SNAPSHOTS / "privacy" / "20240715181441.md",
    SNAPSHOTS / "privacy" / "20240923152623.md",
)
# Processes see an installed package: bytecode caches on (some shells turn them off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def fresh() -> None:
    """Forget everything policydiff memoized, so a timed region starts from the bytes."""
    from policydiff.comparison import clear_caches

    clear_caches()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (user + system)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    cpu, start = _cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - start, _cpu() - cpu


class Figures:
    """Medians over interleaved rounds: the subject's and the baseline's wall and CPU
    seconds, and the median of the per-round ratios (wall and CPU)."""

    def __init__(self, ours: list[tuple[float, float]], theirs: list[tuple[float, float]]):
        self.wall = statistics.median(w for w, _ in ours)
        self.cpu = statistics.median(c for _, c in ours)
        self.base_wall = statistics.median(w for w, _ in theirs)
        self.base_cpu = statistics.median(c for _, c in theirs)
        self.ratio = statistics.median(a[0] / b[0] for a, b in zip(ours, theirs, strict=True))
        self.cpu_ratio = statistics.median(
            a[1] / b[1] for a, b in zip(ours, theirs, strict=True) if b[1] > 0
        )


def interleaved(
    subject: Callable[[], object], baseline: Callable[[], object], rounds: int
) -> Figures:
    """Each round runs the subject and the baseline in random order, each from a clean
    slate (policydiff's caches emptied)."""
    rng = random.Random(12)
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(rounds):
        order = [("ours", subject), ("theirs", baseline)]
        rng.shuffle(order)
        for name, fn in order:
            fresh()
            (ours if name == "ours" else theirs).append(timed(fn))
    return Figures(ours, theirs)


def row(work: str, figure: str, aim: str, met: bool, cpu_met: bool = False) -> None:
    """One figure beside its aim: ``ok``, ``cpu`` (met in CPU time, not in wall time on a
    busy machine) or ``MISS``."""
    mark = "ok  " if met else "cpu " if cpu_met else "MISS"
    print(f"{mark} {work}: {figure}  [aim {aim}]", flush=True)


# 1 ---------------------------------------------------------------------------------------
def german_pair(rounds: int) -> None:
    from bs4 import BeautifulSoup

    import policydiff

    folder = SNAPSHOTS / "privacy~lang=de"
    old = (folder / "20240506123700.html").read_bytes()
    new = (folder / "20240924003400.html").read_bytes()
    policydiff.compare(old, new)  # imports and language data, once
    got = interleaved(
        lambda: policydiff.compare(old, new),
        lambda: (BeautifulSoup(old, "lxml"), BeautifulSoup(new, "lxml")),
        rounds,
    )
    row(
        "compare() on the German HTML pair",
        f"{got.wall * 1000:.0f} ms = {got.ratio:.2f}x two bs4+lxml parses "
        f"({got.base_wall * 1000:.0f} ms; CPU {got.cpu_ratio:.2f}x)",
        "<= 1.5x the parse floor",
        got.ratio <= 1.5,
    )
    # Where the time goes, stage by stage (each from the bytes, caches emptied), and the
    # two trees alone: bs4's tree, as bs4 + lxml build it, built with less bookkeeping.
    from policydiff.comparison import compare_documents
    from policydiff.normalize import parse
    from policydiff.normalize.decode import decode
    from policydiff.normalize.soup import make_soup
    from policydiff.segment import segment

    stages: list[tuple[float, float, float, float]] = []
    for _ in range(rounds):
        fresh()
        start = time.perf_counter()
        make_soup(decode(old)), make_soup(decode(new))
        trees = time.perf_counter() - start
        fresh()
        start = time.perf_counter()
        parsed = [parse(old)[0], parse(new)[0]]
        read = time.perf_counter()
        documents = [segment(page) for page in parsed]
        segmented = time.perf_counter()
        compare_documents(*documents)
        compared = time.perf_counter()
        stages.append((read - start, trees, segmented - read, compared - segmented))
    reading, building, segmenting, comparing = (
        statistics.median(s) * 1000 for s in zip(*stages, strict=True)
    )
    print(
        f"     reading both pages {reading:.1f} ms (their two bs4 trees {building:.1f} ms, "
        f"bs4's own parse {got.base_wall * 1000:.1f} ms), segmenting {segmenting:.1f} ms, "
        f"aligning, diffing and findings {comparing:.1f} ms"
    )


# 2 ---------------------------------------------------------------------------------------
def installed_python(folder: Path) -> tuple[str, str]:
    """A Python and the ``policydiff`` command as a user's virtual environment has them
    after ``pip install policydiff``: a fresh venv whose one ``.pth`` file puts this checkout
    and the development venv's packages on the path, and the console script pip writes for
    setup.cfg's entry point. The development venv's own start is slower than a user's (its
    editable install runs an import hook at every start, ``python -c pass`` included), which
    would flatter the ratio; ``python -m policydiff`` imports runpy, which the command does
    not."""
    import configparser
    import sysconfig

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "policydiff-benchmark.pth").write_text(
        f"{ROOT}\n{sysconfig.get_paths()['purelib']}\n", "utf-8"
    )
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    scripts = setup["options.entry_points"]["console_scripts"].strip().splitlines()
    module, _, function = dict((part.strip() for part in line.split("=", 1)) for line in scripts)[
        "policydiff"
    ].partition(":")
    script = folder / "bin" / "policydiff"
    script.write_text(  # what pip writes
        f"#!{python}\nimport re\nimport sys\nfrom {module} import {function}\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        f"    sys.exit({function}())\n",
        "utf-8",
    )
    script.chmod(0o755)
    return str(python), str(script)


def process_start(rounds: int) -> None:
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="policydiff-speed-"))
    try:
        _process_start(rounds, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _process_start(rounds: int, work: Path) -> None:
    python, policydiff = installed_python(work / "venv")
    # The language cache (~/.cache/policydiff) of this run: written by the first command,
    # read by every later one, as after any first use.
    env = {**ENV, "POLICYDIFF_CACHE": str(work / "cache")}
    arguments = ["-m", "policydiff", "compare", *map(str, HEADLINE)]
    command = [policydiff, *arguments[2:]]
    first = subprocess.run(command, capture_output=True, env=env)  # bytecode and language cache
    assert first.returncode == 1, first.stderr.decode()

    def run(args: list[str], env: dict[str, str] = env) -> Callable[[], object]:
        return lambda: subprocess.run(args, capture_output=True, env=env)

    got = interleaved(run(command), run([python, "-c", "pass"]), rounds)
    row(
        "`policydiff compare A.md B.md` as a process",
        f"{got.wall * 1000:.0f} ms = {got.ratio:.1f}x a bare `python -c pass` "
        f"({got.base_wall * 1000:.0f} ms; CPU {got.cpu * 1000:.0f} ms = {got.cpu_ratio:.1f}x)",
        "<= 4x a bare start",
        got.ratio <= 4,
    )
    # The first start after an installation (or a change of the language files): no cache.
    cold = [
        timed(run(command, {**env, "POLICYDIFF_CACHE": str(work / f"cold{i}")}))[0]
        for i in range(max(3, rounds // 3))
    ]
    # The development venv, for comparison with figures measured there.
    dev = interleaved(
        run([sys.executable, *arguments]), run([sys.executable, "-c", "pass"]), rounds
    )
    print(
        f"     first start (no language cache yet) {statistics.median(cold) * 1000:.0f} ms; "
        f"in the development venv {dev.wall * 1000:.0f} ms = {dev.ratio:.1f}x its bare start "
        f"({dev.base_wall * 1000:.0f} ms, slowed by the editable install's import hook)"
    )
    profile = subprocess.run(
        [python, "-X", "importtime", *command], capture_output=True, text=True, env=env
    ).stderr
    tops: dict[str, int] = {}
    for line in profile.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if match and not match.group(2):  # a module imported at the top level
            name = match.group(3).split(".")[0]
            tops[name] = tops.get(name, 0) + int(match.group(1))
    heavy = sorted(tops.items(), key=lambda kv: -kv[1])[:8]
    print("     imports: " + ", ".join(f"{n} {us / 1000:.0f} ms" for n, us in heavy))
    loaded = set(tops)
    for unwanted in ("requests", "scipy", "numpy", "bs4", "rapidfuzz"):
        print(f"     {unwanted}: {'IMPORTED' if unwanted in loaded else 'not imported'}")
    _floor(python, env, rounds, got)


# The floor under the command: the same work with less around it. The comparison as the
# command does it (the language cache read first; the process ended as the command ends
# it: exit handlers run, then os._exit), without the command line and, unless the third
# argument is "text", without the report.
FLOOR_LIBRARIES = "import re, diff_match_patch, rapidfuzz.fuzz"
FLOOR_COMPARE = """\
import atexit, os, sys
from policydiff import datacache
datacache.use()
from policydiff.comparison import compare_snapshots
from policydiff.sources import read_file
result = compare_snapshots(read_file(sys.argv[1]), read_file(sys.argv[2]))
if sys.argv[3:] == ["text"]:
    from policydiff.report import Options, render
    sys.stdout.write(render(result, "text", Options()))
sys.stdout.flush()
atexit._run_exitfuncs()
os._exit(0)
"""


def _floor(python: str, env: dict[str, str], rounds: int, command: Figures) -> None:
    """What the command's work costs with less around it, each figure against the bare
    start in the same venv (interleaved, the median of the per-round ratios)."""
    pair = list(map(str, HEADLINE))
    subjects = [
        (
            "the libraries compare uses, imported alone (re, diff_match_patch, rapidfuzz)",
            [python, "-c", FLOOR_LIBRARIES],
        ),
        (
            "compare's work alone: no command line, no report (a script)",
            [python, "-c", FLOOR_COMPARE, *pair],
        ),
        ("the same with the text report written", [python, "-c", FLOOR_COMPARE, *pair, "text"]),
    ]

    def run(args: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(args, capture_output=True, env=env, check=True)

    print("     the floor, each against the bare start in the same venv:")
    figures = []
    for meaning, args in subjects:
        run(args)()  # bytecode written
        got = interleaved(run(args), run([python, "-c", "pass"]), rounds)
        figures.append(got)
        print(f"       {meaning}: {got.wall * 1000:.0f} ms = {got.ratio:.1f}x")
    print(
        f"       the command line around it (click, the commands, the output): "
        f"{(command.wall - figures[-1].wall) * 1000:.0f} ms more (the command: "
        f"{command.wall * 1000:.0f} ms = {command.ratio:.1f}x)"
    )


# 3 ---------------------------------------------------------------------------------------
def history(rounds: int) -> None:
    import policydiff
    from policydiff.comparison import compare_snapshots
    from policydiff.sources import read_file

    snapshots = [read_file(p) for p in sorted((SNAPSHOTS / "privacy").glob("*.md"))]
    pairs = list(pairwise(snapshots))

    def ours() -> None:
        for old, new in pairs:
            policydiff.compare(old, new)

    def plain() -> None:
        for old, new in pairs:
            compare_snapshots(old, new, semantics=False)

    def line_diff() -> None:
        for old, new in pairs:
            a = old.content.decode("utf-8").splitlines()
            b = new.content.decode("utf-8").splitlines()
            list(difflib.unified_diff(a, b, lineterm=""))

    got = interleaved(ours, line_diff, max(3, rounds // 2))
    row(
        f"{len(pairs)} comparisons of the bundled Telegram history",
        f"{got.wall:.2f} s (CPU {got.cpu:.2f} s); difflib on the same lines "
        f"{got.base_wall:.2f} s ({1 / got.ratio:.2f}x ours)",
        "<= 0.5 s",
        got.wall <= 0.5,
        got.cpu <= 0.5,
    )
    # The findings' share as benchmarks/findings_cost.py measures it (issue 10): every round
    # from the bytes, no document or frame kept from an earlier round.
    from policydiff.comparison import clear_caches

    def ours_cold() -> None:
        clear_caches()
        ours()

    def plain_cold() -> None:
        clear_caches()
        plain()

    share = interleaved(ours_cold, plain_cold, max(3, rounds // 2))
    print(
        f"     the findings add {100 * (share.ratio - 1):.0f} % from the bytes "
        f"({share.base_wall:.2f} s without them; aim <= 25 %, benchmarks/findings_cost.py)"
    )


# 4 ---------------------------------------------------------------------------------------
def _child(args: list[str]) -> dict[str, float]:
    """Run this script's ``--child`` mode; its last line is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=ENV
    )
    if done.returncode != 0:
        print(f"     (child failed: {done.stderr.strip().splitlines()[-1:]})")
        return {"error": 1.0, "seconds": math.nan, "cpu": math.nan, "peak_mb": math.nan}
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_timeline() -> dict[str, float]:
    from policydiff.sources import read_file
    from policydiff.timeline import build_timeline

    snapshots = [read_file(p) for p in sorted(TERMS.glob("*.md"))]
    before = _peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    built = build_timeline(snapshots, name="telegram terms of service")
    return {
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "start_mb": before,
        "versions": len(snapshots),
        "distinct": len(built.versions),
    }


def terms_timeline() -> None:
    if not TERMS.is_dir():
        print(f"skip timeline: {TERMS} not found")
        return
    result = _child(["timeline"])
    row(
        f"timeline of the {result.get('versions', 176):.0f}-version Telegram terms of service",
        f"{result['seconds']:.2f} s wall, {result['cpu']:.2f} s CPU, peak {result['peak_mb']:.0f} MB",
        "<= 4 s",
        result["seconds"] <= 4,
        result["cpu"] <= 4,
    )


# 5-7 -------------------------------------------------------------------------------------
def _vocabulary() -> list[str]:
    text = " ".join(p.read_text("utf-8") for p in sorted((SNAPSHOTS / "privacy").glob("*.md")))
    return sorted(set(re.findall(r"[a-z]{3,}", text.lower())))


def _sentences(count: int, seed: int, avoid: set[str] | None = None) -> list[str]:
    """``count`` different generated sentences of 5 to 12 words of a policy's vocabulary."""
    words = _vocabulary()
    rng = random.Random(seed)
    seen = avoid if avoid is not None else set()
    result = []
    while len(result) < count:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 12))).capitalize() + "."
        if text not in seen:
            seen.add(text)
            result.append(text)
    return result


def _markdown(clauses: list[str], per_section: int = 20) -> bytes:
    lines = []
    for start in range(0, len(clauses), per_section):
        lines.append(f"## {start // per_section + 1}. Part\n")
        lines.extend(f"{text}\n" for text in clauses[start : start + per_section])
    return "\n".join(lines).encode("utf-8")


def _edited(clauses: list[str], seed: int) -> list[str]:
    """The same clauses with 5 % edited (a word replaced), moved or removed."""
    rng = random.Random(seed)
    new = list(clauses)
    touched = rng.sample(range(len(new)), len(new) // 20)
    third = len(touched) // 3
    for i in touched[:third]:
        words = new[i].split()
        words[len(words) // 2] = "quarterly"
        new[i] = " ".join(words)
    moved = [new[i] for i in touched[third : 2 * third]]
    gone = set(touched[third:])
    kept = [t for i, t in enumerate(new) if i not in gone]
    for text in moved:
        kept.insert(rng.randrange(len(kept)), text)
    return kept


def child_compare(kind: str, size: int) -> dict[str, float]:
    if kind == "edited":
        clauses = _sentences(size, size)
        old, new = _markdown(clauses), _markdown(_edited(clauses, size))
    else:  # "different": no clause of one side is on the other
        seen: set[str] = set()
        old = _markdown(_sentences(size, 1, seen))
        new = _markdown(_sentences(size, 2, seen))
    import policydiff
    from policydiff.errors import PolicydiffError

    policydiff.compare(b"# A\n\nWarm up: imports.\n", b"# A\n\nWarm up: imports too.\n")
    import numpy  # noqa: F401  (what big comparisons import: growth, not start-up, is timed here)
    import rapidfuzz.process  # noqa: F401

    fresh()
    before = _peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        result = policydiff.compare(old, new)
        changes = len(result.changes)
    except PolicydiffError as err:
        print(f"error: {err}")
        changes = -1
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "start_mb": before,
        "bytes": len(old) + len(new),
        "changes": changes,
    }


def _exponent(points: list[tuple[int, float]]) -> float:
    """The slope of log(time) over log(size), least squares."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )


def growth() -> None:
    walls, cpus = [], []
    for size in [1_000, 4_000, 16_000, 64_000]:
        result = _child(["edited", str(size)])
        walls.append((size, result["seconds"]))
        cpus.append((size, result["cpu"]))
        print(
            f"     {size:>6,} clauses, 5 % changed: {result['seconds']:6.2f} s "
            f"(CPU {result['cpu']:6.2f} s), peak {result['peak_mb']:5.0f} MB",
            flush=True,
        )
    wall, cpu = _exponent(walls), _exponent(cpus)
    row(
        "growth with document size, 1k to 64k clauses",
        f"fitted exponent {wall:.2f} (CPU time {cpu:.2f})",
        "<= 1.1",
        wall <= 1.1,
        cpu <= 1.1,
    )


def different(size: int, aim_seconds: float | None, aim_mb: float) -> None:
    result = _child(["different", str(size)])
    done = result.get("changes", -1) > 0 and result["peak_mb"] <= aim_mb
    row(
        f"two documents of {size:,} mutually different clauses "
        f"({result.get('bytes', 0) / 2e6:.1f} MB a side)",
        f"{result['seconds']:.1f} s (CPU {result['cpu']:.1f} s), peak {result['peak_mb']:.0f} MB",
        (f"<= {aim_seconds:.0f} s, " if aim_seconds else "completes, ")
        + f"<= {aim_mb / 1000:.1f} GB",
        done and (aim_seconds is None or result["seconds"] <= aim_seconds),
        done and (aim_seconds is None or result["cpu"] <= aim_seconds),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-clause row")
    parser.add_argument(
        "--rows", default="1-7", help="the rows to measure: '1', '1,3', '2-5' (default all)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.child:
        load = os.getloadavg()[0]
        print(
            f"machine: {os.cpu_count()} cores, load average {load:.1f}; 'cpu' marks an aim met in"
        )
        print("CPU time but not in wall time (a busy machine)")
    if args.child:
        if args.child[0] == "timeline":
            result = child_timeline()
        else:
            result = child_compare(args.child[0], int(args.child[1]))
        print(json.dumps(result))
        return 0
    wanted = _rows(args.rows)
    if 1 in wanted:
        german_pair(args.rounds)
    if 2 in wanted:
        process_start(args.rounds)
    if 3 in wanted:
        history(args.rounds)
    if 4 in wanted:
        terms_timeline()
    if 5 in wanted:
        growth()
    if 6 in wanted:
        different(12_000, 10, 500)
    if 7 in wanted and not args.quick:
        different(100_000, None, 1_500)
    return 0


def _rows(spec: str) -> set[int]:
    """'1,3-5' -> {1, 3, 4, 5}."""
    wanted: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        wanted.update(range(int(first), int(last or first) + 1))
    return wanted


if __name__ == "__main__":
    raise SystemExit(main())
