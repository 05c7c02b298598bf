"""Timeline reports: a compact table for the terminal, and an HTML page with a chart (inline
SVG: one mark per version, sized by the amount of change, coloured by verdict; a click opens
that version's redline) and the history of every clause that changed."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from html import escape

from policydiff.models import ChangeKind
from policydiff.report.html import change_html, link, page
from policydiff.report.story import OPENING
from policydiff.timeline import Event, Step, Timeline

__all__ = ["render_timeline_html", "render_timeline_text"]

COLOURS = {
    "widened": "#b3261e",
    "narrowed": "#0b6b3a",
    "mixed": "#a05a00",
    "neutral": "#5f6368",
    None: "#b9b4a7",
}


SHOWN_EVENTS = 12  # a clause with more events shows its first and last few


def _shown(events: tuple[Event, ...]) -> list[Event | int]:
    """The events to list, with the number of those left out where they were."""
    if len(events) <= SHOWN_EVENTS:
        return list(events)
    half = SHOWN_EVENTS // 2
    return [*events[:half], len(events) - 2 * half, *events[-half:]]


def _date(step_or_version_at: object) -> str:
    return f"{step_or_version_at:%Y-%m-%d}" if step_or_version_at else "(undated)"


LEGEND = (
    "Widened: less protective for you; narrowed: more protective; mixed: some of each; "
    "neutral: reworded, the same practice."
)


def _revert(step: Step) -> str:
    assert step.back_to is not None
    return f"back to the text of {_date(step.back_to.captured_at)}"


def render_timeline_text(timeline: Timeline) -> str:
    return "\n".join(_text(timeline)) + "\n"


def _text(timeline: Timeline) -> Iterator[str]:
    first, last = timeline.versions[0], timeline.versions[-1]
    yield (
        f"Timeline of {timeline.name}: {timeline.captures} captures, {len(timeline.versions)} "
        f"distinct versions, {_date(first.at)} → {_date(last.at)}"
    )
    yield ""
    yield LEGEND
    yield ""
    yield f"{'date':<10}  {'added':>5}  {'removed':>7}  {'modified':>8}  {'cosmetic':>8}  {'widened':>7}  {'narrowed':>8}  verdict"
    yield f"{_date(first.at):<10}  first version, {len(first.document.clauses)} clauses"
    for step in timeline.steps:
        v = step.comparison.verdicts
        if step.back_to is not None:
            yield f"{_date(step.comparison.new.captured_at):<10}  {_revert(step)}"
            continue
        yield (
            f"{_date(step.comparison.new.captured_at):<10}  {step.count(ChangeKind.ADDED):>5}  "
            f"{step.count(ChangeKind.REMOVED):>7}  {step.count(ChangeKind.MODIFIED):>8}  "
            f"{step.cosmetic:>8}  {v['widened']:>7}  {v['narrowed']:>8}  {step.verdict or '-'}"
            + ("  (technical re-extraction)" if step.technical else "")
        )
    technical = timeline.technical_captures()
    if technical:
        yield ""
        yield "Technical re-extractions by the archive (its filters changed, not the policy): " + (
            ", ".join(
                f"{_date(s.captured_at)}{' (same text)' if same else ''}" for s, same in technical
            )
        )
    changed = [h for h in timeline.histories if h.changed]
    if changed:
        yield ""
        yield f"Clauses that changed ({len(changed)}):"
        for history in changed:
            yield ""
            yield f"  {history.section or OPENING}"
            text = history.text if len(history.text) <= 90 else history.text[:87] + "..."
            yield f"    “{text}”"
            for event in _shown(history.events):
                if isinstance(event, int):
                    yield f"    … {event} more events …"
                    continue
                if event.kind == "present":
                    line = f"{_date(event.at)}  present in the first version"
                else:
                    line = f"{_date(event.at)}  {event.kind}"
                    if event.substantive and event.summary:
                        line += f": {event.summary}"
                    elif not event.substantive:
                        line += " (not substantive)"
                yield f"    {line}"


def render_timeline_html(timeline: Timeline) -> str:
    body = "\n".join(_html(timeline))
    return page(f"Timeline of {timeline.name}", body, style=_STYLE)


def _html(timeline: Timeline) -> Iterator[str]:
    first, last = timeline.versions[0], timeline.versions[-1]
    title = first.document.title or timeline.name
    yield '<header><div class="kicker">policydiff timeline</div>'
    yield f"<h1>The life of {escape(title)}</h1>"
    yield (
        f'<p class="counts">{escape(timeline.name)}: {timeline.captures} captures, '
        f"{len(timeline.versions)} distinct versions, {_date(first.at)} → {_date(last.at)}</p>"
    )
    yield "</header>"
    yield (
        '<p class="legend"><span class="dot widened"></span> widened: less protective for you '
        '<span class="dot narrowed"></span> narrowed: more protective '
        '<span class="dot mixed"></span> mixed: some of each '
        '<span class="dot neutral"></span> reworded or cosmetic only (or back to an earlier '
        "text) · a bigger mark, more changed clauses</p>"
    )
    yield from _chart(timeline)
    yield '<section class="summary">'
    yield (
        '<table class="steps"><thead><tr><th>date</th><th>verdict</th><th>widened</th>'
        "<th>narrowed</th><th>added</th><th>removed</th><th>modified</th><th>cosmetic</th>"
        "</tr></thead><tbody>"
    )
    for step in timeline.steps:
        verdict = step.verdict or "—"
        date = _date(step.comparison.new.captured_at)
        if step.back_to is not None:
            yield (
                f'<tr class="revert"><td>{date}</td><td colspan="7" class="quiet">'
                f"{escape(_revert(step))}</td></tr>"
            )
            continue
        target = f'<a href="#v{step.index}">{date}</a>' if step.substantive else date
        v = step.comparison.verdicts
        yield (
            f'<tr><td>{target}</td><td><span class="v {escape(verdict)}">{escape(verdict)}</span>'
            + (' <small class="quiet">technical re-extraction</small>' if step.technical else "")
            + "</td>"
            + "".join(
                f'<td data-label="{name}">{count}</td>'
                for name, count in (
                    ("widened", v["widened"]),
                    ("narrowed", v["narrowed"]),
                    ("added", step.count(ChangeKind.ADDED)),
                    ("removed", step.count(ChangeKind.REMOVED)),
                    ("modified", step.count(ChangeKind.MODIFIED)),
                    ("cosmetic", step.cosmetic),
                )
            )
            + "</tr>"
        )
    yield "</tbody></table></section>"
    changed = [h for h in timeline.histories if h.changed]
    yield f"<h2>Clauses that changed ({len(changed)})</h2>"
    for history in changed:
        yield '<div class="history">'
        yield f'<div class="label">{escape(history.section or OPENING)}</div>'
        yield f'<p>{escape(history.text)}</p><ol class="events">'
        for event in _shown(history.events):
            if isinstance(event, int):
                yield f'<li class="quiet">… {event} more events …</li>'
                continue
            what = event.kind if event.kind != "present" else "present in the first version"
            detail = (
                f": {event.summary}"
                if event.substantive and event.summary
                else ("" if event.substantive or event.kind == "present" else " (not substantive)")
            )
            anchor = (
                f'<a href="#v{event.step}">{_date(event.at)}</a>'
                if event.step >= 0
                else _date(event.at)
            )
            yield (
                f'<li class="{escape(event.verdict or "")}">{anchor} {escape(what)}'
                f"{escape(detail)}</li>"
            )
        yield "</ol></div>"
    yield "<h2>Every version's changes</h2>"
    shown: dict[int, Step] = {}  # the same pair of texts, compared once, is shown once
    for step in timeline.steps:
        if not step.substantive:
            continue
        old, new = step.comparison.old, step.comparison.new
        yield f'<section class="version" id="v{step.index}">'
        if step.back_to is not None:
            yield (
                f"<h3>{_date(new.captured_at)} <small>compared with {_date(old.captured_at)}</small>"
                f'</h3><p class="quiet">{escape(_revert(step))}.</p></section>'
            )
            continue
        earlier = shown.get(id(step.comparison.changes))
        if earlier is not None:
            when = _date(earlier.comparison.new.captured_at)
            yield (
                f"<h3>{_date(new.captured_at)} <small>compared with {_date(old.captured_at)}</small></h3>"
                f'<p class="quiet">The same changes as on <a href="#v{earlier.index}">{when}</a>: '
                "the page went back and forth between the same two texts.</p></section>"
            )
            continue
        shown[id(step.comparison.changes)] = step
        yield (
            f"<h3>{_date(new.captured_at)} <small>compared with {_date(old.captured_at)} · "
            f"{link(new.archive_url, 'archived capture') if new.archive_url else escape(new.label)}"
            f" · sha256 <code>{escape(new.sha256[:16])}…</code></small></h3>"
        )
        for number, change in enumerate(step.comparison.changes):
            if change.substantive:
                yield change_html(f"v{step.index}-c{number}", change)
        yield "</section>"
    yield (
        "<footer>Made with policydiff. Each mark is a version; its size grows with the number of "
        "changed clauses, its colour is the direction of the change (red widened, green narrowed, "
        "orange mixed, grey neutral or cosmetic only).</footer>"
    )


_STYLE = """
svg.chart { width: 100%; height: auto; border-top: 2px solid var(--ink); border-bottom: 1px solid var(--rule); }
svg.chart a:focus circle, svg.chart a:hover circle { stroke: var(--ink); stroke-width: 2; }
table.steps { border-collapse: collapse; width: 100%; font: .85rem system-ui, sans-serif; }
table.steps th, table.steps td { text-align: right; padding: .2rem .5rem; border-bottom: 1px solid var(--rule); }
table.steps th:nth-child(-n+2), table.steps td:nth-child(-n+2) { text-align: left; }
table.steps tr.revert td { color: var(--muted); font-style: italic; }
.legend { font: .8rem/1.6 system-ui, sans-serif; color: var(--muted); }
.dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; vertical-align: -.05rem; }
.dot.widened { background: #b3261e; } .dot.narrowed { background: #0b6b3a; }
.dot.mixed { background: #a05a00; } .dot.neutral { background: #5f6368; }
@media (max-width: 40rem) {
  /* On a phone each version is a short block: date and verdict first, the counts after. */
  table.steps thead { display: none; }
  table.steps tr { display: block; border-bottom: 1px solid var(--rule); padding: .2rem 0; }
  table.steps td { display: inline-block; border: none; padding: 0 .4rem 0 0; text-align: left; }
  table.steps td[data-label] { font-size: .75rem; color: var(--muted); }
  table.steps td[data-label]::before { content: attr(data-label) " "; }
  table.steps td:nth-child(2) { min-width: 5.5rem; } }
.v { font-weight: 600; } .v.widened { color: var(--widened); } .v.narrowed { color: var(--narrowed); }
.v.mixed { color: var(--mixed); }
.history { margin: 1rem 0; } .history p { margin: .2rem 0; }
ol.events { font: .85rem/1.5 system-ui, sans-serif; margin: .2rem 0; }
ol.events .widened { color: var(--widened); } ol.events .narrowed { color: var(--narrowed); }
section.version { border-top: 1px solid var(--rule); margin-top: 1.5rem; }
section.version h3 small { font: .75rem system-ui, sans-serif; color: var(--muted); }
"""


def _chart(timeline: Timeline) -> Iterator[str]:
    """One circle per version along a time axis; area grows with the change."""
    moments = [v.at for v in timeline.versions if v.at]
    if len(moments) < 2:
        return
    start, end = min(moments), max(moments)
    span = (end - start).total_seconds() or 1.0
    width, height, pad = 900, 220, 30
    lanes = (0, -30, 30, -60, 60)  # marks too close to their neighbour move to another lane
    ends: dict[int, float] = {}
    steps_by_new = {id(s.comparison.new): s for s in timeline.steps}

    def x(moment: datetime) -> float:
        return float(pad + (width - 2 * pad) * ((moment - start).total_seconds() / span))

    yield (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Versions of {escape(timeline.name, quote=True)} over time">'
    )
    yield f'<line x1="{pad}" y1="{height // 2}" x2="{width - pad}" y2="{height // 2}" stroke="#999"/>'
    for year in range(start.year + 1, end.year + 1):
        moment = start.replace(year=year, month=1, day=1, hour=0, minute=0, second=0)
        yield (
            f'<line x1="{x(moment):.1f}" y1="{height // 2 - 40}" x2="{x(moment):.1f}" '
            f'y2="{height // 2 + 40}" stroke="#ddd"/><text x="{x(moment):.1f}" y="{height - 8}" '
            f'font-size="12" text-anchor="middle" fill="#5f6368">{year}</text>'
        )
    for version in timeline.versions:
        if not version.at:
            continue
        step: Step | None = steps_by_new.get(id(version.snapshot))
        revert = step is not None and step.back_to is not None
        amount = step.substantive + step.cosmetic / 4 if step and not revert else 0
        radius = min(4 + 4 * math.sqrt(amount), 22)
        colour = (
            COLOURS[None] if revert else COLOURS.get(step.verdict if step else None, COLOURS[None])
        )
        cx = x(version.at)
        lane = next((k for k in range(len(lanes)) if ends.get(k, -1e9) + 2 < cx - radius), 0)
        ends[lane] = cx + radius
        cy = height // 2 + lanes[lane]
        label = f"{_date(version.at)}: " + (
            _revert(step)
            if step and step.back_to is not None
            else f"{step.substantive} substantive, {step.cosmetic} cosmetic, {step.verdict or 'no substantive change'}"
            if step
            else f"first version, {len(version.document.clauses)} clauses"
        )
        circle = (
            f'<circle cx="{cx:.1f}" cy="{cy}" r="{radius:.1f}" '
            f'fill="{colour}" fill-opacity="0.8"><title>{escape(label)}</title></circle>'
        )
        if step and step.substantive:
            yield f'<a href="#v{step.index}" aria-label="{escape(label, quote=True)}">{circle}</a>'
        else:
            yield circle
    yield "</svg>"
