"""``policydiff explain``: the practice frames read from a policy, clause by clause, so a
person can see why a finding fired and where the lexicon has a gap."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from policydiff.errors import InputError
from policydiff.languages import language
from policydiff.models import ClauseRole, Document
from policydiff.semantics import frame_of
from policydiff.semantics.lexicon import FAMILIES, has_lexicon, lexicon

__all__ = ["render_explain"]


def render_explain(document: Document, section: str | None = None, width: int = 100) -> str:
    return "\n".join(_lines(document, section, width)) + "\n"


def _lines(document: Document, section: str | None, width: int) -> Iterator[str]:
    if not has_lexicon(document.language):
        name = language(document.language).name
        raise InputError(f"policydiff has no practice lexicon for {name} yet: nothing to explain")
    lex = lexicon(document.language)
    shown = 0
    for part in document.sections:
        if section and not _matches(part.number, part.heading, section):
            continue
        yield f"§ {part.heading or '(top of document)'}"
        for clause in part.clauses:
            if clause.role is not ClauseRole.PRACTICE:
                continue
            frame = frame_of(clause.text, clause.lead_in, lex)
            shown += 1
            yield textwrap.indent(textwrap.fill(clause.display_text, width - 4), "    ")
            head = [f"category {frame.category or '-'}"]
            if frame.negated:
                head.append("negated")
            modality = frame.modality
            if modality:
                head.append(f"modality {modality.name} ({modality.words})")
            if not frame.states_practice:
                head.append("states no practice")
            yield "      " + " · ".join(head)
            for family in (*FAMILIES, "qualifiers"):
                if family == "modality":
                    continue
                terms = frame.get(family)
                if terms:
                    words = ", ".join(f"{t.name}: {t.words!r}" for t in terms)
                    yield textwrap.fill(
                        f"{family}: {words}",
                        width,
                        initial_indent="      ",
                        subsequent_indent="        ",
                    )
            if frame.retention_days:
                periods = ", ".join(f"{t.words!r} ({t.rank} days)" for t in frame.retention_days)
                yield f"      retention: {periods}"
            if frame.ages:
                yield "      ages: " + ", ".join(repr(t.words) for t in frame.ages)
        yield ""
    if not shown:
        if section:
            raise InputError(f"no section {section!r} with practice clauses in this policy")
        yield "no practice clause found"


def _matches(number: str | None, heading: str, wanted: str) -> bool:
    wanted = wanted.strip().rstrip(".")
    if number and (number == wanted or number.startswith(wanted + ".")):
        return True
    return wanted.lower() in heading.lower()
