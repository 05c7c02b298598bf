"""The terminal report: substantive changes in full, the others in a line each.

Without colour, deletions read ``[-old-]`` and insertions ``{+new+}`` (as ``wdiff``);
with colour, deletions are red and struck through, insertions green and underlined.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policydiff.models import ChangeKind, Comparison, Snapshot
from policydiff.normalize.text import one_line
from policydiff.report.story import (
    LEGEND,
    Item,
    finding_label,
    finding_sentence,
    headline_title,
    story,
)

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = ["render", "render_text"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True, slots=True)
class _Paint:
    """ANSI colours, or none."""

    color: bool

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def heading(self, text: str) -> str:
        return self._wrap("1;33", text)

    def deleted(self, text: str) -> str:
        return self._wrap("31;9", text) if self.color else f"[-{text}-]"

    def inserted(self, text: str) -> str:
        return self._wrap("32;4", text) if self.color else f"{{+{text}+}}"


def render_text(
    comparison: Comparison,
    *,
    color: bool = False,
    include_unchanged: bool = False,
    width: int = 100,
) -> str:
    paint = _Paint(color)
    return "\n".join(_lines(comparison, paint, include_unchanged, width)) + "\n"


def _lines(
    comparison: Comparison, paint: _Paint, include_unchanged: bool, width: int
) -> Iterator[str]:
    told = story(comparison)
    summary = comparison.summary
    yield paint.bold(f"What matters in {headline_title(comparison)}{_dates(comparison)}")
    for warning in comparison.warnings:
        yield from _para(f"Warning: {warning}.", width, "  ", "    ", paint.bold)
    if not told.matters:
        yield "  No substantive change."
    for number, item in enumerate(told.matters, start=1):
        yield from _para(f"{number}. {item.line}", width, "  ", "     ", paint.bold)
    if told.matters:
        yield from _para(LEGEND, width, "", "", paint.dim)
    plural = "" if summary.substantive == 1 else "s"
    yield (
        f"{summary.substantive} substantive change{plural} · {summary.added} added · "
        f"{summary.removed} removed · {summary.modified} modified · {summary.moved} moved · "
        f"{summary.unchanged} unchanged"
    )
    if summary.substantive:
        yield _verdict_line(comparison.verdicts)
    for item in told.matters:
        yield ""
        yield from _change(item, paint, width)
    for title, items in (
        ("Other substantive changes", told.others),
        ("Rewordings", told.rewordings),
    ):
        if items:
            yield ""
            yield paint.bold(f"{title} ({len(items)})")
            for item in items:
                yield ""
                yield from _change(item, paint, width)
    if told.quiet:
        yield ""
        yield paint.dim(f"Not substantive ({len(told.quiet)}):")
        for item in told.quiet:
            change = item.change
            snippet = textwrap.shorten(change.new_text or change.old_text, 60, placeholder="...")
            where = textwrap.shorten(item.where, 40, placeholder="...")
            yield paint.dim(f"  {change.kind.value:<8} {where} · {snippet} ({change.reason})")
    if include_unchanged:
        unchanged = [c for c in comparison.changes if c.kind is ChangeKind.UNCHANGED]
        if unchanged:
            yield ""
            yield paint.dim(f"Unchanged ({len(unchanged)}):")
            for change in unchanged:
                yield paint.dim(f"  {textwrap.shorten(change.new[0].display_text, width - 2)}")
    yield ""
    yield paint.dim("Sources:")
    yield from _para(
        f"before: {_describe(comparison.old, comparison.old_document.title)}",
        width,
        "  ",
        "    ",
        paint.dim,
    )
    yield from _para(
        f"after:  {_describe(comparison.new, comparison.new_document.title)}",
        width,
        "  ",
        "    ",
        paint.dim,
    )


def _dates(comparison: Comparison) -> str:
    old, new = comparison.old.captured_at, comparison.new.captured_at
    if old and new:
        return f", {old:%Y-%m-%d} → {new:%Y-%m-%d}"
    return ""


def _para(
    text: str, width: int, first: str, rest: str, style: Callable[[str], str] = str
) -> Iterator[str]:
    lines = textwrap.wrap(
        text,
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    for line in lines:
        yield style(line)


def _verdict_line(verdicts: dict[str, int]) -> str:
    """ "1 change widens what the policy allows, 0 narrow it, …" """
    parts = []
    for key, one, many in (
        ("widened", "widens what the policy allows", "widen what the policy allows"),
        ("narrowed", "narrows it", "narrow it"),
        ("mixed", "moves both ways", "move both ways"),
        (
            "neutral",
            "rewords without changing the practice",
            "reword without changing the practice",
        ),
    ):
        count = verdicts.get(key, 0)
        if count:
            parts.append(f"{count} change{'' if count == 1 else 's'} {one if count == 1 else many}")
    return "Meaning: " + "; ".join(parts) if parts else "Meaning: none found"


def _describe(snapshot: Snapshot, title: str) -> str:
    parts = [snapshot.label, title or "(untitled)"]
    if snapshot.url and snapshot.url != snapshot.label:
        parts.append(snapshot.url)
    if snapshot.captured_at:
        parts.append(f"captured {snapshot.captured_at:%Y-%m-%d %H:%M}")
    if snapshot.archive_url:
        parts.append(snapshot.archive_url)
    parts.append(f"sha256 {snapshot.sha256[:12]}")
    return one_line(" · ".join(parts))  # a URL or name may hold what drives a terminal


def _change(item: Item, paint: _Paint, width: int) -> Iterator[str]:
    change = item.change
    notes = []
    if change.relation:
        notes.append(f"paragraph {change.relation}")
    if change.moved:
        notes.append("moved")
    if change.kind is ChangeKind.MODIFIED:
        # Floor, so an edited clause never reads "similarity 1.00".
        notes.append(f"similarity {math.floor(change.similarity * 100) / 100:.2f}")
    header = f"{item.where} · {change.kind.value}"
    yield paint.heading(header + (f"  ({', '.join(notes)})" if notes else ""))
    if change.kind is ChangeKind.MODIFIED:
        pieces: dict[str, Callable[[str], str]] = {
            "=": str,
            "-": paint.deleted,
            "+": paint.inserted,
        }
        body = "".join(pieces[sign](text) for sign, text in change.ops)
    elif change.kind is ChangeKind.ADDED:
        body = paint.inserted(change.new_text)
    elif change.kind is ChangeKind.REMOVED:
        body = paint.deleted(change.old_text)
    else:
        body = change.new_text
    yield from _wrap(body, width)
    for line in textwrap.wrap(f"⇒ {item.sentence}", width - 2, subsequent_indent="  "):
        yield paint.bold(f"  {line}")
    for finding in change.findings:
        text = f"· {finding_label(finding)}: {finding_sentence(finding, change)}"
        yield from (
            f"    {line}" for line in textwrap.wrap(text, width - 4, subsequent_indent="  ")
        )
    if change.unchanged:
        same = "; ".join(f"{aspect}: {words}" for aspect, words in change.unchanged)
        for line in textwrap.wrap(f"· unchanged: {same}", width - 4, subsequent_indent="  "):
            yield paint.dim(f"    {line}")


def _wrap(text: str, width: int) -> Iterator[str]:
    """Wrap on spaces, counting only visible characters (colour codes take no room)."""
    line, visible = "  ", 2
    for word in text.split(" "):
        length = len(_ANSI.sub("", word))
        if visible + length + 1 > width and visible > 2:
            yield line.rstrip()
            line, visible = "  ", 2
        line += word + " "
        visible += length + 1
    if line.strip():
        yield line.rstrip()


def render(comparison: Comparison, options: Options) -> str:
    """The registry's entry point (``policydiff.report.FORMATS``)."""
    return render_text(comparison, color=options.color, include_unchanged=options.include_unchanged)
