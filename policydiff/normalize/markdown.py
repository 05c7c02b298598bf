"""Markdown to blocks, for Markdown as Open Terms Archive and similar archives write it.

Handles ATX and setext headings (with ``[](#anchor)`` links), nested lists, tables,
block quotes, fenced code, emphasis, ``[](url)[text](url)`` links and backslash escapes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from policydiff.models import ClauseKind
from policydiff.normalize.blocks import (
    BOLD_HEADING_LEVEL,
    Block,
    Parsed,
    bold_heading,
    looks_like_title,
    renumber_headings,
)
from policydiff.normalize.numbering import split_item_number, split_number
from policydiff.normalize.text import canon

__all__ = ["inline_parts", "inline_text", "parse_markdown"]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*))?$")  # the closing #s go in _atx_text
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_ITEM = re.compile(r"^(\s*)([*+-]|\d{1,9}[.)])(\s+)(.*)$")
_FENCE = re.compile(r"^\s*(```+|~~~+)")
_TABLE_SEP = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# No "<" inside an autolink or a tag: a run of "<a" that never closes is read once.
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BR_TAG = re.compile(r"<br\s*/?>", re.I)
_CODE = re.compile(r"`+([^`]*)`+")
_STRIKE = re.compile(r"~~(.+?)~~")
_HIDDEN = 0xF0000  # a private-use plane, never in real text
_HIDDEN_RUN = re.compile("[\U000f0021-\U000f007e]+")
_BOLD_TITLE = re.compile(r"^(\*\*|__)(?:(?!\1).)+\1$")
# "**10.4 Customer License Grant**. You agree ...": a numbered bold lead that names the section.
_BOLD_LEAD = re.compile(
    r"^(\*\*|__)(\d{1,3}(?:\.\d{1,3})+\.?\s+(?:(?!\1).){1,100}?)\1\s*[.:]?\s+(?=\S)"
)


def inline_text(source: str) -> tuple[str, tuple[str, ...]]:
    """Visible text and link targets of one Markdown inline run."""
    text, links, _ = inline_parts(source)
    return text, links


@lru_cache(maxsize=16_384)  # versions of a policy share most of their lines
def inline_parts(source: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Visible text, link targets and the visible words of each link."""
    links: list[str] = []
    anchors: list[str] = []
    text = _strip_links(source, links, anchors) if "[" in source else source
    escaped = "\\" in text
    if escaped:  # hide escaped characters from the emphasis rules, restore them at the end
        text = _ESCAPE.sub(lambda m: chr(_HIDDEN + ord(m.group(1))), text)
    if "<" in text:
        for match in _AUTOLINK.finditer(text):
            links.append(match.group(1))
        text = _AUTOLINK.sub(r"\1", text)
        text = _BR_TAG.sub(" ", text)
        text = _TAG.sub("", text)
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "*" in text or "_" in text:
        for _ in range(3):  # emphasis nests (***bold italic***)
            for rule in _EMPHASIS:
                text = rule.strip(text)
    if "~~" in text:
        text = _STRIKE.sub(r"\1", text)
    if escaped:
        text = _HIDDEN_RUN.sub(lambda m: "".join(chr(ord(c) - _HIDDEN) for c in m.group(0)), text)
    if "&" in text:
        import html  # only for text with entities (html.entities is a large table)

        text = html.unescape(text)
    unique = tuple(dict.fromkeys(link for link in links if link and not link.startswith("#")))
    words = tuple(dict.fromkeys(w for w in (canon(_plain(a)) for a in anchors) if w))
    return canon(text), unique, words


class _Emphasis:
    """Delimiters around text, e.g. ``**strong**``, removed in linear time.

    Does what ``re.sub(r"(D)(?=\\S)(.+?)(?<=\\S)D", r"\\2")`` does with the flanking
    rules of the opener and closer patterns, but finds every possible opener and closer
    once, so a run of openers without a closer costs one pass, not one pass each.
    """

    def __init__(self, width: int, opener: str, closer: str) -> None:
        self.width = width
        self.opener = re.compile(opener)
        self.closer = re.compile(closer)

    def strip(self, text: str) -> str:
        closers: dict[str, list[int]] = {}
        for match in self.closer.finditer(text):
            closers.setdefault(match.group(1), []).append(match.start())
        if not closers:
            return text
        out: list[str] = []
        done = 0
        width = self.width
        for match in self.opener.finditer(text):
            start = match.start()
            if start < done:
                continue
            positions = closers.get(match.group(1), [])
            index = bisect.bisect_left(positions, start + width + 1)
            if index == len(positions):
                continue
            end = positions[index]
            out.append(text[done:start])
            out.append(text[start + width : end])
            done = end + width
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)


_EMPHASIS = (
    # **strong** and __strong__
    _Emphasis(2, r"(?=(\*\*|__)\S)", r"(?<=\S)(?=(\*\*|__))"),
    # *em*, not inside a word
    _Emphasis(1, r"(?<![\w*])(?=(\*)\S)", r"(?<=\S)(?=(\*)(?![\w*]))"),
    # _em_, not inside a word
    _Emphasis(1, r"(?<![\w_])(?=(_)\S)", r"(?<=\S)(?=(_)(?![\w_]))"),
)


def _plain(anchor: str) -> str:
    """A link's visible words without emphasis marks or escapes."""
    anchor = _ESCAPE.sub(r"\1", anchor)
    return re.sub(r"[*_`~]+", "", anchor)


def _strip_links(text: str, links: list[str], anchors: list[str] | None = None) -> str:
    """Replace ``[text](url)`` and ``![alt](src)`` by their text (images by nothing).

    One pass over the text whatever its brackets: the partner of every bracket is found
    once, and nested links are walked with an explicit stack (hostile input nests
    thousands deep).
    """
    squares = _partners(text, "[", "]")
    parens = _partners(text, "(", ")")
    out: list[str] = []
    written = 0  # characters in ``out``
    frames: list[tuple[int, int, int, int]] = []  # open links: close, end, len(out), written
    i, hi = 0, len(text)
    while True:
        if i >= hi:
            if not frames:
                break
            _, end, index, before = frames.pop()
            if anchors is not None and written - before <= _ANCHOR_LIMIT:
                anchors.append("".join(out[index:]))
            i, hi = end + 1, frames[-1][0] if frames else len(text)
            continue
        found = _LINK_START.search(text, i, hi)
        p = found.start() if found else hi
        if p > i:
            out.append(text[i:p])
            written += p - i
            i = p
            continue
        assert found is not None
        token = found.group()
        if token == "\\":
            step = 2 if p + 1 < hi else 1
            out.append(text[p : p + step])
            written += step
            i = p + step
            continue
        image = token == "!["
        start = p + 1 if image else p
        close = squares.get(start, hi)
        if close + 1 < hi and text[close + 1] == "(":
            end = parens.get(close + 1, hi)
            if end < hi:
                target = text[close + 2 : end].strip()
                url = target.split()[0] if target else ""
                if image:
                    i = end + 1
                    continue
                links.append(_ESCAPE.sub(r"\1", url.strip("<>")))
                frames.append((close, end, len(out), written))
                i, hi = start + 1, close
                continue
        out.append(token[0])
        written += 1
        i = p + 1
    return "".join(out)


_LINK_START = re.compile(r"\\|!?\[")
_ANCHOR_LIMIT = 2000  # longer link texts are no link's words (and would cost quadratic time)


def _partners(text: str, opening: str, closing: str) -> dict[int, int]:
    """The position of the closing bracket that matches each opening one (escapes skipped)."""
    partners: dict[int, int] = {}
    stack: list[int] = []
    pattern = _BRACKETS[opening]
    for match in pattern.finditer(text):
        char = match.group()
        if char == opening:
            stack.append(match.start())
        elif char == closing and stack:
            partners[stack.pop()] = match.start()
    return partners


_BRACKETS = {"[": re.compile(r"\\.|[\[\]]", re.S), "(": re.compile(r"\\.|[()]", re.S)}


@dataclass
class _Open:
    """A list item being read: its indent, marker and lines so far."""

    indent: int
    content_indent: int
    number: str | None
    lines: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.paragraph: list[str] = []
        self.items: list[_Open] = []  # the stack of open list items, outermost first
        self.leads: list[str | None] = []  # lead-in of each open list level
        self.table: list[list[str]] = []
        self.item_headings: list[int] = []  # blocks that were list items written as headings

    # paragraphs ------------------------------------------------------------
    def end_paragraph(self) -> None:
        if self.paragraph:
            source = " ".join(self.paragraph)
            lead = _BOLD_LEAD.match(source)
            if lead:
                title = inline_text(lead.group(2))[0].rstrip(".:")
                number, _ = split_number(title)
                if number and looks_like_title(title):
                    self.blocks.append(bold_heading(title, number))
                    source = source[lead.end() :]
            text, links, anchors = inline_parts(source)
            if text and _BOLD_TITLE.match(source.strip()) and looks_like_title(text):
                # A short paragraph that is all bold is how many sites write a heading.
                number, _ = split_number(text)
                self.blocks.append(
                    Block(
                        ClauseKind.HEADING,
                        text,
                        level=BOLD_HEADING_LEVEL,
                        number=number,
                        links=links,
                    )
                )
            elif text:
                self.blocks.append(
                    Block(ClauseKind.PARAGRAPH, text, links=links, link_texts=anchors)
                )
            self.paragraph = []

    # lists -----------------------------------------------------------------
    def emit_item(self, item: _Open, depth: int) -> None:
        source = " ".join(item.lines)
        text, links, anchors = inline_parts(source)
        if depth == 1 and _BOLD_TITLE.match(source.strip()) and looks_like_title(text):
            # "10. **CUSTOMER CONTENT**": a list of one bold item is a numbered heading.
            self.blocks.append(bold_heading(text, item.number, level=BOLD_HEADING_LEVEL + 1))
            self.item_headings.append(len(self.blocks) - 1)
            item.lines = []
            return
        number = item.number
        if number is None:
            number, text = split_item_number(text)
        if text:
            self.blocks.append(
                Block(
                    ClauseKind.ITEM,
                    text,
                    level=depth,
                    number=number,
                    lead_in=self.leads[depth - 1],
                    links=links,
                    link_texts=anchors,
                )
            )
        item.lines = []

    def close_items(self, keep: int) -> None:
        while len(self.items) > keep:
            item = self.items.pop()
            if item.lines:
                self.emit_item(item, len(self.items) + 1)
            self.leads.pop()

    def open_item(self, indent: int, marker: str, gap: str, text: str) -> None:
        # Items whose content starts at or before this marker stay open (it nests
        # inside them); the others close. A sibling shares its list's lead-in.
        keep = sum(1 for item in self.items if indent >= item.content_indent)
        sibling = keep < len(self.items)
        lead = self.leads[keep] if sibling else None
        self.close_items(keep)
        if not sibling:
            parent = self.items[-1] if self.items else None
            if parent is not None:
                if parent.lines:
                    lead = inline_text(" ".join(parent.lines))[0]
                    self.emit_item(parent, len(self.items))
                else:
                    lead = self._last_item_text()
            elif self.blocks and self.blocks[-1].kind is ClauseKind.PARAGRAPH:
                lead = self.blocks[-1].text
        number = marker[:-1] if marker[-1] in ".)" else None
        self.items.append(_Open(indent, indent + len(marker) + len(gap), number, [text]))
        self.leads.append(lead)

    def _last_item_text(self) -> str | None:
        for block in reversed(self.blocks):
            if block.kind is ClauseKind.ITEM:
                return block.text
        return None

    # tables ----------------------------------------------------------------
    def end_table(self) -> None:
        if not self.table:
            return
        header: str | None = None
        for index, cells in enumerate(self.table):
            parts = [inline_parts(c) for c in cells]
            text = " | ".join(p[0] for p in parts)
            links = tuple(dict.fromkeys(link for p in parts for link in p[1]))
            anchors = tuple(dict.fromkeys(a for p in parts for a in p[2]))
            if not any(p[0] for p in parts):
                continue
            lead = None if index == 0 else header
            self.blocks.append(
                Block(ClauseKind.ROW, text, lead_in=lead, links=links, link_texts=anchors)
            )
            if index == 0:
                header = text
        self.table = []

    def end_all(self) -> None:
        self.end_paragraph()
        self.close_items(0)
        self.end_table()


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def parse_markdown(text: str) -> Parsed:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reader = _Reader()
    fence: str | None = None
    for index, raw in enumerate(lines):
        line = raw.expandtabs(4)
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
                reader.end_paragraph()
            else:
                reader.paragraph.append(line)
            continue
        fenced = _FENCE.match(line)
        if fenced:
            reader.end_all()
            fence = fenced.group(1)
            continue
        quote = _QUOTE.match(line)
        if quote:
            line = line[quote.end() :]
        stripped = line.strip()
        if not stripped:
            reader.end_paragraph()
            reader.end_table()
            for depth, open_item in enumerate(reader.items, start=1):
                if open_item.lines:
                    reader.emit_item(open_item, depth)
            continue
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        if stripped.startswith("|") and (reader.table or _TABLE_SEP.match(nxt)):
            reader.end_paragraph()
            reader.close_items(0)
            if not _TABLE_SEP.match(line):
                reader.table.append(_cells(line))
            continue
        if reader.table:
            reader.end_table()
        if _SETEXT.match(line) and reader.paragraph and not reader.items:
            level = 1 if stripped.startswith("=") else 2
            heading = " ".join(reader.paragraph)
            reader.paragraph = []
            _heading(reader, heading, level)
            continue
        if _RULE.match(line):
            reader.end_all()
            continue
        atx = _ATX.match(line)
        if atx:
            reader.end_all()
            _heading(reader, _atx_text(atx.group(2) or ""), len(atx.group(1)))
            continue
        item = _ITEM.match(line)
        if item:
            reader.end_paragraph()
            indent = len(item.group(1))
            reader.open_item(indent, item.group(2), item.group(3), item.group(4))
            continue
        indent = len(line) - len(line.lstrip())
        if reader.items and (not reader.paragraph):
            # A continuation of the innermost open item (lazy or indented).
            target = reader.items[-1]
            if target.lines or indent >= target.content_indent:
                target.lines.append(stripped)
                continue
            reader.close_items(0)
        reader.paragraph.append(stripped)
    reader.end_all()
    blocks = renumber_headings(reader.blocks, reader.item_headings)
    title = None
    if blocks and blocks[0].kind is ClauseKind.HEADING and blocks[0].level == 1:
        title = blocks[0].text
        blocks = blocks[1:]
    elif blocks and blocks[0].kind is ClauseKind.HEADING and blocks[0].level < BOLD_HEADING_LEVEL:
        title = blocks[0].text  # the first heading names the document; it stays a section
    return Parsed(title=title, blocks=tuple(blocks))


def _atx_text(source: str) -> str:
    """An ATX heading's text without its optional closing sequence ("## Title ##")."""
    text = source.rstrip()
    bare = text.rstrip("#")
    if bare != text and bare and bare[-1].isspace():
        text = bare.rstrip()
    return text


def _heading(reader: _Reader, source: str, level: int) -> None:
    text, links = inline_text(source)
    if text:
        number, _ = split_number(text)
        reader.blocks.append(
            Block(ClauseKind.HEADING, text, level=level, number=number, links=links)
        )
