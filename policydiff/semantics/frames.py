"""Practice frames: who does what with which data, for whom, why, when and with what limits.

A frame is read from one clause, sentence by sentence, with the lexicon of its language.
Each slot keeps the words it came from, so every finding can quote its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policydiff.semantics.lexicon import Entry, Lexicon, stems

__all__ = ["Frame", "Term", "read_frame"]


@dataclass(frozen=True, slots=True)
class Term:
    """One slot filler: the lexicon's name for it and the words of the policy."""

    name: str
    words: str
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    text: str
    category: str | None = None
    negated: bool = False
    slots: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    retention_days: tuple[Term, ...] = ()  # rank = days; 100 years for "indefinitely"
    ages: tuple[Term, ...] = ()  # rank = the age in years

    def get(self, family: str) -> tuple[Term, ...]:
        return self.slots.get(family, ())

    def names(self, family: str) -> set[str]:
        return {t.name for t in self.get(family)}

    @property
    def states_practice(self) -> bool:
        return bool(self.get("actions")) or bool(self.category)

    @property
    def modality(self) -> Term | None:
        ranked = [t for t in self.get("modality") if t.rank is not None]
        return max(ranked, key=lambda t: t.rank or 0) if ranked else None


def _matches(
    text: str, entries: tuple[Entry, ...], cues: frozenset[str] | None = None
) -> list[Term]:
    """The longest non-overlapping matches of a family's entries, in reading order."""
    cues = stems(text) if cues is None else cues
    found: list[tuple[int, int, Entry]] = []
    for entry in entries:
        if not entry.may_match(cues):
            continue
        for match in entry.pattern.finditer(text):
            found.append((match.start(), match.end(), entry))
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, Term]] = []
    for start, end, entry in found:
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        chosen.append((start, Term(entry.name, text[start:end], entry.rank)))
    return [term for _, term in sorted(chosen, key=lambda c: c[0])]


def _first_action(
    text: str, lexicon: Lexicon, cues: frozenset[str] | None = None
) -> tuple[int, str | None] | None:
    """Where the text's first action verb starts, and its category (earlier lexicon
    entries win a tie)."""
    cues = stems(text) if cues is None else cues
    first: tuple[int, str | None] | None = None
    for entry in lexicon.families["actions"]:
        if not entry.may_match(cues):
            continue
        match = entry.pattern.search(text)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), entry.category)
    return first


def _negated(sentence: str, lexicon: Lexicon, first: tuple[int, str | None] | None) -> bool:
    """True when a negation governs the sentence's first action ("we don't share")."""
    if first is None:
        return False
    window = sentence[max(0, first[0] - 60) : first[0]]
    negation = None
    for match in lexicon.negations.finditer(window):
        negation = match
    if negation is None:
        return False
    return not lexicon.negation_breaks.search(window[negation.end() :])


def read_frame(text: str, lexicon: Lexicon, *, context: str | None = None) -> Frame:
    """The frame of a clause; ``context`` (a list's lead-in) supplies actions and category."""
    slots: dict[str, tuple[Term, ...]] = {}
    cues = stems(text)
    for family, entries in lexicon.families.items():
        slots[family] = tuple(_matches(text, entries, cues))
    if context and not slots["actions"]:
        slots["actions"] = tuple(_matches(context, lexicon.families["actions"]))
    first = _first_action(text, lexicon, cues)
    context_first = _first_action(context, lexicon) if context else None
    negated = _negated(text, lexicon, first) or bool(
        context and not slots.get("actions") and _negated(context, lexicon, context_first)
    )
    grammar = lexicon.grammar
    durations = [
        Term(
            "period",
            m.group(0),
            int(grammar.number_words.get(m.group(1).lower(), 0) or m.group(1))
            * grammar.unit_days[m.group(2).lower()],
        )
        for m in grammar.duration.finditer(text)
        if m.group(1).lower() in grammar.number_words or m.group(1).isdigit()
    ]
    durations += [Term("indefinite", m.group(0), 36500) for m in grammar.forever.finditer(text)]
    ages = tuple(Term("age", m.group(0), int(m.group(1))) for m in grammar.age.finditer(text))
    slots["conditions"], qualifiers = _heads(text, slots["conditions"], grammar.qualifier)
    slots["qualifiers"] = qualifiers
    return Frame(
        text=text,
        category=_category(text, lexicon, first)
        or (_category(context, lexicon, context_first) if context else None),
        negated=negated,
        slots=slots,
        retention_days=tuple(durations),
        ages=ages,
    )


def _heads(
    text: str, conditions: tuple[Term, ...], qualifier: re.Pattern[str]
) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """Split conditions into heads and the qualifiers that narrow them.

    "criminal activities that violate the Terms of Service" is criminal activity restricted
    to Terms of Service violations, not a Terms of Service condition.
    """
    heads: list[Term] = []
    qualifiers: list[Term] = []
    position = 0
    previous_end: int | None = None
    qualifying = False
    for term in conditions:
        start = text.find(term.words, position)
        gap = text[previous_end:start] if previous_end is not None else ""
        if (
            heads
            and previous_end is not None
            and (
                qualifier.match(gap)
                or (qualifying and len(gap) < 30 and not re.search(r"[.;,]", gap))
            )
        ):
            # "…, die gegen die Nutzungsbedingungen von Telegram verstoßen": the whole
            # relative clause qualifies its head.
            qualifiers.append(term)
            qualifying = True
        else:
            heads.append(term)
            qualifying = False
        previous_end = start + len(term.words)
        position = previous_end
    return tuple(heads), tuple(qualifiers)


def _category(text: str, lexicon: Lexicon, first: tuple[int, str | None] | None) -> str | None:
    """The category with the most cue words; a tie goes to the category of the first
    verb ("may be shared … or advertising" is sharing), else to the one listed first."""
    hits = {name: len(pattern.findall(text)) for name, pattern in lexicon.categories}
    most = max(hits.values(), default=0)
    if not most:
        return None
    tied = [name for name, count in hits.items() if count == most]
    if len(tied) > 1 and first is not None and first[1] in tied:
        return first[1]
    return tied[0]
