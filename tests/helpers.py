"""Building documents from real clauses, for alignment tests."""

from __future__ import annotations

from functools import cache

from conftest import history

from policydiff.models import Clause, ClauseKind, Document, Section
from policydiff.segment import clause_id


@cache
def real_sentences() -> tuple[str, ...]:
    """Every distinct sentence of the bundled Telegram history, longest-lived first."""
    from policydiff.comparison import read_document
    from policydiff.sources import read_file

    seen: dict[str, None] = {}
    for path in history():
        for clause in read_document(read_file(path)).clauses:
            if clause.kind is ClauseKind.HEADING:
                continue
            for sentence in clause.sentences:
                if len(sentence.split()) >= 6:
                    seen.setdefault(sentence, None)
    return tuple(seen)


def make_document(texts: list[str], per_section: int = 10) -> Document:
    sections = []
    ordinal = 0
    for start in range(0, len(texts), per_section):
        heading = f"{start // per_section + 1}. Part {start // per_section + 1}"
        clauses = []
        for text in texts[start : start + per_section]:
            path = (heading,)
            clauses.append(
                Clause(id=clause_id(path, text), ordinal=ordinal, text=text, section_path=path)
            )
            ordinal += 1
        sections.append(Section(heading, 2, str(start // per_section + 1), tuple(clauses)))
    return Document(title="synthetic", language="en", sections=tuple(sections))
