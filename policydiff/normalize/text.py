"""Canonical text: one spelling for characters that look alike, one space between words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["cached_canon", "canon", "fold", "one_line", "printable", "shorten"]

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2039": "'",
        "\u203a": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u200e": None,
        "\u200f": None,
    }
)
_SPACE = re.compile(r"\s+")
_TRANSLATED = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")
_REPLACEMENTS = {chr(code): to or "" for code, to in _TRANSLATE.items()}
# Control characters (C0 but for whitespace, DEL, C1) and the bidi embeddings, overrides
# and isolates (U+202A-U+202E, U+2066-U+2069): in a policy they can only hide text, reorder
# it on screen ("Trojan Source"), break XML or drive the reader's terminal.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_AND_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]+")


def canon(text: str) -> str:
    """NFKC, straight quotes, plain dashes, no invisible or control characters, single spaces."""
    if not text.isascii():  # ASCII is already canonical, but for its spaces and controls
        text = unicodedata.normalize("NFKC", text)
        if _TRANSLATED.search(text):
            text = _straighten(text)
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    # str.split() and the regular expression ``\s`` know the same whitespace.
    return " ".join(text.split())


def _straighten(text: str) -> str:
    """``text.translate(_TRANSLATE)``: curly quotes straight, dashes plain, invisible characters
    gone. The regular expression jumps from one such character to the next; ``translate``
    looks every character up (three times slower on a policy's paragraphs)."""
    return _TRANSLATED.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return _REPLACEMENTS[match.group()]


@lru_cache(maxsize=16384)
def cached_canon(text: str) -> str:
    """``canon``, remembered: two versions of a page share most of their paragraphs, items
    and link texts, so a comparison reads each of them once."""
    return canon(text)


def printable(text: str) -> str:
    """``text`` safe to show anywhere: control and bidi control characters removed,
    line breaks kept (a URL, a name or a message from a source nobody vetted)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def one_line(text: str) -> str:
    """``text`` as one printable line: controls removed, line breaks become spaces."""
    return _SPACE.sub(" ", _CONTROLS_AND_BREAKS.sub(" ", text)).strip()


_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The words of ``text`` only: lower-case, no punctuation, single spaces.

    Two texts with the same fold differ only in case, punctuation, quotes or spacing.
    """
    return " ".join(_WORD.findall(text.casefold()))  # as re.sub(r"[\W_]+", " ", …).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
