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
from policydiff.segment import segment
from policydiff.semantics import PracticeReader, annotate, practice_reader

__all__ = ["clear_caches", "compare_documents", "compare_snapshots", "read_document"]

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
    from policydiff.segment import CACHED
    from policydiff.semantics import frame_of
    from policydiff.semantics.frames import clear_caches as clear_frames
    from policydiff.sentences import split_sentences

    with _DOCUMENTS_LOCK:
        _DOCUMENTS.clear()
    clear_frames()
    for cached in (inline_parts, fold, cached_canon, *CACHED, frame_of, split_sentences):
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
    return Comparison(old, new, old_doc, new_doc, changes)


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
    changes = []
    for index, (kind, before, after, score, moved) in enumerate(drafts):
        ops = ops_of.get(index, ())
        substantive, reason = classify(kind, before, after, ops, renames, lang, reader)
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
# More added clauses than this stating one practice: too many to pair one by one.
SAME_PRACTICE_GROUP = 50


def _same_practice(drafts: list[Draft], reader: PracticeReader) -> list[Draft]:
    """A clause removed in one place and one added in another that state the same practice
    (same category, polarity, action and data) and share many words are one clause rewritten
    and moved ("will not use … to train AI without your consent" → "does not use … to train
    AI"): what changed in it is then read, not a practice dropped and another added."""
    from rapidfuzz.fuzz import token_set_ratio

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
