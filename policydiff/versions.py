"""Every way to get a version of a policy: a file, a folder of versions, the store, an
archive, or the live page. The one place that fetches what the store does not hold yet.

References, as the command line takes them:

- a file: ``snapshots/telegram.org/privacy/20240715181441.md``
- ``URL@DATE``: the newest capture at or before the end of DATE (``2024``, ``2024-07``,
  ``2024-07-20`` or a 14-digit timestamp)
- ``URL@latest``: the archive's newest capture
- ``live:URL``: the page as it is now

The archive's index says which capture is meant (one CDX request); its content is read
from the store when the store holds it, else fetched and kept in the store. When the
archive cannot be reached, the store's newest capture in range is used.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from policydiff.archive.http import Session
from policydiff.archive.wayback import Capture, WaybackArchive, parse_timestamp
from policydiff.errors import ArchiveError, NetworkError, NoCapture, SourceNotFound
from policydiff.models import Snapshot
from policydiff.sources import read_file
from policydiff.store import Store

__all__ = [
    "POLICY_SUFFIXES",
    "Reference",
    "fetch_missing",
    "keep",
    "live",
    "newest",
    "parse_reference",
    "period_end",
    "resolve",
    "versions_of",
]

POLICY_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".txt")


@dataclass(frozen=True, slots=True)
class Reference:
    kind: str  # "file", "date", "latest", "live"
    target: str  # a path or a URL
    moment: datetime | None = None


def period_end(text: str) -> datetime:
    """The last second of the period a date names: ``2024-07`` → 2024-07-31 23:59:59 UTC."""
    start = parse_timestamp(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 4:
        return start.replace(month=12, day=31, hour=23, minute=59, second=59)
    if len(digits) == 6:
        last = calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=last, hour=23, minute=59, second=59)
    if len(digits) == 8:
        return start + timedelta(days=1, seconds=-1)
    return start


def parse_reference(text: str) -> Reference:
    if text.startswith("live:"):
        return Reference("live", _url(text[5:]))
    if "@" in text and not Path(text).exists():
        target, _, when = text.rpartition("@")
        if when == "latest":
            return Reference("latest", _url(target))
        try:
            return Reference("date", _url(target), period_end(when))
        except ValueError:
            pass
    return Reference("file", text)


def _url(text: str) -> str:
    return text if "://" in text else "http://" + text


def resolve(
    text: str,
    *,
    store: Store,
    archive: WaybackArchive | None = None,
    session: Session | None = None,
) -> Snapshot:
    """The snapshot a command-line reference names."""
    reference = parse_reference(text)
    if reference.kind == "file":
        if not Path(reference.target).exists() and "://" in reference.target:
            raise SourceNotFound(f"{reference.target} (a URL needs @DATE, @latest or live:)")
        return read_file(reference.target)
    if reference.kind == "live":
        return live(
            reference.target, session or (archive.session if archive else Session()), name=text
        )
    archive = archive or WaybackArchive(session=session)
    moment = reference.moment if reference.kind == "date" else None
    when = f"at or before {moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "in the archive"
    try:
        captures = archive.captures(reference.target, end=moment)
    except NetworkError:
        # Offline, or the archive is down: the store's newest capture in range will do.
        stored = store.at(reference.target, moment) if moment else store.latest(reference.target)
        if stored is None:
            raise
        return stored.snapshot()
    if not captures:
        raise NoCapture(reference.target, when)
    return keep(captures[-1], store, archive)


def keep(capture: Capture, store: Store, archive: WaybackArchive) -> Snapshot:
    """The capture's content: from the store when it holds it, else fetched and stored."""
    stored = store.with_digest(capture.original, capture.digest)
    if stored is not None:
        return stored.snapshot()
    snapshot = archive.fetch(capture)
    store.put(snapshot, http_status=capture.status)
    return snapshot


def newest(url: str, archive: WaybackArchive, store: Store) -> Snapshot:
    """The archive's newest capture of ``url``, read from the store when it holds it (not
    stored here: the caller decides)."""
    captures = archive.captures(url)
    if not captures:
        raise NoCapture(url, "in the archive")
    held = store.with_digest(url, captures[-1].digest)
    return held.snapshot() if held is not None else archive.fetch(captures[-1])


def live(
    url: str,
    session: Session,
    *,
    name: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Snapshot:
    """The page as it is now."""
    page = session.get(url, kind="live")
    now = clock() if clock else datetime.now(UTC).replace(microsecond=0)
    return Snapshot(
        content=page.content,
        url=url,
        captured_at=now,
        media_type=page.media_type,
        source="live",
        name=name or url,
        charset=page.charset,
    )


def fetch_missing(
    url: str,
    captures: Iterable[Capture],
    store: Store,
    archive: WaybackArchive,
    *,
    progress: Callable[[Capture], None] | None = None,
    skipped: list[str] | None = None,
) -> int:
    """Fetch into the store every capture with new content it does not hold yet; returns
    how many were stored. With ``skipped``, a capture the archive cannot give is noted there
    and the others go on; without it, the first failure stops (what was stored stays)."""
    held = store.digests(url)  # read the store once, not once per capture
    stored = 0
    for capture in captures:
        if capture.new_content and capture.digest not in held:
            try:
                store.put(archive.fetch(capture), http_status=capture.status)
            except ArchiveError as err:
                if skipped is None:
                    raise
                skipped.append(f"{capture.timestamp}: {err}")
            else:
                held.add(capture.digest)
                stored += 1
        if progress:
            progress(capture)
    return stored


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
        done = iter(range(1, len(captures) + 1))
        fetch_missing(
            source,
            captures,
            store,
            client,
            progress=(lambda _: progress(next(done), len(captures))) if progress else None,
        )
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
