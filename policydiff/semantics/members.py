"""Members of a list that came or went: what the lexicon does not know, the list tells.

"a restructuring, merger, bankruptcy, or sale": "bankruptcy" is no lexicon word, but it joined
a list of conditions, so a condition was added. "For users in California, Colorado and
Indiana": Indiana is a place, and the list grants a right, so the right now reaches further.
Each edit of a modified clause that only inserts or only deletes words is read this way:
its slot is the slot of its neighbours in the list, found with the lexicon; failing that,
the marker that opens the list (a purpose marker: a purpose) or the clause's category.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from policydiff.languages import Language
from policydiff.models import Category, Direction, Finding, Op
from policydiff.semantics.directions import slot
from policydiff.semantics.frames import Frame
from policydiff.semantics.lexicon import Lexicon, find_all
from policydiff.semantics.lexicon import words as read_words

__all__ = ["member_findings", "modal_findings", "opener_findings", "told", "widened_in"]

_WORD = re.compile(r"[^\W\d_]+", re.U)
# The end of a list's opening words: a colon, then the list.
_PURPOSE_OPENER = re.compile(r":[^.:]*$")
# Slots a list member can fill, with the label stem of its findings.
_SLOTS = {
    "purposes": "purpose",
    "data": "data",
    "recipients": "recipient",
    "conditions": "condition",
    "rights": "right",
}


def member_findings(
    ops: tuple[Op, ...],
    old: Frame,
    new: Frame,
    category: Category,
    lex: Lexicon,
    lang: Language,
    lead_in: str | None = None,
    grants_right: bool = False,
    recipient_row: bool = False,
) -> list[Finding]:
    """Findings for list members inserted or deleted in a modified clause; in a clause
    that ``grants_right``, every member extends or narrows the right; in a ``recipient_row``
    of a table, a member of a later cell is a purpose of the recipient."""
    findings: list[Finding] = []
    grammar = lex.grammar
    # Words that leave one place of the clause and come back in another moved: a list
    # reordered ("websites, devices, stores" → "stores, websites, devices") adds nothing.
    gone = {w for s, t in ops if s == "-" for w in _WORD.findall(t.lower())}
    came = {w for s, t in ops if s == "+" for w in _WORD.findall(t.lower())}
    for sign, text, before, after in _edits(ops):
        if grammar.examples is not None and grammar.examples.search(text + " "):
            continue  # "(e.g., CommunitySift)": an example of the list, not a member
        if grammar.title is not None and grammar.title.fullmatch(text.strip(" ,;.")):
            continue  # "Free Privacy Notice for Stack Overflow Teams": a document, no member
        words = [w for w in _WORD.findall(text.lower()) if w not in lang.stopwords]
        if not words or set(words) <= (came if sign == "-" else gone):
            continue
        place = _is_place(text, lang, grammar.separator)
        if not place and max(len(w) for w in words) < 5:
            continue  # "here", "now": no member of a list
        # Joined to a list: a separator just before or after the edit, or at its own edge
        # (" or cooperate in investigation", "& Invoicing", "a judicial remedy and to").
        joined = bool(
            grammar.separator.search(before[-12:] + " ")
            or grammar.separator.match(" " + after[:12])
            or (grammar.edge.search(text) and len(text.split()) <= 6)
            or (
                grammar.joiner is not None
                and grammar.joiner.search(text)
                and len(text.split()) <= 20
            )
        )
        if not (joined or place):
            continue
        frame = new if sign == "+" else old
        if grants_right:
            family: str | None = "rights"
        elif recipient_row and not place and " | " in before and not _families_in(text, lex):
            # "OVH | Hosting & Invoicing | France": what a recipient does for the company
            # is the purpose it receives the data for.
            family = "purposes"
        else:
            family = _family(text, before, after, frame, category, lex, place, lead_in)
        if family is None:
            continue
        event = "added" if sign == "+" else "removed"
        words_shown = " ".join(text.split())
        if place and family == "rights" and category == Category.TRANSFER:
            label, direction = f"safeguard_{event}", slot("safeguards", event)
        elif family == "conditions":
            label = "condition_broadened" if event == "added" else "condition_narrowed"
            direction = Direction.WIDENED if event == "added" else Direction.NARROWED
            if frame.negated:
                direction = direction.opposite
        else:
            label = f"{_SLOTS[family]}_{event}"
            direction = slot(family, event, frame.negated)
        explanation = f"{_SLOTS.get(family, family)} {event} to a list: {words_shown}"
        findings.append(told(category, label, direction, explanation, words_shown, event))
    return findings


def told(
    category: Category, label: str, direction: Direction, explanation: str, words: str, event: str
) -> Finding:
    """A finding about words that were ``event`` ("added" or "removed")."""
    gone = event == "removed"
    return Finding(
        category, label, direction, explanation, words if gone else None, None if gone else words
    )


def opener_findings(
    ops: tuple[Op, ...], old: Frame, new: Frame, category: Category, lex: Lexicon
) -> list[Finding]:
    """Stretches inserted or deleted whole that say when the practice applies: "even when
    you are not logged in" (it applies more often), "unless you object" (less often)."""
    grammar = lex.grammar
    findings: list[Finding] = []
    for sign, text, _, _ in _edits(ops):
        if len(text.split()) < 3:
            continue
        wider = bool(grammar.widening and grammar.widening.match(text))
        narrower = bool(grammar.narrowing and grammar.narrowing.match(text))
        if wider == narrower:
            continue
        if sign == "-":
            wider = not wider  # an exception dropped, an extension withdrawn
        frame = new if sign == "+" else old
        label = "condition_broadened" if wider else "condition_narrowed"
        direction = Direction.WIDENED if wider else Direction.NARROWED
        if frame.negated:
            direction = direction.opposite
        words = " ".join(text.split()).strip(" ,;")
        explanation = f"{'applies more often' if wider else 'applies less often'}: {words}"
        event = "removed" if sign == "-" else "added"
        findings.append(told(category, label, direction, explanation, words, event))
    return findings


def modal_findings(
    ops: tuple[Op, ...], category: Category, lex: Lexicon, stopwords: frozenset[str]
) -> list[Finding]:
    """A modal verb replaced by one of another strength where it stands ("we might ask for
    your phone number" → "we will ask"), in a clause with several modals."""

    def strength(text: str) -> tuple[int, str] | None:
        found = [
            (entry.rank, text[start:end])
            for start, end, entry in find_all(lex.families["modality"], read_words(text))
            if entry.rank
        ]
        return max(found) if found else None

    def verb_after(text: str, modal: str) -> str | None:
        at = text.rfind(modal)
        word = lex.grammar.verb_after.match(text, at + len(modal))
        return word.group(1).lower() if at >= 0 and word else None

    for index, ((sign, deleted), (next_sign, inserted)) in enumerate(itertools.pairwise(ops)):
        if sign != "-" or next_sign != "+":
            continue
        was, now = strength(deleted), strength(inserted)
        if was is None or now is None or was[0] == now[0]:
            continue
        # The same verb after both ("might ask" → "will ask"), not another sentence.
        after = ops[index + 2][1] if index + 2 < len(ops) and ops[index + 2][0] == "=" else ""
        verb = verb_after(deleted + after, was[1])
        if verb is None or verb in stopwords or verb != verb_after(inserted + after, now[1]):
            continue
        stronger = now[0] > was[0]
        return [
            Finding(
                category,
                "modality_strengthened" if stronger else "modality_weakened",
                Direction.WIDENED if stronger else Direction.NARROWED,
                f"{was[1]} → {now[1]}",
                was[1],
                now[1],
            )
        ]
    return []


def widened_in(text: str, lex: Lexicon) -> str | None:
    """In a new clause, a stretch after a comma that makes its practice apply more often
    ("…, even when you are not logged in"), if there is one."""
    widening = lex.grammar.widening
    if widening is None:
        return None
    for comma in re.finditer(r"[,;]", text):
        if widening.match(text[comma.start() :]):
            return text[comma.end() :].strip(" .;")
    return None


def _edits(ops: tuple[Op, ...]) -> list[tuple[str, str, str, str]]:
    """Each pure insertion or deletion as (sign, text, text before it, text after it), the
    context taken from the side it belongs to."""
    old_text = "".join(t for s, t in ops if s != "+")
    new_text = "".join(t for s, t in ops if s != "-")
    result = []
    old_pos = new_pos = 0
    for index, (sign, text) in enumerate(ops):
        neighbours = {ops[k][0] for k in (index - 1, index + 1) if 0 <= k < len(ops)}
        pure = not ({"+", "-"} - {sign}) & neighbours  # no opposite edit beside it
        if sign == "=":
            old_pos += len(text)
            new_pos += len(text)
        elif sign == "-":
            if pure:
                result.append(("-", text, old_text[:old_pos], old_text[old_pos + len(text) :]))
            old_pos += len(text)
        else:
            if pure:
                result.append(("+", text, new_text[:new_pos], new_text[new_pos + len(text) :]))
            new_pos += len(text)
    return result


def _is_place(text: str, lang: Language, separator: re.Pattern[str]) -> bool:
    members = [m.strip().lower() for m in separator.split(text) if m.strip()]
    return bool(members) and all(m in lang.places for m in members)


def _family(
    text: str,
    before: str,
    after: str,
    frame: Frame,
    category: Category,
    lex: Lexicon,
    place: bool,
    lead_in: str | None = None,
) -> str | None:
    """The slot of the list an edit belongs to."""
    if place:
        # "For users in California, Colorado and Indiana", "residents of the EEA or
        # Switzerland": a list of places says whom the policy's protections reach (but where
        # a representative answers, "EU and Switzerland representative", it names an office).
        return None if category == Category.CONTACT else "rights"
    own = _families_in(text, lex)
    if own:
        return None  # the lexicon knows these words: contrast() has told them already
    # The neighbours: the list members just before and after the edit, in its sentence.
    left = re.split(r"[.:!?]\s", before)[-1]
    right = re.split(r"[.:!?]\s", after)[0]
    separator = lex.grammar.separator
    neighbours = separator.split(left)[-2:] + separator.split(right)[:2]
    votes: Counter[str] = Counter()
    for member in neighbours:
        head = _head_family(member, lex)
        if head:
            votes[head] += 1
    if votes:
        return votes.most_common(1)[0][0]
    if lex.grammar.purpose_mark.search(left[-80:]):
        return "purposes"
    # A list opened by a purpose ("we use your information to:", "for the reasons below:").
    opener = (lead_in or "") + " " + before
    if _PURPOSE_OPENER.search(opener) and lex.grammar.purpose_mark.search(
        opener[max(0, opener.rfind(":") - 60) : opener.rfind(":") + 1] if ":" in opener else ""
    ):
        return "purposes"
    if category == Category.RIGHTS or frame.get("rights"):
        return "rights"
    return None


def _head_family(member: str, lex: Lexicon) -> str | None:
    """The slot of a list member's head: in its first chunk (before "that", "with", "to" …)
    the known words that end last ("analytics providers that help us" is a recipient,
    "lodge a complaint with the authority" a right), else its first known words."""
    head_end = lex.grammar.head_end
    chunk = head_end.split(member, maxsplit=1)[0] if head_end is not None else member
    last: tuple[int, str] | None = None
    first: tuple[int, str] | None = None
    read = read_words(member)
    for family in _SLOTS:
        for start, end, _ in find_all(lex.families[family], read):
            if first is None or start < first[0]:
                first = (start, family)
            if end <= len(chunk) and (last is None or end > last[0]):
                last = (end, family)
    found = last or first
    return found[1] if found else None


def _families_in(text: str, lex: Lexicon) -> list[str]:
    read = read_words(text)
    return [family for family in _SLOTS if find_all(lex.families[family], read)]
