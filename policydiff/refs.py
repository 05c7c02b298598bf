"""References to a version of a policy, as the command line takes them.

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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from policydiff.archive.http import Session
from policydiff.archive.wayback import Capture, WaybackArchive, parse_timestamp
from policydiff.errors import NetworkError, NoCapture, SourceNotFound
from policydiff.models import Snapshot
from policydiff.sources import read_file
from policydiff.store import Store

__all__ = ["Reference", "parse_reference", "period_end", "resolve"]


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
        session = session or (archive.session if archive else Session())
        page = session.get(reference.target, kind="live")
        return Snapshot(
            content=page.content,
            url=reference.target,
            captured_at=datetime.now(UTC).replace(microsecond=0),
            media_type=page.media_type,
            source="live",
            name=text,
            charset=page.charset,
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
    return _keep(captures[-1], store, archive)


def _keep(capture: Capture, store: Store, archive: WaybackArchive) -> Snapshot:
    stored = store.with_digest(capture.original, capture.digest)
    if stored is not None:
        return stored.snapshot()
    snapshot = archive.fetch(capture)
    store.put(snapshot, http_status=capture.status)
    return snapshot
