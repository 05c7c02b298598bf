"""The normalizers' output: the policy as a flat sequence of structural blocks."""

from __future__ import annotations

from dataclasses import dataclass

from policydiff.models import ClauseKind

__all__ = [
    "BOLD_HEADING_LEVEL",
    "Block",
    "Parsed",
    "bold_heading",
    "looks_like_title",
    "renumber_headings",
]

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
    """A page read into blocks, with its title when it has one."""

    title: str | None
    blocks: tuple[Block, ...]


def bold_heading(text: str, number: str | None, level: int | None = None) -> Block:
    """A heading written in bold: "10.4 Customer License Grant" (a numbered one ranks by the
    depth of its number, so 10.4 falls under 10), or a bold list item "10. CUSTOMER CONTENT"."""
    if level is None:
        level = BOLD_HEADING_LEVEL + (number.count(".") + 1 if number else 0)
    if number and not text.startswith(number):
        text = f"{number}. {text}"
    return Block(ClauseKind.HEADING, text, level=level, number=number)


def renumber_headings(blocks: list[Block], item_headings: list[int]) -> list[Block]:
    """Headings written as list items take their number from the sections under them when
    those agree on another (archives renumber one-item lists: "27. CUSTOMER CONTENT" holding
    10.1 to 10.5 is section 10). Once the list numbers are known to be wrong, a heading with
    no numbered sections under it follows the one before it (… 33, 34 DEFINITIONS)."""
    result = list(blocks)
    fixed: dict[int, bool] = {}  # item heading -> numbered by the sections under it
    for position, index in enumerate(item_headings):
        end = item_headings[position + 1] if position + 1 < len(item_headings) else len(blocks)
        heads = {
            b.number.split(".", 1)[0]
            for b in blocks[index + 1 : end]
            if b.kind is ClauseKind.HEADING and b.number and "." in b.number
        }
        fixed[index] = len(heads) == 1
        if len(heads) == 1 and blocks[index].number not in heads:
            result[index] = _renumbered(blocks[index], heads.pop())
    if not any(result[i] is not blocks[i] for i in item_headings):
        return result
    previous: int | None = None
    for index in item_headings:
        number = result[index].number
        if not fixed[index] and previous is not None and number != str(previous + 1):
            result[index] = _renumbered(result[index], str(previous + 1))
        current = result[index].number
        previous = int(current) if current and current.isdigit() else None
    return result


def _renumbered(heading: Block, number: str) -> Block:
    title = heading.text
    if heading.number and title.startswith(f"{heading.number}. "):
        title = title[len(heading.number) + 2 :]
    return bold_heading(title, number, heading.level)
