"""Speed of compare(), measured against baselines run in the same process.

    python benchmarks/speed.py [--repeat N]

Prints:
1. compare() on the German HTML pair, as a ratio to what bs4 + lxml alone take to parse
   the two pages (aim: <= 3x);
2. the 39 consecutive comparisons of the bundled Telegram history, in total (aim: <= 2 s),
   and what the findings (semantics) add to that time (aim: <= 50 %);
3. a synthetic 2,000-clause document built from real clauses of ../shared/corpus, with 5 %
   of its clauses edited, moved or removed (aim: <= 1 s), and its ratio to difflib's
   SequenceMatcher over the same clause lists (a line diff that knows nothing of moves);
4. `policydiff --help` start-up, and its ratio to a bare `python -c pass` (aim: <= 0.3 s);
5. the timeline of the 176-version Telegram terms of service in ../shared/corpus (aim: < 10 s
   on one core), and its ratio to reading (normalizing) the versions alone.
"""

from __future__ import annotations

import argparse
import difflib
import random
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import policydiff  # noqa: E402
from policydiff.comparison import compare_documents, compare_snapshots, read_document  # noqa: E402
from policydiff.models import Clause, ClauseKind, Document, Section  # noqa: E402
from policydiff.normalize.text import fold  # noqa: E402
from policydiff.segment import clause_id  # noqa: E402
from policydiff.semantics import frame_of  # noqa: E402
from policydiff.sentences import split_sentences  # noqa: E402
from policydiff.sources import read_file  # noqa: E402

SNAPSHOTS = ROOT / "snapshots" / "telegram.org"
CORPUS = ROOT.parent / "shared" / "corpus"


def best(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other work).

    policydiff's caches are emptied before each run, so no run profits from the last.
    """
    times = []
    for _ in range(repeat):
        split_sentences.cache_clear()
        fold.cache_clear()
        frame_of.cache_clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def german_pair(repeat: int) -> None:
    from bs4 import BeautifulSoup

    old = (SNAPSHOTS / "privacy~lang=de" / "20240506123700.html").read_bytes()
    new = (SNAPSHOTS / "privacy~lang=de" / "20240924003400.html").read_bytes()
    policydiff.compare(old, new)  # warm up: imports, caches
    ours = best(lambda: policydiff.compare(old, new), repeat)
    parse = best(lambda: (BeautifulSoup(old, "lxml"), BeautifulSoup(new, "lxml")), repeat)
    print(
        f"German HTML pair: compare() {ours * 1000:.1f} ms, bs4+lxml parse alone "
        f"{parse * 1000:.1f} ms -> {ours / parse:.2f}x (aim <= 3x)"
    )


def history(repeat: int) -> None:
    paths = sorted((SNAPSHOTS / "privacy").glob("*.md"))
    snapshots = [read_file(p) for p in paths]
    pairs = list(pairwise(snapshots))

    def run() -> None:
        for old, new in pairs:
            policydiff.compare(old, new)

    def run_plain() -> None:
        for old, new in pairs:
            compare_snapshots(old, new, semantics=False)

    total = best(run, max(1, repeat // 2))
    plain = best(run_plain, max(1, repeat // 2))
    print(
        f"Telegram history: {len(pairs)} comparisons in {total:.2f} s "
        f"({total / len(pairs) * 1000:.0f} ms each; aim <= 2 s in total)"
    )
    print(
        f"  findings add {100 * (total - plain) / plain:.0f} % to compare() "
        f"({plain:.2f} s without them; aim <= 50 %)"
    )


def _real_clauses(limit: int) -> list[str]:
    seen: dict[str, None] = {}
    for path in sorted(CORPUS.glob("history/*/*/*.md")):
        for clause in read_document(read_file(path)).clauses:
            if clause.kind is not ClauseKind.HEADING and len(clause.text.split()) >= 8:
                seen.setdefault(clause.text, None)
        if len(seen) >= limit:
            break
    return list(seen)[:limit]


def _document(texts: list[str]) -> Document:
    sections = []
    for start in range(0, len(texts), 20):
        heading = f"{start // 20 + 1}. Part"
        clauses = tuple(
            Clause(id=clause_id((heading,), t), ordinal=start + k, text=t, section_path=(heading,))
            for k, t in enumerate(texts[start : start + 20])
        )
        sections.append(Section(heading, 2, str(start // 20 + 1), clauses))
    return Document(title="synthetic", language="en", sections=tuple(sections))


def synthetic(repeat: int, size: int = 2000) -> None:
    if not CORPUS.is_dir():
        print(f"synthetic: skipped ({CORPUS} not found)")
        return
    texts = _real_clauses(size)
    rng = random.Random(2024)
    new = list(texts)
    touched = rng.sample(range(size), size // 20)  # 5 %
    third = len(touched) // 3
    for i in touched[:third]:  # edited: one word replaced
        words = new[i].split()
        words[len(words) // 2] = "quarterly"
        new[i] = " ".join(words)
    moved = [new[i] for i in touched[third : 2 * third]]
    removed = set(touched[third:])
    kept = [t for i, t in enumerate(new) if i not in removed]
    for text in moved:  # moved: re-inserted elsewhere
        kept.insert(rng.randrange(len(kept)), text)
    old_doc, new_doc = _document(texts), _document(kept)
    ours = best(lambda: compare_documents(old_doc, new_doc), repeat)
    line = best(
        lambda: difflib.SequenceMatcher(None, texts, kept, autojunk=False).get_opcodes(), repeat
    )
    print(
        f"synthetic {len(texts)}-clause document, 5 % edited/moved/removed: "
        f"{ours * 1000:.0f} ms (aim <= 1 s); difflib on the same clauses {line * 1000:.0f} ms "
        f"-> {ours / line:.1f}x"
    )


def startup(repeat: int) -> None:
    def command(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run(args, check=True, capture_output=True)

    help_time = best(command(sys.executable, "-m", "policydiff", "--help"), repeat)
    bare = best(command(sys.executable, "-c", "pass"), repeat)
    print(
        f"policydiff --help: {help_time * 1000:.0f} ms, bare python {bare * 1000:.0f} ms "
        f"-> {help_time / bare:.1f}x (aim <= 300 ms)"
    )


def terms_timeline() -> None:
    from policydiff.timeline import build_timeline

    folder = CORPUS / "history" / "telegram" / "terms-of-service"
    if not folder.is_dir():
        print(f"timeline: skipped ({folder} not found)")
        return
    snapshots = [read_file(p) for p in sorted(folder.glob("*.md"))]
    split_sentences.cache_clear()
    fold.cache_clear()
    frame_of.cache_clear()
    start = time.perf_counter()
    timeline = build_timeline(snapshots, name="telegram terms of service")
    total = time.perf_counter() - start
    split_sentences.cache_clear()
    fold.cache_clear()
    start = time.perf_counter()
    for snapshot in snapshots:
        read_document(snapshot)
    reading = time.perf_counter() - start
    print(
        f"timeline of the Telegram terms of service: {len(snapshots)} versions "
        f"({len(timeline.versions)} distinct) in {total:.2f} s (aim < 10 s); reading them alone "
        f"{reading:.2f} s -> {total / reading:.1f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    german_pair(args.repeat)
    history(args.repeat)
    synthetic(args.repeat)
    startup(args.repeat)
    terms_timeline()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
