"""Sentences inside a clause, aware of legal abbreviations ("e.g.", "Inc.", "U.S.", "Sec. 3.1")."""

from __future__ import annotations

import re
from functools import lru_cache

from policydiff.languages import Language

__all__ = ["split_sentences"]

# A full stop, question or exclamation mark, closing quotes or brackets, then space,
# then something that can start a sentence.
# Each run of marks is tried once, from its first mark (possessive, so a run of 20,000
# dots with no space after it is not retried from each of its dots). The pattern opens
# with the mark itself, its look behind after it (the first mark of a run: not one after
# another), so the regular expression engine skips straight to the next mark.
_BOUNDARY = re.compile(
    r"""[.!?](?<![.!?][.!?])[.!?]*+["')\]]*+\s++(?=["'(\[]?[A-Z0-9ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒÁÍÓÚÑßА-Я])"""
)
# The word before a full stop is looked for this far back: abbreviations are short, and
# a bounded look keeps a run of thousands of abbreviations linear.
_WORD_WINDOW = 64


@lru_cache(maxsize=8192)
def split_sentences(text: str, lang: Language) -> tuple[str, ...]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        word = _word_before(text, start, match.start())
        following = text[match.end() : match.end() + 1]
        if text[match.start()] == "." and _no_break(word, following, lang):
            continue
        end = match.end()
        sentences.append(text[start:end].strip())
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return tuple(sentences)


def _word_before(text: str, start: int, stop: int) -> str:
    """The word that ends at ``stop`` (a sentence mark), without quotes and brackets."""
    window = text[max(start, stop - _WORD_WINDOW) : stop + 1].rstrip(".!?\"')] ")
    parts = window.rsplit(None, 1)
    if not parts or (len(parts) == 1 and stop - _WORD_WINDOW > start):
        return ""  # no word, or one too long to be an abbreviation
    return parts[-1].lstrip("(\"'[").lower()


def _no_break(word: str, following: str, lang: Language) -> bool:
    """True when the full stop after ``word`` (before ``following``) does not end a sentence."""
    if not word:
        return False
    if word in lang.abbreviations:
        return True
    if word in lang.numeric_abbreviations and following.isdigit():
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith", "(a)"
        return True
    # Dotted initials: "u.s", "e.u", "i.e"
    return _DOTTED_INITIALS.fullmatch(word) is not None


_DOTTED_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
