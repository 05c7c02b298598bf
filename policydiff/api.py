"""The library's front door: ``policydiff.compare(old, new)``."""

from __future__ import annotations

import os

from policydiff.comparison import compare_snapshots
from policydiff.models import Comparison, Snapshot
from policydiff.normalize import DEFAULT_MAX_BYTES
from policydiff.sources import to_snapshot

__all__ = ["compare"]

Source = Snapshot | bytes | str | os.PathLike[str]


def compare(
    old: Source,
    new: Source,
    *,
    selector: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Comparison:
    """Compare two versions of a policy, clause by clause.

    Each side is a path, bytes, the policy's text, or a :class:`Snapshot`. HTML,
    Markdown and plain text are told apart by extension, else by content.
    ``selector`` (CSS) picks the policy's element in an HTML page.

    Raises :class:`policydiff.errors.PolicydiffError` (a subclass) when a side cannot be read.
    """
    return compare_snapshots(
        to_snapshot(old), to_snapshot(new), selector=selector, max_bytes=max_bytes
    )
