"""Reports: a ``Comparison`` rendered for people and programs, one module a format.

A format module has ``render(comparison, options) -> str`` (and may have ``render_pieces``, the same
text as an iterator of strings, for reports too big to hold twice); ``FORMATS`` names them, so a new
format is one module and one line. Modules are imported only when their format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

from policydiff.models import Comparison

__all__ = ["FORMATS", "Format", "Options", "pieces", "render"]


@dataclass(frozen=True, slots=True)
class Options:
    """How a report is rendered."""

    color: bool = False  # ANSI colours (text on a terminal)
    include_unchanged: bool = False  # list the clauses that did not change too


@dataclass(frozen=True, slots=True)
class Format:
    """A report format: its name, the module whose ``render`` writes it, and a line of help."""

    name: str
    module: str
    help: str


FORMATS = {
    f.name: f
    for f in (
        Format("text", "policydiff.report.text", "for a terminal"),
        Format("json", "policydiff.report.data", "for programs (schemas/comparison-1.json)"),
        Format("html", "policydiff.report.html", "a self-contained redline page"),
        Format("markdown", "policydiff.report.markdown", "for issues and mailing lists"),
    )
}


def render(comparison: Comparison, fmt: str, options: Options = Options()) -> str:
    """``comparison`` in the format named ``fmt`` (a key of ``FORMATS``)."""
    module = importlib.import_module(FORMATS[fmt].module)
    text: str = module.render(comparison, options)
    return text


def pieces(comparison: Comparison, fmt: str, options: Options = Options()) -> Iterator[str]:
    """``render``'s text in pieces, as the format writes them (else in one piece)."""
    module = importlib.import_module(FORMATS[fmt].module)
    if hasattr(module, "render_pieces"):
        yield from module.render_pieces(comparison, options)
    else:
        yield render(comparison, fmt, options)
