"""Has the output changed? ``compare --format json`` digests for every pair of the gold sets.

    python benchmarks/golden.py --write FILE     # record the digests of this tree
    python benchmarks/golden.py --check FILE     # compare this tree with a record
    python benchmarks/golden.py --documents      # deeper: benchmarks/golden_dev.json
    python benchmarks/golden.py --write-documents  # record it and tests/data/golden/

``--documents`` checks digests of the JSON with unchanged clauses and of both documents'
structure (clause ids, sentences, roles, links; tests/golden.py), recorded before the speed
work of issue 12; a mismatch names the pair and the part that differs.

A refactor or a speed change must leave every digest as it was; a change that means to change
output says so in its commit. The bundled snapshots have the same check as a test
(tests/test_golden.py); the gold pairs live in ../shared, which tests may not read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from policydiff import compare  # noqa: E402
from policydiff.errors import PolicydiffError  # noqa: E402
from policydiff.sources import read_file  # noqa: E402

SHARED = ROOT.parent / "shared"
GOLD = ("dev.jsonl", "dev2.jsonl")
DEEP_DEV = Path(__file__).resolve().parent / "golden_dev.json"


def digests() -> dict[str, str]:
    corpus = SHARED / "corpus"
    result: dict[str, str] = {}
    for name in GOLD:
        for line in (SHARED / "eval" / "gold" / name).read_text("utf-8").splitlines():
            if not line.strip():
                continue
            pair = json.loads(line)
            try:
                comparison = compare(
                    read_file(corpus / pair["old"]), read_file(corpus / pair["new"])
                )
                text = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
            except PolicydiffError as err:
                text = f"error: {err}"
            result[f"{name}:{pair['id']}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return result


def deep_outlines() -> dict[str, Any]:
    from golden import outline, record

    corpus = SHARED / "corpus"
    pairs: dict[tuple[str, str], None] = {}
    for name in GOLD:
        for line in (SHARED / "eval" / "gold" / name).read_text("utf-8").splitlines():
            if line.strip():
                pair = json.loads(line)
                pairs.setdefault((pair["old"], pair["new"]), None)
    result = {}
    for old, new in pairs:
        a = replace(read_file(corpus / old), name=old)
        b = replace(read_file(corpus / new), name=new)
        result[f"{old} -> {new}"] = outline(record(compare(a, b)))
    return result


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    problems = []
    for case in sorted(set(expected) | set(actual)):
        if case not in actual or case not in expected:
            problems.append(f"{case}: only in {'the record' if case in expected else 'this run'}")
            continue
        for part, want in expected[case].items():
            got = actual[case].get(part)
            if got == want:
                continue
            if isinstance(want, list) and isinstance(got, list):
                bad = [i for i, (w, g) in enumerate(zip(want, got, strict=False)) if w != g]
                problems.append(f"{case}: {part} {len(want)} -> {len(got)}, differ at {bad[:10]}")
            else:
                problems.append(f"{case}: {part} differs")
    return problems


def deep(write: bool) -> int:
    from golden import GOLDEN, bundled

    actual = deep_outlines()
    if write:
        DEEP_DEV.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", "utf-8")
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(bundled(), indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"{len(actual)} pairs recorded in {DEEP_DEV.name}; bundled cases in {GOLDEN.name}")
        return 0
    problems = differences(json.loads(DEEP_DEV.read_text("utf-8")), actual)
    for problem in problems:
        print(problem)
    print(
        f"{len(actual)} dev pairs, documents and all: {'DIFFERENT' if problems else 'as recorded'}"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="FILE")
    group.add_argument("--check", type=Path, metavar="FILE")
    group.add_argument("--documents", action="store_true")
    group.add_argument("--write-documents", action="store_true")
    args = parser.parse_args()
    if args.documents or args.write_documents:
        return deep(args.write_documents)
    actual = digests()
    if args.write:
        args.write.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"{len(actual)} pairs recorded in {args.write}")
        return 0
    expected = json.loads(args.check.read_text("utf-8"))
    changed = sorted(k for k in actual.keys() | expected.keys() if actual.get(k) != expected.get(k))
    for key in changed:
        print(f"changed: {key}")
    print(f"{len(actual) - len(changed)} of {len(actual)} pairs byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
