"""The story of a comparison: what matters first, in plain words, for every report.

Each substantive change is weighed (``importance``) with the weights of ``languages/rules.toml``
(``[importance]``): its category, its verdict, what its findings move and how much of the
practice they touch. The reports open with "What matters" (the few weightiest, most important
first, each a sentence naming its section), then the other substantive changes, then the
rewordings, then the cosmetic changes folded away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from policydiff.languages import rules
from policydiff.models import ChangeKind, ClauseChange, Comparison, Finding, Verdict
from policydiff.normalize.numbering import split_number
from policydiff.normalize.text import shorten

__all__ = [
    "LEGEND",
    "Item",
    "Story",
    "Weights",
    "finding_label",
    "finding_sentence",
    "headline_title",
    "importance",
    "section_name",
    "story",
    "verdict_word",
    "weights",
]

LEGEND = (
    "Widened: the policy now allows more with your data (less protective for you). "
    "Narrowed: it allows less (more protective). Mixed: some of each."
)

# Where a clause before the first heading stands, in words.
OPENING = "Opening text"

# How a practice of each category reads in a sentence; {data} and {recipients} are filled from
# the change when it names them.
_PRACTICES = {
    "authorities": ("disclosure of {data} to authorities", "disclosure to authorities"),
    "sharing": ("sharing of {data} with {party}", "sharing with {party}"),
    "collection": ("collection and use of {data}", "collection and use of your data"),
    "ai": ("use of {data} to train AI", "AI training"),
    "ads": ("advertising based on {data}", "advertising"),
    "retention": ("keeping {data}", "keeping your data"),
    "rights": ("your rights over {data}", "your rights"),
    "security": ("security of {data}", "security"),
    "children": ("children's data", "children's data"),
    "transfer": ("international transfers of {data}", "international transfers"),
    "policy_change": ("notice of changes", "notice of changes"),
    "contact": ("contact details", "contact details"),
}
_VERDICT_WORDS = {
    Verdict.WIDENED: "widened",
    Verdict.NARROWED: "narrowed",
    Verdict.MIXED: "changed both ways",
    Verdict.NEUTRAL: "reworded",
}
_NAMED = re.compile(r"\b[A-Z][\w&'’-]*[a-z]")


@dataclass(frozen=True, slots=True)
class Weights:
    """The ``[importance]`` table of ``languages/rules.toml``."""

    threshold: float
    shown: int
    breadth: float
    max_breadth: int
    named_party: float
    unknown_category: float
    unknown_verdict: float
    default_finding: float
    categories: Mapping[str, float]
    verdicts: Mapping[str, float]
    findings: Mapping[str, float]
    kinds: Mapping[str, float]


@cache
def weights() -> Weights:
    table = rules()["importance"]
    return Weights(**{name: table[name] for name in Weights.__slots__})


def importance(change: ClauseChange, table: Weights | None = None) -> float:
    """How much a change matters to the people the policy covers (0 for a cosmetic one)."""
    if not change.substantive:
        return 0.0
    w = table or weights()
    category = (
        w.categories.get(change.category, w.unknown_category)
        if change.category
        else w.unknown_category
    )
    verdict = w.verdicts.get(change.verdict, 0.0) if change.verdict else w.unknown_verdict
    moving = [f for f in change.findings if f.direction.value != "neutral"]
    strengths = sorted(
        (w.findings.get(f.label, w.default_finding) for f in moving), reverse=True
    ) or [w.findings.get("reworded", 0.0) if change.findings else w.default_finding]
    breadth = w.breadth * min(len(strengths) - 1, w.max_breadth)
    named = w.named_party if any(_names_a_party(f) for f in moving) else 0.0
    kind = w.kinds.get(change.kind.value, 1.0)
    return round(category * verdict * (strengths[0] + breadth + named) * kind, 4)


def _names_a_party(finding: Finding) -> bool:
    """A finding about recipients that names an organisation ("Facebook Companies")."""
    if not finding.label.startswith("recipient_"):
        return False
    words = finding.new_words or finding.old_words or ""
    return bool(_NAMED.search(words))


@dataclass(frozen=True, slots=True)
class Item:
    """One change as the reports tell it."""

    index: int  # its place in ``Comparison.changes`` (the reports' anchor ``c<index>``)
    change: ClauseChange
    importance: float
    where: str  # "8.3 Law Enforcement Authorities"
    sentence: str  # "disclosure of IP address and phone number to authorities widened — …"

    @property
    def anchor(self) -> str:
        return f"c{self.index}"

    @property
    def line(self) -> str:
        return f"{self.where}: {self.sentence}"


@dataclass(frozen=True, slots=True)
class Story:
    """A comparison's changes in the order the reports tell them."""

    matters: tuple[Item, ...]  # most important first, at most ``Weights.shown``
    others: tuple[Item, ...]  # the other substantive changes, in document order
    rewordings: tuple[Item, ...]  # substantive in words, the same practice
    quiet: tuple[Item, ...]  # not substantive: cosmetic


def story(comparison: Comparison, table: Weights | None = None) -> Story:
    w = table or weights()
    items = [
        Item(index, change, importance(change, w), section_name(change), change_sentence(change))
        for index, change in enumerate(comparison.changes)
        if change.kind is not ChangeKind.UNCHANGED
    ]
    substantive = [i for i in items if i.change.substantive]
    rewordings = [i for i in substantive if i.change.verdict is Verdict.NEUTRAL]
    weighed = [i for i in substantive if i.change.verdict is not Verdict.NEUTRAL]
    ranked = sorted(weighed, key=lambda i: (-i.importance, i.index))
    matters = [i for i in ranked if i.importance >= w.threshold][: w.shown]
    if not matters and ranked:
        matters = ranked[:1]  # something substantive changed: say the weightiest
    chosen = {i.index for i in matters}
    return Story(
        matters=tuple(matters),
        others=tuple(i for i in weighed if i.index not in chosen),
        rewordings=tuple(rewordings),
        quiet=tuple(i for i in items if not i.change.substantive),
    )


def section_name(change: ClauseChange) -> str:
    """The section a change is in, as a reader names it: "8.3 Law Enforcement Authorities"."""
    heading = change.section
    if not heading:
        return OPENING
    number, rest = split_number(heading)
    name = f"{number} {rest}" if number and rest else heading
    return name.rstrip(" .:")


def verdict_word(verdict: Verdict | str | None) -> str:
    """The verdict in plain words ("reworded" for neutral; "changed" when none was read)."""
    if verdict is None:
        return "changed"
    return _VERDICT_WORDS.get(Verdict(verdict), str(verdict))


def change_sentence(change: ClauseChange) -> str:
    """One plain sentence: the practice, which way it moved and the words that moved it."""
    if not change.substantive:
        return f"{_kind_word(change)}, not substantive ({change.reason or 'cosmetic'})"
    if change.verdict is None or change.category is None:
        return f"{_kind_word(change)}: “{shorten(change.new_text or change.old_text, 110)}”"
    practice = practice_phrase(change)
    if change.verdict is Verdict.NEUTRAL:
        return f"{practice} reworded; the practice is the same"
    lead = _heaviest(f for f in change.findings if f.direction.value == change.verdict.value)
    if lead is None:
        lead = _heaviest(f for f in change.findings if f.direction.value != "neutral")
    detail = f" — {finding_sentence(lead, change)}" if lead else ""
    return f"{practice} {verdict_word(change.verdict)}{detail}"


def _heaviest(findings: Iterable[Finding]) -> Finding | None:
    """The finding that weighs most in ``[importance.findings]`` (the first of equals)."""
    w = weights()
    best: Finding | None = None
    for finding in findings:
        weight = w.findings.get(finding.label, w.default_finding)
        if best is None or weight > w.findings.get(best.label, w.default_finding):
            best = finding
    return best


def practice_phrase(change: ClauseChange) -> str:
    aspects = dict(change.unchanged)
    data = _and(aspects.get("data", ""))
    recipients = _and(aspects.get("recipient", ""))
    named, general = _PRACTICES.get(str(change.category), ("{data}", str(change.category)))
    return (named if data else general).format(data=data, party=recipients or "others")


def finding_sentence(finding: Finding, change: ClauseChange | None = None) -> str:
    """A finding in plain words, without its label."""
    if finding.label == "practice_added" and finding.new_words:
        return f"new: “{shorten(finding.new_words, 110)}”"
    if finding.label == "practice_removed" and finding.old_words:
        return f"no longer says: “{shorten(finding.old_words, 110)}”"
    return finding.explanation


def finding_label(finding: Finding) -> str:
    """Which way a finding moves the practice, in a word: widened, narrowed, no change."""
    return {"widened": "widened", "narrowed": "narrowed"}.get(finding.direction.value, "no change")


def headline_title(comparison: Comparison) -> str:
    """What the compared document is called: its title, else its address or file name."""
    title = comparison.new_document.title or comparison.old_document.title
    if title:
        return title
    snapshot = comparison.new
    if snapshot.url:
        return snapshot.url.split("://", 1)[-1].rstrip("/")
    name = snapshot.label.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"[_\s]+", " ", re.sub(r"\d{4}-\d{2}-\d{2}", " ", name)).strip(" -")
    return words or "this policy"


def _kind_word(change: ClauseChange) -> str:
    return {
        ChangeKind.ADDED: "added",
        ChangeKind.REMOVED: "removed",
        ChangeKind.MOVED: "moved",
    }.get(change.kind, "changed")


def _and(words: str, most: int = 3) -> str:
    """ "IP address, phone number" → "IP address and phone number" (at most ``most`` named)."""
    parts = list(dict.fromkeys(p.strip() for p in words.split(",") if p.strip()))
    if len(parts) > most:
        parts = [*parts[:most], "others"]
    if len(parts) < 2:
        return words.strip()
    return ", ".join(parts[:-1]) + " and " + parts[-1]
