"""The Markdown report: GitHub-flavoured Markdown for issues, pull requests and mailing lists.

Word-level changes read ``~~old~~ **new**``; findings are a list; sources are linked. All
policy text is escaped, so a policy's own ``*``, ``<`` or ``[`` never becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

from policydiff.models import Comparison, Snapshot
from policydiff.normalize.text import printable, shorten
from policydiff.report.html import dates
from policydiff.report.redline import pieces, source_facts
from policydiff.report.story import (
    LEGEND,
    Item,
    finding_label,
    finding_sentence,
    headline_title,
    story,
    verdict_word,
)

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = ["escape_markdown", "link_destination", "render", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Markdown could read as markup."""
    return _SPECIAL.sub(r"\\\1", text)


def render_markdown(comparison: Comparison) -> str:
    return "\n".join(_lines(comparison)) + "\n"


def _lines(comparison: Comparison) -> Iterator[str]:
    title = headline_title(comparison)
    summary = comparison.summary
    told = story(comparison)
    when = dates(comparison)
    yield f"## What changed in {escape_markdown(title)}" + (f" ({when})" if when else "")
    yield ""
    for warning in comparison.warnings:
        yield f"> **Warning:** {escape_markdown(warning)}."
        yield ""
    yield "**What matters**"
    yield ""
    if not told.matters:
        yield "No substantive change."
    for number, item in enumerate(told.matters, start=1):
        yield (
            f"{number}. [{escape_markdown(item.where)}](#{item.anchor}): "
            f"{escape_markdown(item.sentence)}"
        )
    if told.matters:
        yield ""
        yield f"*{escape_markdown(LEGEND)}*"
    yield ""
    plural = "" if summary.substantive == 1 else "s"
    verdicts = ", ".join(
        f"{n} {verdict_word(name)}" for name, n in comparison.verdicts.items() if n
    )
    yield (
        f"**{summary.substantive} substantive change{plural}** · {summary.added} added · "
        f"{summary.removed} removed · {summary.modified} modified · {summary.moved} moved · "
        f"{summary.unchanged} unchanged" + (f" · {verdicts}" if verdicts else "")
    )
    for item in told.matters:
        yield ""
        yield from _change(item)
    for heading, group in (
        ("Other substantive changes", told.others),
        ("Rewordings: the same practice in other words", told.rewordings),
    ):
        if group:
            yield ""
            yield f"### {heading} ({len(group)})"
            for item in group:
                yield ""
                yield from _change(item)
    if told.quiet:
        yield ""
        yield f"<details><summary>{len(told.quiet)} change(s) that are not substantive</summary>"
        yield ""
        for item in told.quiet:
            change = item.change
            text = shorten(change.new_text or change.old_text, 90)
            yield (
                f"- {change.kind.value} in {escape_markdown(item.where)}: "
                f"{escape_markdown(text)} *({escape_markdown(change.reason or 'cosmetic')})*"
            )
        yield ""
        yield "</details>"
    yield ""
    yield "**Sources**"
    yield ""
    yield f"- **Before:** {_source(comparison.old)}"
    yield f"- **After:** {_source(comparison.new)}"


def link_destination(url: str) -> str:
    """``url`` safe inside ``[text](<…>)``: every character that could end the destination
    or open markup (``<>()"'`` `` ` `` ``\\``, spaces, controls) percent-encoded."""
    return quote(printable(url), safe=_URL_SAFE)


_URL_SAFE = ":/?#[]@!$&*+,;=%-._~"


def _source(snapshot: Snapshot) -> str:
    facts = dict(source_facts(snapshot, ""))
    name = escape_markdown(printable(snapshot.label))
    link = snapshot.archive_url or snapshot.url
    shown = (
        f"[{name}](<{link_destination(link)}>)"
        if link and link.lower().startswith(("http://", "https://"))
        else name
    )
    parts = [shown]
    if "captured" in facts:
        parts.append(f"captured {facts['captured']}")
    parts.append(f"sha256 `{snapshot.sha256[:12]}…`")
    return " · ".join(parts)


def _change(item: Item) -> Iterator[str]:
    change = item.change
    yield f'<a id="{item.anchor}"></a>'
    yield ""
    yield f"#### {escape_markdown(item.where)} — {change.kind.value}"
    yield ""
    yield f"**⇒ {escape_markdown(item.sentence)}**"
    yield ""
    yield "".join(_piece(p.sign, p.text) for p in pieces(change))
    if change.findings:
        yield ""
        for finding in change.findings:
            yield (
                f"- **{finding_label(finding)}**: "
                f"{escape_markdown(finding_sentence(finding, change))}"
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
