"""Everything policydiff says about a comparison or a timeline, as plain JSON data.

The golden-output test (tests/test_golden.py) and the check over the gold dev pairs
(benchmarks/golden.py) compare these records with ones written before a change: speed
work must not change a single field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from conftest import HTML_DE_NEW, HTML_DE_OLD, HTML_EN, MD_EN, PRIVACY, ROOT

from policydiff.models import Comparison, Document, Snapshot
from policydiff.sources import read_file

__all__ = ["GOLDEN", "bundled", "digest", "document_record", "outline", "record"]

GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "snapshots.json"


def document_record(document: Document) -> dict[str, Any]:
    """The document's structure, down to each clause's sentences, role and links."""
    return {
        "title": document.title,
        "language": document.language,
        "sections": [
            {
                "heading": s.heading,
                "level": s.level,
                "number": s.number,
                "clauses": [
                    {
                        "id": c.id,
                        "ordinal": c.ordinal,
                        "text": c.text,
                        "kind": c.kind.value,
                        "number": c.number,
                        "section_path": list(c.section_path),
                        "sentences": list(c.sentences),
                        "lead_in": c.lead_in,
                        "links": list(c.links),
                        "role": c.role.value,
                        "link_texts": list(c.link_texts),
                    }
                    for c in s.clauses
                ],
            }
            for s in document.sections
        ],
    }


def record(comparison: Comparison) -> dict[str, Any]:
    """The JSON report (unchanged clauses included) and both documents."""
    return {
        "comparison": comparison.to_dict(include_unchanged=True),
        "old": document_record(comparison.old_document),
        "new": document_record(comparison.new_document),
    }


def digest(data: Any) -> str:
    """A short sha256 of the canonical JSON of ``data``."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def outline(data: dict[str, Any]) -> dict[str, Any]:
    """A record in a few lines: a digest of each document and of each change, so a failing
    check names the part that moved (whole records would be megabytes)."""
    comparison = data["comparison"]
    return {
        "old": digest(data["old"]),
        "new": digest(data["new"]),
        "summary": comparison["summary"],
        "head": digest({k: v for k, v in comparison.items() if k != "changes"}),
        "changes": [digest(change) for change in comparison["changes"]],
    }


def _snapshot(path: Path) -> Snapshot:
    """A bundled file, named relative to the repository (reports print the name)."""
    return replace(read_file(path), name=path.relative_to(ROOT).as_posix())


def bundled() -> dict[str, Any]:
    """Outlines of every consecutive pair of the bundled captures, and of the timeline of
    the bundled Markdown history."""
    import policydiff
    from policydiff.timeline import build_timeline

    cases: dict[str, Any] = {}
    markdown = sorted(PRIVACY.glob("*.md"))
    for old, new in [
        *pairwise(markdown),
        (HTML_DE_OLD, HTML_DE_NEW),
        (HTML_EN, MD_EN),
        (PRIVACY / "20220711150000.html", markdown[-1]),
    ]:
        key = f"{old.relative_to(ROOT).as_posix()} -> {new.relative_to(ROOT).as_posix()}"
        cases[key] = outline(record(policydiff.compare(_snapshot(old), _snapshot(new))))
    timeline = build_timeline([_snapshot(p) for p in markdown], name="telegram privacy").to_dict()
    cases["timeline"] = {
        "head": digest({k: v for k, v in timeline.items() if k not in ("steps", "clauses")}),
        "steps": [digest(step) for step in timeline["steps"]],
        "clauses": [digest(clause) for clause in timeline["clauses"]],
    }
    return cases
