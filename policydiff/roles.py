"""Clauses that frame a policy without stating a practice: date lines and changelog entries.

A change to such a clause never raises an alert: "Last updated: July 19, 2024" changes
with every edit, and a changelog line only announces a change made elsewhere (the change
itself is reported where it happens).
"""

from __future__ import annotations

import re
from functools import cache

from policydiff.languages import Language

__all__ = [
    "date_of",
    "is_announcement",
    "is_changelog_entry",
    "is_date_line",
    "is_pointer",
    "opens_changelog",
    "strip_dates",
]

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.U)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z])")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_DAY = re.compile(r"^\d{1,2}(?:st|nd|rd|th|er|e)?$")
# Words that turn a date line into the heading of a changelog ("Update Notes (July 19, 2024):").
_CHANGELOG_MARKS = re.compile(
    r"\b(?:update notes?|changelog|change log|revision history|what'?s new|changes made|"
    r"änderungshistorie|historique des modifications)\b",
    re.I,
)


def is_date_line(text: str, lang: Language) -> bool:
    """True for "Last updated: July 19, 2024", "**September 23, 2024**", "Stand: 06.05.2024"."""
    if len(text) > 160:
        return False
    stripped = _NUMERIC_DATE.sub(" 1 ", text)
    has_date = stripped != text
    for token in _TOKEN.findall(stripped.lower()):
        if token in lang.months or _YEAR.match(token):
            has_date = True
        elif _DAY.match(token) or token in lang.date_line_words:
            continue
        else:
            return False
    return has_date


def opens_changelog(text: str) -> bool:
    """True for a date line that heads a list of changes ("Update Notes (July 19, 2024):")."""
    return bool(_CHANGELOG_MARKS.search(text))


def is_changelog_entry(text: str, lang: Language) -> bool:
    """True for text that announces a change ("Updated 8.3, see this post ...")."""
    lowered = text.lower().lstrip("*_ ")
    return any(
        lowered.startswith(opener)
        and (len(lowered) == len(opener) or not lowered[len(opener)].isalpha())
        for opener in lang.changelog_openers
    )


def is_announcement(text: str, lang: Language) -> bool:
    """True for a banner or note that announces a new version ("We've updated our Privacy Policy")."""
    lowered = text.lower().replace("’", "'")
    return any(lowered.startswith(phrase) for phrase in lang.announcements)


def is_pointer(text: str, lang: Language) -> bool:
    """True for a clause that only points elsewhere ("Read more about how we use AI",
    "Please read this policy carefully"): one of the language's pointer phrases, in a
    clause of at most two sentences."""
    if len(_SENTENCE_END.findall(text)) > 1:
        return False
    lowered = " ".join(text.lower().replace("’", "'").split())
    return any(phrase in lowered for phrase in lang.pointers)


def strip_dates(text: str, lang: Language) -> str | None:
    """The folded words of ``text`` with its dates taken out, or None if it has no date.

    A date is a month name with its day and year, a numeric date or a year; a lone
    number ("6 months") is not a date.
    """
    rest, found = _date_pattern(lang).subn(" ", text.lower())
    if not found:
        return None
    return " ".join(_TOKEN.findall(rest))


def date_of(text: str, lang: Language) -> tuple[int, int, int] | None:
    """The first full date in ``text`` as (year, month, day): a month's name with its year
    and day near it ("November 8, 2022", "8 novembre 2022", "November 8 , 2022"; a month and
    year alone is its day 0), else a numeric date with the year first ("2022-12-30") or last
    with the day first ("30.12.2022"). None when the text holds none."""
    tokens = _TOKEN.findall(text.lower())
    for at, token in enumerate(tokens):
        month = lang.months.get(token)
        if month is None:
            continue
        near = tokens[max(0, at - 2) : at + 4]
        years = [int(t) for t in near if _YEAR.match(t)]
        if years:
            days = [int(t.rstrip("stndrhe")) for t in near if _DAY.match(t)]
            return years[0], month, days[0] if days and 1 <= days[0] <= 31 else 0
    for match in _NUMERIC_DATE.finditer(text):
        numbers = [int(n) for n in re.split(r"[./-]", match.group(0))]
        year, month, day = numbers if numbers[0] > 31 else numbers[::-1]
        if _YEAR.match(str(year)) and 1 <= month <= 12 and 1 <= day <= 31:
            return year, month, day
    return None


@cache
def _date_pattern(lang: Language) -> re.Pattern[str]:
    # Longest first, in a fixed order (a set has none): the same pattern every run.
    months = "|".join(sorted((re.escape(m) for m in lang.months), key=lambda m: (-len(m), m)))
    day = r"\d{1,2}(?:st|nd|rd|th|er|e|\.)?"
    return re.compile(
        rf"\b(?:{day}\s+)?(?:{months})\b\.?(?:\s+{day})?,?(?:\s+(?:19|20)\d{{2}})?\b"
        rf"|\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b|\b(?:19|20)\d{{2}}\b"
    )
