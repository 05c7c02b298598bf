"""An alert as people read it in a mail client or a feed reader.

``subject`` names the top finding, not a count. ``render_mail_html`` is the HTML part of the
e-mail: mail-safe (no script, no stylesheet, no buttons: inline styles only, as mail clients
strip the rest), it holds the "What matters" sentences, the redlines of those changes, the
other substantive changes in a line each and a link to the full report.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from policydiff.models import Comparison, Snapshot
from policydiff.normalize.text import shorten
from policydiff.report.html import dates, link
from policydiff.report.redline import pieces
from policydiff.report.story import (
    LEGEND,
    Item,
    finding_label,
    finding_sentence,
    headline_title,
    story,
)

__all__ = ["render_mail_html", "subject", "what_matters"]

INK, MUTED, RULE, PAPER = "#1a1a1a", "#5f6368", "#d9d4c7", "#fffdf8"
COLOURS = {"widened": "#b3261e", "narrowed": "#0b6b3a", "mixed": "#a05a00"}
DELETED = "color:#b3261e;background:#fbe9e7;text-decoration:line-through"
INSERTED = "color:#0b6b3a;background:#e6f4ea;text-decoration:underline"
SANS = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
SHOWN_OTHERS = 10  # other substantive changes listed by name; the rest are in the full report


def subject(comparison: Comparison, name: str) -> str:
    """ "telegram-privacy: 8.3 Law Enforcement Authorities: disclosure … widened (+2 more)"."""
    told = story(comparison)
    count = comparison.summary.substantive
    if not told.matters:
        return f"{name}: {count} substantive change{'' if count == 1 else 's'}"
    top = told.matters[0]
    more = count - 1
    tail = f" (+{more} more)" if more else ""
    return f"{name}: {shorten(top.line, 140 - len(tail))}{tail}"


def what_matters(comparison: Comparison) -> list[dict[str, object]]:
    """The "What matters" entries as data, for a webhook's payload."""
    return [
        {
            "section": item.where,
            "sentence": item.sentence,
            "verdict": item.change.verdict and item.change.verdict.value,
            "category": item.change.category and item.change.category.value,
            "importance": item.importance,
            "anchor": item.anchor,
        }
        for item in story(comparison).matters
    ]


def render_mail_html(comparison: Comparison, *, report: str | None = None) -> str:
    """The e-mail's HTML part; ``report`` is where the full report is (a link when http(s))."""
    title = headline_title(comparison)
    body = "\n".join(_body(comparison, title, report))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(comparison.new_document.language, quote=True)}">\n'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>What changed in {escape(title)}</title></head>\n"
        f'<body style="margin:0;padding:16px;background:{PAPER};color:{INK};'
        f'font-family:Georgia,serif;font-size:16px;line-height:1.5">\n'
        f'<div style="max-width:640px;margin:0 auto">\n{body}\n</div>\n</body>\n</html>\n'
    )


def _body(comparison: Comparison, title: str, report: str | None) -> Iterator[str]:
    told = story(comparison)
    when = dates(comparison)
    yield f'<h1 style="font-size:22px;line-height:1.25;margin:0 0 4px">What changed in {escape(title)}</h1>'
    if when:
        yield f'<p style="{SANS};font-size:13px;color:{MUTED};margin:0 0 12px">{escape(when)}</p>'
    yield _heading("What matters")
    if not told.matters:
        yield "<p>No substantive change.</p>"
    else:
        yield '<ol style="padding-left:20px;margin:0 0 8px">'
        for item in told.matters:
            yield (
                f'<li style="margin:4px 0"><strong>{escape(item.where)}</strong>: '
                f'<span style="color:{_colour(item)}">{escape(item.sentence)}</span></li>'
            )
        yield "</ol>"
        yield f'<p style="{SANS};font-size:12px;color:{MUTED};margin:0 0 12px">{escape(LEGEND)}</p>'
    summary = comparison.summary
    yield (
        f'<p style="{SANS};font-size:13px;margin:0 0 12px">{summary.substantive} substantive '
        f"change{'' if summary.substantive == 1 else 's'} · {summary.added} added · "
        f"{summary.removed} removed · {summary.modified} modified</p>"
    )
    for item in told.matters:
        yield from _redline(item)
    if told.others:
        yield _heading(f"Other substantive changes ({len(told.others)})")
        yield f'<ul style="{SANS};font-size:14px;padding-left:20px;margin:0 0 12px">'
        for item in told.others[:SHOWN_OTHERS]:
            yield f"<li>{escape(item.where)}: {escape(shorten(item.sentence, 160))}</li>"
        if len(told.others) > SHOWN_OTHERS:
            yield f"<li>… and {len(told.others) - SHOWN_OTHERS} more in the full report</li>"
        yield "</ul>"
    if report:
        shown = link(report, "the full report")
        if shown == escape("the full report"):
            shown = f"the full report: <code>{escape(report)}</code>"
        yield f'<p style="{SANS};font-size:14px">Read {shown} (every change, side by side).</p>'
    yield (
        f'<p style="{SANS};font-size:12px;color:{MUTED};border-top:1px solid {RULE};'
        f'padding-top:8px">Before: {_source(comparison.old)}<br>'
        f"After: {_source(comparison.new)}<br>Made with policydiff.</p>"
    )


def _heading(text: str) -> str:
    return (
        f'<h2 style="{SANS};font-size:13px;letter-spacing:.08em;text-transform:uppercase;'
        f'margin:16px 0 6px">{escape(text)}</h2>'
    )


def _colour(item: Item) -> str:
    return COLOURS.get(str(item.change.verdict), INK)


def _redline(item: Item) -> Iterator[str]:
    change = item.change
    yield (
        f'<h3 style="font-size:17px;margin:16px 0 4px;border-bottom:1px solid {RULE}">'
        f"{escape(item.where)}</h3>"
    )
    yield f'<p style="font-weight:bold;color:{_colour(item)};margin:4px 0">⇒ {escape(item.sentence)}</p>'
    words = []
    for piece in pieces(change):
        if piece.sign == "-":
            words.append(f'<del style="{DELETED}">{escape(piece.text)}</del>')
        elif piece.sign == "+":
            words.append(f'<ins style="{INSERTED}">{escape(piece.text)}</ins>')
        else:
            words.append(escape(piece.text))
    yield f'<p style="margin:4px 0">{"".join(words)}</p>'
    if change.findings:
        yield f'<ul style="{SANS};font-size:14px;padding-left:20px;margin:4px 0">'
        for finding in change.findings:
            colour = COLOURS.get(finding.direction.value, MUTED)
            yield (
                f'<li><strong style="color:{colour}">{escape(finding_label(finding))}</strong>: '
                f"{escape(finding_sentence(finding, change))}</li>"
            )
        yield "</ul>"


def _source(snapshot: Snapshot) -> str:
    parts = [escape(snapshot.label)]
    if snapshot.captured_at:
        parts.append(f"captured {snapshot.captured_at:%Y-%m-%d %H:%M} UTC")
    parts.append(
        f'sha256 <span title="{escape(snapshot.sha256, quote=True)}">{escape(snapshot.sha256[:12])}…</span>'
    )
    return " · ".join(parts)
