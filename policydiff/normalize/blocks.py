"""The normalizers' output: the policy as a flat sequence of structural blocks."""

from __future__ import annotations

from dataclasses import dataclass

from policydiff.models import ClauseKind

__all__ = ["BOLD_HEADING_LEVEL", "Block", "Parsed", "looks_like_title"]

# A short paragraph that is all bold is how many sites write a heading; it ranks
# below every real heading (h1–h6, # … ######).
BOLD_HEADING_LEVEL = 7


def looks_like_title(text: str) -> bool:
    return 0 < len(text.split()) <= 15 and not text.rstrip().endswith((".", ":", ";", ","))


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, list item or table row, in reading order.

    ``level`` is the heading level (1–6) for headings and the list depth for items.
    ``lead_in`` is the text that introduces a list item or a table row: the
    paragraph before the list, the parent item, or the table's header row.
    """

    kind: ClauseKind
    text: str
    level: int = 0
    number: str | None = None
    lead_in: str | None = None
    links: tuple[str, ...] = ()
    link_texts: tuple[str, ...] = ()  # the visible words of each link


@dataclass(frozen=True, slots=True)
class Parsed:
    title: str | None
    blocks: tuple[Block, ...]
