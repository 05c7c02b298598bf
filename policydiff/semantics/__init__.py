"""Semantics: what a substantive change does to a practice, for the user.

Each changed clause is read as a practice frame (``frames``) with the lexicon of its
language (``<code>.toml`` beside this module); the frames of the old and new clause are
contrasted (``contrast``) into findings with a direction, and the clause gets a verdict.
Deterministic and offline: every finding quotes the words it came from.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache

from policydiff.diff import word_ops
from policydiff.languages import broader, concept, language
from policydiff.models import (
    Category,
    ChangeKind,
    ClauseChange,
    Direction,
    Finding,
    Op,
    Verdict,
)
from policydiff.normalize.text import shorten
from policydiff.semantics import directions
from policydiff.semantics.contrast import contrast, verdict
from policydiff.semantics.frames import SHARING, Frame, read_frame
from policydiff.semantics.lexicon import Grammar, Lexicon, has_lexicon, lexicon
from policydiff.semantics.members import (
    member_findings,
    modal_findings,
    opener_findings,
    told,
    widened_in,
)

__all__ = [
    "CATEGORY_NAMES",
    "PracticeReader",
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
def frame_of(text: str, lead_in: str | None, lex: Lexicon, section: str | None = None) -> Frame:
    """The frame of a clause, cached: a policy's history repeats most of its clauses.
    ``section`` (the title of the clause's section) is the last resort for its category."""
    return read_frame(text, lex, context=lead_in, section=section)


@functools.cache
def _generic(lex: Lexicon) -> frozenset[str]:
    """The data entries that name no kind of data ("your information"), and the purposes
    that name no purpose but the service itself ("to provide our services"), once a lexicon."""
    return frozenset(
        e.name for family in ("data", "purposes") for e in lex.families[family] if e.generic
    )


@dataclass(frozen=True, slots=True)
class PracticeReader:
    """What ``classify`` asks of a clause's practice, read with one language's lexicon."""

    lex: Lexicon

    def states_practice(self, text: str, lead_in: str | None, section: str | None = None) -> bool:
        """True when the clause (with its list's lead-in) names an action or a practice
        category, or names who answers for the policy under a contact section; slogans and
        navigation do neither."""
        return frame_of(text, lead_in, self.lex, section).states_practice

    def practice_key(self, text: str, lead_in: str | None) -> Hashable | None:
        """The practice a clause states, coarsely (category, polarity, action, data), or
        None when it states none: two clauses with one key state the same practice."""
        frame = frame_of(text, lead_in, self.lex)
        generic = _generic(self.lex)
        category, action, data = _key(frame, generic)
        if action is None or data is None:
            return None
        return category, frame.negated, action, data

    def names_a_right(self, text: str, lead_in: str | None) -> bool:
        """True when the clause names a user right or choice ("you can manage …")."""
        return bool(frame_of(text, lead_in, self.lex).get("rights"))

    def signature(self, text: str, lead_in: str | None) -> Hashable:
        """The practice a clause states, without its wording: equal signatures, same practice."""
        frame = frame_of(text, lead_in, self.lex)
        generic = _generic(self.lex)

        def names(family: str) -> frozenset[str]:
            return frozenset(t.name for t in frame.get(family) if t.name not in generic)

        modality = frame.modality
        return (
            frame.category,
            frame.negated,
            modality.rank if modality else None,
            *(names(f) for f in self.lex.families if f != "modality"),
            frozenset((t.name, t.rank) for t in frame.get("conditions")),
            frozenset(t.rank for t in frame.retention_days),
            bool(frame.kept_as_needed),
            frozenset(t.rank for t in frame.ages),
        )


def practice_reader(language: str) -> PracticeReader | None:
    """For ``classify``: a reader of practices, in a language with a lexicon."""
    return PracticeReader(lexicon(language)) if has_lexicon(language) else None


def annotate(changes: tuple[ClauseChange, ...], language: str) -> tuple[ClauseChange, ...]:
    """The same changes, substantive ones with a category, findings and a verdict.

    Only for languages with a lexicon file; the others keep their changes as they are.
    """
    if not has_lexicon(language):
        return changes
    lex = lexicon(language)
    generic = _generic(lex)

    result = []
    for change in changes:
        if not change.substantive:
            result.append(change)
            continue
        lead_old = change.old[0].lead_in if change.old else None
        lead_new = change.new[0].lead_in if change.new else None
        section_old = change.old[0].section if change.old else None
        section_new = change.new[0].section if change.new else None
        old = frame_of(change.old_text, lead_old, lex, section_old) if change.old else _EMPTY
        new = frame_of(change.new_text, lead_new, lex, section_new) if change.new else _EMPTY
        category = Category(new.category or old.category or Category.COLLECTION)
        findings = _with_concepts(_findings(change, old, new, category, generic, lex), old, new)
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
    generic: frozenset[str],
    lex: Lexicon,
) -> list[Finding]:
    if change.kind is ChangeKind.REMOVED:
        kind = _clause_kind(old, generic)
        label, direction = directions.clause(kind, "removed")
        if kind == "right":
            words = old.get("rights")[0].words
            return [
                Finding(category, label, direction, f"user right or choice removed: {words}", words)
            ]
        if kind == "safeguard":
            words = old.get("safeguards")[0].words
            return [Finding(category, label, direction, f"safeguard removed: {words}", words)]
        if kind == "recipient":
            words = _words_of(old, "recipients")
            return [Finding(category, label, direction, f"recipient removed: {words}", words)]
        if (
            kind == "practice"
            and old.get("purposes")
            and not [t for t in old.get("data") if t.name not in generic]
            and not old.get("recipients")
        ):
            # "Profile data also lets us compile anonymised statistics." gone: the data stays
            # described elsewhere; what went is a purpose.
            words = _words_of(old, "purposes")
            direction = directions.slot("purposes", "removed", old.negated)
            return [
                told(
                    category,
                    "purpose_removed",
                    direction,
                    f"purpose removed: {words}",
                    words,
                    "removed",
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
    parents = _data_parents(lex.code)
    findings = contrast(old, new, category, generic, lex.grammar.purpose_mark, parents)
    if change.kind is ChangeKind.MODIFIED and not (
        _passes_data(old) or _passes_data(new) or category in ("sharing", "authorities")
    ):
        # "we collect information about incidents against our guests, our partners or
        # Booking.com": named without being given anything, they receive nothing.
        findings = [f for f in findings if not f.label.startswith("recipient_")]
    if change.kind is ChangeKind.ADDED:
        # A new clause states its practice; naming its recipients and purposes again adds
        # nothing unless it shares.
        if category not in ("sharing", "authorities") and not _names_a_controller(new):
            findings = [f for f in findings if f.label not in ("recipient_added",)]
        kind = _clause_kind(new, generic)
        label, direction = directions.clause(kind, "added")
        lead_in = change.new[0].lead_in or ""
        topic = lex.grammar.topic.match(new.text) if lex.grammar.topic else None
        if kind == "practice" and topic and topic.lastgroup == "purposes":
            # "Purposes of Processing. Your data will be processed for …": the clause states
            # purposes (and the safeguards that limit them).
            direction = directions.slot("purposes", "added", new.negated)
            words = _words_of(new, "purposes") or shorten(new.text[topic.end() :], 80)
            return [
                told(
                    category, "purpose_added", direction, f"purposes added: {words}", words, "added"
                ),
                *(f for f in findings if f.label == "safeguard_added"),
            ]
        if kind in ("practice", "negated") and topic and topic.lastgroup in ("period", "grounds"):
            # "Duration of Processing. …", "Legal Grounds for Processing. …": how long, or on
            # which ground, a practice runs; its data and purposes are those of the practice.
            drop = (
                {"purpose_added"}
                if topic.lastgroup == "grounds"
                else {"data_added", "purpose_added"}
            )
            findings = [f for f in findings if f.label not in drop]
        if kind == "practice" and topic and topic.lastgroup == "data":
            words = _words_of(new, "data") or shorten(new.text[topic.end() :], 80)
            direction = directions.slot("data", "added", new.negated)
            return [told(category, "data_added", direction, f"data added: {words}", words, "added")]
        purpose_list = lex.grammar.purpose_list
        if kind == "practice" and purpose_list and purpose_list.search(lead_in):
            # An item added under "We use AI for the following purposes:" is a purpose.
            direction = directions.slot("purposes", "added", new.negated)
            words = shorten(new.text, 80)
            return [
                told(
                    category, "purpose_added", direction, f"purpose added: {words}", words, "added"
                )
            ]
        if kind in ("right", "safeguard", "recipient"):
            # What the clause adds is the right, the safeguard or the recipient; its data and
            # purposes are those of the practice it belongs to.
            family = {"right": "rights", "safeguard": "safeguards"}.get(kind, "recipients")
            words = _words_of(new, family)
            findings = [f for f in findings if f.direction is direction]
            if not any(f.label == label for f in findings):
                findings.insert(
                    0,
                    Finding(
                        category,
                        label,
                        direction,
                        f"{label.split('_')[0]} added: {words}",
                        None,
                        words,
                    ),
                )
        elif kind == "contact":
            # A representative or an officer named: who answers for the policy, not data.
            findings = [
                Finding(
                    category, label, direction, f"new: {_gist(new)}", None, shorten(new.text, 120)
                )
            ]
        elif new.get("actions") and (
            new.get("data") or new.get("purposes") or new.get("recipients") or new.negated
        ):
            wider = widened_in(new.text, lex)
            if wider and kind == "practice":
                findings.append(
                    Finding(
                        category,
                        "condition_broadened",
                        directions.slot("data", "added", new.negated),
                        f"applies more often: {wider}",
                        None,
                        wider,
                    )
                )
            # A new practice, with what it adds (its data, purposes, safeguards).
            findings.insert(
                0,
                Finding(
                    category,
                    label,
                    direction,
                    f"new practice: {_gist(new)}",
                    None,
                    shorten(new.text, 120),
                ),
            )
    if (
        change.kind is ChangeKind.MODIFIED
        and old.category == new.category == "contact"
        and _clause_kind(old, generic) == _clause_kind(new, generic) == "contact"
    ):
        named = _names_changed(old.text, new.text, lex)
        held_by = directions.replaced("contact")
        if named and held_by is not None:
            return named(category, held_by)
    if change.kind is ChangeKind.MODIFIED and not any(
        f.label.startswith("condition_") for f in findings
    ):
        findings += opener_findings(change.ops, old, new, category, lex)
    if (
        change.kind is ChangeKind.MODIFIED
        and not old.negated
        and not new.negated
        and not any(f.label.startswith("modality_") for f in findings)
    ):
        findings += modal_findings(change.ops, category, lex, language(lex.code).stopwords)
    grants_right = (
        change.kind is ChangeKind.MODIFIED
        and _clause_kind(old, generic) == "right"
        and _clause_kind(new, generic) == "right"
    )
    if not findings and change.kind is ChangeKind.MODIFIED:

        def members(ops: tuple[Op, ...]) -> list[Finding]:
            return member_findings(
                ops,
                old,
                new,
                category,
                lex,
                language(lex.code),
                change.new[0].lead_in if change.new else None,
                grants_right,
                _only_names_a_recipient(old) and _only_names_a_recipient(new),
            )

        findings = members(change.ops)
        if (
            not findings
            and ("/" in change.old_text or "/" in change.new_text)
            and any(a[0] == "-" and b[0] == "+" for a, b in itertools.pairwise(change.ops))
        ):
            # Replacements that are only a list's separators moving ("UK, EU/EEA or" → "EU,
            # EEA, or"): read the list again with one separator.
            findings = members(
                word_ops(_SLASH.sub(", ", change.old_text), _SLASH.sub(", ", change.new_text))
            )
    if (
        not findings
        and change.kind is ChangeKind.MODIFIED
        and _generalised(change.ops, language(lex.code).stopwords, lex.grammar.instances)
    ):
        # "as part of a Lyft Family account" → "as part of an account linked with others,
        # such as a Lyft Family Account or Lyft Teen account": what was named is now one
        # example of something wider.
        findings = [
            Finding(
                category,
                "condition_broadened",
                Direction.NARROWED if new.negated else Direction.WIDENED,
                "what was named is now an example of something wider",
            )
        ]
    if grants_right:
        # In a clause that grants a right ("you can object to …", "you can review the
        # information in your profile"), what joins it extends the right, what leaves it
        # takes part of the right away.
        findings = [_as_right(f) for f in findings]
    if (
        not findings
        and change.kind is ChangeKind.ADDED
        and (new.get("actions") or category == "contact")
    ):
        # A new clause that does something, or names who answers for the policy, states
        # something new: not a rewording.
        kind = _clause_kind(new, generic)
        label, direction = directions.clause(kind, "added")
        findings = [
            Finding(category, label, direction, f"new: {_gist(new)}", None, shorten(new.text, 120))
        ]
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


# Names: runs of capitalised words not opening a sentence ("European Data Protection
# Office"), and e-mail addresses.
_NAME = re.compile(
    r"(?<![.!?]\s)(?<!^)\b[A-ZÀ-Ý][\w&'’-]*(?:\s+(?:[A-ZÀ-Ý][\w&'’.-]*|&))*|[\w.+-]+@[\w.-]+\w"
)


def _names(text: str, lex: Lexicon) -> list[str]:
    """Companies (by their legal form, wherever they stand), then runs of capitalised words
    not opening a sentence, and e-mail addresses, in reading order of each kind."""
    companies = [m.group(0).strip() for m in lex.organisation.finditer(text)]
    inside = " ".join(companies)
    others = [n for n in _NAME.findall(text) if n not in inside]
    return list(dict.fromkeys([*companies, *others]))


def _names_changed(
    old: str, new: str, lex: Lexicon
) -> Callable[[Category, Direction], list[Finding]] | None:
    """For a clause naming who answers for the policy: the findings when the names in it
    changed (one firm for another, an office gone), else None."""
    gone = [n for n in _names(old, lex) if n not in new]
    came = [n for n in _names(new, lex) if n not in old]
    if not gone and not came:
        return None

    def findings(category: Category, direction: Direction) -> list[Finding]:
        result = []
        if gone:
            words = ", ".join(gone)
            result.append(
                Finding(category, "practice_removed", direction, f"no longer named: {words}", words)
            )
        if came:
            words = ", ".join(came)
            result.append(
                Finding(category, "practice_added", direction, f"now named: {words}", None, words)
            )
        return result

    return findings


_SLASH = re.compile(r"\s*/\s*")
_CONTENT = re.compile(r"[^\W\d_]{4,}")


def _generalised(
    ops: tuple[Op, ...], stopwords: frozenset[str], instances: re.Pattern[str] | None
) -> bool:
    """True when what the old clause named stands in the new one only as an example of
    something wider ("a Lyft Family account" → "an account …, such as a Lyft Family
    Account or …")."""
    edited = [i for i, (sign, _) in enumerate(ops) if sign != "="]
    if not edited:
        return False
    inserted = "".join(t for s, t in ops if s == "+")
    if instances is None or not instances.search(inserted):
        return False
    new_text = "".join(t for s, t in ops if s != "-")
    # The old words of the edited stretch, with the three words before it ("part of a").
    first, last = edited[0], edited[-1]
    lead = ops[first - 1][1].split()[-3:] if first and ops[first - 1][0] == "=" else []
    stretch = " ".join(lead) + " " + "".join(t for s, t in ops[first : last + 1] if s != "+")
    words = {w.lower() for w in _CONTENT.findall(stretch)} - stopwords
    for match in instances.finditer(new_text):
        tail = {w.lower() for w in _CONTENT.findall(new_text[match.end() : match.end() + 80])}
        if words and len(words & tail) >= max(2, (len(words) + 1) // 2):
            return True
    return False


def _as_right(finding: Finding) -> Finding:
    """A finding of a clause that grants a right, told as what it does to the right."""
    stem, _, event = finding.label.rpartition("_")
    if stem in ("data", "purpose", "recipient") and event in ("added", "removed"):
        label = f"right_{event}"
        direction = directions.slot("rights", event)
        return dataclasses.replace(
            finding,
            label=label,
            direction=direction,
            explanation=f"the right now {'covers' if event == 'added' else 'no longer covers'}: "
            f"{finding.new_words or finding.old_words}",
        )
    if finding.label in ("condition_broadened", "condition_narrowed"):
        # Wider conditions of a right let it apply more often.
        wider = finding.label == "condition_broadened"
        return dataclasses.replace(
            finding, direction=Direction.NARROWED if wider else Direction.WIDENED
        )
    return finding


# The slot family each finding label is about, to name its DPV concept.
_FAMILY_OF = {
    "data": "data",
    "recipient": "recipients",
    "purpose": "purposes",
    "safeguard": "safeguards",
    "right": "rights",
    "practice": "actions",
    "polarity": "actions",
}
# Organisations recognised by their names are third parties in DPV's terms.
_ORGANISATION = "https://w3id.org/dpv#ThirdParty"


def _with_concepts(findings: list[Finding], old: Frame, new: Frame) -> list[Finding]:
    """Each finding with the DPV concept of the term it is about (its first one)."""
    result = []
    for finding in findings:
        family = _FAMILY_OF.get(finding.label.split("_")[0])
        words = (finding.new_words or finding.old_words or "").split(", ")[0].lower()
        iri = None
        if family:
            terms = [*new.get(family), *old.get(family)]
            term = next((t for t in terms if t.words.lower() == words), None)
            if term is None and family == "actions":
                term = next(iter(terms), None)
            if term is not None:
                iri = _ORGANISATION if term.name.startswith("org:") else concept(family, term.name)
        result.append(dataclasses.replace(finding, concept=iri) if iri else finding)
    return result


@functools.cache
def _data_parents(code: str) -> dict[str, str | None]:
    """Each data entry's nearest broader entry: its lexicon parent, else DPV's hierarchy."""
    names = [e.name for e in lexicon(code).families["data"]]
    return {name: next(iter(broader("data", name, code)), None) for name in names}


def _clause_kind(frame: Frame, generic: frozenset[str]) -> str:
    """What a clause mainly states (a key of the direction table's added/removed rows)."""
    specific = [t for t in frame.get("data") if t.name not in generic]
    if _only_names_a_recipient(frame):
        return "recipient"
    if frame.category in ("contact", "rights") and any(
        t.name in ("representative", "dpo") for t in frame.get("entities")
    ):
        return "contact"  # "to exercise your rights, contact our local representative"
    if frame.get("rights") and not specific and not frame.negated:
        return "right"
    if not specific and _limits_a_practice(frame):
        return "safeguard"
    if frame.category == "contact":
        return "contact"
    if frame.negated:
        return "negated"
    return "practice"


def _names_a_controller(frame: Frame) -> bool:
    """True when a clause names a company by name, or a joint controller, that now holds
    the data too ("DoorDash, Inc. is also a controller", "Badoo and TMG act as joint
    controllers")."""
    return any(
        t.name.startswith("org:") or t.name == "joint_controllers" for t in frame.get("recipients")
    )


def _passes_data(frame: Frame) -> bool:
    """True when a clause gives data to someone: a verb of sharing, a row of a table of
    recipients, a company named as a provider, or a recipient that itself processes the
    data ("Third-party services may process your data")."""
    if bool(SHARING & frame.names("actions")) or _only_names_a_recipient(frame):
        return True
    recipients = frame.get("recipients")
    if any(t.name.startswith("org:") for t in recipients):
        return True
    text = frame.text.lower()
    verbs = [t.words.lower() for t in frame.get("actions")]
    for term in recipients:
        at = text.find(term.words.lower())
        after = text[at + len(term.words) : at + len(term.words) + 30] if at >= 0 else ""
        if any(verb in after for verb in verbs):
            return True
    return False


def _only_names_a_recipient(frame: Frame) -> bool:
    """True for a row of a table of recipients ("MongoDB Atlas | Hosting | United States"):
    an organisation, and no action of the row's own."""
    organisations = [t for t in frame.get("recipients") if t.name.startswith("org:")]
    if not organisations or frame.category == "contact":
        return False
    text = frame.text.lower()
    return not any(t.words.lower() in text for t in frame.get("actions"))


def _limits_a_practice(frame: Frame) -> bool:
    """True when the clause's main predicate is a safeguard: it names one before any action
    ("Standard contractual clauses protect …", "we rely on standard contractual clauses to
    transfer …") or states no action at all."""
    safeguards = frame.get("safeguards")
    if not safeguards:
        return False
    actions = frame.get("actions")
    if not actions or not (frame.get("purposes") or frame.get("recipients")):
        # "We will process your personal data only for the reasons below": no data of its
        # own (the caller checks), no purpose, no recipient — only the limit is new.
        return True
    text = frame.text.lower()
    first_safeguard = min(text.find(t.words.lower()) for t in safeguards)
    start, verb = min((text.find(t.words.lower()), t.words) for t in actions)
    if 0 <= first_safeguard < start:
        return True
    # The first verb's object is the safeguard ("we rely on the standard contractual
    # clauses …", "we use encryption …"): a few words between them, none of them data.
    between = text[start + len(verb) : first_safeguard]
    return (
        start >= 0
        and first_safeguard > start
        and len(between.split()) <= 3
        and not any(t.words.lower() in between for t in frame.get("data"))
    )


Practice = tuple[str | None, str | None, str | None]


def _key(frame: Frame, generic: frozenset[str]) -> Practice:
    """A practice as the inventory knows it: category, first action, and the data that
    action is done to (the first specific data after it)."""
    actions = frame.get("actions")
    if not actions:
        return frame.category, None, None
    text = frame.text.lower()
    start = text.find(actions[0].words.lower())
    data = [t for t in frame.get("data") if t.name not in generic]
    after = [t for t in data if text.find(t.words.lower(), max(start, 0)) >= start]
    main = (after or data)[0].name if data else None
    return frame.category, actions[0].name, main


def _words_of(frame: Frame, family: str) -> str:
    return ", ".join(dict.fromkeys(t.words for t in frame.get(family)))


def _unchanged(
    old: Frame, new: Frame, generic: frozenset[str], grammar: Grammar
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
