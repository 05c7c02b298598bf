"""Per-language knowledge (sentence rules, date lines, lexicons), read from TOML data files.

One file per language, ``<code>.toml`` beside this module. English is the reference;
a language missing a list falls back to English's.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Language", "detect", "language", "languages"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    stopwords: frozenset[str]
    abbreviations: frozenset[str]
    numeric_abbreviations: frozenset[str]
    months: frozenset[str]
    date_line_words: frozenset[str]
    changelog_openers: tuple[str, ...]
    legal_forms: frozenset[str]
    not_names: frozenset[str]
    announcements: tuple[str, ...]
    spelling: tuple[tuple[re.Pattern[str], str], ...]

    def same_spelling(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` are spelling variants of one word (behavioral/behavioural)."""
        if a == b:
            return True
        if min(len(a), len(b)) < 5 or " " in a or " " in b:
            return False
        for pattern, replacement in self.spelling:
            a, b = pattern.sub(replacement, a), pattern.sub(replacement, b)
        return a == b


def languages() -> tuple[str, ...]:
    """The codes of every language that has a data file, English first."""
    codes = sorted(
        p.name[:-5] for p in resources.files(__package__).iterdir() if p.name.endswith(".toml")
    )
    return tuple(sorted(codes, key=lambda c: (c != "en", c)))


@cache
def language(code: str) -> Language:
    """The data of one language; unknown codes get English."""
    if code not in languages():
        code = "en"
    raw = _raw(code)
    base = raw if code == "en" else {**_raw("en"), **raw}

    def words(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in base.get(key, ()))

    return Language(
        code=code,
        name=str(base.get("name", code)),
        stopwords=words("stopwords"),
        abbreviations=words("abbreviations"),
        numeric_abbreviations=words("numeric_abbreviations"),
        months=words("months"),
        date_line_words=words("date_line_words"),
        changelog_openers=tuple(w.lower() for w in base.get("changelog_openers", ())),
        legal_forms=words("legal_forms"),
        not_names=words("not_names"),
        announcements=tuple(w.lower() for w in base.get("announcements", ())),
        spelling=tuple((re.compile(p), r) for p, r in base.get("spelling", ())),
    )


@cache
def _raw(code: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{code}.toml").read_text("utf-8")
    return tomllib.loads(text)


def detect(text: str, sample: int = 20_000) -> str:
    """The code of the language whose frequent words are most common in ``text``."""
    words = [w.lower() for w in _WORD.findall(text[:sample])]
    best, best_hits = "en", 0
    for code in languages():
        stop = language(code).stopwords
        hits = sum(1 for w in words if w in stop)
        if hits > best_hits:
            best, best_hits = code, hits
    return best
