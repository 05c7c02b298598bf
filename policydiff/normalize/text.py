"""Canonical text: one spelling for characters that look alike, one space between words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["canon", "fold", "shorten"]

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


def canon(text: str) -> str:
    """NFKC, straight quotes, plain dashes, no invisible characters, single spaces."""
    if not text.isascii():  # ASCII is already canonical, but for its spaces
        text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return _SPACE.sub(" ", text).strip()


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The words of ``text`` only: lower-case, no punctuation, single spaces.

    Two texts with the same fold differ only in case, punctuation, quotes or spacing.
    """
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
