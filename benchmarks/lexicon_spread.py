"""Lexicon phrases that only one service's policies use: a smell of rules grown from one policy.

    python benchmarks/lexicon_spread.py [--corpus ../shared/corpus] [--language CODE] [--all]

For every language with a practice lexicon, each phrase of each entry (actions, data,
recipients, purposes, safeguards, rights, ...) is searched, as the lexicon matches it (word
boundaries, ``*`` prefixes), in the texts of every service of the corpus written in that
language (``history/<service>/`` and ``curated/<service>_*``; a file's language is detected as
``compare`` detects it). Prints the phrases found in the texts of exactly one service, with that
service, and a count of phrases found in none (``--all`` lists those too: general vocabulary the
corpus does not happen to use). Issue 10: a phrase that fits one service only is a smell.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff.languages import detect, has_practices, languages, load  # noqa: E402
from policydiff.semantics.lexicon import FAMILIES, _phrase  # noqa: E402

SHARED = ROOT.parent / "shared"


def service_texts(corpus: Path) -> dict[str, dict[str, str]]:
    """language → service → the distinct lines of all its versions, lower-cased."""
    lines: dict[tuple[str, str], set[str]] = defaultdict(set)
    files: list[tuple[str, Path]] = [
        (path.relative_to(corpus / "history").parts[0], path)
        for path in sorted((corpus / "history").rglob("*.md"))
    ]
    files += [
        (path.name.split("_")[0], path)
        for path in sorted((corpus / "curated").glob("*.md"))
        if "_" in path.name
    ]
    for service, path in files:
        text = path.read_text("utf-8", errors="replace")
        lines[(detect(text), service)].update(line.lower() for line in text.splitlines())
    result: dict[str, dict[str, str]] = defaultdict(dict)
    for (code, service), found in lines.items():
        result[code][service] = "\n".join(sorted(found))
    return result


def spread(code: str, texts: dict[str, str]) -> list[tuple[str, str, str, list[str]]]:
    """(family, entry, phrase, services whose texts hold it) for each phrase of the lexicon."""
    raw = load(code, "practices")
    rows = []
    for family in FAMILIES:
        for name, spec in raw.get(family, {}).items():
            for phrase in spec["words"]:
                pattern = _phrase([phrase])
                services = sorted(s for s, text in texts.items() if pattern.search(text))
                rows.append((family, name, phrase, services))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--language", help="one language code (default: every one)")
    parser.add_argument("--all", action="store_true", help="also list phrases found nowhere")
    args = parser.parse_args()
    texts = service_texts(args.corpus)
    codes = [args.language] if args.language else [c for c in languages() if has_practices(c)]
    for code in codes:
        services = texts.get(code, {})
        rows = spread(code, services)
        single = [r for r in rows if len(r[3]) == 1]
        none = [r for r in rows if not r[3]]
        print(
            f"{code}: {len(rows)} phrases, {len(services)} services in the corpus "
            f"({', '.join(sorted(services))}); "
            f"{len(rows) - len(single) - len(none)} in two or more, "
            f"{len(single)} in one only, {len(none)} in none"
        )
        for family, name, phrase, found in single:
            print(f"  one service  {family}.{name}: {phrase!r}  ({found[0]})")
        if args.all:
            for family, name, phrase, _ in none:
                print(f"  no service   {family}.{name}: {phrase!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
