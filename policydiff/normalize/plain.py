"""Plain text to blocks: paragraphs split by blank lines, numbered headings, list items.

Text extracted from PDFs has hard line breaks inside paragraphs; lines are joined
until a blank line, a list marker or a heading.
"""

from __future__ import annotations

import re

from policydiff.models import ClauseKind
from policydiff.normalize.blocks import Block, Parsed
from policydiff.normalize.numbering import split_number
from policydiff.normalize.text import canon

__all__ = ["parse_text"]

_BULLET = re.compile(r"^\s*(?:[•·▪◦‣*-]|\(?[a-z]\)|\(?[ivx]{1,5}\)|\(\d{1,3}\))\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3}){0,7})\.?\s+\S")
_END = re.compile(r"[.:;,!?]\s*$")


def _is_heading(line: str, alone: bool) -> bool:
    words = line.split()
    if not words or len(words) > 14 or _END.search(line):
        return False
    if _NUMBERED.match(line):
        return True
    letters = [c for c in line if c.isalpha()]
    return alone and bool(letters) and (line.isupper() or line.istitle())


def parse_text(text: str) -> Parsed:
    blocks: list[Block] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraph: list[str] = []
    kind = ClauseKind.PARAGRAPH
    lead: str | None = None

    def end() -> None:
        nonlocal paragraph, kind
        body = canon(" ".join(paragraph))
        if body:
            number = None
            if kind is ClauseKind.ITEM:
                number, body = split_number(body)
            blocks.append(
                Block(
                    kind,
                    body,
                    level=1 if kind is ClauseKind.ITEM else 0,
                    number=number,
                    lead_in=lead if kind is ClauseKind.ITEM else None,
                )
            )
        paragraph, kind = [], ClauseKind.PARAGRAPH

    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            end()
            continue
        before = lines[index - 1].strip() if index else ""
        after = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if not paragraph and _is_heading(line, alone=not before and not after):
            number, _ = split_number(canon(line))
            depth = number.count(".") + 2 if number else 2
            blocks.append(
                Block(ClauseKind.HEADING, canon(line), level=min(depth, 6), number=number)
            )
            continue
        if _BULLET.match(line):
            if (kind is not ClauseKind.ITEM and paragraph) or kind is ClauseKind.ITEM:
                end()
            if not blocks or blocks[-1].kind is not ClauseKind.ITEM:
                lead = (
                    blocks[-1].text if blocks and blocks[-1].kind is ClauseKind.PARAGRAPH else None
                )
            kind = ClauseKind.ITEM
            paragraph.append(
                _BULLET.sub(
                    lambda m: m.group(0) if "(" in m.group(0) or ")" in m.group(0) else "", line
                )
            )
            continue
        paragraph.append(line)
    end()
    title = None
    if blocks and blocks[0].kind is ClauseKind.HEADING:
        title = blocks[0].text
        blocks = blocks[1:]
    return Parsed(title=title, blocks=tuple(blocks))
