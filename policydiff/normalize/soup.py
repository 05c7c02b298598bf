"""bs4's tree of a page, as ``BeautifulSoup(text, "lxml")`` builds it, built with less work.

bs4 with lxml stays the parser: lxml reads the markup and calls its target back for every
start tag, end tag, text and comment; bs4's ``BeautifulSoup`` object is the target and builds
``Tag`` and ``NavigableString`` objects. Most of a parse's time is spent in that Python
bookkeeping, general enough for every parser bs4 drives (html5lib rearranges trees, the XML
builder tracks namespaces, ``SoupStrainer`` filters, each string's class looked up through
several layers). ``make_soup`` gives lxml a leaner target for the one case policydiff needs: HTML
from a ``str``, the tree bs4 would build, node for node: the same classes, attributes
(multi-valued ones split the same way), strings (whitespace-only ones collapsed the same
way), string classes (``Script``, ``Stylesheet``, ``Comment``, ``Doctype`` …) and links
between nodes. tests/test_soup.py holds the two trees equal, field by field.

Each tag's fields that depend only on its name (what bs4's ``Tag.__init__`` derives from the
tree builder) are copied from a tag bs4 made itself, once a name per parse, so they follow
bs4's version. Anything this target does not expect (a namespace; a bs4 older than 4.13,
whose attribute classes differ) falls back to bs4's own building.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from bs4.builder import ParserRejectedMarkup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import Comment, Doctype, NavigableString, Tag, nonwhitespace_re
from lxml import etree

__all__ = ["make_soup"]

# What bs4 collapses: a string of these only becomes one space (or one line break).
_SPACES = "\x20\x0a\x09\x0c\x0d"
# The fields bs4 sets on every node that link it into the tree (set here, never copied).
_LINKS = ("parent", "previous_element", "next_element", "next_sibling", "previous_sibling")
_WORDS = nonwhitespace_re.findall
# The fields a string gets beside its links (bs4 gives every new string these).
_STRING_FIELDS: dict[str, Any] = {"hidden": False}
# Per tag name: its fields, its multi-valued attributes, whether it keeps whitespace, whether
# its strings have a class of their own.
_Kind = tuple[dict[str, Any], set[str], bool, bool]


def make_soup(text: str) -> BeautifulSoup:
    """``BeautifulSoup(text, "lxml")``, the same tree."""
    builder = _LeanBuilder()
    if not _understood(builder):
        return BeautifulSoup(text, "lxml")
    try:
        return BeautifulSoup(text, builder=builder)
    except _Unexpected:
        return BeautifulSoup(text, "lxml")


def _understood(builder: LXMLTreeBuilder) -> bool:
    """Whether this bs4 builds trees the way this module knows (bs4 4.13 on: its classes
    for attribute dictionaries and multi-valued attributes); older ones build their own."""
    return hasattr(builder, "attribute_dict_class") and hasattr(
        builder, "attribute_value_list_class"
    )


class _Unexpected(Exception):
    """Something this target does not build as bs4 would: let bs4 build the whole tree."""


class _LeanBuilder(LXMLTreeBuilder):
    """bs4's lxml HTML tree builder, feeding lxml's events to ``_Target``."""

    def feed(self, markup: Any) -> None:
        assert self.soup is not None
        encoding = self.soup.original_encoding
        target = _Target(self.soup, self)
        try:
            parser = etree.HTMLParser(
                target=target, recover=True, huge_tree=self.huge_tree, encoding=encoding
            )
            parser.feed(markup)
            parser.close()
        except (UnicodeDecodeError, LookupError, etree.ParserError) as err:
            raise ParserRejectedMarkup(err) from err
        target.finish()


class _Target:
    """lxml's parser target: builds bs4's nodes and links them, as ``BeautifulSoup``'s
    ``handle_starttag``, ``handle_endtag``, ``endData`` and ``object_was_parsed`` do for a
    stream of balanced events."""

    def __init__(self, root: BeautifulSoup, builder: LXMLTreeBuilder) -> None:
        self.root = root
        self.builder = builder
        self.stack: list[Tag] = [root]  # the open elements
        self.parent: Tag = root
        self.last: Any = None  # the node made last (bs4's _most_recent_element)
        self.pending: list[str] = []  # text not yet made a string
        self.kinds: dict[str, _Kind] = {}
        lists = builder.cdata_list_attributes or {}
        self.lists = lists
        self.every_list = lists.get("*", set())
        self.value_list = builder.attribute_value_list_class
        self.attribute_dict = builder.attribute_dict_class
        self.containers = builder.string_containers
        self.container_stack: list[Tag] = []  # open elements whose strings have a class
        self.keep_spaces = builder.preserve_whitespace_tags or set()
        self.keeping = 0  # open elements that keep whitespace
        self.namespaces = builder.active_namespace_prefixes[-1]

    def _kind(self, name: str) -> _Kind:
        """What every tag of this name shares: the fields bs4 gives it (all but its
        attributes, children and links, copied from a tag bs4 makes), its multi-valued
        attributes, and whether it keeps whitespace or gives its strings a class."""
        made = Tag(self.root, self.builder, name, namespaces=self.namespaces)
        fields = {k: v for k, v in made.__dict__.items() if k not in _LINKS}
        del fields["attrs"], fields["contents"]
        lists = self.every_list | self.lists.get(name.lower(), set())
        kind = (fields, lists, name in self.keep_spaces, name in self.containers)
        self.kinds[name] = kind
        return kind

    def _string(self, kind: type[NavigableString] | None = None) -> None:
        """The pending text as one string (bs4's ``endData``), the open element's last child."""
        pending = self.pending
        text = pending[0] if len(pending) == 1 else "".join(pending)
        self.pending = []
        if not self.keeping and not text.strip(_SPACES):
            text = "\n" if "\n" in text else " "
        if kind is None:
            kind = NavigableString
            if self.container_stack:
                kind = self.containers.get(self.container_stack[-1].name, kind)
        self._attach(str.__new__(kind, text), _STRING_FIELDS)

    def _attach(self, node: Any, fields: dict[str, Any]) -> None:
        """Put a new node last in the open element, linked to its neighbours as bs4 links it."""
        parent = self.parent
        contents = parent.contents
        last = self.last
        before = contents[-1] if contents else None
        node.__dict__.update(
            fields,
            parent=parent,
            previous_element=last,
            next_element=None,
            next_sibling=None,
            previous_sibling=before,
        )
        if last is not None:
            last.next_element = node
        if before is not None:
            before.next_sibling = node
        contents.append(node)
        self.last = node

    # -- lxml's events ---------------------------------------------------------------
    def start(self, name: str, attrib: Any, nsmap: Any = None) -> None:
        if nsmap or name[0] == "{":
            raise _Unexpected(name)
        if self.pending:
            self._string()
        fields, lists, keeps_spaces, holds_strings = self.kinds.get(name) or self._kind(name)
        attrs = self.attribute_dict(attrib) if attrib else self.attribute_dict()
        for key in attrs:
            if key[0] == "{":
                raise _Unexpected(key)
            if key in lists:
                # bs4 splits "class" and the like; its dict stores the list unchanged.
                dict.__setitem__(attrs, key, self.value_list(_WORDS(attrs[key])))
        tag = Tag.__new__(Tag)
        tag.__dict__.update(attrs=attrs, contents=[])
        self._attach(tag, fields)
        if name == "meta":
            self.builder.set_up_substitutions(tag)
        self.stack.append(tag)
        self.parent = tag
        if keeps_spaces:
            self.keeping += 1
        if holds_strings:
            self.container_stack.append(tag)

    def end(self, name: str) -> None:
        if self.pending:
            self._string()
        stack = self.stack
        tag = self.parent
        if tag.name == name and len(stack) > 1:  # lxml's events come balanced: close it
            stack.pop()
            self.parent = stack[-1]
            if self.keeping and name in self.keep_spaces:
                self.keeping -= 1
            if self.container_stack and self.container_stack[-1] is tag:
                self.container_stack.pop()
            return
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].name == name:
                while len(stack) > depth:
                    self._pop()
                return

    def data(self, text: str) -> None:
        self.pending.append(text)

    def comment(self, text: str) -> None:
        self._special(text, Comment)

    def doctype(self, name: str, pubid: str, system: str) -> None:
        self._special(Doctype._string_for_name_and_ids(name, pubid, system), Doctype)

    def pi(self, target: str, data: str) -> None:
        self._special(f"{target} {data}", self.builder.processing_instruction_class)

    def close(self) -> None:
        return None

    # -- the rest ----------------------------------------------------------------------
    def _special(self, text: str, kind: type[NavigableString]) -> None:
        if self.pending:
            self._string()
        self.pending.append(text)
        self._string(kind)

    def _pop(self) -> None:
        tag = self.stack.pop()
        if tag.name in self.keep_spaces:
            self.keeping -= 1
        if self.container_stack and self.container_stack[-1] is tag:
            self.container_stack.pop()
        self.parent = self.stack[-1]

    def finish(self) -> None:
        if self.pending:
            self._string()
        while len(self.stack) > 1:
            self._pop()
        self.root._most_recent_element = self.last
