"""The Markdown report: GitHub-flavoured Markdown for issues, pull requests and mailing lists.

Word-level changes read ``~~old~~ **new**``; findings are a list; sources are linked. All
policy text is escaped, so a policy's own ``*``, ``<`` or ``[`` never becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from policydiff.models import ChangeKind, ClauseChange, Comparison, Snapshot
from policydiff.normalize.text import shorten
from policydiff.report.redline import pieces, source_facts
from policydiff.semantics import describe

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = ["escape_markdown", "render", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Markdown could read as markup."""
    return _SPECIAL.sub(r"\\\1", text)


def render_markdown(comparison: Comparison) -> str:
    return "\n".join(_lines(comparison)) + "\n"


def _lines(comparison: Comparison) -> Iterator[str]:
    title = comparison.new_document.title or comparison.old_document.title or "Policy"
    summary = comparison.summary
    yield f"## What changed in {escape_markdown(title)}"
    yield ""
    yield f"- **Before:** {_source(comparison.old)}"
    yield f"- **After:** {_source(comparison.new)}"
    yield ""
    plural = "" if summary.substantive == 1 else "s"
    yield (
        f"**{summary.substantive} substantive change{plural}** · {summary.added} added · "
        f"{summary.removed} removed · {summary.modified} modified · {summary.moved} moved · "
        f"{summary.unchanged} unchanged"
    )
    verdicts = ", ".join(f"{n} {name}" for name, n in comparison.verdicts.items() if n)
    if verdicts:
        yield ""
        yield f"**Meaning:** {verdicts}"
    for change in comparison.changes:
        if change.substantive:
            yield ""
            yield from _change(change)
    quiet = [
        c for c in comparison.changes if not c.substantive and c.kind is not ChangeKind.UNCHANGED
    ]
    if quiet:
        yield ""
        yield f"<details><summary>{len(quiet)} change(s) that are not substantive</summary>"
        yield ""
        for change in quiet:
            text = shorten(change.new_text or change.old_text, 90)
            yield (
                f"- {change.kind.value} in {escape_markdown(change.section or 'the policy')}: "
                f"{escape_markdown(text)} *({escape_markdown(change.reason or 'cosmetic')})*"
            )
        yield ""
        yield "</details>"
    if not summary.substantive:
        yield ""
        yield "No substantive change."


def _source(snapshot: Snapshot) -> str:
    facts = dict(source_facts(snapshot, ""))
    name = escape_markdown(snapshot.label)
    link = snapshot.archive_url or snapshot.url
    shown = f"[{name}](<{link}>)" if link and link.startswith(("http://", "https://")) else name
    parts = [shown]
    if "captured" in facts:
        parts.append(f"captured {facts['captured']}")
    parts.append(f"sha256 `{snapshot.sha256[:16]}…`")
    return " · ".join(parts)


def _change(change: ClauseChange) -> Iterator[str]:
    verdict = f" ({change.verdict})" if change.verdict else ""
    where = escape_markdown(change.section or "top of the document")
    yield f"### {where} — {change.kind.value}{verdict}"
    yield ""
    meaning = describe(change)
    if meaning:
        yield f"**⇒ {escape_markdown(meaning)}**"
        yield ""
    yield "".join(_piece(p.sign, p.text) for p in pieces(change))
    if change.findings:
        yield ""
        for finding in change.findings:
            yield (
                f"- **{escape_markdown(finding.label)}** ({finding.direction}): "
                f"{escape_markdown(finding.explanation)}"
            )
    if change.unchanged:
        yield ""
        same = "; ".join(f"{a}: {w}" for a, w in change.unchanged)
        yield f"*Unchanged — {escape_markdown(same)}*"


def _piece(sign: str, text: str) -> str:
    """``~~old~~`` / ``**new**`` with the spaces kept outside the markers (or they fail)."""
    if sign == "=" or not text.strip():
        return escape_markdown(text)
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()) :]
    marker = "~~" if sign == "-" else "**"
    return f"{lead}{marker}{escape_markdown(text.strip())}{marker}{tail}"


def render(comparison: Comparison, options: Options) -> str:
    """The registry's entry point (``policydiff.report.FORMATS``)."""
    return render_markdown(comparison)
