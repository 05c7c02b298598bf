"""Properties that hold for any pair of documents made of real clauses."""

from __future__ import annotations

from helpers import make_document, real_sentences
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.comparison import compare_documents
from policydiff.diff import word_ops
from policydiff.models import ChangeKind

SENTENCES = real_sentences()
documents = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=40, unique=True)
words = st.lists(st.sampled_from([w for s in SENTENCES[:60] for w in s.split()]), max_size=30)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(documents)
def test_a_document_against_itself_has_no_change(texts: list[str]) -> None:
    doc = make_document(texts)
    changes = compare_documents(doc, doc)
    assert all(c.kind is ChangeKind.UNCHANGED for c in changes)
    assert len(changes) == len(texts)


@FAST
@given(documents, documents)
def test_every_clause_is_accounted_for_exactly_once(old: list[str], new: list[str]) -> None:
    a, b = make_document(old), make_document(new)
    changes = compare_documents(a, b)
    assert sorted(c.ordinal for ch in changes for c in ch.old) == list(range(len(old)))
    assert sorted(c.ordinal for ch in changes for c in ch.new) == list(range(len(new)))
    for change in changes:
        assert 0.0 <= change.similarity <= 1.0
        if change.kind is ChangeKind.ADDED:
            assert not change.old and change.new
        if change.kind is ChangeKind.REMOVED:
            assert change.old and not change.new


@FAST
@given(st.lists(st.sampled_from(SENTENCES), min_size=4, max_size=30, unique=True), st.randoms())
def test_reordering_is_moves_not_edits(texts: list[str], rng) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(texts)
    rng.shuffle(shuffled)
    changes = compare_documents(make_document(texts), make_document(shuffled))
    assert {c.kind for c in changes} <= {ChangeKind.UNCHANGED, ChangeKind.MOVED}
    assert not any(c.substantive for c in changes)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_applying_the_ops_to_the_old_text_gives_the_new(
    old_words: list[str], new_words: list[str]
) -> None:
    old, new = " ".join(old_words), " ".join(new_words)
    ops = word_ops(old, new)
    assert "".join(t for s, t in ops if s != "+") == old
    assert "".join(t for s, t in ops if s != "-") == new
    assert all(s in "=-+" and t for s, t in ops)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_ops_hold_for_any_unicode(old: str, new: str) -> None:
    ops = word_ops(old, new)
    assert "".join(t for s, t in ops if s != "+") == old
    assert "".join(t for s, t in ops if s != "-") == new
