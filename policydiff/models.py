"""The values that flow through policydiff: frozen, slotted, hashable.

``Snapshot`` (bytes + provenance) → ``Document`` (sections of clauses) →
``ClauseChange`` (one aligned pair and what changed) → ``Comparison``.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "SCHEMA",
    "Category",
    "ChangeKind",
    "Clause",
    "ClauseChange",
    "ClauseKind",
    "ClauseRole",
    "Comparison",
    "Direction",
    "Document",
    "Finding",
    "Op",
    "Section",
    "Snapshot",
    "Summary",
    "Verdict",
]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One version of a policy as bytes, with where and when it came from."""

    content: bytes
    url: str | None = None
    captured_at: datetime | None = None
    media_type: str | None = None
    source: str = "bytes"
    archive_url: str | None = None
    digest: str | None = None
    name: str | None = None
    charset: str | None = None  # as the HTTP header declared it
    sha256: str = field(default="")

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.content).hexdigest())

    @property
    def label(self) -> str:
        """A short human name: the file or URL this version came from."""
        return self.name or self.url or f"sha256:{self.sha256[:12]}"


class ClauseKind(enum.Enum):
    """What a clause is in the document's structure."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    ROW = "row"


class ClauseRole(enum.Enum):
    """What a clause does: states a practice, or only frames the text.

    Changes to a clause whose role is not ``PRACTICE`` are never substantive.
    """

    PRACTICE = "practice"
    HEADING = "heading"
    DATE_LINE = "date_line"
    CHANGELOG = "changelog"


@dataclass(frozen=True, slots=True)
class Clause:
    """The unit policydiff aligns: a paragraph, list item, table row or heading."""

    id: str
    ordinal: int
    text: str
    kind: ClauseKind = ClauseKind.PARAGRAPH
    number: str | None = None
    section_path: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    lead_in: str | None = None
    links: tuple[str, ...] = ()
    role: ClauseRole = ClauseRole.PRACTICE
    link_texts: tuple[str, ...] = ()  # the visible words of each link, for "link text only"

    @property
    def section(self) -> str:
        return self.section_path[-1] if self.section_path else ""

    @property
    def display_text(self) -> str:
        """The text with the policy's own numbering in front, as a reader sees it."""
        if self.number and self.kind is not ClauseKind.HEADING:
            return f"{self.number} {self.text}"
        return self.text


@dataclass(frozen=True, slots=True)
class Section:
    """A heading (its level and the policy's own number) and the clauses under it."""

    heading: str
    level: int
    number: str | None
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A normalized policy: its title, language and sections in order."""

    title: str
    language: str
    sections: tuple[Section, ...]
    url: str | None = None
    captured_at: datetime | None = None

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(c for s in self.sections for c in s.clauses)


class ChangeKind(enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    MOVED = "moved"
    UNCHANGED = "unchanged"


# A word-level edit: ("=", text) kept, ("-", text) deleted, ("+", text) inserted.
Op = tuple[str, str]


class Direction(enum.StrEnum):
    """Which way a finding moves a practice, for the user (LABELS.md)."""

    WIDENED = "widened"  # less protective: the policy allows more
    NARROWED = "narrowed"  # more protective
    NEUTRAL = "neutral"

    @property
    def opposite(self) -> Direction:
        if self is Direction.NEUTRAL:
            return self
        return Direction.NARROWED if self is Direction.WIDENED else Direction.WIDENED


class Verdict(enum.StrEnum):
    """A substantive change's overall direction: a ``Direction``, or ``MIXED`` when separate
    practices in one clause move opposite ways."""

    WIDENED = "widened"
    NARROWED = "narrowed"
    NEUTRAL = "neutral"
    MIXED = "mixed"


class Category(enum.StrEnum):
    """Practice categories of the label contract (after OPP-115)."""

    COLLECTION = "collection"
    SHARING = "sharing"
    AUTHORITIES = "authorities"
    RETENTION = "retention"
    RIGHTS = "rights"
    SECURITY = "security"
    CHILDREN = "children"
    TRANSFER = "transfer"
    ADS = "ads"
    AI = "ai"
    POLICY_CHANGE = "policy_change"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Finding:
    """What a substantive change does to a practice (filled by semantics)."""

    category: Category
    label: str
    direction: Direction
    explanation: str
    old_words: str | None = None
    new_words: str | None = None
    concept: str | None = None  # the DPV concept's IRI ("https://w3id.org/dpv/pd#Location")


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One aligned pair of clauses (or one side alone) and how it changed.

    ``old`` and ``new`` hold one clause each, or several when a paragraph was
    split (one old, several new) or merged (several old, one new).
    """

    kind: ChangeKind
    old: tuple[Clause, ...]
    new: tuple[Clause, ...]
    similarity: float
    ops: tuple[Op, ...] = ()
    substantive: bool = False
    reason: str | None = None
    moved: bool = False
    findings: tuple[Finding, ...] = ()
    category: Category | None = None  # the practice category (LABELS.md), when substantive
    verdict: Verdict | None = None  # when substantive
    unchanged: tuple[tuple[str, str], ...] = ()  # (aspect, words) that stayed the same

    @property
    def old_text(self) -> str:
        return " ".join(c.text for c in self.old)

    @property
    def new_text(self) -> str:
        return " ".join(c.text for c in self.new)

    @property
    def section(self) -> str:
        side = self.new or self.old
        return side[0].section if side else ""

    @property
    def relation(self) -> str | None:
        if len(self.old) > 1:
            return "merge"
        if len(self.new) > 1:
            return "split"
        return None


@dataclass(frozen=True, slots=True)
class Summary:
    """How many clauses of each kind of change a comparison holds, and how many are
    substantive."""

    added: int
    removed: int
    modified: int
    moved: int
    unchanged: int
    substantive: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything policydiff found between two versions of a policy."""

    old: Snapshot
    new: Snapshot
    old_document: Document
    new_document: Document
    changes: tuple[ClauseChange, ...]
    # Signs that a version was not captured as published (cut short, another page): the
    # changes are then not all changes of the policy.
    warnings: tuple[str, ...] = ()

    @property
    def summary(self) -> Summary:
        count = {k: 0 for k in ChangeKind}
        for change in self.changes:
            count[change.kind] += 1
        return Summary(
            added=count[ChangeKind.ADDED],
            removed=count[ChangeKind.REMOVED],
            modified=count[ChangeKind.MODIFIED],
            moved=count[ChangeKind.MOVED],
            unchanged=count[ChangeKind.UNCHANGED],
            substantive=sum(1 for c in self.changes if c.substantive),
        )

    @property
    def substantive_changes(self) -> tuple[ClauseChange, ...]:
        return tuple(c for c in self.changes if c.substantive)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for c in self.changes for f in c.findings)

    @property
    def verdicts(self) -> dict[str, int]:
        """How many substantive changes widen, narrow, leave neutral or mix the practices."""
        order = (Verdict.WIDENED, Verdict.NARROWED, Verdict.MIXED, Verdict.NEUTRAL)
        count = {verdict.value: 0 for verdict in order}
        for change in self.changes:
            if change.substantive and change.verdict is not None:
                count[change.verdict.value] += 1
        return count

    def changed(self) -> tuple[ClauseChange, ...]:
        """Every change except unchanged clauses."""
        return tuple(c for c in self.changes if c.kind is not ChangeKind.UNCHANGED)

    def to_dict(self, include_unchanged: bool = False) -> dict[str, Any]:
        """The comparison as plain JSON data, following ``SCHEMA`` (see schemas/)."""
        changes = [
            _change_to_dict(c)
            for c in self.changes
            if include_unchanged or c.kind is not ChangeKind.UNCHANGED
        ]
        result: dict[str, Any] = {
            "schema": SCHEMA,
            "old": _source_to_dict(self.old, self.old_document),
            "new": _source_to_dict(self.new, self.new_document),
            "summary": asdict(self.summary),
            "verdicts": self.verdicts,
        }
        if self.warnings:
            result["warnings"] = list(self.warnings)
        result["changes"] = changes
        return result


SCHEMA = "policydiff.comparison/1"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _source_to_dict(snapshot: Snapshot, document: Document) -> dict[str, Any]:
    return {
        "name": snapshot.label,
        "url": snapshot.url,
        "captured_at": _iso(snapshot.captured_at),
        "source": snapshot.source,
        "archive_url": snapshot.archive_url,
        "digest": snapshot.digest,
        "sha256": snapshot.sha256,
        "media_type": snapshot.media_type,
        "title": document.title,
        "language": document.language,
        "clauses": len(document.clauses),
    }


def _side_to_dict(clauses: tuple[Clause, ...]) -> dict[str, Any] | None:
    if not clauses:
        return None
    first = clauses[0]
    return {
        "id": first.id,
        "number": first.number,
        "section": first.section,
        "text": " ".join(c.text for c in clauses),
        "parts": [c.id for c in clauses],
    }


def _change_to_dict(change: ClauseChange) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "substantive": change.substantive,
        "reason": change.reason,
        "section": change.section,
        "relation": change.relation,
        "moved": change.moved,
        "old": _side_to_dict(change.old),
        "new": _side_to_dict(change.new),
        "similarity": round(change.similarity, 4),
        "ops": [list(op) for op in change.ops],
        "category": change.category and change.category.value,
        "verdict": change.verdict and change.verdict.value,
        "findings": [_finding_to_dict(f) for f in change.findings],
        "unchanged": [{"aspect": a, "words": w} for a, w in change.unchanged],
    }


def _finding_to_dict(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["category"] = finding.category.value
    data["direction"] = finding.direction.value
    return data
