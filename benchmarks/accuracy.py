"""Change-detection accuracy against the gold labels in ../shared/eval/gold/dev.jsonl.

    python benchmarks/accuracy.py [--gold PATH] [--corpus DIR] [-v]

Prints, over every version pair of the gold file (scoring as ../shared/eval/LABELS.md):
- recall: gold substantive changes found by a substantive change of policydiff
  (it matches when its old/new clause text contains the gold quotes);
- precision: policydiff's substantive changes that match a gold substantive change;
- false substantive changes on `technical_only` pairs (re-extractions by the archive);
and, for scale, the same figures for a plain paragraph-level line diff run here.
Then, for the substantive changes found, what they mean:
- verdict accuracy (widened / narrowed / neutral / mixed against the gold verdict);
- finding label precision, recall and F1 (labels per matched change, as sets);
- `reworded` gold changes that policydiff wrongly gave a direction.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff import compare  # noqa: E402
from policydiff.models import ChangeKind  # noqa: E402
from policydiff.normalize.text import fold  # noqa: E402

SHARED = ROOT.parent / "shared"


def _contains(text: str, quote: str | None) -> bool:
    # Gold quotes are substrings of the raw Markdown, so they may hold inline HTML.
    return quote is None or fold(re.sub(r"<[^>]+>", " ", quote)) in fold(text)


def _matches(gold: dict, old_text: str, new_text: str) -> bool:
    old_quote, new_quote = gold.get("old_quote"), gold.get("new_quote")
    if old_quote and not old_text:
        return False
    if new_quote and not new_text:
        return False
    return _contains(old_text, old_quote) and _contains(new_text, new_quote)


def _paragraph_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The baseline: paragraphs (blank-line separated) that a line diff shows as changed."""
    a = [p.strip() for p in old.split("\n\n") if p.strip()]
    b = [p.strip() for p in new.split("\n\n") if p.strip()]
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            changes.append((olds[k] if k < len(olds) else "", news[k] if k < len(news) else ""))
    return changes


def score(predicted: list[tuple[str, str]], pair: dict) -> tuple[int, int, int, int]:
    """(gold substantive found, gold substantive, predicted that match, predicted)."""
    gold = [g for g in pair["changes"] if g["substantive"]]
    found = sum(1 for g in gold if any(_matches(g, o, n) for o, n in predicted))
    good = sum(1 for o, n in predicted if any(_matches(g, o, n) for g in gold))
    return found, len(gold), good, len(predicted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "eval/gold/dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    totals = {"ours": [0, 0, 0, 0], "line diff": [0, 0, 0, 0]}
    verdicts = [0, 0]  # right, judged
    labels = [0, 0, 0]  # true positives, predicted, gold
    reworded = [0, 0]  # given a direction, reworded gold changes found
    confusion: list[str] = []
    technical_false = {"ours": 0, "line diff": 0}
    pairs = [json.loads(line) for line in args.gold.read_text("utf-8").splitlines() if line.strip()]
    for pair in pairs:
        old_path, new_path = args.corpus / pair["old"], args.corpus / pair["new"]
        result = compare(old_path, new_path)
        found = [c for c in result.changes if c.substantive and c.kind is not ChangeKind.UNCHANGED]
        ours = [(c.old_text, c.new_text) for c in found]
        for gold in (g for g in pair["changes"] if g["substantive"]):
            match = next((c for c in found if _matches(gold, c.old_text, c.new_text)), None)
            if match is None:
                continue
            verdicts[1] += 1
            verdicts[0] += match.verdict == gold["verdict"]
            predicted = {f.label for f in match.findings}
            expected = {f["label"] for f in gold["findings"]}
            labels[0] += len(predicted & expected)
            labels[1] += len(predicted)
            labels[2] += len(expected)
            if expected == {"reworded"}:
                reworded[1] += 1
                reworded[0] += match.verdict not in ("neutral", None)
            if args.verbose and (match.verdict != gold["verdict"] or predicted != expected):
                confusion.append(
                    f"   {pair['id'][:28]} {gold.get('new_quote') or gold.get('old_quote')!r:.70}\n"
                    f"      verdict {match.verdict} (gold {gold['verdict']}); "
                    f"labels {sorted(predicted)} (gold {sorted(expected)})"
                )
        baseline = _paragraph_diff(old_path.read_text("utf-8"), new_path.read_text("utf-8"))
        for name, predicted in (("ours", ours), ("line diff", baseline)):
            figures = score(predicted, pair)
            totals[name] = [t + f for t, f in zip(totals[name], figures, strict=True)]
            if pair["technical_only"]:
                technical_false[name] += len(predicted)
        if args.verbose:
            found, gold, good, predicted_n = score(ours, pair)
            if found < gold or good < predicted_n:
                print(f"-- {pair['id']}: found {found}/{gold}, precise {good}/{predicted_n}")
                for g in pair["changes"]:
                    if g["substantive"] and not any(_matches(g, o, n) for o, n in ours):
                        print(
                            f"   MISSED {g['kind']}: {g.get('old_quote', '')[:60]!r} → {g.get('new_quote', '')[:60]!r}"
                        )
                for o, n in ours:
                    if not any(_matches(g, o, n) for g in pair["changes"] if g["substantive"]):
                        print(f"   FALSE  {o[:60]!r} → {n[:60]!r}")
    print(
        f"gold: {args.gold} ({len(pairs)} version pairs, {totals['ours'][1]} substantive changes)"
    )
    print(f"{'':<12}{'recall':>8}{'precision':>11}{'false on technical pairs':>27}")
    for name in ("ours", "line diff"):
        found, gold, good, predicted = totals[name]
        recall = found / gold if gold else 1.0
        precision = good / predicted if predicted else 1.0
        label = "policydiff" if name == "ours" else name
        print(f"{label:<12}{recall:>8.3f}{precision:>11.3f}{technical_false[name]:>27d}")
    precision = labels[0] / labels[1] if labels[1] else 1.0
    recall = labels[0] / labels[2] if labels[2] else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"meaning of the {verdicts[1]} substantive changes found:")
    print(
        f"  verdict accuracy {verdicts[0] / max(verdicts[1], 1):.3f} ({verdicts[0]}/{verdicts[1]})"
    )
    print(f"  finding labels: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}")
    print(f"  reworded changes given a direction: {reworded[0]} of {reworded[1]}")
    if args.verbose:
        print("\n".join(confusion))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
