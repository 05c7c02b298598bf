"""The life of a policy: consecutive versions compared, and every clause followed through them.

Pure: it takes snapshots already read (from the store, a folder or an archive: see
``timeline.py``) and returns values. Versions whose text is identical after normalization
are folded into the first of them: only content changes count.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from policydiff.comparison import compare_documents, comparison_of, read_document
from policydiff.models import ChangeKind, ClauseChange, Comparison, Document, Snapshot, Verdict
from policydiff.semantics import describe

__all__ = ["SCHEMA", "ClauseHistory", "Event", "Step", "Timeline", "Version", "build_timeline"]

SCHEMA = "policydiff.timeline/1"


@dataclass(frozen=True, slots=True)
class Version:
    snapshot: Snapshot
    document: Document
    same_as: tuple[Snapshot, ...] = ()  # later captures with the same text, folded in
    technical: bool = False  # a re-extraction by the archive (its filters, not the policy)

    @property
    def at(self) -> datetime | None:
        return self.snapshot.captured_at


@dataclass(frozen=True, slots=True)
class Step:
    """One comparison between consecutive distinct versions."""

    index: int
    comparison: Comparison
    technical: bool = False  # the newer version is a technical re-extraction
    back_to: Snapshot | None = None  # the newer text is an earlier version's, word for word

    @property
    def revert(self) -> bool:
        return self.back_to is not None

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.comparison.changes if c.substantive and c.kind is kind)

    @property
    def cosmetic(self) -> int:
        return sum(
            1
            for c in self.comparison.changes
            if not c.substantive and c.kind is not ChangeKind.UNCHANGED
        )

    @property
    def substantive(self) -> int:
        return self.comparison.summary.substantive

    @property
    def verdict(self) -> Verdict | None:
        """The step's direction: widened, narrowed, mixed, neutral, or None (nothing substantive)."""
        counts = self.comparison.verdicts
        widened = counts["widened"] + counts["mixed"]
        narrowed = counts["narrowed"] + counts["mixed"]
        if widened and narrowed:
            return Verdict.MIXED
        if widened:
            return Verdict.WIDENED
        if narrowed:
            return Verdict.NARROWED
        return Verdict.NEUTRAL if self.substantive else None


@dataclass(frozen=True, slots=True)
class Event:
    step: int  # -1: present in the first version
    at: datetime | None
    kind: str  # present, appeared, modified, moved, disappeared
    substantive: bool
    verdict: str | None
    summary: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ClauseHistory:
    section: str
    text: str  # the clause as it first read
    events: tuple[Event, ...]

    @property
    def changed(self) -> bool:
        return any(e.substantive for e in self.events)


@dataclass(frozen=True, slots=True)
class Timeline:
    name: str
    versions: tuple[Version, ...]
    steps: tuple[Step, ...]
    histories: tuple[ClauseHistory, ...]
    technical: frozenset[str] = frozenset()  # sha256 of the archive's technical re-extractions

    @property
    def captures(self) -> int:
        return sum(1 + len(v.same_as) for v in self.versions)

    def technical_captures(self) -> list[tuple[Snapshot, bool]]:
        """The technical re-extractions, each with whether its text was the same as the
        version before (folded into it)."""
        found: list[tuple[Snapshot, bool]] = []
        for version in self.versions:
            if version.technical:
                found.append((version.snapshot, False))
            found.extend((s, True) for s in version.same_as if s.sha256 in self.technical)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "name": self.name,
            "captures": self.captures,
            "versions": [
                {
                    "captured_at": _iso(v.at),
                    "name": v.snapshot.label,
                    "sha256": v.snapshot.sha256,
                    "archive_url": v.snapshot.archive_url,
                    "clauses": len(v.document.clauses),
                    "technical": v.technical,
                    "same_as": [
                        {
                            "captured_at": _iso(s.captured_at),
                            "name": s.label,
                            "sha256": s.sha256,
                            "technical": s.sha256 in self.technical,
                        }
                        for s in v.same_as
                    ],
                }
                for v in self.versions
            ],
            "steps": [
                {
                    "old": _iso(step.comparison.old.captured_at),
                    "new": _iso(step.comparison.new.captured_at),
                    "added": step.count(ChangeKind.ADDED),
                    "removed": step.count(ChangeKind.REMOVED),
                    "modified": step.count(ChangeKind.MODIFIED),
                    "cosmetic": step.cosmetic,
                    "technical": step.technical,
                    "verdict": step.verdict,
                    "verdicts": step.comparison.verdicts,
                    "back_to": _iso(step.back_to.captured_at) if step.back_to else None,
                    "changes": [
                        {
                            "kind": c.kind.value,
                            "section": c.section,
                            "verdict": c.verdict,
                            "summary": describe(c),
                            "labels": [f.label for f in c.findings],
                            "old": c.old_text or None,
                            "new": c.new_text or None,
                        }
                        for c in step.comparison.changes
                        if c.substantive
                    ],
                }
                for step in self.steps
            ],
            "clauses": [
                {
                    "section": h.section,
                    "text": h.text,
                    "events": [
                        {
                            "at": _iso(e.at),
                            "kind": e.kind,
                            "substantive": e.substantive,
                            "verdict": e.verdict,
                            "summary": e.summary,
                        }
                        for e in h.events
                    ],
                }
                for h in self.histories
                if h.changed
            ],
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def build_timeline(
    snapshots: Sequence[Snapshot],
    *,
    name: str,
    selector: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    technical: Collection[str] = (),
) -> Timeline:
    """Fold identical versions, compare consecutive ones, follow every clause.

    ``technical`` holds the sha256 of the versions that are technical re-extractions (the
    archive's reading changed, not the policy): they are marked as such in the outputs."""
    versions: list[Version] = []
    for index, snapshot in enumerate(snapshots):
        document = read_document(snapshot, selector=selector)
        if versions and _same_text(versions[-1].document, document):
            last = versions[-1]
            versions[-1] = Version(
                last.snapshot, last.document, (*last.same_as, snapshot), last.technical
            )
        else:
            versions.append(Version(snapshot, document, technical=snapshot.sha256 in technical))
        if progress:
            progress(index + 1, len(snapshots))
    steps: list[Step] = []
    histories: list[dict[str, Any]] = []
    owner: dict[int, int] = {}  # clause ordinal in the current version -> history index
    # Archives often record a page flipping between two states (A B A B): compare each pair
    # of texts once.
    seen: dict[tuple[int, int], tuple[ClauseChange, ...]] = {}
    gone: dict[str, list[int]] = {}  # text of clauses that disappeared -> their histories
    if versions:
        for clause in versions[0].document.clauses:
            owner[clause.ordinal] = len(histories)
            histories.append(
                {
                    "section": clause.section,
                    "text": clause.text,
                    "events": [
                        Event(-1, versions[0].at, "present", False, None, None, clause.text)
                    ],
                }
            )
    texts = {_text_key(versions[0].document): 0} if versions else {}
    for index in range(1, len(versions)):
        old, new = versions[index - 1], versions[index]
        key = (_fingerprint(old.document), _fingerprint(new.document))
        changes = seen.get(key) or compare_documents(old.document, new.document)
        seen[key] = changes
        comparison = comparison_of(old.snapshot, new.snapshot, old.document, new.document, changes)
        # A page that goes back to an earlier text (A → B → A) is a revert, not a new change.
        earlier = texts.setdefault(_text_key(new.document), index)
        back_to = versions[earlier].snapshot if earlier < index else None
        step = Step(len(steps), comparison, technical=new.technical, back_to=back_to)
        steps.append(step)
        following: dict[int, int] = {}
        for change in changes:
            sources = [owner[c.ordinal] for c in change.old if c.ordinal in owner]
            if change.kind is ChangeKind.ADDED or not sources:
                # A clause that comes back (pages recorded flipping between two states) is
                # the same clause reappearing, not a new one.
                waiting = gone.get(change.new_text)
                history = waiting.pop() if waiting else None
                if history is None:
                    history = len(histories)
                    histories.append(
                        {"section": change.section, "text": change.new_text, "events": []}
                    )
                sources = [history]
                kind = "appeared"
            else:
                kind = {
                    ChangeKind.MODIFIED: "modified",
                    ChangeKind.MOVED: "moved",
                    ChangeKind.REMOVED: "disappeared",
                }.get(change.kind, "")
            for clause in change.new:
                following[clause.ordinal] = sources[0]
            if change.kind is ChangeKind.REMOVED:
                for history in sources:
                    gone.setdefault(change.old_text, []).append(history)
            if kind:
                for history in dict.fromkeys(sources):
                    histories[history]["events"].append(
                        Event(
                            step.index,
                            new.at,
                            kind,
                            change.substantive,
                            change.verdict,
                            describe(change),
                            change.new_text or change.old_text,
                        )
                    )
        owner = following
    return Timeline(
        name=name,
        versions=tuple(versions),
        steps=tuple(steps),
        histories=tuple(
            ClauseHistory(h["section"], h["text"], tuple(h["events"])) for h in histories
        ),
        technical=frozenset(technical),
    )


def _fingerprint(document: Document) -> int:
    return hash(
        tuple((c.text, c.number, c.links, c.section_path, c.kind) for c in document.clauses)
    )


def _text_key(document: Document) -> tuple[tuple[str, str | None], ...]:
    return tuple((c.text, c.number) for c in document.clauses)


def _same_text(a: Document, b: Document) -> bool:
    return _text_key(a) == _text_key(b)
