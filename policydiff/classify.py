"""Telling cosmetic changes from substantive ones: the one place that decides.

A change is cosmetic when a reader of the policy would find the same practices in
it: only case, punctuation, quotes, spacing, numbering or link targets changed; or
a clause that frames the text (heading, "last updated" line, changelog entry)
changed; or every edit is a rename the document makes throughout (Twitter → X,
WhatsApp Inc. → WhatsApp LLC); or a clause was added that states no practice (when the
caller can read practices: ``practice``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

from policydiff.diff import hunks, word_ops
from policydiff.languages import Language
from policydiff.models import ChangeKind, Clause, ClauseRole, Op
from policydiff.normalize.numbering import split_number
from policydiff.normalize.text import fold
from policydiff.roles import is_pointer, strip_dates

__all__ = ["PARAPHRASE_SHARE", "Reader", "Renames", "classify", "find_renames"]

# A paraphrase changes at most this share of a clause's words.
PARAPHRASE_SHARE = 0.3


class Reader(Protocol):
    """What ``classify`` needs to know of a clause's practice (semantics provides it)."""

    def states_practice(
        self, text: str, lead_in: str | None, section: str | None = None
    ) -> bool: ...

    def signature(self, text: str, lead_in: str | None) -> Hashable: ...

    def names_a_right(self, text: str, lead_in: str | None) -> bool: ...


_WORD = re.compile(r"[^\W\d_]+")
_DIGITS_OR_CAPS = re.compile(r"\d|\b[A-Z]{2,}\b")
_SECTION_REF = re.compile(r"\b\d+(?:\.\d+)+\b")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ROLE_REASONS = {
    ClauseRole.HEADING: "heading",
    ClauseRole.DATE_LINE: "date line",
    ClauseRole.CHANGELOG: "changelog entry",
}


@dataclass(frozen=True, slots=True)
class Renames:
    """Substitutions made consistently across a document (folded old → folded new)."""

    pairs: frozenset[tuple[str, str]]
    shown: tuple[tuple[str, str], ...] = ()

    def covers(self, deleted: str, inserted: str) -> bool:
        return (fold(deleted), fold(inserted)) in self.pairs


def find_renames(edits: Iterable[tuple[Op, ...]], lang: Language) -> Renames:
    """Renames: a short replacement of names that recurs in several clauses."""
    counts: Counter[tuple[str, str]] = Counter()
    proper: set[tuple[str, str]] = set()
    shown: dict[tuple[str, str], tuple[str, str]] = {}
    for ops in edits:
        seen: set[tuple[str, str]] = set()
        for deleted, inserted in hunks(ops):
            key = (fold(deleted), fold(inserted))
            if key in seen or not _name_like(*key, lang):
                continue
            seen.add(key)
            counts[key] += 1
            shown.setdefault(key, (deleted.strip(), inserted.strip()))
            if any(w[:1].isupper() for w in (deleted + " " + inserted).split()):
                proper.add(key)
    pairs = frozenset(k for k, n in counts.items() if n >= (2 if k in proper else 3))
    return Renames(pairs, tuple(shown[k] for k in sorted(pairs)))


def _name_like(old: str, new: str, lang: Language) -> bool:
    if not old or not new or old == new:
        return False
    words = old.split() + new.split()
    if len(old.split()) > 3 or len(new.split()) > 3:
        return False
    if any(ch.isdigit() for ch in old + new):
        return False
    return not any(w in lang.not_names for w in words)


def classify(
    kind: ChangeKind,
    old: tuple[Clause, ...],
    new: tuple[Clause, ...],
    ops: tuple[Op, ...],
    renames: Renames,
    lang: Language,
    reader: Reader | None = None,
) -> tuple[bool, str | None]:
    """(substantive, why not) for one change. With a ``reader`` (a language with a practice
    lexicon), a clause added or removed that states no practice is not substantive, nor is a
    heading that states none, nor a small paraphrase that leaves the practice as it was."""
    if kind is ChangeKind.UNCHANGED:
        return False, None
    headings = all(c.role is ClauseRole.HEADING for c in old + new)
    if headings and kind is ChangeKind.MODIFIED:
        # A heading that changes its words can change what the section promises
        # ("No Ads Based on User Data" → "No Ads Based on Contents of Chats"); its
        # number alone cannot.
        old_title = " ".join(split_number(c.text)[1] for c in old)
        new_title = " ".join(split_number(c.text)[1] for c in new)
        if fold(old_title) == fold(new_title):
            return False, "renumbered"
        if reader and not any(reader.states_practice(t, None) for t in (old_title, new_title)):
            return False, "heading"
        return _edits(word_ops(old_title, new_title), renames, lang)
    for side in (old, new):
        for clause in side:
            reason = _ROLE_REASONS.get(clause.role)
            if reason:
                return False, reason
    if kind is ChangeKind.MOVED:
        return False, "moved"
    if kind in (ChangeKind.ADDED, ChangeKind.REMOVED):
        text = " ".join(c.text for c in old + new)
        if not fold(text):
            return False, "no words"
        side = new or old
        if _is_label(text):
            return False, "label"
        if (
            len(text.split()) <= 30
            and is_pointer(text, lang)
            and not (reader and reader.names_a_right(text, side[0].lead_in))
        ):
            return False, "pointer"
        if (
            reader
            and not reader.states_practice(text, side[0].lead_in, side[0].section)
            and not reader.names_a_right(text, side[0].lead_in)
        ):
            return False, "states no practice"
        return True, None
    old_text = " ".join(c.text for c in old)
    new_text = " ".join(c.text for c in new)
    if old_text == new_text:
        if tuple(c.number for c in old) != tuple(c.number for c in new):
            return False, "renumbered"
        if tuple(c.links for c in old) != tuple(c.links for c in new):
            return False, "link target"
        return False, "layout"
    if fold(old_text) == fold(new_text):
        return False, "case or punctuation"
    if _only_link_text(ops, old, new):
        return False, "link text"
    if fold(_SECTION_REF.sub("§", old_text)) == fold(_SECTION_REF.sub("§", new_text)):
        return False, "section reference renumbered"
    undated = strip_dates(old_text, lang)
    if (
        undated is not None
        and undated == strip_dates(new_text, lang)
        and (
            len(new_text.split()) <= 12
            or (reader and not reader.states_practice(new_text, new[0].lead_in, new[0].section))
        )
    ):
        # A short line whose only change is a date ("Effective 1 July 2023 | Download PDF"),
        # or a longer one that states no practice ("This Privacy Policy applies from May 21,
        # 2025. The previous version, available here, applies until then.").
        return False, "date"
    substantive, reason = _edits(ops, renames, lang)
    if substantive and reader and _paraphrase(ops, old, new, reader, lang):
        return False, "paraphrase"
    return substantive, reason


def _is_label(text: str) -> bool:
    """A line that only labels what follows or stands as a heading without being marked as
    one ("Swiss representative for data protection questions:", "Data Protection Officer"):
    a short line ending in a colon, or a few capitalised words."""
    words = text.split()
    if text.rstrip().endswith(":") and len(words) <= 8:
        return True
    return len(words) <= 4 and all(w[:1].isupper() for w in words if w.isalpha())


def _paraphrase(
    ops: tuple[Op, ...],
    old: tuple[Clause, ...],
    new: tuple[Clause, ...],
    reader: Reader,
    lang: Language,
) -> bool:
    """A small rewording that leaves the practice exactly as it was: the same practice
    (category, actions, polarity, modality, data, recipients, purposes, conditions, rights,
    safeguards, periods) and few words changed, none of them added or dropped alone
    (an inserted "bankruptcy" in a list is a new member, not a paraphrase)."""
    words = sum(len(text.split()) for sign, text in ops if sign in "=-")
    changed = sum(len(text.split()) for sign, text in ops if sign != "=")
    if not words or changed > PARAPHRASE_SHARE * 2 * words:
        return False
    for deleted, inserted in hunks(ops):
        if _DIGITS_OR_CAPS.search(deleted + " " + inserted):
            return False  # a number, a code word ("text STOP to …"): never a mere rewording
        if any(w in lang.quantifiers for w in _WORD.findall((deleted + " " + inserted).lower())):
            return False  # "much of the content" → "some content" changes how much
        if not (deleted.strip() and inserted.strip()):
            content = [
                w for w in _WORD.findall((deleted + inserted).lower()) if w not in lang.stopwords
            ]
            if content:
                return False
    lead_old = old[0].lead_in if old else None
    lead_new = new[0].lead_in if new else None
    old_text = " ".join(c.text for c in old)
    new_text = " ".join(c.text for c in new)
    return reader.signature(old_text, lead_old) == reader.signature(new_text, lead_new)


def _only_link_text(ops: tuple[Op, ...], old: tuple[Clause, ...], new: tuple[Clause, ...]) -> bool:
    """True when every edit falls inside the visible words of a link (a cross-reference's
    label: "Twitter Rules" → "Our Rules"), which the label contract counts as cosmetic."""
    before = [fold(t) for c in old for t in c.link_texts]
    after = [fold(t) for c in new for t in c.link_texts]
    edits = hunks(ops)
    if not edits or not (before or after):
        return False
    for deleted, inserted in edits:
        a, b = fold(deleted), fold(inserted)
        if a and not any(a in text for text in before):
            return False
        if b and not any(b in text for text in after):
            return False
    return True


def _edits(ops: tuple[Op, ...], renames: Renames, lang: Language) -> tuple[bool, str | None]:
    reasons: list[str] = []
    for deleted, inserted in hunks(ops):
        reason = _cosmetic_edit(deleted, inserted, renames, lang)
        if reason is None:
            return True, None
        if reason not in reasons:
            reasons.append(reason)
    return False, "; ".join(reasons) or "case or punctuation"


def _cosmetic_edit(deleted: str, inserted: str, renames: Renames, lang: Language) -> str | None:
    a, b = fold(deleted), fold(inserted)
    if a == b:
        return "case or punctuation"
    if fold(_PERCENT.sub("", deleted)) == fold(_PERCENT.sub("", inserted)):
        return "markup residue"
    if lang.same_spelling(a, b):
        return "spelling"
    if renames.covers(deleted, inserted):
        return f"rename {deleted.strip()} → {inserted.strip()}"
    forms = lang.legal_forms
    if all(w in forms for w in (a + " " + b).split()):
        return "legal form of a company name"
    return None
