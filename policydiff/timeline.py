"""Where a timeline's versions come from: a folder of versions, a store reference, or a URL
whose archived captures are fetched into the store first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from policydiff.archive.wayback import WaybackArchive
from policydiff.errors import NoCapture, SourceNotFound
from policydiff.models import Snapshot
from policydiff.sources import read_file
from policydiff.store import Store

__all__ = ["POLICY_SUFFIXES", "versions_of"]

POLICY_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".txt")


def versions_of(
    source: str,
    *,
    store: Store,
    archive: Callable[[], WaybackArchive] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Snapshot]:
    """The versions SOURCE names, oldest first.

    SOURCE is a folder (``snapshots/telegram.org/privacy``), a key of the store
    (``telegram.org/privacy``), or, with ``--from``/``--to``, a URL whose captures in that
    range are fetched from the archive into the store first.
    """
    folder = Path(source)
    if folder.is_dir():
        files = sorted(
            p for p in folder.iterdir() if p.suffix.lower() in POLICY_SUFFIXES and p.is_file()
        )
        snapshots = [read_file(p) for p in files]
    elif (start or end) and archive is not None:
        client = archive()
        captures = [c for c in client.captures(source, start=start, end=end) if c.new_content]
        held = store.digests(source)  # read the store once, not once per capture
        for index, capture in enumerate(captures):
            if capture.digest not in held:
                store.put(client.fetch(capture), http_status=capture.status)
                held.add(capture.digest)
            if progress:
                progress(index + 1, len(captures))
        snapshots = [s.snapshot() for s in store.captures(source)]
    else:
        snapshots = [s.snapshot() for s in store.captures(source)]
        if (
            not snapshots
            and "/" in source
            and not (store.root / source).exists()
            and Path(source).suffix
        ):
            raise SourceNotFound(source)
    snapshots = [
        s
        for s in snapshots
        if (start is None or (s.captured_at and s.captured_at >= start))
        and (end is None or (s.captured_at and s.captured_at <= end))
    ]
    if not snapshots:
        raise NoCapture(
            source, "in this folder or store" + (" in that range" if start or end else "")
        )
    return sorted(
        snapshots, key=lambda s: (s.captured_at is None, s.captured_at or datetime.min, s.label)
    )
