"""The practice lexicon of a language (``languages/<code>/practices.toml``), compiled."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from policydiff.languages import DEFAULT, has_practices, language, load
from policydiff.languages._cache import compile_pattern, derived, precompile

__all__ = [
    "CUE",
    "FAMILIES",
    "Entry",
    "Grammar",
    "Lexicon",
    "Words",
    "find_all",
    "has_lexicon",
    "lexicon",
    "stems",
    "word_cues",
    "words",
]

# Slot families of a frame, each a table of the lexicon file.
FAMILIES = (
    "actions",
    "modality",
    "data",
    "recipients",
    "purposes",
    "conditions",
    "processes",
    "safeguards",
    "rights",
    "legal_bases",
    "entities",
    "notices",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a lexicon family ("phone_number" in data): its phrases as a pattern's
    text, its place in the hierarchy and the cues that tell where it may match."""

    name: str
    source: str  # the pattern's text, compiled on first use (most entries never run)
    rank: int | None = None
    parent: str | None = None
    generic: bool = False
    category: str | None = None
    # The first letters of the first word of each phrase: a text that holds none of them
    # cannot match, and the pattern need not run (most entries, for most clauses).
    cues: frozenset[str] = frozenset()
    # Every match begins a word whose cue is one of ``cues`` (no phrase's first word runs on
    # into letters or digits past a short cue, as "mp3" would): the pattern need only be
    # tried where such a word begins.
    anchored: bool = False
    # The cues are those of ASCII text only: a short prefix ("log*") has as cues the cues of
    # every ASCII word it begins ("log", "logs", "logi" …); on other text the pattern runs.
    wide: bool = False

    def may_match(self, stems: frozenset[str]) -> bool:
        return not self.cues or not self.cues.isdisjoint(stems)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.source)

    def finditer(self, words: Words) -> list[re.Match[str]]:
        """``pattern.finditer`` over the text of ``words``, the same matches, found by
        trying the pattern only where a word with one of the cues begins."""
        pattern, text = self.pattern, words.text
        if self.wide and words.starts is None:
            return list(pattern.finditer(text))
        if not self.may_match(words.stems):
            return []
        if not self.anchored or words.starts is None:
            return list(pattern.finditer(text))
        found: list[re.Match[str]] = []
        end = 0
        for start in _places(self.cues, words.starts):
            if start >= end and (match := pattern.match(text, start)):
                found.append(match)
                end = match.end()
        return found


def find_all(entries: tuple[Entry, ...], words: Words) -> list[tuple[int, int, Entry]]:
    """Every match of each entry (start, end, entry), entry by entry: what ``Entry.finditer``
    finds, for a whole family without a call an entry (most cannot match a given clause)."""
    stems, starts, text = words.stems, words.starts, words.text
    found: list[tuple[int, int, Entry]] = []
    for entry in entries:
        cues = entry.cues
        if cues and cues.isdisjoint(stems) and not (entry.wide and starts is None):
            continue
        pattern = _compiled(entry.source)
        if not entry.anchored or starts is None:
            found += [(m.start(), m.end(), entry) for m in pattern.finditer(text)]
            continue
        end = 0
        for start in _places(cues, starts):
            if start >= end and (match := pattern.match(text, start)):
                end = match.end()
                found.append((start, end, entry))
    return found


def _places(cues: frozenset[str], starts: Mapping[str, tuple[int, ...]]) -> Sequence[int]:
    """Where the words with these cues begin, in reading order."""
    held = [starts[cue] for cue in cues if cue in starts]
    if len(held) == 1:
        return held[0]
    return sorted(place for places in held for place in places)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    # Compiled programs are kept between runs (languages/_cache.py): compiling is most of
    # the cost of a first comparison.
    return compile_pattern(source, re.I)


CUE = 4  # letters of a word's beginning used as a cue


def stems(text: str) -> frozenset[str]:
    """The cue-length beginnings of every word of ``text`` (shorter words whole)."""
    return frozenset(word[:CUE] for word in re.findall(r"\w+", text.lower()))


@dataclass(frozen=True, slots=True)
class Words:
    """A text with the cue of each of its words and where the words of each cue begin."""

    text: str
    stems: frozenset[str]
    # None when lower-casing the text is not how the patterns fold its case (outside
    # ASCII: "ſ" matches "s" but lower-cases to itself): the patterns then run everywhere.
    starts: Mapping[str, tuple[int, ...]] | None

    def may_hold(self, cues: frozenset[str] | None) -> bool:
        """False only when no word of the text (ASCII) has one of ``cues`` (``word_cues``): a
        pattern each of whose matches begins a word with one of them need not run on it."""
        return cues is None or self.starts is None or not cues.isdisjoint(self.stems)


@lru_cache(maxsize=16384)
def words(text: str) -> Words:
    """The words of a text, read once: a clause is matched against every entry of a lexicon,
    and a policy's history repeats most of its clauses."""
    if not text.isascii():
        return Words(text, stems(text), None)
    starts: dict[str, list[int]] = {}
    for match in _WORD_START.finditer(text.lower()):
        starts.setdefault(match.group(1), []).append(match.start())
    return Words(text, frozenset(starts), {cue: tuple(p) for cue, p in starts.items()})


def word_cues(phrases: Iterable[str]) -> frozenset[str] | None:
    """The cues of the words that phrases begin with, for ``Words.may_hold``: only for a
    pattern that matches one of the phrases (in any case) where a word begins and that lets
    no letter or digit follow a phrase's first word when it is shorter than a cue. None when
    a phrase does not begin with a letter or digit, or is not ASCII but could match ASCII
    text ("ſ" matches "s"); one that cannot ("sàrl") needs no cue."""
    cues = set()
    for phrase in phrases:
        if not phrase.isascii():
            if any(_ascii_alone(ch) for ch in phrase if not ch.isascii()):
                continue  # never in an ASCII text, and only ASCII texts are looked into
            return None
        head = re.match(r"\w+", phrase.lower())
        if head is None:
            return None
        cues.add(head.group(0)[:CUE])
    return frozenset(cues) or None


@cache
def _ascii_alone(char: str) -> bool:
    """True when no ASCII character matches ``char`` in any case ("à"; not "ſ" or "K")."""
    pattern = re.compile(re.escape(char), re.I)
    return not any(pattern.fullmatch(chr(c)) for c in range(128))


_WORD_START = re.compile(rf"(\w{{1,{CUE}}})\w*")


def _cues(phrases: list[str]) -> tuple[frozenset[str], bool, bool]:
    """The cues of a list of phrases, whether a match begins a word with one of them, and
    whether they are cues of ASCII text only (``Entry.wide``)."""
    cues = set()
    anchored = True
    wide = False
    for phrase in phrases:
        first = phrase.lower().split()[0] if phrase.split() else ""
        literal = re.match(r"[^\W\d_]+|\d+", first.rstrip("*"))
        if not literal or "[" in first[: CUE + 1] or first == "*":
            return frozenset(), False, False  # a phrase we cannot cue: always run the pattern
        head = literal.group(0)
        if first.endswith("*") and len(head) < CUE and head == first.rstrip("*"):
            if len(head) < CUE - 1:
                return frozenset(), False, False  # "ip*" could begin too many words
            # "log*": the cue of any ASCII word it begins ("log", "logs", "logi" …)
            cues.update({head, *(head + c for c in _ASCII_WORD_CHARS)})
            wide = True
            continue
        cues.add(head[:CUE])
        rest = first[len(head) :]
        if len(head) < CUE and re.match(r"[\w*]", rest):
            anchored = False  # "mp3": the word a match begins with has the cue "mp3"
    return frozenset(cues), anchored, wide


# The characters of words in ASCII text, lower-cased (what follows a short prefix in a cue).
_ASCII_WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


@dataclass(frozen=True, slots=True)
class Grammar:
    """The language's small words, compiled: qualifiers, purposes, periods, ages, modals."""

    qualifier: re.Pattern[str]
    purpose_mark: re.Pattern[str]
    duration: re.Pattern[str]
    number_words: dict[str, int]
    unit_days: dict[str, int]
    forever: re.Pattern[str]
    at_once: re.Pattern[str] | None
    as_needed: re.Pattern[str] | None  # a limit without a period ("as long as necessary")
    # Words that open an inserted stretch widening or narrowing when a practice applies.
    widening: re.Pattern[str] | None
    narrowing: re.Pattern[str] | None
    # The language's small words for reading structure (each None when the file has none):
    alternative: re.Pattern[str] | None  # "… or not": the word before a negation that offers one
    gate: re.Pattern[str] | None  # "if", "when": a condition opens between a marker and its words
    examples: re.Pattern[str] | None  # "e.g.", "for example": an example follows
    instances: re.Pattern[str] | None  # those and "such as", "including": instances follow
    joiner: re.Pattern[str] | None  # "as well as": joins a long member to a list
    head_end: re.Pattern[str] | None  # "that", "with": where a list member's head ends
    own: re.Pattern[str] | None  # "our", "the following": contact data that is the company's
    means: re.Pattern[str] | None  # "by", "via": a way to reach someone follows
    channel: re.Pattern[str]  # an address, a link or a number after contact data, its preposition
    topic: re.Pattern[str] | None  # "Purposes of Processing.": a label naming what a clause lists
    # The title of a law, notice or other document ("California Consumer Privacy Act",
    # "Consumer Health Data Privacy Disclosure"): its words name no data, purpose or act.
    title: re.Pattern[str] | None
    # Where a second verb of a sentence begins ("… and will not use it for advertising").
    coordination: re.Pattern[str]
    separator: re.Pattern[str]  # what separates a list's members: ",", ";", "/", "and", "or"
    edge: re.Pattern[str]  # a separator at an edit's own start or end (" or cooperate", "and to")
    purpose_list: re.Pattern[str] | None  # "for the following purposes:": a list of purposes opens
    verb_after: re.Pattern[str]  # the verb after a modal, past "also", "not" (group 1)
    age: re.Pattern[str]
    main_modal: re.Pattern[str]
    sharing_verbs: frozenset[str]
    # The cues of the words ``forever`` and ``age`` begin with (``Words.may_hold``).
    forever_cues: frozenset[str] | None = None
    age_cues: frozenset[str] | None = None
    title_cues: frozenset[str] | None = None  # the document nouns: a text without any has no title


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A language's practice lexicon, compiled: the entries of each family, negations,
    categories and the grammar's small words."""

    code: str
    families: dict[str, tuple[Entry, ...]]
    negations: re.Pattern[str]
    negation_breaks: re.Pattern[str]
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    grammar: Grammar
    # A particle that negates only with its completion after the verb ("ne … pas", not
    # "ne … que", which means "only").
    negation_particles: re.Pattern[str] | None = None
    negation_completions: re.Pattern[str] | None = None
    # A company's name: capitalised words ending in a legal form ("DoorDash, Inc.").
    organisation: re.Pattern[str] = re.compile(r"(?!)")
    # The cues of the legal forms (``Words.may_hold``): a text without any holds no name.
    organisation_cues: frozenset[str] | None = None
    # The negation words anywhere, also inside other words: where this finds none, no stretch
    # of the text holds a negation (``negations`` tried on a stretch sees no word's start).
    negation_words: re.Pattern[str] = re.compile(r"(?!)")
    # The categories' cue words as entries (their names the categories'), to count matches
    # with cues: the same patterns as ``categories``.
    category_entries: tuple[Entry, ...] = ()

    def __hash__(self) -> int:
        return hash(self.code)


def _phrase(words: list[str]) -> re.Pattern[str]:
    return _compiled(_phrase_source(words))


def _phrase_source(words: list[str]) -> str:
    """One pattern for a list of phrases: ``*`` ends a prefix, a lone ``*`` is any word."""
    return r"(?<![\w-])(?:" + _alternatives(words) + r")(?![\w])"


def _alternatives(words: list[str]) -> str:
    """The phrases as the alternatives of a pattern, longest first."""
    parts = []
    for phrase in sorted(words, key=len, reverse=True):
        tokens = []
        for token in phrase.lower().split():
            if token == "*":
                tokens.append(r"\w+")
            elif token.endswith("*"):
                tokens.append(_escape(token[:-1]) + r"[\w-]*")
            else:
                tokens.append(_escape(token))
        parts.append(r"[\s-]+".join(tokens))
    return "|".join(parts)


def _escape(token: str) -> str:
    # Keep character classes written in the file ("analy[sz]e") as they are.
    if "[" in token and "]" in token:
        return token.replace("'", "['’]")
    return re.escape(token).replace("'", "['’]")


def has_lexicon(code: str) -> bool:
    """True when the language has its own practice lexicon (findings are read only then)."""
    return has_practices(code)


@cache
def lexicon(code: str = DEFAULT) -> Lexicon:
    """The compiled practice lexicon of a language (``RuleDataError`` if it has none)."""
    raw = load(code, "practices")
    # The entries are computed from the file alone: once for its bytes (kept between runs).
    fields = derived(f"{code}/practices.toml:entries", f"{code}/practices.toml", _entries(raw))
    families = {family: tuple(Entry(*entry) for entry in entries) for family, entries in fields[0]}
    # Compile (once for all runs) the patterns this run may not need but the next may.
    precompile([e.source for entries in families.values() for e in entries], re.I)
    negations = raw.get("negations", {})
    categories = tuple(
        (name, _phrase(list(phrases))) for name, phrases in raw.get("categories", {}).items()
    )
    category_entries = tuple(Entry(*entry) for entry in fields[1])
    return Lexicon(
        organisation=_organisation(language(code).legal_forms),
        # A form follows a space or "&" in a name, and a space or no letter follows its word.
        organisation_cues=word_cues(_forms(language(code).legal_forms)),
        code=code,
        grammar=_grammar(raw.get("grammar", {})),
        families=families,
        negations=_phrase(list(negations.get("words", ["not"]))),
        negation_words=_compiled(
            "(?:" + _alternatives(list(negations.get("words", ["not"]))) + ")"
        ),
        negation_breaks=_phrase(list(negations.get("breaks", ["unless"]))),
        negation_particles=_phrase(list(negations["particles"]))
        if negations.get("particles")
        else None,
        negation_completions=_phrase(list(negations["completions"]))
        if negations.get("completions")
        else None,
        categories=categories,
        category_entries=category_entries,
    )


# An entry's fields in ``Entry``'s order, as plain data (what the cache holds).
_EntryFields = tuple[str, str, int | None, str | None, bool, str | None, frozenset[str], bool, bool]


def _entries(
    raw: Mapping[str, Any],
) -> Callable[
    [], tuple[tuple[tuple[str, tuple[_EntryFields, ...]], ...], tuple[_EntryFields, ...]]
]:
    """How the lexicon's entries are computed from its file: each family's, then the
    categories' cue words as entries."""

    def build() -> tuple[
        tuple[tuple[str, tuple[_EntryFields, ...]], ...], tuple[_EntryFields, ...]
    ]:
        families = tuple(
            (family, tuple(_entry(name, spec) for name, spec in raw.get(family, {}).items()))
            for family in FAMILIES
        )
        categories = tuple(
            _entry(name, {"words": phrases, "category": name})
            for name, phrases in raw.get("categories", {}).items()
        )
        return families, categories

    return build


def _entry(name: str, spec: Mapping[str, Any]) -> _EntryFields:
    cues, anchored, wide = _cues(list(spec["words"]))
    return (
        name,
        _phrase_source(list(spec["words"])),
        spec.get("rank"),
        spec.get("parent"),
        bool(spec.get("generic", False)),
        spec.get("category"),
        cues,
        anchored,
        wide,
    )


def _organisation(legal_forms: frozenset[str]) -> re.Pattern[str]:
    """Capitalised words (or one all-caps word) ending in one of the language's legal forms:
    "Microsoft Corporation", "Criteo B.V.", "DATA BUSINESS SERVICES GmbH & CO KG"."""
    alternatives = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in _forms(legal_forms))
    # A word of a name is at most 60 characters: unbounded, a 100 KB run of "1.1.1." was
    # tried from each of its word boundaries to its end (quadratic).
    name = r"[A-Z0-9][\w'’.&-]{0,60}"
    return compile_pattern(
        rf"\b(?:{name}(?:,?\s+(?:&\s+)?|\s*&\s*)){{1,6}}(?i:{alternatives})(?![\w])\.?"
    )


def _title(nouns: list[str] | None) -> re.Pattern[str] | None:
    """Capitalised words ending in a capitalised document noun, and what it is "of": "Privacy
    Policy", "Children's Educational Privacy Statement", "Terms of Service"."""
    if not nouns:
        return None
    capitalised = _alternation([n[:1].upper() + n[1:] for n in nouns])
    word = r"[A-Z][\w'’-]{0,60}"
    return compile_pattern(
        rf"\b(?:{word}\s+(?:(?:of|for|and|the|on|&)\s+)?){{1,6}}(?:{capitalised})\b"
        rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{word}(?:\s+{word}){{0,3}})?"
    )


def _forms(legal_forms: frozenset[str]) -> list[str]:
    """The legal forms a company's name may end in, as the organisation pattern holds them."""
    # Longest first; in a fixed order (a set has none), so the pattern is the same every run.
    forms = sorted({f.rstrip(".") for f in legal_forms if f}, key=lambda f: (-len(f), f))
    # Lower-case forms are written capitalised or all-caps in names ("Inc", "LLC", "GmbH").
    return [f for f in forms if len(f) > 1 or f.isupper()]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _words_source(words: list[str] | None, template: str) -> str:
    """``template`` with the words, longest first, as alternatives (``{}`` or ``{0}``); no
    pattern at all when the language has none of them."""
    return template.format(_alternation(words)) if words else ""


def _words_pattern(words: list[str] | None, template: str) -> re.Pattern[str] | None:
    """``_words_source`` compiled (case-insensitive), or None when there are no words."""
    return compile_pattern(_words_source(words, template), re.I) if words else None


def _topics(topics: dict[str, list[str]] | None) -> re.Pattern[str] | None:
    """A label opening a clause, by what it names: one named group a topic, a few more
    words allowed before its full stop or colon ("Categories of Personal Data Processed.")."""
    if not topics:
        return None
    groups = "|".join(f"(?P<{name}>{_alternation(words)})" for name, words in topics.items())
    return compile_pattern(r"^\W*(?:" + groups + r")(?:\s+[^\W\d_]+){0,3}\s*[.:]\s", re.I)


def _opener(words: list[str] | None) -> re.Pattern[str] | None:
    """A pattern for a stretch of text opened by one of ``words`` (after a comma)."""
    if not words:
        return None
    return compile_pattern(r"^[\s,;(]*(?:" + _alternation(words) + r")\b", re.I)


def _grammar(raw: dict[str, Any]) -> Grammar:
    numbers = {str(k).lower(): int(v) for k, v in raw.get("number_words", {}).items()}
    units = {str(k).lower(): int(v) for k, v in raw.get("units", {"day": 1}).items()}
    age_of = raw.get("age_of", "")
    conjunctions = _alternation(raw["conjunctions"]) if raw.get("conjunctions") else "(?!)"
    age_of_pattern = (
        r"(?:" + r"\s+".join(map(re.escape, age_of.split())) + r"\s+)?" if age_of else ""
    )
    return Grammar(
        qualifier=compile_pattern(
            r"^[^.;]{0,40}?\b(?:"
            + _alternation(raw.get("qualifiers", ["that"]))
            + r")\b[^.;]{0,20}$",
            re.I,
        ),
        purpose_mark=compile_pattern(
            r"\b(?:" + _alternation(raw.get("purpose_markers", ["to"])) + r")\b", re.I
        ),
        duration=compile_pattern(
            r"\b(\d+|"
            + _alternation(list(numbers) or ["one"])
            + r")\s+("
            + _alternation(list(units))
            + r")\b",
            re.I,
        ),
        number_words=numbers,
        unit_days=units,
        forever=compile_pattern(
            r"\b(?:" + _alternation(raw.get("forever", ["forever"])) + r")\b", re.I
        ),
        forever_cues=word_cues(raw.get("forever", ["forever"])),
        age_cues=word_cues(raw.get("age_words", ["under"])),
        at_once=_words_pattern(raw.get("at_once"), r"\b(?:{})\b"),
        as_needed=_words_pattern(raw.get("as_needed"), r"\b(?:{})\b"),
        alternative=_words_pattern(raw.get("alternatives"), r"\b(?:{})\s+$"),
        gate=_words_pattern(raw.get("gates"), r"(?<![\w-])(?:{})(?![\w-])"),
        examples=_words_pattern(raw.get("examples"), r"(?<![\w-])(?:{})\s+"),
        instances=_words_pattern(
            [*raw.get("examples", []), *raw.get("such_as", [])], r"(?<![\w-])(?:{})\s+"
        ),
        joiner=_words_pattern(raw.get("joiners"), r"(?:(?<![\w-])(?:{0}))\s*$|^\s*(?:{0})\b"),
        head_end=_words_pattern(raw.get("head_ends"), r"(?<![\w-])(?:{})(?![\w-])"),
        own=_words_pattern(raw.get("own_markers"), r"(?<![\w-])(?:{})\s+(?:[\w-]+\s+)?$"),
        means=_words_pattern(raw.get("channel_means"), r"(?<![\w-])(?:{})\s+$"),
        channel=compile_pattern(
            r"^[\s:,\"“«(]*(?:(?:"
            + _alternation(raw.get("channel_prepositions", ["at"]))
            + r")\b)?[\s:\"“«]*(?:[\w.+-]+@[\w-]+\.\w|https?://|www\.|\+?\d[\d ().-]{6,})",
            re.I,
        ),
        topic=_topics(raw.get("topics")),
        title=_title(raw.get("document_nouns")),
        title_cues=word_cues(raw.get("document_nouns", [])),
        coordination=compile_pattern(
            r",?\s+(?:"
            + conjunctions
            + r")\s+(?=(?:"
            + _alternation(raw.get("modal_verbs", ["may"]))
            + r")\b)",
            re.I,
        ),
        separator=compile_pattern(r"\s*(?:,|;|/|\||&|\b(?:" + conjunctions + r")\b)\s*", re.I),
        edge=compile_pattern(
            r"^\s*(?:,|;|&|(?:"
            + conjunctions
            + r")\b)|(?:,|;|&|\b(?:"
            + conjunctions
            + r"))"
            + _words_source(raw.get("infinitive_markers"), r"(?:\s+(?:{}))?")
            + r"\s*$",
            re.I,
        ),
        purpose_list=_words_pattern(
            raw.get("purpose_nouns"),
            r"\b(?:{})\b[^.]{{0,40}}:?\s*$"
            + _words_source(raw.get("purpose_list_openers"), r"|\b(?:{})\b"),
        ),
        verb_after=compile_pattern(
            r"\W*" + _words_source(raw.get("modal_fillers"), r"(?:(?:{})\s+)?") + r"([^\W\d_]+)"
        ),
        widening=_opener(raw.get("widening")),
        narrowing=_opener(raw.get("narrowing")),
        age=compile_pattern(
            r"\b(?:"
            + _alternation(raw.get("age_words", ["under"]))
            + r")\s+"
            + age_of_pattern
            + r"(\d{1,2})\b",
            re.I,
        ),
        main_modal=compile_pattern(
            r"\b("
            + _alternation(raw.get("modal_verbs", ["may"]))
            + r")\s+(?:[\w-]+\s+){0,"
            + str(int(raw.get("modal_gap", 2)))
            + r"}?("
            + _alternation(raw.get("main_verbs", ["share"]))
            + r")\b",
            re.I,
        ),
        sharing_verbs=frozenset(w.lower() for w in raw.get("sharing_verbs", [])),
    )
