"""The HTML report: one self-contained file a watchdog group can publish.

Inline CSS and a few lines of JavaScript, no network request (a Content-Security-Policy
forbids them); every piece of policy text and every attribute is escaped, and only
http(s) links are made links. Redline by default, side by side on request, unchanged
clauses in context on request; readable printed and on a phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING

from policydiff._version import __version__
from policydiff.models import ChangeKind, ClauseChange, Comparison, Snapshot
from policydiff.normalize.numbering import split_number
from policydiff.normalize.text import printable, shorten
from policydiff.report.redline import pieces, source_facts
from policydiff.report.story import (
    LEGEND,
    OPENING,
    Story,
    change_sentence,
    finding_label,
    finding_sentence,
    headline_title,
    story,
    verdict_word,
)

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = [
    "STYLE",
    "change_html",
    "dates",
    "hash_html",
    "link",
    "matters_html",
    "page",
    "render",
    "render_html",
]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

STYLE = """
:root { --ink: #1a1a1a; --muted: #5f6368; --rule: #d9d4c7; --paper: #fffdf8;
  --del: #b3261e; --del-bg: #fbe9e7; --ins: #0b6b3a; --ins-bg: #e6f4ea;
  --widened: #b3261e; --narrowed: #0b6b3a; --mixed: #a05a00; --neutral: #5f6368; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 17px/1.6 Georgia, "Times New Roman", serif; overflow-wrap: anywhere; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
header h1 { font-size: 2rem; line-height: 1.2; margin: .2rem 0 .6rem; }
.kicker { font: 600 .8rem/1.2 system-ui, sans-serif; letter-spacing: .08em; text-transform: uppercase;
  color: var(--muted); }
.when { font: .9rem system-ui, sans-serif; color: var(--muted); margin: 0; }
.summary h2, .sources h2 { font: 600 .85rem/1.2 system-ui, sans-serif; letter-spacing: .08em;
  text-transform: uppercase; margin: 0 0 .3rem; }
.legend { font: .8rem/1.4 system-ui, sans-serif; color: var(--muted); margin: .5rem 0; }
details.more { font: .9rem/1.5 system-ui, sans-serif; margin: .5rem 0; }
details.more ul { padding-left: 1.2rem; } details.more li { margin: .2rem 0; }
.summary li span.widened { color: var(--widened); } .summary li span.narrowed { color: var(--narrowed); }
.summary li span.mixed { color: var(--mixed); }
article.cosmetic { display: none; } body.context article.cosmetic { display: block; }
.sources .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: 1rem 0;
  font: .8rem/1.4 system-ui, sans-serif; color: var(--muted); }
.sources dt.side { font-size: 1rem; }
code.hash { cursor: copy; }
.sources dl { margin: 0; border-top: 2px solid var(--ink); padding-top: .4rem; }
.sources dt { font-weight: 600; color: var(--ink); } .sources dd { margin: 0 0 .3rem; overflow-wrap: anywhere; }
.summary { border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); padding: .8rem 0; margin: 1rem 0; }
.counts { font: .9rem system-ui, sans-serif; }
.chip { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; color: #fff;
  font: 600 .75rem/1.5 system-ui, sans-serif; text-transform: uppercase; letter-spacing: .04em; }
.chip.widened { background: var(--widened); } .chip.narrowed { background: var(--narrowed); }
.chip.mixed { background: var(--mixed); } .chip.neutral { background: var(--neutral); }
.headlines { margin: .6rem 0 0; padding-left: 1.2rem; } .headlines li { margin: .3rem 0; }
nav.toc { font: .85rem/1.5 system-ui, sans-serif; margin: 1rem 0; }
nav.toc ul { columns: 2; list-style: none; padding-left: 0; margin: .3rem 0; }
.controls { position: sticky; top: 0; background: var(--paper); padding: .5rem 0; z-index: 1;
  border-bottom: 1px solid var(--rule); font: .85rem system-ui, sans-serif; }
.controls button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--ink); background: #fff;
  border-radius: .25rem; cursor: pointer; margin-right: .4rem; }
.controls button[aria-pressed="true"] { background: var(--ink); color: #fff; }
h2.section { font-size: 1.15rem; margin: 2rem 0 .4rem; border-bottom: 1px solid var(--rule); }
article.change { margin: .8rem 0 1.4rem; }
.label { font: 600 .75rem system-ui, sans-serif; text-transform: uppercase; color: var(--muted);
  letter-spacing: .06em; }
.meaning { font-weight: bold; margin: .3rem 0; }
.meaning.widened { color: var(--widened); } .meaning.narrowed { color: var(--narrowed); }
.meaning.mixed { color: var(--mixed); }
del { color: var(--del); background: var(--del-bg); text-decoration: line-through; }
ins { color: var(--ins); background: var(--ins-bg); text-decoration: underline; }
.findings { font: .88rem/1.5 system-ui, sans-serif; margin: .3rem 0; padding-left: 1.2rem; }
.findings .widened { color: var(--widened); } .findings .narrowed { color: var(--narrowed); }
.same { font: .85rem system-ui, sans-serif; color: var(--muted); }
.sbs { display: none; grid-template-columns: 1fr 1fr; gap: 1rem; }
.sbs > div { border-top: 3px solid var(--rule); padding-top: .3rem; }
.sbs .old { border-color: var(--del); } .sbs .new { border-color: var(--ins); }
body.side-by-side .redline { display: none; } body.side-by-side .sbs { display: grid; }
.unchanged { display: none; color: var(--muted); }
body.context .unchanged { display: block; }
h2.section.unchanged { color: var(--ink); }
.quiet { font: .85rem/1.5 system-ui, sans-serif; color: var(--muted); }
footer { margin-top: 3rem; font: .75rem system-ui, sans-serif; color: var(--muted); }
@media (max-width: 40rem) { .sources .pair, .sbs { grid-template-columns: 1fr; } nav.toc ul { columns: 1; }
  body { font-size: 16px; } header h1 { font-size: 1.5rem; } }
@media print { .controls { display: none; } body { background: #fff; }
  body .sbs { display: none; } body .redline { display: block; } a { color: inherit; } }
"""

SCRIPT = """
document.addEventListener("copy", (event) => {
  const node = window.getSelection().anchorNode;
  const element = node && (node.nodeType === 1 ? node : node.parentElement);
  const hash = element && element.closest("code.hash");
  if (!hash) return;
  event.clipboardData.setData("text/plain", hash.dataset.full);
  event.preventDefault();
});
for (const [id, cls] of [["toggle-sbs", "side-by-side"], ["toggle-context", "context"]]) {
  const button = document.getElementById(id);
  if (!button) continue;
  button.addEventListener("click", () => {
    const on = document.body.classList.toggle(cls);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  });
}
"""


def link(url: str | None, text: str) -> str:
    """A link only for http(s) URLs; anything else (javascript:, data:) is plain text."""
    text = printable(text)
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(printable(url), quote=True)}" rel="noreferrer">{escape(text)}</a>'
    return escape(text)


def page(title: str, body: str, *, lang: str = "en", style: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{style}</style>\n</head>\n"
        f'<body>\n<div class="wrap">\n{body}\n</div>\n<script>{SCRIPT}</script>\n</body>\n</html>\n'
    )


def render_html(comparison: Comparison) -> str:
    title = headline_title(comparison)
    body = "\n".join(_body(comparison, title))
    return page(f"What changed in {title}", body, lang=comparison.new_document.language)


def dates(comparison: Comparison) -> str:
    old, new = comparison.old.captured_at, comparison.new.captured_at
    return f"{old:%Y-%m-%d} → {new:%Y-%m-%d}" if old and new else ""


def matters_html(told: Story, href: str = "#") -> Iterator[str]:
    """The "What matters" list: one plain sentence a change, each linked to its clause."""
    if not told.matters:
        yield "<p>No substantive change.</p>"
        return
    yield '<ol class="headlines">'
    for item in told.matters:
        verdict = escape(item.change.verdict or "")
        yield (
            f'<li><a href="{escape(href, quote=True)}{item.anchor}"><strong>'
            f"{escape(item.where)}</strong></a>: "
            f'<span class="{verdict}">{escape(item.sentence)}</span></li>'
        )
    yield "</ol>"


def _body(comparison: Comparison, title: str) -> Iterator[str]:
    summary = comparison.summary
    told = story(comparison)
    items = {i.index: i for i in (*told.matters, *told.others, *told.rewordings, *told.quiet)}
    yield '<header><div class="kicker">policydiff report</div>'
    yield f"<h1>What changed in {escape(title)}</h1>"
    when = dates(comparison)
    if when:
        yield f'<p class="when">{escape(when)}</p>'
    for warning in comparison.warnings:
        yield f'<p class="warning" role="note"><strong>Warning:</strong> {escape(warning)}.</p>'
    yield "</header>"
    yield '<section class="summary" aria-label="What matters"><h2>What matters</h2>'
    yield from matters_html(told)
    if told.matters:
        yield f'<p class="legend">{escape(LEGEND)}</p>'
    plural = "" if summary.substantive == 1 else "s"
    yield (
        f'<div class="counts"><strong>{summary.substantive} substantive change{plural}</strong>'
        f" · {summary.added} added · {summary.removed} removed · {summary.modified} modified"
        f" · {summary.moved} moved · {summary.unchanged} unchanged"
    )
    chips = " ".join(
        f'<span class="chip {name}">{count} {escape(verdict_word(name))}</span>'
        for name, count in comparison.verdicts.items()
        if count
    )
    if chips:
        yield f" {chips}"
    yield "</div>"
    for heading, group, opened in (
        ("Other substantive changes", told.others, " open"),
        ("Rewordings: the same practice in other words", told.rewordings, ""),
    ):
        if group:
            yield f'<details class="more"{opened}><summary>{heading} ({len(group)})</summary><ul>'
            for item in group:
                yield (
                    f'<li><a href="#{item.anchor}">{escape(item.where)}</a>: '
                    f'<span class="{escape(item.change.verdict or "")}">'
                    f"{escape(item.sentence)}</span></li>"
                )
            yield "</ul></details>"
    yield "</section>"
    yield from _toc(comparison)
    yield (
        '<div class="controls" role="toolbar">'
        '<button id="toggle-sbs" type="button" aria-pressed="false">Side by side</button>'
        '<button id="toggle-context" type="button" aria-pressed="false">'
        "Show unchanged and cosmetic</button></div>"
    )
    yield "<main>"
    states = _changed_sections(comparison)
    current = None
    quiet: list[str] = []
    for index, change in enumerate(comparison.changes):
        section = change.section
        if section != current:
            current = section
            hidden = "" if states.get(section) == "substantive" else " unchanged"
            yield (
                f'<h2 class="section{hidden}" id="{_anchor(section)}">'
                f"{escape(_section_title(section))}</h2>"
            )
        if change.kind is ChangeKind.UNCHANGED:
            yield f'<p class="unchanged">{escape(change.new_text)}</p>'
        elif change.substantive:
            yield from _change(index, change, items[index].sentence)
        else:
            quiet.append(
                f"<li>{escape(change.kind.value)} in {escape(items[index].where)}: "
                f"{escape(shorten(change.new_text or change.old_text, 90))}"
                f" <em>({escape(change.reason or 'cosmetic')})</em></li>"
            )
            yield from _change(index, change, items[index].sentence, quiet=True)
    yield "</main>"
    if quiet:
        yield (
            f'<details class="quiet"><summary>{len(quiet)} change(s) that are not substantive'
            f"</summary><ul>{''.join(quiet)}</ul></details>"
        )
    yield '<section class="sources" aria-label="Sources"><h2>Sources</h2><div class="pair">'
    yield _side("Before", comparison.old, comparison.old_document.title)
    yield _side("After", comparison.new, comparison.new_document.title)
    yield "</div></section>"
    yield (
        f"<footer>Made with policydiff {escape(__version__)}. Deletions are struck through, "
        "insertions underlined.</footer>"
    )


def _section_title(section: str) -> str:
    if not section:
        return OPENING
    number, rest = split_number(section)
    return f"{number} {rest}" if number and rest else section


def _side(label: str, snapshot: Snapshot, title: str) -> str:
    rows = []
    for name, value in source_facts(snapshot, title):
        shown = link(value, value) if name in ("URL", "archive") else escape(value)
        if name == "sha256":
            shown = hash_html(value)
        rows.append(f"<dt>{escape(name)}</dt><dd>{shown}</dd>")
    return f'<dl><dt class="side">{escape(label)}</dt><dd></dd>{"".join(rows)}</dl>'


def hash_html(value: str) -> str:
    """A hash shortened to 12 characters; the whole on hover and when copied."""
    full = escape(value, quote=True)
    return f'<code class="hash" title="{full}" data-full="{full}">{escape(value[:12])}…</code>'


def _changed_sections(comparison: Comparison) -> dict[str, str]:
    """Every section in order, with "substantive", "cosmetic" or "" for how it changed."""
    sections: dict[str, str] = {}
    for change in comparison.changes:
        state = sections.setdefault(change.section, "")
        if change.substantive:
            sections[change.section] = "substantive"
        elif change.kind is not ChangeKind.UNCHANGED and state != "substantive":
            sections[change.section] = "cosmetic"
    return sections


def _toc(comparison: Comparison) -> Iterator[str]:
    sections = _changed_sections(comparison)
    if len(sections) < 2:
        return
    changed = [(s, state) for s, state in sections.items() if state]
    yield '<nav class="toc" aria-label="Sections"><strong>Sections that changed</strong><ul>'
    for section, state in changed:
        name = escape(_section_title(section))
        note = "" if state == "substantive" else " <em>(not substantive)</em>"
        yield f'<li><a href="#{_anchor(section)}">{name}</a>{note}</li>'
    yield "</ul><details><summary>All sections</summary><ul>"
    for section in sections:
        yield f'<li><a href="#{_anchor(section)}">{escape(_section_title(section))}</a></li>'
    yield "</ul></details></nav>"


def change_html(anchor: str, change: ClauseChange, *, quiet: bool = False) -> str:
    """One change as an <article>: redline, side by side, meaning, findings."""
    return "\n".join(_change(anchor, change, change_sentence(change), quiet=quiet))


def _change(
    index: int | str, change: ClauseChange, sentence: str, *, quiet: bool = False
) -> Iterator[str]:
    classes = ["change", change.kind.value]
    if change.substantive:
        classes.append("substantive")
    if change.verdict:
        classes.append(change.verdict)
    if quiet:
        classes.append("cosmetic")
    anchor = index if isinstance(index, str) else f"c{index}"
    yield f'<article class="{" ".join(classes)}" id="{escape(anchor, quote=True)}">'
    label = change.kind.value + (f" · {change.relation}" if change.relation else "")
    if quiet:
        label += f" · not substantive ({change.reason or 'cosmetic'})"
    yield f'<div class="label">{escape(label)}</div>'
    if change.substantive:
        yield f'<p class="meaning {escape(change.verdict or "")}">⇒ {escape(sentence)}</p>'
    redline = "".join(_piece(p.sign, p.text) for p in pieces(change))
    yield f'<p class="redline">{redline}</p>'
    old = "".join(_piece(p.sign, p.text) for p in pieces(change) if p.sign != "+")
    new = "".join(_piece(p.sign, p.text) for p in pieces(change) if p.sign != "-")
    yield (
        f'<div class="sbs"><div class="old"><div class="label">before</div>{old or "—"}</div>'
        f'<div class="new"><div class="label">after</div>{new or "—"}</div></div>'
    )
    if change.findings:
        yield '<ul class="findings">'
        for finding in change.findings:
            yield (
                f'<li class="{escape(finding.direction)}"><strong>'
                f"{escape(finding_label(finding))}</strong>: "
                f"{escape(finding_sentence(finding, change))}</li>"
            )
        yield "</ul>"
    if change.unchanged:
        same = "; ".join(f"{a}: {w}" for a, w in change.unchanged)
        yield f'<p class="same">Unchanged — {escape(same)}</p>'
    yield "</article>"


def _piece(sign: str, text: str) -> str:
    if sign == "-":
        return f"<del>{escape(text)}</del>"
    if sign == "+":
        return f"<ins>{escape(text)}</ins>"
    return escape(text)


def _anchor(section: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in section.lower()).strip("-")
    return "s-" + (slug[:60] or "top")


def render(comparison: Comparison, options: Options) -> str:
    """The registry's entry point (``policydiff.report.FORMATS``)."""
    return render_html(comparison)
