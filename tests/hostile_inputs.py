"""Hostile inputs of issue 11, built at any size: shared by tests/test_hostile.py and
benchmarks/hostile.py. Each kind once made some stage of policydiff quadratic (or worse)."""

from __future__ import annotations

from collections.abc import Callable

GOOD = (
    "# Privacy Policy\n\n## 1. What we collect\n\nWe collect your e-mail address and phone "
    "number. We may share your IP address with authorities on a court order.\n\n"
    "## 2. Retention\n\nWe keep your data for 12 months.\n"
)


def _fill(unit: str, size: int, head: str = "# T\n\n", tail: str = "") -> str:
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _brackets(size: int) -> str:
    k = (size - 10) // 2
    return "# T\n\n" + "[" * k + "x" + "]" * k + "(u)"


def _dots(size: int) -> str:
    return _fill(".", size, head="# T\n\nWe collect data", tail=" and share it. Then more.\n")


def _abbreviations(size: int) -> str:
    return _fill("Inc. Ltd. Corp. ", size, head="# T\n\nWe share data with ")


def _numbering(size: int) -> str:
    return _fill("1.", size, head="# T\n\n") + " Our rules\n"


def _toolbar(size: int) -> str:
    unit = "<!-- BEGIN WAYBACK TOOLBAR INSERT --><p>We collect your data.</p>"
    return "<html><body>" + unit * (size // len(unit)) + "</body></html>"


def _html_nesting(size: int) -> str:
    k = size // 11
    return "<html><body>" + "<div><p>a " * k + "</p></div>" * k + "</body></html>"


def _paragraph(size: int) -> str:
    sentence = "We may share your data with our partners for advertising purposes. "
    return _fill(sentence, size, head="# Policy\n\n## One\n\n")


def _controls(size: int) -> str:
    return _fill("We collect \u202edata\u202c \x1b]0;x\x07 here. ", size)


def _items(size: int) -> str:
    return _fill("- a\n  - b\n", size)


KINDS: dict[str, Callable[[int], str]] = {
    "strong **a": lambda n: _fill("**a ", n),
    "em *a": lambda n: _fill("*a ", n),
    "em _a": lambda n: _fill("_a ", n),
    "brackets [[x]]": _brackets,
    "open links [a](": lambda n: _fill("[a](", n),
    "autolinks <http:x": lambda n: _fill("<http:x", n),
    "tags <a": lambda n: _fill("<a", n),
    "backticks `a": lambda n: _fill("`a ", n),
    "strike ~~a": lambda n: _fill("~~a ", n),
    "dots .....": _dots,
    "abbreviations": _abbreviations,
    "numbering 1.1.1": _numbering,
    "wayback toolbar, no END": _toolbar,
    "html nesting": _html_nesting,
    "one huge paragraph": _paragraph,
    "controls and bidi": _controls,
    "nested list items": _items,
    "heading with spaces": lambda n: "# T" + " " * n + "x\n\ntext\n",
    "table rule with spaces": lambda n: "| a |\n|---" + " " * n + "x\n",
    "long word, no spaces": lambda n: _fill("x", n),
    "unclosed html comment": lambda n: "<html><body><p>We collect.</p><!--" + "<p>a</p>" * (n // 8),
    "html inline nesting": lambda n: (
        "<html><body><p>" + "<b><i>a " * (n // 10) + "</p></body></html>"
    ),
    "plain text, bullets": lambda n: _fill("- (a) x.\n", n, head="POLICY\n\n"),
    "nested links [[x](u)](u)": lambda n: _fill("[", n // 2) + "x" + "](u)" * (n // 8),
}
