"""A policy's own numbering: "8.3.", "Section 4", "(b)", "IV." at the start of a heading or item."""

from __future__ import annotations

import re

__all__ = ["split_item_number", "split_number"]

_PATTERNS = (
    # "8.3. Law Enforcement", "1 Introduction", "3.1.1. Optional Data"
    re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,7})\.?\s+(?=\S)"),  # 8 levels: deeper is no number
    # "Section 4.", "Article 12:", "§ 3"
    re.compile(r"^(?:section|article|sec\.|art\.|§)\s*(\d{1,3}(?:\.\d{1,3})*)[.:]?\s+", re.I),
    # "(a)", "(iv)", "(12)"
    re.compile(r"^\((\w{1,4})\)\s+"),
    # "a)", "iv)"
    re.compile(r"^([a-z]|[ivx]{1,5})\)\s+"),
    # "IV. Your Rights", "B. Sharing"
    re.compile(r"^([IVX]{1,5}|[A-H])\.\s+(?=[A-Z])"),
)


def split_number(text: str) -> tuple[str | None, str]:
    """``("8.3", "Law Enforcement Authorities")`` from ``"8.3. Law Enforcement Authorities"``."""
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match and match.end() < len(text):
            whole = match.group(0).strip()
            number = match.group(1)
            if whole.startswith("("):
                number = f"({number})"
            elif whole.endswith(")"):
                number = f"{number})"
            return number, text[match.end() :].strip()
    return None, text


def split_item_number(text: str) -> tuple[str | None, str]:
    """A list item's own enumerator ("(a)", "iv)") split off; any other leading number
    (a year, an amount) stays part of the item's text."""
    number, rest = split_number(text)
    if number is not None and (number.startswith("(") or number.endswith(")")):
        return number, rest
    return None, text
