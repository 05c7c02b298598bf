"""Has the output changed? ``compare --format json`` digests for every pair of the gold sets.

    python benchmarks/golden.py --write FILE     # record the digests of this tree
    python benchmarks/golden.py --check FILE     # compare this tree with a record

A refactor or a speed change must leave every digest as it was; a change that means to change
output says so in its commit. The bundled snapshots have the same check as a test
(tests/test_golden.py); the gold pairs live in ../shared, which tests may not read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff import compare  # noqa: E402
from policydiff.errors import PolicydiffError  # noqa: E402
from policydiff.sources import read_file  # noqa: E402

SHARED = ROOT.parent / "shared"
GOLD = ("dev.jsonl", "dev2.jsonl")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="FILE")
    group.add_argument("--check", type=Path, metavar="FILE")
    args = parser.parse_args()
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
