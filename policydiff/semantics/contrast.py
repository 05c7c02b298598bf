"""Contrast two frames: what moved in the practice, and in which direction for the user.

Directions follow the label contract (shared/eval/LABELS.md): ``widened`` is less
protective for the user, ``narrowed`` more protective. A negated practice ("we do not
share your data with advertisers") turns directions around: adding data to a promise
not to share it protects more.
"""

from __future__ import annotations

import re

from policydiff.models import Category, Direction, Finding, Verdict
from policydiff.semantics.directions import action, action_gone, slot
from policydiff.semantics.frames import Frame, Term, act_kind, denials, sentences_with

__all__ = ["contrast", "verdict"]

WIDENED, NARROWED, NEUTRAL = Direction.WIDENED, Direction.NARROWED, Direction.NEUTRAL
_ATTACHED = {"safeguard_added", "safeguard_removed", "notice_changed", "reworded", "right_added"}
# Families compared word by word inside one lexicon entry: "likes, shares" → "likes,
# bookmarks, shares" adds data although both are usage data.
_FINE = {"data", "rights"}
# The rights that are choices about one practice (lexicon entry names).
_CHOICES = frozenset({"opt_out", "settings", "withdraw_consent"})


def _flip(direction: Direction, negated: bool) -> Direction:
    if not negated or direction == NEUTRAL:
        return direction
    return NARROWED if direction == WIDENED else WIDENED


def _specific(
    terms: tuple[Term, ...], generic: frozenset[str], fine: bool = False
) -> dict[str, Term]:
    """Terms by name (or by name and words, when ``fine``), leaving out catch-alls ("your
    data", "third parties") when anything specific is named."""
    named = {_key(t, fine): t for t in terms}
    specific = {k: t for k, t in named.items() if t.name not in generic}
    return specific or named


def _key(term: Term, fine: bool) -> str:
    if not fine:
        return term.name
    words = " ".join(term.words.lower().replace("’", "'").split())
    return f"{term.name}:{words.rstrip('s')}"


def _unswapped(added: list[Term], removed: list[Term]) -> tuple[list[Term], list[Term]]:
    """Drop one-for-one swaps inside one lexicon entry ("retweets" → "reposts"): a new
    word for the same thing, not a new thing."""
    added, removed = list(added), list(removed)
    for term in list(removed):
        partner = next((t for t in added if t.name == term.name or _renamed(term, t)), None)
        if partner is not None:
            added.remove(partner)
            removed.remove(term)
    return added, removed


def _renamed(a: Term, b: Term) -> bool:
    """One organisation under a longer or shorter name ("OVH" → "OVHCloud")."""
    if not (a.name.startswith("org:") and b.name.startswith("org:")):
        return False
    x, y = a.name[4:], b.name[4:]
    return min(len(x), len(y)) >= 3 and (x in y or y in x)


def _stated_as_purpose(text: str, term: Term, mark: re.Pattern[str]) -> bool:
    """True when the words follow "to", "for", "in order to": a purpose, not a topic."""
    position = text.find(term.words)
    return position > 0 and bool(mark.search(text[max(0, position - 50) : position]))


def _related(a: str, b: str, parents: dict[str, str | None]) -> bool:
    """True when one of two data terms is an ancestor of the other."""
    return _ancestor(a, b, parents) or _ancestor(b, a, parents)


def _ancestor(a: str, b: str, parents: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    node = parents.get(b)
    while node and node not in seen:
        if node == a:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


def _only_in(words: str, text: str, sentences: tuple[str, ...]) -> bool:
    """True when every place ``words`` stand in ``text`` is inside one of ``sentences``."""
    total = text.count(words)
    return total > 0 and sum(s.count(words) for s in sentences) >= total


def _split_up(words: str, text: str) -> bool:
    """True when a phrase of several words still stands in ``text`` with others between its
    words ("date of birth" → "date, time, and location of birth"): it was widened, not
    removed."""
    parts = re.findall(r"\w+", words)
    if len(parts) < 2:
        return False
    gaps = r"\W+(?:\w+\W+){0,5}?".join(re.escape(p) for p in parts)
    return re.search(rf"\b{gaps}\b", text, re.I) is not None


def _words(terms: list[Term]) -> str:
    return ", ".join(dict.fromkeys(t.words for t in terms))


def contrast(
    old: Frame,
    new: Frame,
    category: Category,
    generic: frozenset[str],
    purpose_mark: re.Pattern[str],
    parents: dict[str, str | None] | None = None,
) -> list[Finding]:
    """Findings for one modified clause (an added clause has an empty old frame)."""
    findings: list[Finding] = []
    negated = new.negated if new.states_practice else old.negated

    def add(
        label: str,
        direction: Direction,
        explanation: str,
        old_words: str | None = None,
        new_words: str | None = None,
    ) -> None:
        findings.append(Finding(category, label, direction, explanation, old_words, new_words))

    # Polarity: "we do not share" → "we may share".
    if old.states_practice and new.states_practice and old.negated != new.negated:
        direction = WIDENED if old.negated else NARROWED
        # The same kind of act ("do not sell" → "may share" flips a sharing practice).
        first_old = act_kind(old.get("actions")[0].name) if old.get("actions") else None
        first_new = act_kind(new.get("actions")[0].name) if new.get("actions") else None
        if first_old is None or first_new is None or first_old == first_new:
            add(
                "polarity_flipped",
                direction,
                "the practice went from denied to allowed"
                if old.negated
                else "the practice went from allowed to denied",
            )
        else:
            # "we don't knowingly collect …" gone, the clause now about deleting: the promise
            # went, the practice it denied did not turn into its opposite.
            denied = old if old.negated else new
            verb = denied.get("actions")[0].words
            add(
                "safeguard_removed" if old.negated else "safeguard_added",
                direction,
                f"promise {'dropped' if old.negated else 'added'}: not {verb}",
                f"not {verb}" if old.negated else None,
                None if old.negated else f"not {verb}",
            )

    # The sentences that deny what they say and are new ("We do not show personalized ads to
    # users under the age of 18", added to a clause or in a new one).
    promised_by: tuple[str, ...] | None = None  # read when something was added

    def promises() -> tuple[str, ...]:
        nonlocal promised_by
        if promised_by is None:
            promised_by = tuple(p for p in denials(new) if p not in old.text)
        return promised_by

    data_gone: list[str] = []  # the words of the data that left the clause
    for family, label, noun in (
        ("data", "data", "data"),
        ("recipients", "recipient", "recipients"),
        ("purposes", "purpose", "purposes"),
    ):
        fine = family in _FINE and bool(old.text)
        before = _specific(old.get(family), generic, fine)
        after = _specific(new.get(family), generic, fine)
        added = [t for n, t in after.items() if n not in before]
        removed = [t for n, t in before.items() if n not in after]
        if family == "data":
            data_gone = [t.words for t in removed]
        if added and family in ("data", "recipients", "purposes") and promises():
            # What only a new sentence denying it names is promised, not done.
            promised = [t for t in added if _only_in(t.words, new.text, promises())]
            added = [t for t in added if t not in promised]
        if fine or family == "recipients":
            added, removed = _unswapped(added, removed)
        if family == "recipients" and old.text:
            # A company named in both texts, recognised in only one ("not shared with Roblox"
            # beside "Roblox uses …", where it speaks), neither came nor went.
            added = [t for t in added if not (t.name.startswith("org:") and t.words in old.text)]
            removed = [
                t for t in removed if not (t.name.startswith("org:") and t.words in new.text)
            ]
        if family == "purposes":
            # "to provide our services" names no purpose beyond the service itself.
            added = [t for t in added if t.name not in generic]
            removed = [t for t in removed if t.name not in generic]
        if family == "purposes" and not old.text:
            added = [
                t
                for t in added
                if t.name != category and _stated_as_purpose(new.text, t, purpose_mark)
            ]
        if (
            family == "data"
            and negated
            and added
            and any(t.name in generic for t in before.values())
            and not any(t.name in generic for t in after.values())
        ):
            # "We don't use your data" → "We don't use the contents of your chats": the
            # promise now covers less, so the practice widened.
            add(
                "data_added",
                WIDENED,
                f"a promise about all data now covers only {_words(added)}",
                _words(removed) or None,
                _words(added),
            )
            continue
        if family == "data":
            # "Your information" or "personal data" names no kind of data: it neither adds
            # nor removes any. And along one branch of the hierarchy ("phone number" →
            # "contact information", "your information" → "your location") the data moved,
            # it did not go: only the addition is told.
            added = [t for t in added if t.name not in generic]
            removed = [
                t
                for t in removed
                if t.name not in generic
                and not any(_related(t.name, a.name, parents or {}) for a in added)
                and not _split_up(t.words, new.text)
            ]
        if added:
            add(
                f"{label}_added",
                slot(family, "added", negated),
                f"{noun} added: {_words(added)}",
                None,
                _words(added),
            )
        if removed and old.states_practice:
            add(
                f"{label}_removed",
                slot(family, "removed", negated),
                f"{noun} removed: {_words(removed)}",
                _words(removed),
                None,
            )

    if not old.text and promises():
        named = [t.words for t in new.get("safeguards")]
        for sentence in promises():
            if any(words in sentence for words in named):
                continue  # the safeguard it names says it already
            add(
                "safeguard_added",
                slot("safeguards", "added"),
                f"promise added: {sentence}",
                None,
                sentence,
            )
    if old.text:  # a new clause's conditions are part of the new practice
        _conditions(old, new, negated, add)

    before = {t.name: t for t in old.get("safeguards")}
    after = {t.name: t for t in new.get("safeguards")}
    # In a promise not to do something ("will not use … without your consent"), a
    # safeguard is the exception to the promise: dropping it narrows, adding it widens.
    exception = old.negated and new.negated
    for name, term in after.items():
        if name not in before:
            if exception:
                add(
                    "condition_broadened",
                    WIDENED,
                    f"exception added: {term.words}",
                    None,
                    term.words,
                )
            else:
                add(
                    "safeguard_added",
                    slot("safeguards", "added"),
                    f"safeguard added: {term.words}",
                    None,
                    term.words,
                )
    for name, term in before.items():
        if name not in after and new.states_practice:
            if exception:
                add(
                    "condition_narrowed",
                    NARROWED,
                    f"exception dropped: {term.words}",
                    term.words,
                    None,
                )
            else:
                add(
                    "safeguard_removed",
                    slot("safeguards", "removed"),
                    f"safeguard removed: {term.words}",
                    term.words,
                    None,
                )

    if old.kept_as_needed and not new.kept_as_needed and not new.retention_days:
        if new.states_practice:
            was = _words(list(old.kept_as_needed))
            add("retention_extended", WIDENED, f"no longer kept only: {was}", was, None)
    elif new.kept_as_needed and not old.kept_as_needed and not old.retention_days and old.text:
        now = _words(list(new.kept_as_needed))
        add("retention_shortened", NARROWED, f"now kept only: {now}", None, now)
    if old.retention_days and new.retention_days:
        a = max(t.rank or 0 for t in old.retention_days)
        b = max(t.rank or 0 for t in new.retention_days)
        if a != b:
            was = _words(list(old.retention_days))
            now = _words(list(new.retention_days))
            if b > a:
                add("retention_extended", WIDENED, f"kept longer: {was} → {now}", was, now)
            else:
                add("retention_shortened", NARROWED, f"kept shorter: {was} → {now}", was, now)

    before = _specific(old.get("rights"), frozenset(), bool(old.text))
    after = _specific(new.get("rights"), frozenset(), bool(old.text))
    for name, term in after.items():
        if name not in before:
            add(
                "right_added",
                NARROWED,
                f"user right or choice added: {term.words}",
                None,
                term.words,
            )
    # A choice about a practice goes with the practice: where its sentence left the clause
    # with data that left too ("We also allow users to look for their friends by email
    # address; you can, however, opt out of email lookup" deleted), it takes nothing away.
    for name, term in before.items():
        if (
            data_gone
            and term.name in _CHOICES
            and any(
                sentence not in new.text and any(words in sentence for words in data_gone)
                for sentence in sentences_with(old.text, term.words)
            )
        ):
            continue
        if name not in after and old.states_practice and new.states_practice:
            add(
                "right_removed",
                WIDENED,
                f"user right or choice removed: {term.words}",
                term.words,
                None,
            )

    _notices(old, new, add)
    _modality(old, new, add)
    if old.text:
        _new_actions(old, new, negated, add)
        _gone_actions(old, new, negated, add)
    return findings


def _new_actions(old: Frame, new: Frame, negated: bool, add) -> None:  # type: ignore[no-untyped-def]
    before = {act_kind(name) for name in old.names("actions")}
    for term in new.get("actions"):
        direction = action(term.name)
        kind = act_kind(term.name)
        if direction and kind not in before:
            before.add(kind)
            add(
                "practice_added",
                _flip(direction, negated),
                f"new practice: {term.words}",
                None,
                term.words,
            )


def _gone_actions(old: Frame, new: Frame, negated: bool, add) -> None:  # type: ignore[no-untyped-def]
    """An action the table names that leaves a clause still stating its practice ("… and
    delete any e-mail addresses collected from you" gone: the addresses are kept)."""
    if not (old.states_practice and new.states_practice):
        return
    after = {act_kind(name) for name in new.names("actions")}
    seen: set[str] = set()
    for term in old.get("actions"):
        kind = act_kind(term.name)
        row = action_gone(term.name)
        if row is None or kind in after or kind in seen:
            continue
        seen.add(kind)
        label, direction = row
        add(label, _flip(direction, negated), f"no longer: {term.words}", term.words, None)


def _conditions(old: Frame, new: Frame, negated: bool, add) -> None:  # type: ignore[no-untyped-def]
    ladder_old = [t for t in old.get("conditions") if (t.rank or 0) > 0]
    ladder_new = [t for t in new.get("conditions") if (t.rank or 0) > 0]
    if bool(ladder_old) != bool(ladder_new) and old.states_practice and new.states_practice:
        # A trigger where there was none ("where permitted by applicable law") gates the
        # practice; a trigger dropped leaves it ungated.
        if ladder_new:
            was, now = None, _words(ladder_new)
            add("condition_narrowed", NARROWED, f"condition added: {now}", was, now)
        else:
            was = _words(ladder_old)
            add("condition_broadened", WIDENED, f"condition dropped: {was}", was, None)
    if ladder_old and ladder_new:
        a = max(t.rank or 0 for t in ladder_old)
        b = max(t.rank or 0 for t in ladder_new)
        was, now = _words(ladder_old), _words(ladder_new)
        rung_old = _rung(max(ladder_old, key=lambda t: t.rank or 0), old)
        rung_new = _rung(max(ladder_new, key=lambda t: t.rank or 0), new)
        if b > a:
            add(
                "condition_broadened",
                WIDENED,
                f"trigger broadened from {rung_old} to {rung_new}",
                was,
                now,
            )
        elif b < a:
            add(
                "condition_narrowed",
                NARROWED,
                f"trigger narrowed from {rung_old} to {rung_new}",
                was,
                now,
            )
    gates_old = {t.name: t for t in old.get("conditions") if t.rank == 0}
    gates_new = {t.name: t for t in new.get("conditions") if t.rank == 0}
    if old.states_practice:
        for name, term in gates_old.items():
            if name not in gates_new:
                direction = WIDENED if name != "scope" else NARROWED
                add(
                    "condition_broadened" if direction == WIDENED else "condition_narrowed",
                    direction,
                    f"condition dropped: {term.words}",
                    term.words,
                    None,
                )
    for name, term in gates_new.items():
        if name not in gates_old:
            direction = WIDENED if name == "scope" else NARROWED
            add(
                "condition_broadened" if direction == WIDENED else "condition_narrowed",
                direction,
                f"condition added: {term.words}",
                None,
                term.words,
            )
    if old.ages and new.ages:
        a = max(t.rank or 0 for t in old.ages)
        b = max(t.rank or 0 for t in new.ages)
        was, now = _words(list(old.ages)), _words(list(new.ages))
        if b > a:
            add(
                "condition_narrowed",
                NARROWED,
                f"protection extended to older users: {was} → {now}",
                was,
                now,
            )
        elif b < a:
            add(
                "condition_broadened",
                WIDENED,
                f"protection limited to younger users: {was} → {now}",
                was,
                now,
            )
    old_process = [t.rank for t in old.get("processes") if t.rank]
    new_process = [t.rank for t in new.get("processes") if t.rank]
    if old_process and new_process and min(new_process) != min(old_process):
        was, now = _words(list(old.get("processes"))), _words(list(new.get("processes")))
        if min(new_process) > min(old_process):
            add(
                "condition_broadened",
                WIDENED,
                f"a weaker process suffices: {was} → {now}",
                was,
                now,
            )
        else:
            add(
                "condition_narrowed",
                NARROWED,
                f"a stronger process is required: {was} → {now}",
                was,
                now,
            )
    _ = negated


_RUNGS = {
    "terrorism": "terrorism",
    "serious_crime": "serious crime",
    "criminal_activity": "criminal activity",
    "tos_violation": "violations of the terms",
    "legal_request": "any legal request",
    "discretion": "the company's discretion",
}


def _rung(term: Term, frame: Frame) -> str:
    """ "criminal activity (restricted to: violate the Telegram Terms of Service)" """
    name = _RUNGS.get(term.name, term.name.replace("_", " "))
    qualifiers = frame.get("qualifiers")
    if qualifiers:
        return f"{name} (restricted to: {_words(list(qualifiers))})"
    return name


def _notices(old: Frame, new: Frame, add) -> None:  # type: ignore[no-untyped-def]
    before = [t for t in old.get("notices") if t.rank]
    after = [t for t in new.get("notices") if t.rank]
    if before and after:
        a, b = max(t.rank or 0 for t in before), max(t.rank or 0 for t in after)
        if a != b:
            was, now = _words(before), _words(after)
            direction = NARROWED if b > a else WIDENED
            add("notice_changed", direction, f"reporting {was} → {now}", was, now)
    notes_old = {t.name for t in old.get("notices") if t.rank == 0}
    for term in new.get("notices"):
        if term.rank == 0 and term.name not in notes_old and old.text:
            add(
                "notice_changed", NARROWED, f"users told of changes: {term.words}", None, term.words
            )


def _modality(old: Frame, new: Frame, add) -> None:  # type: ignore[no-untyped-def]
    a, b = old.get("modality"), new.get("modality")
    if len(a) != 1 or len(b) != 1 or old.negated or new.negated:
        return
    if (
        a[0].rank is None
        or b[0].rank is None
        or a[0].rank == b[0].rank
        or min(a[0].rank, b[0].rank) == 0
    ):
        return
    stronger = b[0].rank > a[0].rank
    add(
        "modality_strengthened" if stronger else "modality_weakened",
        WIDENED if stronger else NARROWED,
        f"{a[0].words} → {b[0].words}",
        a[0].words,
        b[0].words,
    )


def verdict(findings: list[Finding]) -> Verdict:
    """The clause's verdict: the direction its practice moved.

    A safeguard, notice or choice attached to a practice that moved does not make it
    mixed; when findings about the practice itself point both ways, the direction with
    more findings wins and a tie is ``mixed``.
    """
    practice = [f.direction for f in findings if f.label not in _ATTACHED]
    attached = [f.direction for f in findings if f.label in _ATTACHED]
    for directions in (practice, attached):
        widened, narrowed = directions.count(WIDENED), directions.count(NARROWED)
        if widened > narrowed:
            return Verdict.WIDENED
        if narrowed > widened:
            return Verdict.NARROWED
        if widened:
            return Verdict.MIXED
    return Verdict.NEUTRAL
