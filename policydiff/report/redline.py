"""Shared pieces of the reports: the words of a change, the sources, plain labels."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from policydiff.models import ChangeKind, ClauseChange, Comparison, Snapshot

__all__ = ["Piece", "pieces", "source_facts", "verdict_phrase"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of words: kept (``=``), deleted (``-``) or inserted (``+``)."""

    sign: str
    text: str


def pieces(change: ClauseChange) -> tuple[Piece, ...]:
    """The words of a change as runs, whatever its kind."""
    if change.kind is ChangeKind.MODIFIED and change.ops:
        return tuple(Piece(sign, text) for sign, text in change.ops)
    if change.kind is ChangeKind.ADDED:
        return (Piece("+", change.new_text),)
    if change.kind is ChangeKind.REMOVED:
        return (Piece("-", change.old_text),)
    return (Piece("=", change.new_text or change.old_text),)


def source_facts(snapshot: Snapshot, title: str) -> Iterator[tuple[str, str]]:
    """(label, value) facts about one side, in the order people read them."""
    yield "document", title or "(untitled)"
    yield "file", snapshot.label
    if snapshot.url:
        yield "URL", snapshot.url
    if snapshot.captured_at:
        yield "captured", snapshot.captured_at.strftime("%Y-%m-%d %H:%M UTC")
    if snapshot.archive_url:
        yield "archive", snapshot.archive_url
    yield "sha256", snapshot.sha256


def verdict_phrase(comparison: Comparison) -> str:
    verdicts = comparison.verdicts
    parts = [f"{count} {name}" for name, count in verdicts.items() if count]
    return ", ".join(parts) if parts else "no substantive change"
