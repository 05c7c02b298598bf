"""What policydiff knows about each language, in one home: ``languages/<code>/``.

Each language is a folder of TOML data files, read by this one loader and validated against
the schema below (an unknown key or a value of the wrong shape is a ``RuleDataError`` naming
the file and the key):

- ``text.toml``: how the language is written (sentence rules, date lines, changelog
  openers, legal forms, spelling variants); every language has one.
- ``practices.toml``: the practice lexicon (actions, data, recipients, purposes, conditions,
  ...); a language without one gets changes but no findings. An entry's ``parent`` names an
  entry of the same family (the hierarchy: phone number < contact data < information).

Two files beside the language folders are the same for every language:

- ``concepts.toml``: the concept of the W3C Data Privacy Vocabulary (DPV) each lexicon entry
  names (``[data] phone_number = "pd:TelephoneNumber"``), by family and entry name;
- ``dpv.toml``: those DPV concepts with their IRIs, labels and broader concepts, derived from
  the DPV by ``tools/derive_dpv.py`` (W3C notice in ``DPV-NOTICE.md``).

``concept(family, name)`` gives an entry's DPV IRI; ``broader(family, name)`` the entries above
it, from ``parent`` fields or, where an entry has none, from DPV's hierarchy.

A language's files hold everything about it: nothing is borrowed from another language.
Unknown codes are read as English, the language most policies in the wild are written in.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from policydiff.errors import RuleDataError
from policydiff.languages import _cache as kept

__all__ = [
    "CONCEPT_FAMILIES",
    "DEFAULT",
    "LANGUAGE_KINDS",
    "Language",
    "Vocabulary",
    "broader",
    "check_parents",
    "check_vocabulary",
    "concept",
    "detect",
    "has_practices",
    "language",
    "languages",
    "load",
    "rules",
    "validate",
    "vocabulary",
]

DEFAULT = "en"
# The folder of the language folders.
_HOME = os.path.dirname(os.path.abspath(__file__))


def _package_data(relative: str) -> bytes:
    """The bytes of ``languages/<relative>``, package data read through the package's loader
    (what ``importlib.resources`` does, without importing it at every start)."""
    loader = cast(Any, __spec__.loader)
    data: bytes = loader.get_data(os.path.join(_HOME, *relative.split("/")))
    return data


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# The schema: a key's expected shape, written as a small grammar of types.
#   str, int, bool, float    a value of that type (a float may be written as an integer)
#   [T]                      a list of T
#   (T, U)                   a pair (a two-item list) of T and U
#   {"*": T}                 a table of any keys, each value T
#   {"key": T, ...}          a table of these keys only (a "?" prefix marks a key optional)
_WORDS: list[Any] = [str]
_ENTRY = {"words": _WORDS, "?rank": int, "?parent": str, "?generic": bool, "?category": str}
_FAMILY = {"*": _ENTRY}
# The practice families whose entries name DPV concepts (concepts.toml).
CONCEPT_FAMILIES = (
    "actions",
    "data",
    "recipients",
    "purposes",
    "safeguards",
    "rights",
    "legal_bases",
    "entities",
)
SCHEMAS: dict[str, dict[str, Any]] = {
    "text": {
        "name": str,
        "stopwords": _WORDS,
        "abbreviations": _WORDS,
        "numeric_abbreviations": _WORDS,
        "months": [_WORDS],
        "date_line_words": _WORDS,
        "changelog_openers": _WORDS,
        "announcements": _WORDS,
        "spelling": [(str, str)],
        "legal_forms": _WORDS,
        "not_names": _WORDS,
        "pointers": _WORDS,
        "quantifiers": _WORDS,
        "places": _WORDS,
    },
    "practices": {
        "actions": _FAMILY,
        "negations": {
            "words": _WORDS,
            "breaks": _WORDS,
            "?particles": _WORDS,
            "?completions": _WORDS,
        },
        "modality": _FAMILY,
        "data": _FAMILY,
        "recipients": _FAMILY,
        "purposes": _FAMILY,
        "conditions": _FAMILY,
        "processes": _FAMILY,
        "safeguards": _FAMILY,
        "rights": _FAMILY,
        "?legal_bases": _FAMILY,
        "?entities": _FAMILY,
        "notices": _FAMILY,
        "categories": {"*": _WORDS},
        "grammar": {
            "qualifiers": _WORDS,
            "purpose_markers": _WORDS,
            "number_words": {"*": int},
            "units": {"*": int},
            "forever": _WORDS,
            "?at_once": _WORDS,
            "?as_needed": _WORDS,
            "?widening": _WORDS,
            "?narrowing": _WORDS,
            "?alternatives": _WORDS,
            "?gates": _WORDS,
            "?examples": _WORDS,
            "?such_as": _WORDS,
            "?joiners": _WORDS,
            "?head_ends": _WORDS,
            "?own_markers": _WORDS,
            "?channel_prepositions": _WORDS,
            "?channel_means": _WORDS,
            "?topics": {"*": _WORDS},
            "?conjunctions": _WORDS,
            "?infinitive_markers": _WORDS,
            "?purpose_nouns": _WORDS,
            "?purpose_list_openers": _WORDS,
            "?modal_fillers": _WORDS,
            "?document_nouns": _WORDS,
            "age_words": _WORDS,
            "?age_of": str,
            "modal_verbs": _WORDS,
            "main_verbs": _WORDS,
            "sharing_verbs": _WORDS,
            "modal_gap": int,
        },
    },
    # Beside the language folders, one for all languages:
    "rules": {
        "directions": {
            "added": {"*": (str, str)},
            "removed": {"*": (str, str)},
            "replaced": {"*": str},
            "slots": {"*": {"added": str, "removed": str, "flips": bool}},
            "actions": {"*": str},
            "actions_gone": {"*": (str, str)},
        },
        "importance": {
            "threshold": float,
            "shown": int,
            "breadth": float,
            "max_breadth": int,
            "named_party": float,
            "unknown_category": float,
            "unknown_verdict": float,
            "default_finding": float,
            "categories": {"*": float},
            "verdicts": {"*": float},
            "findings": {"*": float},
            "kinds": {"*": float},
        },
    },
    "concepts": {f"?{family}": {"*": str} for family in CONCEPT_FAMILIES},
    "dpv": {
        "prefixes": {"*": str},
        "concepts": {"*": {"iri": str, "label": str, "parents": _WORDS}},
    },
}
# The kinds of file inside a language folder.
LANGUAGE_KINDS = ("text", "practices")


def validate(data: Any, schema: Any, where: str, key: str = "") -> None:
    """Raise ``RuleDataError`` unless ``data`` has the shape ``schema`` describes."""

    def fail(expected: str) -> None:
        raise RuleDataError(where, key or "(top level)", f"expected {expected}, got {data!r:.60}")

    if schema is float:
        if not isinstance(data, int | float) or isinstance(data, bool):
            fail("a number")
    elif schema in (str, int, bool):
        # bool is an int in Python; a rank of `true` is still a mistake.
        if not isinstance(data, schema) or (schema is int and isinstance(data, bool)):
            fail(schema.__name__)
    elif isinstance(schema, tuple):
        if not isinstance(data, list) or len(data) != len(schema):
            fail(f"a list of {len(schema)} values")
        for index, (item, part) in enumerate(zip(data, schema, strict=True)):
            validate(item, part, where, f"{key}[{index}]")
    elif isinstance(schema, list):
        if not isinstance(data, list):
            fail("a list")
        for index, item in enumerate(data):
            validate(item, schema[0], where, f"{key}[{index}]")
    elif isinstance(schema, dict):
        if not isinstance(data, dict):
            fail("a table")
        if "*" in schema:
            for name, value in data.items():
                validate(value, schema["*"], where, f"{key}.{name}" if key else name)
            return
        known = {name.lstrip("?"): part for name, part in schema.items()}
        for name in data:
            if name not in known:
                path = f"{key}.{name}" if key else name
                raise RuleDataError(where, path, "unknown key")
        for name, part in schema.items():
            path = f"{key}.{name.lstrip('?')}" if key else name.lstrip("?")
            if name.lstrip("?") in data:
                validate(data[name.lstrip("?")], part, where, path)
            elif not name.startswith("?"):
                raise RuleDataError(where, path, "missing key")
    else:  # pragma: no cover - a mistake in SCHEMAS itself
        raise TypeError(f"bad schema {schema!r}")


def _parse(relative: str, kind: str, content: bytes) -> dict[str, Any]:
    """The TOML text of ``languages/<relative>``, checked against ``SCHEMAS[kind]``."""
    import tomllib  # only when a file is read afresh (the cache holds what was read before)

    where = f"policydiff/languages/{relative}"
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise RuleDataError(where, "(file)", f"not valid TOML: {err}") from err
    validate(data, SCHEMAS[kind], where)
    return data


def _read(
    relative: str, kind: str, check: Callable[[dict[str, Any], str], None] | None = None
) -> dict[str, Any]:
    """The contents of ``languages/<relative>``, checked against ``SCHEMAS[kind]`` (and by
    ``check``); validated once for the file's bytes (``_cache``: kept between runs by the
    command line)."""
    where = f"policydiff/languages/{relative}"

    def build(contents: list[bytes]) -> dict[str, Any]:
        data = _parse(relative, kind, contents[0])
        if check is not None:
            check(data, where)
        return data

    try:
        return kept.validated(relative, [_package_data(relative)], build)
    except FileNotFoundError as err:
        raise RuleDataError(where, "(file)", "no such file") from err


@cache
def load(code: str, kind: str) -> Mapping[str, Any]:
    """The validated contents of ``languages/<code>/<kind>.toml`` (kind: text, practices)."""
    if kind not in LANGUAGE_KINDS:
        raise ValueError(f"no such language file kind: {kind}")
    return _read(f"{code}/{kind}.toml", kind, check_parents if kind == "practices" else None)


def check_parents(data: Mapping[str, Any], where: str) -> None:
    """Raise ``RuleDataError`` unless every ``parent`` names an entry of the same family and
    no entry is its own ancestor."""
    schema = SCHEMAS["practices"]
    categories = set(data.get("categories", {}))
    for family, entries in data.items():
        if schema.get(family, schema.get(f"?{family}")) is not _FAMILY:
            continue
        for name, spec in entries.items():
            category = spec.get("category")
            if category is not None and categories and category not in categories:
                raise RuleDataError(
                    where, f"{family}.{name}.category", f"no category {category!r} in [categories]"
                )
            if "parent" not in spec:
                continue
            seen = {name}
            parent = spec["parent"]
            while parent is not None:
                if parent not in entries:
                    raise RuleDataError(
                        where, f"{family}.{name}.parent", f"no entry {parent!r} in [{family}]"
                    )
                if parent in seen:
                    raise RuleDataError(
                        where, f"{family}.{name}.parent", f"{parent!r} is its own ancestor"
                    )
                seen.add(parent)
                parent = entries[parent].get("parent")


_DIRECTIONS = {"widened", "narrowed", "neutral"}


def _check_directions(data: Mapping[str, Any], where: str) -> None:
    """Every direction named in the rules is one of the label contract's."""
    tables = data["directions"]

    def check(direction: str, key: str) -> None:
        if direction not in _DIRECTIONS:
            raise RuleDataError(where, key, f"bad direction {direction!r}")

    for event in ("added", "removed"):
        for kind, (_, direction) in tables[event].items():
            check(direction, f"directions.{event}.{kind}[1]")
    for slot, row in tables["slots"].items():
        for event in ("added", "removed"):
            check(row[event], f"directions.slots.{slot}.{event}")
    for action, direction in tables["actions"].items():
        check(direction, f"directions.actions.{action}")
    for kind, direction in tables["replaced"].items():
        check(direction, f"directions.replaced.{kind}")
    for action, (label, direction) in tables["actions_gone"].items():
        if not re.fullmatch(r"[a-z]+_[a-z]+", label):
            raise RuleDataError(
                where, f"directions.actions_gone.{action}[0]", f"bad label {label!r}"
            )
        check(direction, f"directions.actions_gone.{action}[1]")


@cache
def rules() -> Mapping[str, Any]:
    """The language-independent rules (``languages/rules.toml``), validated."""
    return _read("rules.toml", "rules", _check_directions)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The DPV concepts policydiff names, and which lexicon entry names which concept."""

    # "dpv:Consent" → (IRI, label, broader concepts as short names)
    concepts: dict[str, tuple[str, str, tuple[str, ...]]]
    # family → entry name → short concept name
    mapping: dict[str, dict[str, str]]

    def __hash__(self) -> int:
        return id(self)


def check_vocabulary(dpv: Mapping[str, Any], concepts: Mapping[str, Any]) -> None:
    """Raise ``RuleDataError`` unless every concept named in ``concepts.toml`` (and every
    broader concept in ``dpv.toml``) is a concept of ``dpv.toml`` with a known prefix."""
    known = dpv["concepts"]
    for name, spec in known.items():
        prefix, _, term = name.partition(":")
        if prefix not in dpv["prefixes"] or spec["iri"] != dpv["prefixes"][prefix] + term:
            raise RuleDataError(
                "policydiff/languages/dpv.toml", f"concepts.{name}", "IRI does not fit its name"
            )
        for parent in spec["parents"]:
            if parent not in known:
                raise RuleDataError(
                    "policydiff/languages/dpv.toml",
                    f"concepts.{name}.parents",
                    f"unknown DPV concept {parent!r}",
                )
    for family, entries in concepts.items():
        for entry, name in entries.items():
            if name not in known:
                raise RuleDataError(
                    "policydiff/languages/concepts.toml",
                    f"{family}.{entry}",
                    f"unknown DPV concept {name!r} (not in dpv.toml: run tools/derive_dpv.py)",
                )


@cache
def vocabulary() -> Vocabulary:
    """The validated ``dpv.toml`` and ``concepts.toml``."""
    files = ("dpv.toml", "concepts.toml")

    def build(contents: list[bytes]) -> tuple[dict[str, Any], dict[str, Any]]:
        dpv = _parse("dpv.toml", "dpv", contents[0])
        mapping = _parse("concepts.toml", "concepts", contents[1])
        check_vocabulary(dpv, mapping)
        return dpv, mapping

    try:
        dpv, mapping = kept.validated("vocabulary", [_package_data(name) for name in files], build)
    except FileNotFoundError as err:
        where = f"policydiff/languages/{os.path.basename(err.filename or files[0])}"
        raise RuleDataError(where, "(file)", "no such file") from err
    return Vocabulary(
        concepts={
            name: (spec["iri"], spec["label"], tuple(spec["parents"]))
            for name, spec in dpv["concepts"].items()
        },
        mapping={family: dict(entries) for family, entries in mapping.items()},
    )


def concept(family: str, name: str) -> str | None:
    """The IRI of the DPV concept a lexicon entry names (``concept("data", "location")`` is
    ``https://w3id.org/dpv/pd#Location``), or None when it names none."""
    vocab = vocabulary()
    short = vocab.mapping.get(family, {}).get(name)
    return vocab.concepts[short][0] if short else None


def broader(family: str, name: str, language: str = DEFAULT) -> tuple[str, ...]:
    """The entries above ``name`` in its family, nearest first: its ``parent``, that entry's
    parent, and so on; where an entry has no ``parent``, the nearest entry of the family whose
    DPV concept is broader than its own ("ads" → "marketing" if the lexicon has both).
    Entry parents come from the lexicon of ``language`` (English by default)."""
    parents = _parents(language if has_practices(language) else DEFAULT, family)
    chain: list[str] = []
    seen = {name}
    current = name
    while True:
        parent = parents.get(current) or _dpv_broader(family, current, parents, seen)
        if parent is None or parent in seen:
            return tuple(chain)
        chain.append(parent)
        seen.add(parent)
        current = parent


@cache
def _parents(code: str, family: str) -> dict[str, str | None]:
    """Entry name → its ``parent`` (None when it has none), in file order."""
    entries = load(code, "practices").get(family, {})
    return {name: spec.get("parent") for name, spec in entries.items()}


def _dpv_broader(
    family: str, name: str, entries: dict[str, str | None], seen: set[str]
) -> str | None:
    """The first entry of ``entries`` (not in ``seen``) whose concept is a strict DPV
    ancestor of ``name``'s concept, nearest ancestor first."""
    vocab = vocabulary()
    mapping = vocab.mapping.get(family, {})
    start = mapping.get(name)
    if start is None:
        return None
    by_concept: dict[str, list[str]] = {}
    for entry in entries:
        if entry in mapping and entry not in seen:
            by_concept.setdefault(mapping[entry], []).append(entry)
    queue = list(vocab.concepts[start][2])
    visited = {start}
    while queue:
        current = queue.pop(0)
        if current in visited:
            continue
        visited.add(current)
        if current in by_concept:
            return by_concept[current][0]
        queue.extend(vocab.concepts[current][2])
    return None


@dataclass(frozen=True, slots=True)
class Language:
    """The text rules of one language (``text.toml``), read: word lists lower-cased,
    spelling variants compiled."""

    code: str
    name: str
    stopwords: frozenset[str]
    abbreviations: frozenset[str]
    numeric_abbreviations: frozenset[str]
    months: dict[str, int]  # each month's name (and abbreviation) to its number
    date_line_words: frozenset[str]
    changelog_openers: tuple[str, ...]
    legal_forms: frozenset[str]
    not_names: frozenset[str]
    announcements: tuple[str, ...]
    spelling: tuple[tuple[re.Pattern[str], str], ...]
    pointers: tuple[str, ...] = ()
    quantifiers: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()

    def __hash__(self) -> int:
        # Languages key many caches (sentences, roles, frames): hashing every field, tuples
        # of phrases included, at each lookup cost more than the lookup. Equal languages
        # have equal codes, so the code alone is a valid hash.
        return hash(self.code)

    def same_spelling(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` are spelling variants of one word (behavioral/behavioural)."""
        if a == b:
            return True
        if min(len(a), len(b)) < 5 or " " in a or " " in b:
            return False
        for pattern, replacement in self.spelling:
            a, b = pattern.sub(replacement, a), pattern.sub(replacement, b)
        return a == b


@cache
def languages() -> tuple[str, ...]:
    """The codes of every language with a folder here, English first."""
    codes = sorted(
        name for name in os.listdir(_HOME) if os.path.isfile(os.path.join(_HOME, name, "text.toml"))
    )
    return tuple(sorted(codes, key=lambda c: (c != DEFAULT, c)))


@cache
def has_practices(code: str) -> bool:
    """True when the language has its own practice lexicon (findings are read only then).
    Asked for every entry a finding names (``broader``): the file is looked for once."""
    return code in languages() and os.path.isfile(os.path.join(_HOME, code, "practices.toml"))


@cache
def language(code: str) -> Language:
    """The text rules of one language; unknown codes get English."""
    if code not in languages():
        code = DEFAULT
    raw = load(code, "text")

    def words(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in raw[key])

    if len(raw["months"]) != 12:
        raise RuleDataError(
            f"policydiff/languages/{code}/text.toml", "months", "twelve months, in order"
        )
    return Language(
        code=code,
        name=raw["name"],
        stopwords=words("stopwords"),
        abbreviations=words("abbreviations"),
        numeric_abbreviations=words("numeric_abbreviations"),
        months={
            name.lower(): number
            for number, names in enumerate(raw["months"], start=1)
            for name in names
        },
        date_line_words=words("date_line_words"),
        changelog_openers=tuple(w.lower() for w in raw["changelog_openers"]),
        legal_forms=words("legal_forms"),
        not_names=words("not_names"),
        announcements=tuple(w.lower() for w in raw["announcements"]),
        spelling=tuple((kept.compile_pattern(p), r) for p, r in raw["spelling"]),
        pointers=tuple(w.lower() for w in raw["pointers"]),
        quantifiers=words("quantifiers"),
        places=words("places"),
    )


def detect(text: str, sample: int = 20_000) -> str:
    """The code of the language whose frequent words are most common in ``text``."""
    counts = Counter(map(str.lower, _WORD.findall(text[:sample])))
    best, best_hits = DEFAULT, 0
    for code in languages():
        stop = language(code).stopwords
        hits = sum(counts[word] for word in stop.intersection(counts))  # each word's count once
        if hits > best_hits:
            best, best_hits = code, hits
    return best
