"""Aligner: identical, renumbered, fuzzy, moved, split and merged clauses."""

from __future__ import annotations

import random

import pytest
from helpers import make_document, real_sentences

from policydiff.align import align
from policydiff.comparison import compare_documents
from policydiff.errors import TooManyClauses
from policydiff.models import ChangeKind


def test_identical_documents_align_one_to_one() -> None:
    texts = list(real_sentences()[:50])
    doc = make_document(texts)
    pairs = align(doc.clauses, doc.clauses)
    assert [(p.old, p.new, p.moved) for p in pairs] == [((i,), (i,), False) for i in range(50)]


def test_edits_moves_and_removals_in_a_large_document_are_found() -> None:
    texts = list(real_sentences())
    assert len(texts) >= 250
    rng = random.Random(8_3)
    new = list(texts)
    edited = rng.sample(range(len(texts)), 12)
    for i in edited:
        words = new[i].split()
        words[len(words) // 2] = (
            "quarterly" if words[len(words) // 2] != "quarterly" else "semiannual"
        )
        new[i] = " ".join(words)
    removed = [i for i in rng.sample(range(len(texts)), 8) if i not in edited]
    moved = next(i for i in range(40, len(texts)) if i not in edited and i not in removed)
    moved_text = new[moved]
    order = [i for i in range(len(texts)) if i not in removed and i != moved]
    order.insert(3, moved)
    new_texts = [new[i] for i in order]
    changes = compare_documents(make_document(texts), make_document(new_texts))
    by_kind: dict[ChangeKind, list[str]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, []).append(change.old_text or change.new_text)
    assert sorted(by_kind[ChangeKind.MODIFIED]) == sorted(texts[i] for i in edited)
    assert sorted(by_kind[ChangeKind.REMOVED]) == sorted(texts[i] for i in removed)
    assert by_kind[ChangeKind.MOVED] == [moved_text]
    assert ChangeKind.ADDED not in by_kind
    modified = [c for c in changes if c.kind is ChangeKind.MODIFIED]
    assert all(c.substantive for c in modified)


def test_split_paragraph_is_one_change_with_two_new_parts() -> None:
    first, second, third = real_sentences()[10:13]
    old = make_document([third, f"{first} {second}"])
    new = make_document([third, first, second + " We will tell you first."])
    (change,) = [c for c in compare_documents(old, new) if c.kind is not ChangeKind.UNCHANGED]
    assert change.kind is ChangeKind.MODIFIED
    assert change.relation == "split"
    assert [c.text for c in change.new] == [first, second + " We will tell you first."]
    assert change.substantive


def test_merged_paragraphs_are_one_change_with_two_old_parts() -> None:
    first, second, third = real_sentences()[20:23]
    old = make_document([first, second, third])
    new = make_document([f"{first} {second}", third])
    changes = [c for c in compare_documents(old, new) if c.kind is not ChangeKind.UNCHANGED]
    assert len(changes) == 1
    assert changes[0].relation == "merge"
    assert [c.text for c in changes[0].old] == [first, second]
    # Joining two paragraphs changes no words: not substantive.
    assert not changes[0].substantive


def test_removed_clause_is_reported_where_it_was() -> None:
    texts = list(real_sentences()[:6])
    changes = compare_documents(make_document(texts), make_document(texts[:2] + texts[3:]))
    kinds = [c.kind for c in changes]
    assert kinds[2] is ChangeKind.REMOVED
    assert changes[2].old_text == texts[2]


def test_a_document_beyond_the_limit_is_refused_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import policydiff.align

    doc = make_document(list(real_sentences()[:12]))
    monkeypatch.setattr(policydiff.align, "MAX_CLAUSES", 10)
    with pytest.raises(TooManyClauses, match="has 12 clauses; policydiff compares documents"):
        align(doc.clauses, doc.clauses)
