"""Segment: blocks into sections and clauses, with the policy's own numbering kept."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache

import policydiff.languages as languages
from policydiff.models import Clause, ClauseKind, ClauseRole, Document, Section
from policydiff.normalize.blocks import Block, Parsed
from policydiff.normalize.text import fold
from policydiff.roles import (
    is_announcement,
    is_changelog_entry,
    is_date_line,
    opens_changelog,
)
from policydiff.sentences import split_sentences

__all__ = ["clause_id", "clear_caches", "segment"]

# What a block's text alone decides, remembered: the next version of a policy repeats most
# of its blocks, and its opening (which names its language) as often as not.
_date_line = lru_cache(maxsize=8192)(is_date_line)
_announcement = lru_cache(maxsize=8192)(is_announcement)
_changelog_entry = lru_cache(maxsize=1024)(is_changelog_entry)
_opens_changelog = lru_cache(maxsize=1024)(opens_changelog)
_detect = lru_cache(maxsize=64)(languages.detect)
_SAMPLE = 20_000  # what languages.detect reads


@lru_cache(maxsize=32_768)
def clause_id(section_path: tuple[str, ...], text: str) -> str:
    """Stable across runs: a hash of the section path and the folded text."""
    key = _path_key(section_path) + fold(text)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=8192)
def _path_key(section_path: tuple[str, ...]) -> str:
    """The folded headings, each followed by a separator: a section's clauses share them."""
    return "".join(fold(heading) + "\x1f" for heading in section_path)


def clear_caches() -> None:
    """Forget every memo of this module (for comparison.clear_caches)."""
    for cached in (
        clause_id,
        _path_key,
        _date_line,
        _announcement,
        _changelog_entry,
        _opens_changelog,
        _detect,
    ):
        cached.cache_clear()


def segment(
    parsed: Parsed,
    *,
    url: str | None = None,
    captured_at: datetime | None = None,
    language: str | None = None,
) -> Document:
    code = language or _detect(" ".join(b.text for b in parsed.blocks[:60])[:_SAMPLE])
    lang = languages.language(code)
    stack: list[tuple[int, str]] = []  # open headings: (level, text)
    path: tuple[str, ...] = ()  # their texts
    sections: list[Section] = []
    current_heading, current_level, current_number = "", 0, None
    clauses: list[Clause] = []
    previous: Clause | None = None
    in_changelog = False

    def close() -> None:
        if clauses:
            sections.append(Section(current_heading, current_level, current_number, tuple(clauses)))

    for ordinal, block in enumerate(parsed.blocks):
        if block.kind is ClauseKind.HEADING:
            close()
            clauses = []
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
            current_heading, current_level, current_number = block.text, block.level, block.number
            path = tuple(text for _, text in stack)
        role = _role(block, previous, lang, in_changelog)
        # A changelog runs from its heading to the next heading: a date line ("Update Notes
        # (July 19, 2024):"), a heading, or a short label line ("Terms of Service Update Notes:").
        if block.kind is ClauseKind.HEADING or role is ClauseRole.DATE_LINE:
            in_changelog = _opens_changelog(block.text)
        elif _label(block) and _opens_changelog(block.text):
            in_changelog, role = True, ClauseRole.CHANGELOG
        clause = Clause(
            id=clause_id(path, block.text),
            ordinal=ordinal,
            text=block.text,
            kind=block.kind,
            number=block.number,
            section_path=path,
            sentences=split_sentences(block.text, lang),
            lead_in=_last_sentence(block.lead_in, lang),
            links=block.links,
            role=role,
            link_texts=block.link_texts,
        )
        clauses.append(clause)
        previous = clause
    close()
    return Document(
        title=parsed.title or "",
        language=code,
        sections=tuple(sections),
        url=url,
        captured_at=captured_at,
    )


def _role(
    block: Block, previous: Clause | None, lang: languages.Language, in_changelog: bool
) -> ClauseRole:
    if block.kind is ClauseKind.HEADING:
        return ClauseRole.DATE_LINE if _date_line(block.text, lang) else ClauseRole.HEADING
    if _date_line(block.text, lang):
        return ClauseRole.DATE_LINE
    if in_changelog or _announcement(block.text, lang):
        return ClauseRole.CHANGELOG
    if previous is None:
        return ClauseRole.PRACTICE
    after_date = previous.role is ClauseRole.DATE_LINE
    if block.kind is ClauseKind.ITEM and block.lead_in and _date_line(block.lead_in, lang):
        return ClauseRole.CHANGELOG
    if (
        block.kind is ClauseKind.ITEM
        and previous.role is ClauseRole.CHANGELOG
        and previous.kind is ClauseKind.ITEM
    ):
        return ClauseRole.CHANGELOG
    if after_date and _changelog_entry(block.text, lang):
        return ClauseRole.CHANGELOG
    return ClauseRole.PRACTICE


def _label(block: Block) -> bool:
    """A short line that labels what follows ("Terms of Service Update Notes:")."""
    return block.kind is ClauseKind.PARAGRAPH and len(block.text) <= 80 and block.text.endswith(":")


def _last_sentence(text: str | None, lang: languages.Language) -> str | None:
    if not text:
        return None
    sentences = split_sentences(text, lang)
    return sentences[-1] if sentences else None
