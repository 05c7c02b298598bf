"""The page around a policy: what is chrome, where the policy is, what the page is called.

``Survey`` learns all of it in one walk over bs4's tree, right after the parse and before
anything is taken out; ``remove`` then takes the chrome out in one pass per parent.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import (
    CData,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)

from policydiff.errors import NestingTooDeep
from policydiff.normalize.text import canon

__all__ = ["MAX_DEPTH", "Survey", "remove"]

MAX_DEPTH = 512

_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "iframe",
        "svg",
        "canvas",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "form",
        "object",
        "embed",
        "video",
        "audio",
        "map",
        "link",
        "meta",
        "img",
        "picture",
        "dialog",
    }
)

_BANNER = re.compile(
    r"(?:^|[-_\s])(?:cookie|cookies|consent|gdpr|onetrust|cookiebanner|cc-window|"
    r"cookie-banner|cookie-notice|ot-sdk)(?:$|[-_\s])",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASSES = {"hidden", "d-none", "hide", "is-hidden", "visually-hidden", "sr-only"}

_ARCHIVE_CHROME_IDS = frozenset(
    {
        "wm-ipp-base",
        "wm-ipp",
        "wm-ipp-print",
        "donato",
        "_wb_frame_top_banner",
        "wb_frame_top_banner",
        "_wb_plain_banner",
        "playback-banner",
    }
)

_NOT_TEXT = (Comment, Doctype, Declaration, ProcessingInstruction, CData)
_LANDMARKS = frozenset({"main", "article"})
_NOTED = frozenset({"h1", "title", "base"})
# The attributes that can make an element chrome (most elements have none of them).
_CHROME_MARKS = frozenset({"id", "class", "role", "style", "hidden", "aria-hidden"})


class Survey:
    """Everything learnt from the parsed page in one walk over it, before anything goes.

    The walk refuses nesting deeper than ``MAX_DEPTH``; finds the page's title elements and
    its ``<base href>``; judges what is not the page's text (the chrome: scripts, navigation,
    hidden elements, banners, the archive's toolbar; nothing inside an element that goes is
    judged, it goes with it) and the links that remain; and measures, for every element that
    stays, the text it holds, to find the policy in it (``main_content``). Elements are
    numbered in document order, so an element's descendants are the numbers from its own up
    to ``end``: the measures add up from the last element to the first, with no second walk.
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        self.doomed: list[PageElement] = []
        self.anchors: list[Tag] = []  # links that stay
        self.base: str | None = None
        self._h1: Tag | None = None
        self._title: Tag | None = None
        self._body = -1  # the first <body> that stays
        # Per element that stays, by its number: the element, its parent's number, its
        # text outside links (link text counts a quarter) and all its text.
        self._tags: list[Tag] = [soup]
        self._parents: list[int] = [-1]
        self._prose: list[int] = []
        self._size: list[int] = []
        self._landmarks: list[int] = []  # <main>, <article>, role=main
        self._walk(soup)
        self._end = self._add_up()

    def _walk(self, soup: BeautifulSoup) -> None:
        doomed, anchors, tags, parents = self.doomed, self.anchors, self._tags, self._parents
        prose, size = self._prose, self._size
        # (element, its parent's number or -1 inside the chrome, depth, inside a link)
        stack: list[tuple[Tag, int, int, bool]] = []
        node: Tag = soup
        entry, depth, in_link = 0, 0, False
        while True:
            own_prose = own_size = 0
            for child in reversed(node.contents):
                if isinstance(child, Tag):
                    stack.append((child, entry, depth + 1, in_link))
                elif entry >= 0 and isinstance(child, NavigableString):
                    if type(child) is not NavigableString and isinstance(child, _NOT_TEXT):
                        doomed.append(child)
                    else:
                        length = len(child.strip())
                        own_size += length
                        own_prose += length // 4 if in_link else length
            if entry >= 0:
                prose.append(own_prose)
                size.append(own_size)
            if not stack:
                return
            node, parent, depth, in_link = stack.pop()
            if depth > MAX_DEPTH:
                raise NestingTooDeep(MAX_DEPTH)
            name = node.name
            attrs = node.attrs
            if name in _NOTED:
                self._note(node, name, attrs)
            if parent < 0:
                entry = -1
            elif name in _DROP_TAGS or (
                attrs
                and not _CHROME_MARKS.isdisjoint(attrs)
                and (
                    attrs.get("id") in _ARCHIVE_CHROME_IDS
                    or _hidden(attrs)
                    or _is_banner(node, attrs)
                )
            ):
                doomed.append(node)
                entry = -1
            else:
                entry = len(tags)
                tags.append(node)
                parents.append(parent)
                if name == "a":
                    in_link = True
                    if attrs.get("href"):
                        anchors.append(node)
                elif name == "body" and self._body < 0:
                    self._body = entry
                if name in _LANDMARKS or attrs.get("role") == "main":
                    self._landmarks.append(entry)

    def _note(self, node: Tag, name: str, attrs: dict[str, Any]) -> None:
        """The first <h1>, <title> and <base href> of the page, wherever they are."""
        if name == "h1":
            if self._h1 is None:
                self._h1 = node
        elif name == "title":
            if self._title is None:
                self._title = node
        elif self.base is None and attrs.get("href"):
            self.base = str(attrs["href"])

    def _add_up(self) -> list[int]:
        """Each element's measures with its descendants', and where its descendants end."""
        prose, size, parents = self._prose, self._size, self._parents
        end = list(range(1, len(parents) + 1))
        for entry in range(len(parents) - 1, 0, -1):
            parent = parents[entry]
            prose[parent] += prose[entry]
            size[parent] += size[entry]
            if end[entry] > end[parent]:
                end[parent] = end[entry]
        return end

    def title(self) -> str | None:
        heading = self._h1
        if heading is not None and heading.get_text(strip=True):
            return canon(heading.get_text(" "))
        if self._title is not None and self._title.string:
            return canon(str(self._title.string))  # a plain str: no hold on the tree
        return None

    def main_content(self) -> Tag | None:
        """The smallest element that holds most of the page's non-link text.

        Navigation and footers are mostly links; the policy is mostly prose. Scoring
        every element by the prose it contains and taking the smallest one that holds
        85 % of the page's prose picks ``#dev_page_content`` on telegram.org, ``<main>``
        or ``<article>`` on most sites, and ``<body>`` when the page is all policy.
        """
        prose, size, end, tags = self._prose, self._size, self._end, self._tags
        root = max(self._body, 0)  # the whole page when it has no body
        total = prose[root]
        if total == 0:
            return None
        for landmark in self._landmarks:
            if root < landmark < end[root] and prose[landmark] >= 0.6 * total:
                root, total = landmark, prose[landmark]
                break
        # The elements holding 85 % are one inside the other: the smallest, and of two
        # the same size the inner one (the last in document order).
        best, best_size = root, size[root]
        for entry in range(end[root] - 1, root, -1):
            if (
                prose[entry] >= 0.85 * total
                and size[entry] < best_size
                and tags[entry].name not in _TEXT_BLOCKS
            ):
                best, best_size = entry, size[entry]
        return tags[best]


def remove(doomed: list[PageElement]) -> None:
    """Take the nodes out of the tree. bs4's ``extract`` looks for a node's place among its
    siblings each time, so thousands of comments or scripts side by side (a hostile page)
    cost quadratic time: find every place in one pass per parent, remove from the end."""
    by_parent: dict[int, tuple[Tag, list[PageElement]]] = {}
    for node in doomed:
        parent = node.parent
        if parent is None:
            continue
        by_parent.setdefault(id(parent), (parent, []))[1].append(node)
    for parent, nodes in by_parent.values():
        wanted = {id(node) for node in nodes}
        places = [i for i, child in enumerate(parent.contents) if id(child) in wanted]
        for index in reversed(places):
            parent.contents[index].extract(_self_index=index)


def _hidden(attrs: dict[str, Any]) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(str(style)):
        return True
    classes = attrs.get("class")
    if not classes:
        return False
    return any(str(c) in _HIDDEN_CLASSES for c in classes)


def _is_banner(tag: Tag, attrs: dict[str, Any]) -> bool:
    if tag.name in ("html", "body", "main", "article"):
        return False
    marks = " ".join(
        [str(attrs.get("id") or ""), *(attrs.get("class") or []), str(attrs.get("role") or "")]
    )
    if not marks.strip() or not _BANNER.search(marks):
        return False
    # A cookie *policy* is content; a banner is short.
    return len(tag.get_text(" ", strip=True)) < 2500


# A paragraph, item or inline run is never "the policy", however much of the page's prose
# it holds: one huge paragraph would otherwise hide every other clause.
_TEXT_BLOCKS = frozenset(
    {
        *("p", "span", "li", "td", "th", "dd", "dt", "a", "b", "strong", "em", "i", "u"),
        *("font", "blockquote", "pre", "code", "small", "label", "q", "cite", "mark"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "summary", "figcaption", "caption"),
    }
)
