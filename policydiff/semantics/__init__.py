"""Semantics: what a substantive change does to a practice, for the user.

Each changed clause is read as a practice frame (``frames``) with the lexicon of its
language (``<code>.toml`` beside this module); the frames of the old and new clause are
contrasted (``contrast``) into findings with a direction, and the clause gets a verdict.
Deterministic and offline: every finding quotes the words it came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache

from policydiff.models import Category, ChangeKind, ClauseChange, Direction, Finding, Verdict
from policydiff.normalize.text import shorten
from policydiff.semantics.contrast import contrast, verdict
from policydiff.semantics.frames import Frame, read_frame
from policydiff.semantics.lexicon import Grammar, Lexicon, has_lexicon, lexicon

__all__ = [
    "CATEGORY_NAMES",
    "annotate",
    "describe",
    "frame_of",
    "practice_reader",
    "read_frame",
]

# How a category reads in a sentence ("disclosure to authorities widened").
CATEGORY_NAMES = {
    "authorities": "disclosure to authorities",
    "sharing": "sharing with others",
    "collection": "collection and use",
    "retention": "retention",
    "rights": "your rights",
    "security": "security",
    "children": "children's data",
    "transfer": "international transfers",
    "ads": "advertising",
    "ai": "AI training",
    "policy_change": "notice of changes",
    "contact": "contact details",
}


def describe(change: ClauseChange) -> str | None:
    """One line for people: "disclosure to authorities widened: trigger broadened from …"."""
    if not change.verdict or not change.category:
        return None
    name = CATEGORY_NAMES.get(change.category, change.category)
    lead = next((f for f in change.findings if f.direction.value == change.verdict.value), None)
    if change.verdict is Verdict.NEUTRAL:
        return f"{name}: reworded, the practice is the same"
    return f"{name} {change.verdict}" + (f": {lead.explanation}" if lead else "")


_EMPTY = Frame(text="")


@lru_cache(maxsize=16384)
def frame_of(text: str, lead_in: str | None, lex: Lexicon) -> Frame:
    """The frame of a clause, cached: a policy's history repeats most of its clauses."""
    return read_frame(text, lex, context=lead_in)


def practice_reader(language: str) -> Callable[[str, str | None], bool] | None:
    """For ``classify``: whether a clause states a practice, in a language with a lexicon."""
    if not has_lexicon(language):
        return None
    lex = lexicon(language)
    return lambda text, lead_in: frame_of(text, lead_in, lex).states_practice


def annotate(changes: tuple[ClauseChange, ...], language: str) -> tuple[ClauseChange, ...]:
    """The same changes, substantive ones with a category, findings and a verdict.

    Only for languages with a lexicon file; the others keep their changes as they are.
    """
    if not has_lexicon(language):
        return changes
    lex = lexicon(language)
    generic = {e.name for e in lex.families["data"] if e.generic}
    result = []
    for change in changes:
        if not change.substantive:
            result.append(change)
            continue
        lead_old = change.old[0].lead_in if change.old else None
        lead_new = change.new[0].lead_in if change.new else None
        old = frame_of(change.old_text, lead_old, lex) if change.old else _EMPTY
        new = frame_of(change.new_text, lead_new, lex) if change.new else _EMPTY
        category = Category(new.category or old.category or Category.COLLECTION)
        findings = _findings(change, old, new, category, generic, lex)
        result.append(
            dataclasses.replace(
                change,
                findings=tuple(findings),
                category=category,
                verdict=verdict(findings),
                unchanged=_unchanged(old, new, generic, lex.grammar)
                if change.kind is ChangeKind.MODIFIED
                else (),
            )
        )
    return tuple(result)


def _findings(
    change: ClauseChange,
    old: Frame,
    new: Frame,
    category: Category,
    generic: set[str],
    lex: Lexicon,
) -> list[Finding]:
    if change.kind is ChangeKind.REMOVED:
        direction = Direction.NARROWED if not old.negated else Direction.WIDENED
        label = "practice_removed"
        if old.get("rights") and not [t for t in old.get("data") if t.name not in generic]:
            return [
                Finding(
                    category,
                    "right_removed",
                    Direction.WIDENED,
                    f"user right or choice removed: {old.get('rights')[0].words}",
                    old.get("rights")[0].words,
                    None,
                )
            ]
        return [
            Finding(
                category,
                label,
                direction,
                f"practice no longer stated: {_gist(old)}",
                shorten(old.text, 120),
                None,
            )
        ]
    findings = contrast(old, new, category, generic, lex.grammar.purpose_mark)
    if change.kind is ChangeKind.ADDED:
        # A new clause states its practice; naming its recipients and purposes again adds
        # nothing unless it shares.
        if category not in ("sharing", "authorities"):
            findings = [f for f in findings if f.label not in ("recipient_added",)]
        if new.get("actions") and (
            new.get("data") or new.get("purposes") or new.get("recipients") or new.negated
        ):
            direction = Direction.NARROWED if new.negated else Direction.WIDENED
            findings.insert(
                0,
                Finding(
                    category,
                    "practice_added",
                    direction,
                    f"new practice: {_gist(new)}",
                    None,
                    shorten(new.text, 120),
                ),
            )
    if not findings:
        findings = [
            Finding(
                category,
                "reworded",
                Direction.NEUTRAL,
                "the wording changed; the practice did not",
            )
        ]
    return findings


def _unchanged(
    old: Frame, new: Frame, generic: set[str], grammar: Grammar
) -> tuple[tuple[str, str], ...]:
    same: list[tuple[str, str]] = []
    for family, aspect in (("data", "data"), ("recipients", "recipient")):
        a = {t.name for t in old.get(family) if t.name not in generic}
        b = {t.name for t in new.get(family) if t.name not in generic}
        if a and a == b:
            words = ", ".join(dict.fromkeys(t.words for t in new.get(family) if t.name in b))
            same.append((aspect, words))
    modal_old, modal_new = _main_modal(old.text, grammar), _main_modal(new.text, grammar)
    if modal_old and modal_old == modal_new:
        same.append(("modality", modal_old))
    return tuple(same)


def _main_modal(text: str, grammar: Grammar) -> str | None:
    """The modal verb of the main sharing or use verb ("may disclose")."""
    matches = list(grammar.main_modal.finditer(text))
    if not matches:
        return None
    preferred = [m for m in matches if m.group(2).lower() in grammar.sharing_verbs]
    match = (preferred or matches)[0]
    return f"{match.group(1).lower()} {match.group(2).lower()}"


def _gist(frame: Frame) -> str:
    """ "do not use — contents of your chats" from a frame: its verbs and its data."""
    verbs = ", ".join(dict.fromkeys(t.words.lower() for t in frame.get("actions")[:2]))
    data = ", ".join(dict.fromkeys(t.words for t in frame.get("data")[:3]))
    gist = ("not " if frame.negated else "") + (verbs or "states")
    return f"{gist} — {data}" if data else gist
