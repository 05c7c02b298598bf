"""Derive ``policydiff/languages/dpv.toml`` from the W3C Data Privacy Vocabulary (DPV) CSVs.

    python tools/derive_dpv.py [--dpv ../shared/vocab/dpv-2.2] [--check]

A build tool, not part of the package: it reads the DPV taxonomies as CSV (one concept a row:
``term``, ``iri``, ``label``, ``subclassof`` / ``hasbroader``) and writes the concepts that
``policydiff/languages/concepts.toml`` maps lexicon entries to, with every ancestor of each, so
the file holds the part of the DPV hierarchy policydiff uses and nothing more. ``--check``
fails (exit 1) when the committed file differs from what the CSVs give.

The derived file carries the W3C notice (the DPV is under the W3C Software and Document
License; see ``policydiff/languages/DPV-NOTICE.md``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ROOT / "policydiff" / "languages"
DPV = ROOT.parent / "shared" / "vocab" / "dpv-2.2"

# The DPV namespaces policydiff uses, by the prefix concepts.toml writes them with.
PREFIXES = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
}

HEADER = """\
# The concepts of the W3C Data Privacy Vocabulary (DPV) that policydiff's lexicon names, with
# their labels and their broader concepts (DPV's hierarchy: subclassof / hasbroader).
# DERIVED FILE: written by tools/derive_dpv.py from the DPV {version} CSVs (w3c/dpv, folder
# {version}/); do not edit by hand. It holds the concepts of concepts.toml and their ancestors.
#
# This file includes material derived from the W3C Data Privacy Vocabulary (DPV),
# https://w3id.org/dpv, Copyright © 2026 World Wide Web Consortium.
# https://www.w3.org/copyright/software-license-2023/ (W3C Software and Document License;
# full notice in DPV-NOTICE.md beside this file).
"""


def short(iri: str) -> str | None:
    """ "https://w3id.org/dpv/pd#Location" → "pd:Location" (None outside the known namespaces)."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def read_dpv(folder: Path) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Every DPV class of the CSVs: short name → (IRI, label, parents' short names)."""
    concepts: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                if row.get("type") != "class":
                    continue
                name = short(row["iri"])
                if name is None:
                    continue
                broader = row.get("hasbroader") or row.get("subclassof") or ""
                parents = tuple(
                    p for p in (short(i.strip()) for i in broader.split(";") if i.strip()) if p
                )
                concepts[name] = (row["iri"], row["label"], parents)
    return concepts


def wanted() -> set[str]:
    raw = tomllib.loads((LANGUAGES / "concepts.toml").read_text("utf-8"))
    return {value for family in raw.values() for value in family.values()}


def closure(
    names: Iterable[str], concepts: dict[str, tuple[str, str, tuple[str, ...]]]
) -> list[str]:
    """The names and all their ancestors that the CSVs define, sorted."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in concepts:
            raise SystemExit(f"concepts.toml names {name}, which the DPV CSVs do not define")
        seen.add(name)
        todo.extend(p for p in concepts[name][2] if p in concepts)
    prefixes = list(PREFIXES)
    return sorted(seen, key=lambda n: (prefixes.index(n.split(":")[0]), n.lower()))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(folder: Path) -> str:
    concepts = read_dpv(folder)
    lines = [HEADER.format(version=folder.name.removeprefix("dpv-")), "[prefixes]"]
    lines += [f"{_quote(prefix)} = {_quote(ns)}" for prefix, ns in PREFIXES.items()]
    lines += ["", "[concepts]"]
    for name in closure(wanted(), concepts):
        iri, label, parents = concepts[name]
        # A parent the CSVs do not define (DPV refers to a few concepts of its extensions)
        # is left out: every parent in the file is a concept of the file.
        known = ", ".join(_quote(p) for p in parents if p in concepts)
        lines.append(
            f"{_quote(name)} = {{ iri = {_quote(iri)}, label = {_quote(label)}, parents = [{known}] }}"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpv", type=Path, default=DPV, help="the folder of DPV CSVs")
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    args = parser.parse_args()
    text = render(args.dpv)
    target = LANGUAGES / "dpv.toml"
    if args.check:
        current = target.read_text("utf-8") if target.exists() else ""
        if current != text:
            print(f"{target.relative_to(ROOT)} is out of date: run tools/derive_dpv.py")
            return 1
        print(f"{target.relative_to(ROOT)} is current")
        return 0
    target.write_text(text, "utf-8")
    print(f"wrote {target.relative_to(ROOT)}: {text.count(' iri = ')} concepts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
