"""Practice frames: who does what with which data, for whom, why, when and with what limits.

A frame is read from one clause, sentence by sentence, with the lexicon of its language.
Each slot keeps the words it came from, so every finding can quote its evidence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from policydiff.semantics.lexicon import (
    Entry,
    Grammar,
    Lexicon,
    Words,
    find_all,
    word_cues,
    words,
)

__all__ = ["SHARING", "Frame", "Term", "act_kind", "clear_caches", "denials", "read_frame"]


@dataclass(frozen=True, slots=True)
class Term:
    """One slot filler: the lexicon's name for it and the words of the policy."""

    name: str
    words: str
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """What one clause states about a practice: its category, polarity and the terms of
    each slot (actions, data, recipients, conditions …)."""

    text: str
    category: str | None = None
    negated: bool = False
    slots: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    retention_days: tuple[Term, ...] = ()  # rank = days; 100 years for "indefinitely"
    kept_as_needed: tuple[Term, ...] = ()  # "only for as long as needed": a limit, no period
    ages: tuple[Term, ...] = ()  # rank = the age in years
    stated: bool | None = None  # None: decided by actions and category
    code: str = ""  # the language of the lexicon it was read with

    def get(self, family: str) -> tuple[Term, ...]:
        return self.slots.get(family, ())

    def names(self, family: str) -> set[str]:
        return {t.name for t in self.get(family)}

    @property
    def states_practice(self) -> bool:
        if self.stated is not None:
            return self.stated
        return bool(self.get("actions")) or bool(self.category)

    @property
    def modality(self) -> Term | None:
        ranked = [t for t in self.get("modality") if t.rank is not None]
        return max(ranked, key=lambda t: t.rank or 0) if ranked else None


def _matches(text: str, entries: tuple[Entry, ...], cues: Words | None = None) -> list[Term]:
    """The longest non-overlapping matches of a family's entries, in reading order."""
    return _longest(text, find_all(entries, words(text) if cues is None else cues))


def _longest(text: str, found: list[tuple[int, int, Entry]]) -> list[Term]:
    """The longest of the matches that do not overlap a longer one, in reading order."""
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    # The spans taken so far, sorted and disjoint: a new span overlaps one only if it
    # overlaps a neighbour (bisect), so a clause with thousands of matches stays fast.
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[tuple[int, Term]] = []
    for start, end, entry in found:
        at = bisect.bisect_right(starts, start)
        if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        chosen.append((start, Term(entry.name, text[start:end], entry.rank)))
    return [term for _, term in sorted(chosen, key=lambda c: c[0])]


def clear_caches() -> None:
    """Forget the words and matches read from texts so far."""
    for cached in (_slots, _names, _cue_counts, words, _denials_of):
        cached.cache_clear()


@lru_cache(maxsize=16384)
def _slots(
    text: str, lexicon: Lexicon
) -> tuple[tuple[tuple[str, tuple[Term, ...]], ...], tuple[int, str | None] | None]:
    """Each family's matches in a text, and its first action (``_first_action``), read once:
    a history repeats its clauses, and a clause is read with and without its lead-in and its
    section."""
    cues = words(text)
    slots = []
    first: tuple[int, str | None] | None = None
    for family, entries in lexicon.families.items():
        found = find_all(entries, cues)
        if family == "actions":
            first = _earliest(found)
        slots.append((family, tuple(_longest(text, found))))
    return tuple(slots), first


@lru_cache(maxsize=16384)
def _names(text: str, lexicon: Lexicon) -> tuple[tuple[int, int], ...]:
    """Where companies' names stand in a text (``lexicon.organisation``), looked for only in a
    text that holds a legal form."""
    if not words(text).may_hold(lexicon.organisation_cues):
        return ()
    return tuple(m.span() for m in lexicon.organisation.finditer(text))


def _titles(text: str, lexicon: Lexicon, cues: Words) -> list[tuple[int, int]]:
    """Where the titles of laws, notices and other documents stand in a text."""
    title = lexicon.grammar.title
    if title is None or not cues.may_hold(lexicon.grammar.title_cues):
        return []
    return [m.span() for m in title.finditer(text) if " " in m.group(0)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@cache
def _units(lexicon: Lexicon) -> frozenset[str] | None:
    """The cues of the units of time a period is counted in (after a space, a whole word in
    ``grammar.duration``): a text without any states no period."""
    return word_cues(lexicon.grammar.unit_days)


def _first_action(
    text: str, lexicon: Lexicon, cues: Words | None = None
) -> tuple[int, str | None] | None:
    """Where the text's first action verb starts, and its category (earlier lexicon
    entries win a tie)."""
    return _earliest(find_all(lexicon.families["actions"], words(text) if cues is None else cues))


def _earliest(found: list[tuple[int, int, Entry]]) -> tuple[int, str | None] | None:
    """The earliest of a family's matches (``find_all``): where it starts and its entry's
    category; of two as early, the earlier entry's (``find_all`` goes entry by entry)."""
    if not found:
        return None
    start, _, entry = min(found, key=lambda f: f[0])
    return start, entry.category


def _negated(sentence: str, lexicon: Lexicon, first: tuple[int, str | None] | None) -> bool:
    """True when a negation governs the sentence's first action ("we don't share")."""
    if first is None:
        return False
    window = sentence[max(0, first[0] - 60) : first[0]]
    window = window[window.rfind("|") + 1 :]  # a table's cell ends a negation's reach
    negation = None
    alternative = lexicon.grammar.alternative
    for match in lexicon.negations.finditer(window):
        if alternative is None or not alternative.search(window[: match.start()]):
            negation = match
    if negation is None:
        return False
    if (
        lexicon.negation_particles is not None
        and lexicon.negation_completions is not None
        and lexicon.negation_particles.fullmatch(negation.group(0))
        and not lexicon.negation_completions.search(sentence[first[0] : first[0] + 40])
    ):
        return False  # "nous ne partageons que …": only, not never
    return not lexicon.negation_breaks.search(window[negation.end() :])


def read_frame(
    text: str, lexicon: Lexicon, *, context: str | None = None, section: str | None = None
) -> Frame:
    """The frame of a clause; ``context`` (a list's lead-in) supplies actions and category,
    ``section`` (its section's title: "How to contact us", "Subprocessors") the category
    when neither the clause nor its lead-in names one."""
    matched, first = _slots(text, lexicon)
    slots = dict(matched)
    cues = words(text)
    if context and not slots["actions"]:
        slots["actions"] = tuple(_matches(context, lexicon.families["actions"]))
    label = _LABEL.match(text)
    if label and first is not None and first[0] < label.end():
        # "Duration of Processing. Your stream will not be retained …": the label names the
        # topic; the practice, and its negation, are in the sentence after it.
        after = _first_action(text[label.end() :], lexicon)
        first = (after[0] + label.end(), after[1]) if after else first
    context_first = _first_action(context, lexicon) if context else None
    # A role the lexicon gives a category of its own ("the data protection authority" you may
    # complain to) is neither a recipient nor a cue of another category ("authorities").
    roles = [
        (m.start(), m.end(), entry.category)
        for entry in lexicon.families.get("entities", ())
        if entry.category
        for m in entry.finditer(cues)
    ]
    if roles:
        spans = sorted((a, b) for a, b, _ in roles)
        inside_role = _inside_names(text, spans)
        slots["recipients"] = tuple(t for t in slots["recipients"] if not inside_role(t.words))
    own_category = _category(text, lexicon, first, roles) or (
        _category(context, lexicon, context_first) if context else None
    )
    section_category = None if own_category or not section else _category(section, lexicon, None)
    category = own_category or section_category
    # Words inside a company's name are no data or purpose ("DATA BUSINESS SERVICES GmbH").
    names = list(_names(text, lexicon))
    titles = _titles(text, lexicon, cues)
    if names or titles:
        # ... nor are those inside a document's title ("Consumer Health Data Privacy
        # Disclosure", "California Consumer Privacy Act").
        inside = _inside_names(text, _merged(names + titles))
        for family in ("data", "purposes", "recipients", "actions"):
            slots[family] = tuple(t for t in slots[family] if not inside(t.words))
    channels = _channel_entries(lexicon)
    if any(t.name in channels for t in slots["data"]):
        # "write to us at the e-mail address privacy@…", "our postal address": how to reach
        # the company, not data about the user.
        slots["data"] = tuple(
            t
            for t in slots["data"]
            if t.name not in channels
            or not _channel(text, t.words, lexicon.grammar, category in _REACHING)
        )
    organisations = _organisations(text, lexicon, slots, context, section, category)
    if organisations:
        known = {t.words.lower() for t in slots["recipients"]}
        slots["recipients"] += tuple(t for t in organisations if t.words.lower() not in known)
    # Who answers for the policy under a contact section; a company named in a list of
    # recipients ("Circle CI Software | Integration and testing platform | United States").
    named = bool(category == "contact" and _names(text, lexicon)) or bool(
        category == "sharing" and organisations
    )
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
        for m in (grammar.duration.finditer(text) if cues.may_hold(_units(lexicon)) else ())
        if m.group(1).lower() in grammar.number_words or m.group(1).isdigit()
    ]
    if cues.may_hold(grammar.forever_cues):
        durations += [Term("indefinite", m.group(0), 36500) for m in grammar.forever.finditer(text)]
    if category == "retention" and grammar.at_once is not None:
        durations += [Term("at once", m.group(0), 0) for m in grammar.at_once.finditer(text)]
    ages = tuple(
        Term("age", m.group(0), int(m.group(1)))
        for m in (grammar.age.finditer(text) if cues.may_hold(grammar.age_cues) else ())
    )
    needed = tuple(
        Term("as needed", m.group(0))
        for m in (grammar.as_needed.finditer(text) if grammar.as_needed else ())
    )
    if needed:
        # "only for as long as needed" limits keeping, not use: no safeguard of its own.
        slots["safeguards"] = tuple(
            t for t in slots["safeguards"] if not any(t.words in n.words for n in needed)
        )
    # "for the purposes of detecting and preventing fraud": what a practice is for, not when
    # it happens.
    if slots["conditions"]:
        not_aims = [*lexicon.families["recipients"], *lexicon.families["data"]]
        slots["conditions"] = tuple(
            t for t in slots["conditions"] if not _aimed_at(text, t.words, grammar, not_aims)
        )
    slots["conditions"], qualifiers = _heads(text, slots["conditions"], grammar.qualifier)
    slots["qualifiers"] = qualifiers
    return Frame(
        code=lexicon.code,
        text=text,
        category=category,
        # A clause that names no practice of its own does not state one because of its
        # section, unless it names who answers for the policy there (a representative) or
        # who receives the data (a row of a list of recipients).
        stated=bool(slots["actions"]) or bool(own_category) or named,
        negated=negated,
        slots=slots,
        retention_days=tuple(durations),
        kept_as_needed=needed,
        ages=ages,
    )


_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý«\"“])")
# Where the parts of a sentence meet: a semicolon, a dash between spaces, a bracket.
_CLAUSE_BREAK = re.compile(r"\s*(?:;|\s[-–—]\s|[()])\s*")


def sentences_with(text: str, words: str) -> list[str]:
    """The sentences of a text that hold ``words``."""
    return [sentence for sentence in _SENTENCES.split(text) if words in sentence]


def denials(frame: Frame) -> tuple[str, ...]:
    """Sentences after a clause's first, and parts of sentences, that deny what they say
    ("We will not share the content of messages with any third party."): what only they
    name is promised, not done. Read when asked (where something was added), once a text."""
    if frame.negated or not frame.code:
        return ()
    return _denials_of(frame.text, frame.code)


@lru_cache(maxsize=4096)
def _denials_of(text: str, code: str) -> tuple[str, ...]:
    from policydiff.semantics.lexicon import lexicon

    return _denials(text, lexicon(code))


def _denials(text: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The sentences of a clause, and the parts of its sentences (after a semicolon or a
    dash, inside brackets, a second verb: "and will not use"), after its first, whose own
    first action is denied."""
    if not lexicon.negation_words.search(text):
        return ()
    parts = [
        verb
        for sentence in _SENTENCES.split(text)
        for part in _CLAUSE_BREAK.split(sentence)
        for verb in lexicon.grammar.coordination.split(part)
        if verb.strip()
    ]
    if len(parts) < 2:
        return ()
    return tuple(
        sentence
        for sentence in parts[1:]
        # (finding a sentence's actions costs more than looking for a negation in it)
        if lexicon.negation_words.search(sentence)
        and not _conditional(sentence, lexicon.grammar)
        and _negated(sentence, lexicon, _first_action(sentence, lexicon))
    )


def _conditional(text: str, grammar: Grammar) -> bool:
    """True when a text opens with a condition ("Even if you do not use our Services, we
    use …", "unless you opt out"): a negation there is the condition's, not a promise."""
    text = text.lstrip()
    return any(
        pattern is not None and pattern.match(text)
        for pattern in (grammar.gate, grammar.widening, grammar.narrowing)
    )


# A short title-case label that opens a clause ("Duration of Processing.", "Email:").
_LABEL = re.compile(
    r"^(?:[A-Z][\w'’-]*\s+|(?:of|and|for|the|to|in|on|&)\s+){0,5}[A-Z]?[\w'’-]+[.:]\s+(?=[A-Z])"
)

# The actions that give data to someone; after them a capitalised name is who receives it.
SHARING = frozenset({"share", "disclose", "sell", "transfer"})


def act_kind(action: str) -> str:
    """The kind of act an action is: the sharing verbs are one kind ("do not sell" →
    "may share" is the same practice), every other action its own."""
    return "sharing" if action in SHARING else action


_NAMED_AFTER = re.compile(
    r"\b(?:with|to)\s+((?:[A-Z][\w.&'’-]+)(?:\s+[A-Z][\w.&'’-]+){0,3}"
    r"(?:\s+(?:or|and)\s+[A-Z][\w.&'’-]+(?:\s+[A-Z][\w.&'’-]+){0,3})*)"
)
# Words that make a named company a provider or co-controller of the data ("we rely on X
# for translation", "X is also a controller"), and words that make it only an owner.
_PROVIDER = re.compile(
    r"\b(?:rely on|relies on|provided by|services?\s+(?:(?:mainly|primarily|mostly|provided|offered)\s+)?(?:of|from)|processors?|controllers?|"
    r"partners?|vendors?|subprocessors?)\b",
    re.I,
)
_OWNER = re.compile(
    r"\b(?:subsidiary of|subsidiaries of|part of|owned by|operated by)\s*,?\s*$", re.I
)
_SPEAKER = re.compile(
    r"\b([A-Z][\w.&'’-]{0,60}(?:\s+[A-Z][\w.&'’-]{0,60}){0,3})\s+(?:will|may|does|shall|is|can|uses)\b"
)
_NOT_NAMES = {"we", "you", "our", "your", "the", "this", "these", "that", "us", "section"}
# A table of recipients: its header or lead-in names them ("Subprocessor | Purpose | Location").
_RECIPIENT_TABLE = re.compile(
    r"sub-?processor|processor|service provider|vendor|recipient|third[- ]part", re.I
)


@cache
def _channel_entries(lexicon: Lexicon) -> frozenset[str]:
    """The data entries that can name a way to reach someone (contact data's children)."""
    return frozenset(e.name for e in lexicon.families["data"] if e.parent == "contact_data")


# An e-mail address hidden from robots, as Cloudflare serves it in every page's language.
_HIDDEN_ADDRESS = "[email protected]"
# Clauses about reaching the company: there "by e-mail" is how, not what is collected.
_REACHING = frozenset({"contact", "rights"})


def _channel(text: str, words: str, grammar: Grammar, reaching: bool = False) -> bool:
    """True when every place ``words`` stand in ``text`` names a way to reach the company
    ("by e-mail at privacy@example.com", "our postal address", and where the clause is about
    reaching it, "or by email")."""
    places = _places(text, words)
    own, means = grammar.own, grammar.means if reaching else None
    return bool(places) and all(
        grammar.channel.match(text[start + len(words) : start + len(words) + 60])
        or (own is not None and own.search(text[:start][-40:]))
        or (means is not None and means.search(text[:start][-20:]))
        or text.startswith(_HIDDEN_ADDRESS, start - 1)
        for start in places
    )


def _places(text: str, words: str) -> list[int]:
    """Where ``words`` stand in ``text``."""
    places = []
    at = text.find(words)
    while at >= 0:
        places.append(at)
        at = text.find(words, at + 1)
    return places


def _aimed_at(text: str, words: str, grammar: Grammar, not_aims: Sequence[Entry]) -> bool:
    """True when every place ``words`` stand follows a purpose marker with no gate between
    ("to detect and prevent fraud"), so they name a purpose. A marker before a recipient or
    data ("disclose to authorities") is a preposition, not a purpose."""
    places = _places(text, words)
    if not places:
        return False
    for place in places:
        window = text[max(0, place - 40) : place]
        marks = list(grammar.purpose_mark.finditer(window))
        if not marks or (
            grammar.gate is not None and grammar.gate.search(window[marks[-1].end() :])
        ):
            return False
        after = window[marks[-1].end() :].lstrip()
        if any(entry.pattern.match(after) for entry in not_aims):
            return False
    return True


def _title_case_lead(text: str) -> int:
    """Where a clause's Title Case lead ends ("Information Shared with Our Agents in Order
    to Operate and Improve the Services: …"), or 0: its capitals name no one."""
    colon = text.find(": ", 0, 160)
    if colon < 0:
        return 0
    words = re.findall(r"[^\W\d_]{4,}", text[:colon])
    capitals = sum(1 for w in words if w[0].isupper())
    return colon if len(words) >= 3 and capitals >= 0.7 * len(words) else 0


def _inside_names(text: str, spans: list[tuple[int, int]]) -> Callable[[str], bool]:
    """A test: is every place some words stand in ``text`` inside one of ``spans`` (sorted,
    not overlapping)? Each distinct phrase is looked up once, each place by bisection."""
    starts = [a for a, _ in spans]
    answers: dict[str, bool] = {}

    def covered(start: int, end: int) -> bool:
        index = bisect.bisect_right(starts, start) - 1
        return index >= 0 and spans[index][0] <= start and end <= spans[index][1]

    def inside(words: str) -> bool:
        if words not in answers:
            places = [m.span() for m in re.finditer(re.escape(words), text)]
            answers[words] = bool(places) and all(covered(a, b) for a, b in places)
        return answers[words]

    return inside


def _organisations(
    text: str,
    lexicon: Lexicon,
    slots: dict[str, tuple[Term, ...]],
    context: str | None,
    section: str | None,
    category: str | None,
) -> list[Term]:
    """Organisations named as recipients, recognised by how names are written, not by a
    list of companies: a legal form ("DoorDash, Inc."), a capitalised name after a sharing
    verb's "with"/"to" ("shared with Google or Microsoft"), or the first cell of a row in a
    table of recipients ("MongoDB Atlas | Hosting | United States")."""
    if category == "contact":
        return []  # a representative or an office to write to is no recipient
    names: list[str] = []
    sharing = bool(SHARING & {t.name for t in slots.get("actions", ())})
    if sharing or _PROVIDER.search(text):
        names += [
            text[start:end]
            for start, end in _names(text, lexicon)
            if not _OWNER.search(text[max(0, start - 30) : start])
        ]
    if sharing:
        # Where each sharing verb stands (every occurrence, found once), and who speaks
        # ("Zoom will …" names Zoom as the company, not a recipient).
        verbs = sorted(
            m.start()
            for e in lexicon.families["actions"]
            if e.name in SHARING
            for m in e.finditer(words(text))
        )
        speakers = {m.group(1) for m in _SPEAKER.finditer(text)}
        heading = _title_case_lead(text)
        for match in _NAMED_AFTER.finditer(text):
            if match.start() < heading:
                continue  # "Information Shared with Our Agents in Order to Operate and …:"

            # Only right after a sharing verb ("shared with Google", "disclose it to X").
            index = bisect.bisect_right(verbs, match.start()) - 1
            if index < 0 or match.start() - verbs[index] > 40:
                continue
            for name in re.split(r"\s+(?:or|and)\s+", match.group(1)):
                # "access to Customer Content": a name the lexicon reads as data is no one.
                data = any(e.pattern.search(name) for e in lexicon.families["data"])
                if name not in speakers and not data:
                    names.append(name)
    table = " ".join(filter(None, (context, section)))
    if " | " in text and _RECIPIENT_TABLE.search(table):
        names.append(text.split(" | ", 1)[0].lstrip("*- ").strip())
    terms: list[Term] = []
    seen: set[str] = set()
    for name in names:
        name = re.split(r"(?<=\w\w)\.\s+(?=[A-Z])", name)[0]  # "Booking.com. If …" ends there
        name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(" ,.;:"), flags=re.I)
        key = " ".join(name.lower().split())
        if not key or key.split()[0] in _NOT_NAMES or key in seen or len(key) < 2:
            continue
        seen.add(key)
        terms.append(Term(f"org:{key}", name))
    return terms


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


@lru_cache(maxsize=16384)
def _cue_counts(text: str, lexicon: Lexicon) -> tuple[tuple[str, int], ...]:
    """How many cue words of each category a text holds, counted once a text (lead-ins and
    section titles are read for many clauses)."""
    counts = dict.fromkeys((entry.name for entry in lexicon.category_entries), 0)
    for _, _, entry in find_all(lexicon.category_entries, words(text)):
        counts[entry.name] += 1
    return tuple(counts.items())


def _category(
    text: str,
    lexicon: Lexicon,
    first: tuple[int, str | None] | None,
    roles: Sequence[tuple[int, int, str | None]] | None = None,
) -> str | None:
    """The category with the most cue words; a tie goes to the category of the first
    verb ("may be shared … or advertising" is sharing), else to the one listed first.
    ``roles`` (start, end, category) count for their own category, and their words for no
    other."""
    if roles:
        for start, end, _ in roles:
            text = text[:start] + " " * (end - start) + text[end:]
    hits = dict(_cue_counts(text, lexicon))
    for _, _, role in roles or ():
        if role in hits:
            hits[role] += 1
    most = max(hits.values(), default=0)
    if not most:
        return None
    tied = [name for name, count in hits.items() if count == most]
    if len(tied) > 1 and first is not None and first[1] in tied:
        return first[1]
    return tied[0]
