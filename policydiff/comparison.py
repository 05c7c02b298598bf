"""Comparing two versions: snapshots in, a clause-by-clause ``Comparison`` out. Pure: no I/O."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import replace

import policydiff.languages as languages
from policydiff.align import align
from policydiff.classify import classify, find_renames
from policydiff.diff import word_ops
from policydiff.models import (
    ChangeKind,
    Clause,
    ClauseChange,
    ClauseRole,
    Comparison,
    Document,
    Snapshot,
)
from policydiff.normalize import DEFAULT_MAX_BYTES, parse
from policydiff.roles import date_of
from policydiff.segment import segment
from policydiff.semantics import PracticeReader, annotate, practice_reader

__all__ = [
    "capture_warnings",
    "clear_caches",
    "compare_documents",
    "compare_snapshots",
    "comparison_of",
    "read_document",
]

# Histories hold the same bytes many times (176 captures of Telegram's terms are 46 texts):
# the documents last read, by content digest and everything else the reading depends on.
_DOCUMENTS: OrderedDict[tuple[object, ...], Document] = OrderedDict()
_DOCUMENTS_SIZE = 32
_DOCUMENTS_LOCK = threading.Lock()


def read_document(
    snapshot: Snapshot,
    *,
    selector: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Normalize and segment one snapshot."""
    hint = snapshot.media_type
    if hint is None and snapshot.name and "." in snapshot.name:
        hint = snapshot.name.rsplit(".", 1)[-1]
    key = (snapshot.sha256, hint, snapshot.charset, selector, snapshot.url, max_bytes)
    with _DOCUMENTS_LOCK:
        known = _DOCUMENTS.get(key)
        if known is not None:
            _DOCUMENTS.move_to_end(key)
    if known is not None:
        return replace(known, captured_at=snapshot.captured_at)
    parsed, _ = parse(
        snapshot.content,
        format_hint=hint,
        charset=snapshot.charset,
        selector=selector,
        base_url=snapshot.url,
        max_bytes=max_bytes,
    )
    document = segment(parsed, url=snapshot.url, captured_at=snapshot.captured_at)
    with _DOCUMENTS_LOCK:
        _DOCUMENTS[key] = document
        while len(_DOCUMENTS) > _DOCUMENTS_SIZE:
            _DOCUMENTS.popitem(last=False)
    return document


def clear_caches() -> None:
    """Forget every memoized result (documents, blocks, sentences, frames): for benchmarks
    that time work from the bytes."""
    from policydiff.normalize.markdown import inline_parts
    from policydiff.normalize.text import cached_canon, fold
    from policydiff.segment import clear_caches as clear_segments
    from policydiff.semantics import frame_of
    from policydiff.semantics.frames import clear_caches as clear_frames
    from policydiff.sentences import split_sentences

    with _DOCUMENTS_LOCK:
        _DOCUMENTS.clear()
    clear_frames()
    clear_segments()
    for cached in (inline_parts, fold, cached_canon, frame_of, split_sentences):
        cached.cache_clear()


def compare_snapshots(
    old: Snapshot,
    new: Snapshot,
    *,
    selector: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    semantics: bool = True,
) -> Comparison:
    old_doc = read_document(old, selector=selector, max_bytes=max_bytes)
    new_doc = read_document(new, selector=selector, max_bytes=max_bytes)
    changes = compare_documents(old_doc, new_doc, semantics=semantics)
    return comparison_of(old, new, old_doc, new_doc, changes)


def comparison_of(
    old: Snapshot,
    new: Snapshot,
    old_document: Document,
    new_document: Document,
    changes: tuple[ClauseChange, ...],
) -> Comparison:
    """The comparison of two read versions, with the warnings their capture calls for."""
    warnings = capture_warnings(old_document, new_document, changes)
    return Comparison(old, new, old_document, new_document, changes, warnings)


# A capture cut short: at least this many of the old version's last clauses, and this share
# of all of them, gone with nothing in their place.
CUT_CLAUSES = 5
CUT_SHARE = 0.15
# A clause of at least this many words is prose (a menu's or a footer's items are shorter).
PROSE_WORDS = 8
# Another page: the versions share less than this share of the longer one's clauses, and
# their titles differ or one is this many times as long as the other.
SHARED_SHARE = 0.25
SIZE_JUMP = 3


def capture_warnings(
    old: Document, new: Document, changes: tuple[ClauseChange, ...]
) -> tuple[str, ...]:
    """Signs that a version was not captured as published, which no clause shows on its own:
    a page cut short (the old version's tail gone, nothing after it), or another page (a
    different title or size, few clauses in common). Archives do both."""
    old_count = sum(len(section.clauses) for section in old.sections)
    new_count = sum(len(section.clauses) for section in new.sections)
    if not old_count or not new_count:
        return ()
    warnings = []
    tail = 0
    if changes and changes[-1].kind is ChangeKind.REMOVED:
        kept = {c.text for c in new.clauses}
        for change in reversed(changes):
            if change.kind is not ChangeKind.REMOVED:
                break
            # Prose only: a site's menu or footer after the policy is no part of it; and a
            # copy gone loses nothing.
            tail += sum(
                c.text not in kept and len(c.text.split()) >= PROSE_WORDS for c in change.old
            )
    if tail >= CUT_CLAUSES and tail >= CUT_SHARE * old_count:
        warnings.append(
            f"the new version ends early: the last {tail} of the old version's {old_count} "
            "clauses are gone and nothing takes their place; if the page was cut short when "
            "it was captured, these removals are not changes of the policy"
        )
    longer, shorter = max(old_count, new_count), min(old_count, new_count)
    retitled = " ".join(old.title.lower().split()) != " ".join(new.title.lower().split())
    # (A page cut short shares little with the whole one, of course.)
    if not warnings and (retitled or longer >= SIZE_JUMP * shorter):
        shared = sum(len(c.new) for c in changes if c.old and c.new)
        if shared < SHARED_SHARE * longer:
            titles = f" (title {old.title!r} → {new.title!r})" if retitled else ""
            warnings.append(
                f"the versions share {shared} of {longer} clauses{titles}: they may be "
                "different pages (an archive's capture of another page) or a rewrite from "
                "scratch"
            )
    dated = [_dated(document) for document in (old, new)]
    if dated[0] and dated[1] and dated[1][0] < dated[0][0]:
        warnings.append(
            f"the new version is dated earlier than the old one ({dated[1][1]!r} after "
            f"{dated[0][1]!r}): an archive may have captured an older version again"
        )
    return tuple(warnings)


def _dated(document: Document) -> tuple[tuple[int, int, int], str] | None:
    """The date of a version's first dated "last updated" line, and the line."""
    lang = languages.language(document.language)
    for clause in document.clauses:
        if clause.role is ClauseRole.DATE_LINE:
            when = date_of(clause.text, lang)
            if when is not None:
                return when, clause.text
    return None


def compare_documents(
    old: Document, new: Document, *, semantics: bool = True
) -> tuple[ClauseChange, ...]:
    """Every clause of both documents, aligned and classified; with ``semantics``, the
    substantive changes also carry findings and a verdict."""
    old_clauses, new_clauses = old.clauses, new.clauses
    lang = languages.language(new.language)
    drafts: list[Draft] = []
    for pair in align(old_clauses, new_clauses):
        before = tuple(old_clauses[i] for i in pair.old)
        after = tuple(new_clauses[j] for j in pair.new)
        drafts.append((_kind(before, after, pair.moved), before, after, pair.score, pair.moved))
    reader = practice_reader(new.language) if semantics else None
    if reader is not None:
        drafts = _same_practice(drafts, reader)
    ops_of = {
        index: word_ops(_text(before), _text(after))
        for index, (kind, before, after, _, _) in enumerate(drafts)
        if kind is ChangeKind.MODIFIED
    }
    renames = find_renames(ops_of.values(), lang)
    copy = _Copies(old_clauses, new_clauses)
    changes = []
    for index, (kind, before, after, score, moved) in enumerate(drafts):
        ops = ops_of.get(index, ())
        substantive, reason = classify(kind, before, after, ops, renames, lang, reader)
        if substantive and (kind is ChangeKind.ADDED or kind is ChangeKind.REMOVED):
            reason = copy.of(kind, before or after)
            substantive = reason is None
        changes.append(
            ClauseChange(
                kind=kind,
                old=before,
                new=after,
                similarity=score,
                ops=ops,
                substantive=substantive,
                reason=reason,
                moved=moved,
            )
        )
    if not semantics:
        return tuple(changes)
    return annotate(tuple(changes), new.language)


Draft = tuple[ChangeKind, tuple[Clause, ...], tuple[Clause, ...], float, bool]
# How alike two clauses stating the same practice must at least be to be one clause rewritten.
SAME_PRACTICE_SIMILARITY = 0.5
# Why a clause that came or went is no change: the other version holds its words.
ALREADY_THERE, STILL_THERE = "already in the old version", "still in the new version"
# A clause of at least this many words found word for word anywhere in the other version is
# a copy of it, whatever its headings.
COPY_WORDS = 8
# More added clauses than this stating one practice: too many to pair one by one.
SAME_PRACTICE_GROUP = 50


def _same_practice(drafts: list[Draft], reader: PracticeReader) -> list[Draft]:
    """A clause removed in one place and one added in another that state the same practice
    (same category, polarity, action and data) and share many words are one clause rewritten
    and moved ("will not use … to train AI without your consent" → "does not use … to train
    AI"): what changed in it is then read, not a practice dropped and another added."""

    def single(kind: ChangeKind) -> list[int]:
        found = []
        for i, (change, before, after, _, _) in enumerate(drafts):
            side = before if kind is ChangeKind.REMOVED else after
            if change is kind and len(side) == 1 and side[0].role is ClauseRole.PRACTICE:
                found.append(i)
        return found

    removed, added = single(ChangeKind.REMOVED), single(ChangeKind.ADDED)
    if not removed or not added:
        return drafts
    from rapidfuzz.fuzz import token_set_ratio

    keys = {i: reader.practice_key(drafts[i][1][0].text, drafts[i][1][0].lead_in) for i in removed}
    keys |= {i: reader.practice_key(drafts[i][2][0].text, drafts[i][2][0].lead_in) for i in added}
    by_key: dict[Hashable, list[int]] = {}
    for j in added:
        if keys[j] is not None:
            by_key.setdefault(keys[j], []).append(j)
    candidates = []
    for i in removed:
        group = by_key.get(keys[i], []) if keys[i] is not None else []
        if len(group) > SAME_PRACTICE_GROUP:
            continue  # a document rewritten whole: no clause-to-clause reading to find
        for j in group:
            score = token_set_ratio(drafts[i][1][0].text, drafts[j][2][0].text) / 100.0
            if score >= SAME_PRACTICE_SIMILARITY:
                candidates.append((score, i, j))
    merged: dict[int, Draft] = {}
    gone: set[int] = set()
    for score, i, j in sorted(candidates, reverse=True):
        if i in gone or j in gone:
            continue
        gone |= {i, j}
        merged[j] = (ChangeKind.MODIFIED, drafts[i][1], drafts[j][2], score, True)
    return [merged.get(k, d) for k, d in enumerate(drafts) if k not in gone or k in merged]


class _Copies:
    """Clauses added or removed whose very words the other version still holds, under the
    same headings or, for a sentence of some length, anywhere: one copy of a repeated clause
    came or went (a page captured with its text twice), the policy did not change. The
    versions' clauses are looked up only once a substantive change asks."""

    def __init__(self, old: tuple[Clause, ...], new: tuple[Clause, ...]) -> None:
        self._old, self._new = old, new
        self._keys: dict[bool, tuple[set[tuple[tuple[str, ...], str]], set[str]]] = {}

    def of(self, kind: ChangeKind, side: tuple[Clause, ...]) -> str | None:
        """Why the change is no change (the other version holds its words), or None."""
        added = kind is ChangeKind.ADDED
        if added not in self._keys:
            other = self._old if added else self._new
            self._keys[added] = (
                {(c.section_path, _plain(c.text)) for c in other},
                {_plain(c.text) for c in other},
            )
        placed, texts = self._keys[added]
        if all(
            (c.section_path, _plain(c.text)) in placed
            or (len(c.text.split()) >= COPY_WORDS and _plain(c.text) in texts)
            for c in side
        ):
            return ALREADY_THERE if added else STILL_THERE
        return None


def _plain(text: str) -> str:
    """A clause's words, in lower case, one space apart: what a copy keeps."""
    return " ".join(text.lower().split())


def _text(clauses: tuple[Clause, ...]) -> str:
    return " ".join(c.text for c in clauses)


def _kind(before: tuple[Clause, ...], after: tuple[Clause, ...], moved: bool) -> ChangeKind:
    if not before:
        return ChangeKind.ADDED
    if not after:
        return ChangeKind.REMOVED
    same = (
        _text(before) == _text(after)
        and [c.number for c in before] == [c.number for c in after]
        and [c.links for c in before] == [c.links for c in after]
    )
    if same:
        return ChangeKind.MOVED if moved else ChangeKind.UNCHANGED
    return ChangeKind.MODIFIED
