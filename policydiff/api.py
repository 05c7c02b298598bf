"""The library's front door: ``policydiff.compare(old, new)`` and the other entry points.

Paths and text are kept apart: ``compare`` takes paths (``str`` or ``Path``), bytes or
snapshots, and a path that does not exist is an error; ``compare_text`` takes the texts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from policydiff.comparison import compare_snapshots, read_document
from policydiff.models import Comparison, Snapshot
from policydiff.normalize import DEFAULT_MAX_BYTES
from policydiff.report import Options, render
from policydiff.sources import to_snapshot

if TYPE_CHECKING:  # the network and the disk are imported when asked for
    from policydiff.store import Store
    from policydiff.timeline import Timeline
    from policydiff.versions import Record

__all__ = [
    "Result",
    "compare",
    "compare_text",
    "explain",
    "fetch",
    "history",
    "iter_history",
    "timeline_of",
]

Source = Snapshot | bytes | str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Result(Comparison):
    """A comparison, with its reports one method away (``result.to_html()``)."""

    def render(self, fmt: str = "text", *, color: bool = False, unchanged: bool = False) -> str:
        """The report in the format ``fmt`` (a key of ``policydiff.report.FORMATS``)."""
        return render(self, fmt, Options(color=color, include_unchanged=unchanged))

    def to_text(self, *, color: bool = False) -> str:
        return self.render("text", color=color)

    def to_html(self) -> str:
        return self.render("html")

    def to_markdown(self) -> str:
        return self.render("markdown")

    def to_json(self) -> str:
        return self.render("json")


def _result(comparison: Comparison) -> Result:
    c = comparison
    return Result(c.old, c.new, c.old_document, c.new_document, c.changes, c.warnings)


def compare(
    old: Source,
    new: Source,
    *,
    selector: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Result:
    """Compare two versions of a policy, clause by clause.

    Each side is a path (``str`` or ``Path``: a missing file is an error, never taken for
    text), bytes, or a :class:`Snapshot`; for text, use :func:`compare_text`. HTML, Markdown
    and plain text are told apart by extension, else by content. ``selector`` (CSS) picks
    the policy's element in an HTML page.

    Raises :class:`policydiff.errors.PolicydiffError` (a subclass) when a side cannot be read.
    """
    return _result(
        compare_snapshots(
            to_snapshot(old), to_snapshot(new), selector=selector, max_bytes=max_bytes
        )
    )


def compare_text(
    old: str, new: str, *, media_type: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Result:
    """Compare two versions given as text (HTML, Markdown or plain text, told apart by
    content unless ``media_type`` says: ``text/html``, ``text/markdown``, ``text/plain``)."""
    return _result(
        compare_snapshots(
            Snapshot(old.encode("utf-8"), media_type=media_type, source="text", name="old"),
            Snapshot(new.encode("utf-8"), media_type=media_type, source="text", name="new"),
            max_bytes=max_bytes,
        )
    )


def explain(source: Source, *, section: str | None = None, selector: str | None = None) -> str:
    """The practice frames policydiff reads in a policy, clause by clause (as ``policydiff
    explain`` prints them); ``section`` keeps one section and its subsections (``8.3``)."""
    from policydiff.report.explain import render_explain

    return render_explain(read_document(to_snapshot(source), selector=selector), section)


def _store(store: Store | str | os.PathLike[str] | None) -> Store:
    from policydiff.store import Store, default_root

    if isinstance(store, Store):
        return store
    return Store(os.fspath(store) if store is not None else default_root())


def history(
    source: str | os.PathLike[str],
    path: str | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    store: Store | str | os.PathLike[str] | None = None,
) -> list[Record]:
    """The recorded versions of a document, oldest first, each a ``Record`` (its snapshot,
    date, commit, message and whether it is a technical re-extraction). SOURCE is a folder
    of versions (dated by sidecar, Open Terms Archive's manifest.json or the file names), a
    git work tree or bare repository with ``path`` (one version per commit touching it), or
    a key of the store (``telegram.org/privacy``)."""
    from policydiff import versions

    return versions.history(source, path, start=start, end=end, store=_store(store))


def iter_history(
    source: str | os.PathLike[str],
    path: str | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    chunk: int = 32,
) -> Iterator[Record]:
    """The versions of a folder (or, with ``path``, of a git repository) one at a time, oldest
    first: the dates are listed first, the contents read ``chunk`` at a time, so a long
    history never sits in memory whole."""
    from policydiff.versions import folder_versions, git_versions, read_versions

    listing = git_versions(source, path) if path is not None else folder_versions(source)
    listing = [
        v
        for v in listing
        if (start is None or (v.recorded_at is not None and v.recorded_at >= start))
        and (end is None or (v.recorded_at is not None and v.recorded_at <= end))
    ]
    for first in range(0, len(listing), max(1, chunk)):
        yield from read_versions(listing[first : first + chunk])


def timeline_of(
    source: str | os.PathLike[str],
    path: str | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    selector: str | None = None,
    store: Store | str | os.PathLike[str] | None = None,
) -> Timeline:
    """The life of a policy (as ``policydiff timeline`` shows it): SOURCE is a folder of
    versions, a git repository with ``path``, or a key of the store."""
    from policydiff.timeline import build_timeline

    records = history(source, path, start=start, end=end, store=store)
    return build_timeline(
        [r.snapshot for r in records],
        name=f"{source}: {path}" if path else str(source),
        selector=selector,
        technical={r.snapshot.sha256 for r in records if r.technical},
    )


def fetch(
    url: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    store: Store | str | os.PathLike[str] | None = None,
    archive: str | None = None,
) -> list[Snapshot]:
    """Download into the store the archived captures of ``url`` it lacks (one per distinct
    content, ``start``/``end`` a range of capture times); returns the store's captures of
    ``url`` in that range, oldest first. ``archive`` is the base URL of a Wayback-compatible
    archive (default: ``POLICYDIFF_ARCHIVE``, else the Internet Archive)."""
    from policydiff.archive.wayback import IA, WaybackArchive
    from policydiff.versions import fetch_missing

    held = _store(store)
    client = WaybackArchive(archive or os.environ.get("POLICYDIFF_ARCHIVE") or IA)
    fetch_missing(url, client.captures(url, start=start, end=end), held, client)
    return [
        s.snapshot()
        for s in held.captures(url)
        if (start is None or s.captured_at >= start) and (end is None or s.captured_at <= end)
    ]
