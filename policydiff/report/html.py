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
from policydiff.normalize.text import shorten
from policydiff.report.redline import pieces, source_facts
from policydiff.semantics import describe

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = ["STYLE", "change_html", "link", "page", "render", "render_html"]

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
  font: 17px/1.6 Georgia, "Times New Roman", serif; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
header h1 { font-size: 2rem; line-height: 1.2; margin: .2rem 0 .6rem; }
.kicker { font: 600 .8rem/1.2 system-ui, sans-serif; letter-spacing: .08em; text-transform: uppercase;
  color: var(--muted); }
.sources { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: 1rem 0;
  font: .8rem/1.4 system-ui, sans-serif; color: var(--muted); }
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
@media (max-width: 40rem) { .sources, .sbs { grid-template-columns: 1fr; } nav.toc ul { columns: 1; }
  body { font-size: 16px; } header h1 { font-size: 1.5rem; } }
@media print { .controls { display: none; } body { background: #fff; }
  body .sbs { display: none; } body .redline { display: block; } a { color: inherit; } }
"""

SCRIPT = """
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
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noreferrer">{escape(text)}</a>'
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
    title = comparison.new_document.title or comparison.old_document.title or "Policy"
    body = "\n".join(_body(comparison, title))
    return page(f"What changed in {title}", body, lang=comparison.new_document.language)


def _body(comparison: Comparison, title: str) -> Iterator[str]:
    summary = comparison.summary
    yield '<header><div class="kicker">policydiff report</div>'
    yield f"<h1>What changed in {escape(title)}</h1>"
    yield '<div class="sources">'
    yield _side("Before", comparison.old, comparison.old_document.title)
    yield _side("After", comparison.new, comparison.new_document.title)
    yield "</div></header>"
    yield '<section class="summary" aria-label="Summary">'
    plural = "" if summary.substantive == 1 else "s"
    yield (
        f'<div class="counts"><strong>{summary.substantive} substantive change{plural}</strong>'
        f" · {summary.added} added · {summary.removed} removed · {summary.modified} modified"
        f" · {summary.moved} moved · {summary.unchanged} unchanged</div>"
    )
    chips = " ".join(
        f'<span class="chip {name}">{count} {name}</span>'
        for name, count in comparison.verdicts.items()
        if count
    )
    if chips:
        yield f'<div class="counts" style="margin-top:.4rem">{chips}</div>'
    headlines = [(i, c) for i, c in enumerate(comparison.changes) if c.substantive]
    if headlines:
        yield '<ol class="headlines">'
        for index, change in headlines:
            text = describe(change) or f"{change.kind.value} in {change.section or 'the policy'}"
            where = escape(change.section or "(top of document)")
            yield (
                f'<li><a href="#c{index}">{where}</a>: '
                f'<span class="{escape(change.verdict or "")}">{escape(text)}</span></li>'
            )
        yield "</ol>"
    else:
        yield "<p>No substantive change.</p>"
    yield "</section>"
    yield from _toc(comparison)
    yield (
        '<div class="controls" role="toolbar">'
        '<button id="toggle-sbs" type="button" aria-pressed="false">Side by side</button>'
        '<button id="toggle-context" type="button" aria-pressed="false">'
        "Show unchanged clauses</button></div>"
    )
    yield "<main>"
    states = _changed_sections(comparison)
    current = None
    quiet: list[str] = []
    for index, change in enumerate(comparison.changes):
        section = change.section
        if section != current:
            current = section
            hidden = "" if states.get(section) else " unchanged"
            yield (
                f'<h2 class="section{hidden}" id="{_anchor(section)}">'
                f"{escape(section or '(top of document)')}</h2>"
            )
        if change.kind is ChangeKind.UNCHANGED:
            yield f'<p class="unchanged">{escape(change.new_text)}</p>'
        elif change.substantive:
            yield from _change(index, change)
        else:
            quiet.append(
                f"<li>{escape(change.kind.value)}: {escape(shorten(change.new_text or change.old_text, 90))}"
                f" <em>({escape(change.reason or 'cosmetic')})</em></li>"
            )
            yield from _change(index, change, quiet=True)
    yield "</main>"
    if quiet:
        yield (
            f'<details class="quiet"><summary>{len(quiet)} change(s) that are not substantive'
            f"</summary><ul>{''.join(quiet)}</ul></details>"
        )
    yield (
        f"<footer>Made with policydiff {escape(__version__)}. Deletions are struck through, "
        "insertions underlined. “Widened” means less protective for the user, “narrowed” "
        "more protective.</footer>"
    )


def _side(label: str, snapshot: Snapshot, title: str) -> str:
    rows = []
    for name, value in source_facts(snapshot, title):
        shown = link(value, value) if name in ("URL", "archive") else escape(value)
        if name == "sha256":
            shown = f"<code>{escape(value)}</code>"
        rows.append(f"<dt>{escape(name)}</dt><dd>{shown}</dd>")
    return f'<dl><dt style="font-size:1rem">{escape(label)}</dt><dd></dd>{"".join(rows)}</dl>'


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
        name = escape(section or "(top of document)")
        note = "" if state == "substantive" else " <em>(not substantive)</em>"
        yield f'<li><a href="#{_anchor(section)}">{name}</a>{note}</li>'
    yield "</ul><details><summary>All sections</summary><ul>"
    for section in sections:
        yield f'<li><a href="#{_anchor(section)}">{escape(section or "(top of document)")}</a></li>'
    yield "</ul></details></nav>"


def change_html(anchor: str, change: ClauseChange, *, quiet: bool = False) -> str:
    """One change as an <article>: redline, side by side, meaning, findings."""
    return "\n".join(_change(anchor, change, quiet=quiet))


def _change(index: int | str, change: ClauseChange, *, quiet: bool = False) -> Iterator[str]:
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
    meaning = describe(change)
    if meaning:
        yield f'<p class="meaning {escape(change.verdict or "")}">⇒ {escape(meaning)}</p>'
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
                f'<li class="{escape(finding.direction)}"><strong>{escape(finding.label)}</strong>'
                f" ({escape(finding.direction)}): {escape(finding.explanation)}</li>"
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
