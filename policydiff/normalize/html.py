"""HTML to blocks: strip the page's chrome, find the policy, keep its structure (the page
around the policy is normalize/page.py's)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from policydiff.errors import EmptyInput, InputError, NestingTooDeep, SelectorNotFound
from policydiff.models import ClauseKind
from policydiff.normalize.blocks import (
    BOLD_HEADING_LEVEL,
    Block,
    Parsed,
    bold_heading,
    looks_like_title,
)
from policydiff.normalize.numbering import split_item_number, split_number
from policydiff.normalize.page import MAX_DEPTH, Survey, remove
from policydiff.normalize.soup import make_soup
from policydiff.normalize.text import cached_canon as canon  # the next version repeats most

__all__ = ["MAX_DEPTH", "parse_html", "unwayback_url"]

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CONTAINERS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "address",
    "pre",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "body",
    "html",
    "center",
    "details",
    "summary",
    "aside",
    "fieldset",
    "hgroup",
    "caption",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
}
_LISTS = {"ul", "ol", "menu"}
_TOOLBAR_BEGIN = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->", re.I)
_TOOLBAR_END = re.compile(r"<!--\s*END WAYBACK TOOLBAR INSERT\s*-->", re.I)
# /web/20240923152623/https://x, /web/20240923152623id_/https://x, with or without host.
_REWRITTEN = re.compile(r"^(?:https?:)?(?://[^/]+)?/(?:[\w.-]+/)*?\d{14}(?:[a-z]{2}_)?/(.+)$")


def unwayback_url(url: str) -> str:
    """The original URL behind a Wayback-rewritten one (unchanged when not rewritten)."""
    match = _REWRITTEN.match(url)
    if not match:
        return url
    original = match.group(1)
    if original.startswith("//"):
        return "http:" + original
    if re.match(r"^https?:/[^/]", original):  # some archives collapse the double slash
        original = original.replace(":/", "://", 1)
    return original


def parse_html(text: str, selector: str | None = None, base_url: str | None = None) -> Parsed:
    """The blocks of an HTML page; ``base_url`` resolves relative links."""
    text = _without_toolbar(text)
    _check_depth_early(text)
    soup = make_soup(text)  # BeautifulSoup(text, "lxml"), built leaner
    page = Survey(soup)
    title = page.title()
    remove(page.doomed)
    if page.base is not None:
        base_url = urljoin(base_url or "", unwayback_url(page.base))
    for anchor in page.anchors:
        written = anchor["href"]
        href = unwayback_url(str(written).strip())
        if base_url and not href.startswith("#"):
            href = unwayback_url(urljoin(base_url, href))
        if href != written:
            anchor["href"] = href
    root = _select(soup, selector) if selector else page.main_content()
    if root is None:
        raise EmptyInput("the page")
    walker = _Walker()
    walker.container(root)
    walker.flush()
    blocks = walker.blocks
    if blocks and blocks[0].kind is ClauseKind.HEADING and blocks[0].level == 1:
        title = blocks[0].text
        blocks = blocks[1:]
    return Parsed(title=title, blocks=tuple(blocks))


def _without_toolbar(text: str) -> str:
    """The page without the Wayback toolbar's inserts (each BEGIN up to its END).

    One pass: a BEGIN without an END removes nothing, and is not searched past again.
    """
    out: list[str] = []
    done = 0
    while True:
        begin = _TOOLBAR_BEGIN.search(text, done)
        if begin is None:
            break
        end = _TOOLBAR_END.search(text, begin.end())
        if end is None:
            break
        out.append(text[done : begin.start()])
        done = end.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


_TAG_EDGE = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
_RAW_TEXT = frozenset({"script", "style", "template", "textarea", "title", "xmp"})
# Elements whose end tag may be left out, or that have none: they are not counted.
_UNCOUNTED = frozenset(
    {
        *("p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option"),
        *("optgroup", "colgroup", "caption", "rb", "rt", "rtc", "rp", "area", "base", "br"),
        *("col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"),
        *("param", "keygen"),
    }
)


def _check_depth_early(text: str) -> None:
    """Refuse markup nested far too deep before bs4 builds it (which takes seconds per
    megabyte of such nesting): a cheap count of open elements, four times the real limit.
    Comments and the text of scripts and styles are skipped, each in one jump."""
    if text.count("<") <= 4 * MAX_DEPTH:  # too few tags to nest that deep: nothing to count
        return
    depth = 0
    position = 0
    lowered: str | None = None  # made once, at the first script
    while True:
        match = _TAG_EDGE.search(text, position)
        if match is None:
            return
        position = match.end()
        if match.group(0) == "<!--":
            end = text.find("-->", position)
            if end == -1:
                return
            position = end + 3
            continue
        name = match.group(2).lower()
        if not match.group(1) and name in _RAW_TEXT:
            lowered = text.lower() if lowered is None else lowered
            end = lowered.find(f"</{name}", position)
            if end == -1:
                return
            position = end
            continue
        if match.group(3) or name in _UNCOUNTED:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > 4 * MAX_DEPTH:
                raise NestingTooDeep(MAX_DEPTH)


def _select(soup: BeautifulSoup, selector: str) -> Tag:
    try:
        found = soup.select_one(selector)
    except Exception as err:  # soupsieve raises its own SelectorSyntaxError
        raise InputError(f"invalid CSS selector {selector!r}: {err}") from err
    if found is None:
        raise SelectorNotFound(selector)
    return found


# Elements that end a run of text: inline, they stand apart from the words around them.
_BREAKS = frozenset({*_CONTAINERS, *_HEADINGS, "li", "tr"})
_BLOCKS = frozenset({*_CONTAINERS, "li", "tr"})
_NESTED = frozenset({*_LISTS, "table"})


class _Walker:
    """Walks the content element and emits blocks in reading order.

    Children are read from ``contents`` with type checks (bs4's generic searches and
    ``get_text`` cost a walk each); strings are collected as they are and joined once.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._links: list[str] = []
        self._anchors: list[str] = []  # visible words of links since the last block

    # -- inline text -------------------------------------------------------
    def _inline(self, node: Tag, out: list[str], links: list[str]) -> None:
        # One frame a level (pages nest up to MAX_DEPTH inline elements): no helper calls.
        name = node.name
        if name == "br":
            out.append("\n")
            return
        start = -1  # where a link's words start
        if name == "a":
            href = node.attrs.get("href")
            if href:
                links.append(str(href))
                start = len(out)
        elif name in _BREAKS:
            out.append(" ")
        for child in node.contents:
            if isinstance(child, Tag):
                self._inline(child, out, links)
            else:
                out.append(child)  # type: ignore[arg-type]  # a NavigableString is a str
        if start >= 0:
            words = canon("".join(out[start:]))
            if words:
                self._anchors.append(words)
        elif name in _BREAKS:
            out.append(" ")

    # -- blocks ------------------------------------------------------------
    def _take_anchors(self) -> tuple[str, ...]:
        if not self._anchors:  # most blocks have no links
            return ()
        anchors, self._anchors = tuple(dict.fromkeys(self._anchors)), []
        return anchors

    def flush(self) -> None:
        if not self._buffer:
            if self._links:
                self._links = []
            return
        text = canon("".join(self._buffer))
        if text:
            self.blocks.append(
                Block(
                    ClauseKind.PARAGRAPH,
                    text,
                    links=_dedupe(self._links),
                    link_texts=self._take_anchors(),
                )
            )
        self._buffer, self._links = [], []

    def container(self, node: Tag) -> None:
        for child in node.contents:
            if not isinstance(child, Tag):
                self._buffer.append(child)  # type: ignore[arg-type]  # a NavigableString
                continue
            name = child.name
            if name in _HEADINGS:
                self.flush()
                self._heading(child, _HEADINGS[name])
            elif name == "p":
                self.flush()
                if _bold_only(child):
                    self._heading(child, BOLD_HEADING_LEVEL)
                    continue
                if _bold_lead(child):
                    # "<p><strong>10.4 Customer License Grant</strong>. You agree ...</p>"
                    self.blocks.append(_take_bold_lead(child))
                self.container(child)
                self.flush()
            elif name in _LISTS:
                self.flush()
                if name == "ol" and _bold_item(child):
                    # "<ol start="10"><li><strong>CUSTOMER CONTENT</strong></li></ol>": a
                    # numbered heading written as a list of one bold item.
                    item = child.find("li")
                    assert isinstance(item, Tag)
                    number = str(_int(item.get("value"), _int(child.get("start"), 1)))
                    title = canon(item.get_text(" "))
                    self.blocks.append(bold_heading(title, number, BOLD_HEADING_LEVEL + 1))
                else:
                    self._list(child, self._lead_in(), 1)
            elif name == "table":
                self.flush()
                self._table(child)
            elif name in _BLOCKS:
                self.flush()
                self.container(child)
                self.flush()
            elif name == "br":
                # Two line breaks in a row end a paragraph (pages that write <br><br>).
                if _ends_line(self._buffer):
                    self.flush()
                else:
                    self._buffer.append("\n")
            elif name == "hr":
                self.flush()
            else:
                self._inline(child, self._buffer, self._links)

    def _lead_in(self) -> str | None:
        if self.blocks and self.blocks[-1].kind is ClauseKind.PARAGRAPH:
            return self.blocks[-1].text
        return None

    def _heading(self, node: Tag, level: int) -> None:
        out: list[str] = []
        links: list[str] = []
        self._inline(node, out, links)
        text = canon("".join(out))
        if text:
            number, _ = split_number(text)
            self.blocks.append(
                Block(
                    ClauseKind.HEADING,
                    text,
                    level=level,
                    number=number,
                    links=_dedupe(links),
                    link_texts=self._take_anchors(),
                )
            )

    def _list(self, node: Tag, lead_in: str | None, depth: int) -> None:
        ordered = node.name == "ol"
        counter = _int(node.attrs.get("start"), 1)
        for item in _items(node):
            counter = _int(item.attrs.get("value"), counter)
            out: list[str] = []
            links: list[str] = []
            nested: list[Tag] = []
            for child in item.contents:
                if not isinstance(child, Tag):
                    out.append(child)  # type: ignore[arg-type]  # a NavigableString
                elif child.name in _NESTED:
                    nested.append(child)
                else:
                    self._inline(child, out, links)
            text = canon("".join(out))
            number = f"{counter}" if ordered else None
            if text:
                if number is None:
                    number, text = split_item_number(text)
                self.blocks.append(
                    Block(
                        ClauseKind.ITEM,
                        text,
                        level=depth,
                        number=number,
                        lead_in=lead_in,
                        links=_dedupe(links),
                        link_texts=self._take_anchors(),
                    )
                )
            for sub in nested:
                if sub.name == "table":
                    self._table(sub)
                else:
                    self._list(sub, text or lead_in, depth + 1)
            counter += 1
        # Items written outside <li> (broken markup) are still text.
        for child in node.contents:
            if not isinstance(child, Tag) and child.strip():  # type: ignore[attr-defined]
                self._buffer.append(str(child))
        self.flush()

    def _table(self, node: Tag) -> None:
        rows = [tr for tr in node.find_all("tr") if tr.find_parent("table") is node]
        if _is_layout(node, rows):
            for row in rows:
                for cell in row.find_all(["td", "th"], recursive=False):
                    self.container(cell)
                    self.flush()
            return
        header: str | None = None
        for row in rows:
            cells = row.find_all(["td", "th"], recursive=False)
            texts: list[str] = []
            links: list[str] = []
            for cell in cells:
                out: list[str] = []
                self._inline(cell, out, links)
                texts.append(canon("".join(out)))
            if not any(texts):
                self._take_anchors()
                continue
            text = " | ".join(texts)
            is_header = all(c.name == "th" for c in cells) and header is None
            self.blocks.append(
                Block(
                    ClauseKind.ROW,
                    text,
                    lead_in=None if is_header else header,
                    links=_dedupe(links),
                    link_texts=self._take_anchors(),
                )
            )
            if is_header:
                header = text


def _bold_only(node: Tag) -> bool:
    """A paragraph that is one bold run, short and without a full stop: a heading."""
    bold: Tag | None = None
    for child in node.contents:
        if isinstance(child, Tag):
            if bold is not None or child.name not in ("strong", "b"):
                return False
            bold = child
        elif child.strip():  # type: ignore[attr-defined]  # a NavigableString
            return False
    return bold is not None and looks_like_title(canon(bold.get_text(" ")))


def _items(node: Tag) -> list[Tag]:
    """A list's own items."""
    return [c for c in node.contents if isinstance(c, Tag) and c.name == "li"]


def _bold_item(node: Tag) -> bool:
    """An ordered list of one item that is one short bold run: a numbered heading."""
    items = _items(node)
    return len(items) == 1 and _bold_only(items[0])


def _ends_line(buffer: list[str]) -> bool:
    """Whether the text so far ends with a line break (spaces and tabs after it aside)."""
    for piece in reversed(buffer):
        piece = piece.rstrip(" \t")
        if piece:
            return piece.endswith("\n")
    return False


_LEAD_REST = re.compile(r"^\s*[.:]?\s*")


def _bold_lead(node: Tag) -> Tag | None:
    """The bold run that opens a paragraph and names a numbered section, if any."""
    first = next(
        (c for c in node.children if not (isinstance(c, NavigableString) and not c.strip())),
        None,
    )
    if not isinstance(first, Tag) or first.name not in ("strong", "b"):
        return None
    title = canon(first.get_text(" ")).rstrip(".:")
    number, _ = split_number(title)
    if not number or "." not in number or not looks_like_title(title):
        return None
    rest = first.next_sibling
    if rest is None or (isinstance(rest, NavigableString) and not rest.strip()):
        return None  # a bold paragraph alone is handled as a heading (or text) elsewhere
    return first


def _take_bold_lead(node: Tag) -> Block:
    """The section heading out of a paragraph's bold lead; the paragraph keeps the rest."""
    lead = _bold_lead(node)
    assert lead is not None
    title = canon(lead.get_text(" ")).rstrip(".:")
    rest = lead.next_sibling
    lead.extract()
    if isinstance(rest, NavigableString):
        rest.replace_with(_LEAD_REST.sub("", str(rest)))
    number, _ = split_number(title)
    return bold_heading(title, number)


def _is_layout(table: Tag, rows: list[Tag]) -> bool:
    if table.find(["h1", "h2", "h3", "h4", "h5", "h6", "table"]) is not None:
        return True
    return any(len(cell.get_text()) > 3000 for row in rows for cell in row.find_all(["td", "th"]))


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _dedupe(links: list[str]) -> tuple[str, ...]:
    if not links:
        return ()
    return tuple(dict.fromkeys(link for link in links if link and not link.startswith("#")))
