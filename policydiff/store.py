"""The local store of captures: plain files are the truth, an SQLite index is derived.

Layout (``snapshots/`` in the repository is a store)::

    <root>/<host>/<path>/<YYYYMMDDhhmmss>.<ext>        the bytes as captured
    <root>/<host>/<path>/<YYYYMMDDhhmmss>.<ext>.json   provenance (the sidecar)
    <root>/.index.sqlite                               derived; ``rebuild_index()`` remakes it

A query string becomes ``~<query>`` after the path (``telegram.org/privacy~lang=de``).
Writes are atomic (temporary file, fsync, rename) and the sidecar is written last, so a
capture without a sidecar is an interrupted write and is ignored. Content already stored
under a URL is not stored again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from policydiff._version import __version__
from policydiff.errors import StoreError
from policydiff.files import write_atomic, write_json
from policydiff.models import Snapshot
from policydiff.sources import SIDECAR_SUFFIX, read_file

__all__ = ["Store", "Stored", "default_root", "url_key"]

_EXTENSIONS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "md",
    "text/plain": "txt",
    "application/pdf": "pdf",
}


def default_root() -> Path:
    """``$POLICYDIFF_STORE``, else the per-user data directory."""
    if os.environ.get("POLICYDIFF_STORE"):
        return Path(os.environ["POLICYDIFF_STORE"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "policydiff" / "store"


def url_key(url: str) -> str:
    """``telegram.org/privacy`` for ``https://telegram.org/privacy/`` (scheme and www. aside)."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    path = quote(parts.path.strip("/"), safe="/-._~%")
    key = f"{host}/{path}" if path else host
    if parts.query:
        key += "~" + quote(parts.query, safe="=&-._%")
    if not host or ".." in key.split("/"):
        raise StoreError(f"not a URL a store can hold: {url!r}")
    return key


@dataclass(frozen=True, slots=True)
class Stored:
    """One capture in the store."""

    key: str
    path: Path
    captured_at: datetime
    sha256: str
    meta: dict[str, object]

    def snapshot(self) -> Snapshot:
        return read_file(self.path)

    @property
    def intact(self) -> bool:
        """Whether the file still holds what its sidecar says it holds."""
        return not self.sha256 or _sha256(self.path) == self.sha256


class Store:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    # -- reading -----------------------------------------------------------------
    def captures(self, url_or_key: str) -> list[Stored]:
        """The captures of one URL, oldest first."""
        folder = self.root / self._key(url_or_key)
        if not folder.is_dir():
            return []
        found = []
        for side in sorted(folder.glob(f"*{SIDECAR_SUFFIX}")):
            capture = side.with_name(side.name[: -len(SIDECAR_SUFFIX)])
            if capture.suffix == "" or not capture.is_file():
                continue
            found.append(self._stored(self._key(url_or_key), capture, side))
        return sorted(found, key=lambda s: s.captured_at)

    def at(self, url_or_key: str, moment: datetime) -> Stored | None:
        """The newest capture at or before ``moment``."""
        candidates = [s for s in self.captures(url_or_key) if s.captured_at <= moment]
        return candidates[-1] if candidates else None

    def latest(self, url_or_key: str) -> Stored | None:
        captures = self.captures(url_or_key)
        return captures[-1] if captures else None

    def with_digest(self, url_or_key: str, digest: str) -> Stored | None:
        """The stored capture whose archive digest is ``digest``, if any."""
        return next((s for s in self.captures(url_or_key) if s.meta.get("digest") == digest), None)

    def digests(self, url_or_key: str) -> set[str]:
        """The archive digests of every intact stored capture of a URL (a damaged one is
        not held: ``fetch`` gets it again)."""
        return {
            str(s.meta["digest"])
            for s in self.captures(url_or_key)
            if s.meta.get("digest") and s.intact
        }

    # -- writing -----------------------------------------------------------------
    def put(self, snapshot: Snapshot, **provenance: object) -> Stored:
        """Store a capture (atomically); content already stored for this URL is not
        stored twice and the existing capture is returned."""
        if snapshot.url is None or snapshot.captured_at is None:
            raise StoreError("a capture needs its URL and capture time to be stored")
        key = url_key(snapshot.url)
        _sweep(self.root / key)
        for stored in self.captures(key):
            if stored.sha256 == snapshot.sha256:
                if not stored.intact:  # damaged since: the same content mends it
                    try:
                        write_atomic(stored.path, snapshot.content)
                    except OSError as err:
                        raise StoreError(
                            f"cannot write to the store at {self.root}: {err}"
                        ) from err
                return stored
        moment = snapshot.captured_at.astimezone(UTC).replace(microsecond=0)
        extension = _EXTENSIONS.get((snapshot.media_type or "").lower(), "html")
        folder = self.root / key
        path = folder / f"{moment:%Y%m%d%H%M%S}.{extension}"
        while path.exists() and _sha256(path) != snapshot.sha256:
            # Another content captured in the same second: never overwrite it. (The same
            # content there is another process storing this capture: writing it again is
            # harmless.)
            moment += timedelta(seconds=1)
            path = folder / f"{moment:%Y%m%d%H%M%S}.{extension}"
        meta: dict[str, object] = {
            "url": snapshot.url,
            "captured_at": moment.isoformat(),
            "source": snapshot.source,
            "archive_url": snapshot.archive_url,
            "digest": snapshot.digest,
            "sha256": snapshot.sha256,
            "media_type": snapshot.media_type,
            "charset": snapshot.charset,
            "size": len(snapshot.content),
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "policydiff_version": __version__,
            **provenance,
        }
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # The sidecar first: a capture is listed by its sidecar and only when its
            # content is there too, so a write killed between the two leaves nothing half
            # held (never content without its provenance).
            side = path.with_name(path.name + SIDECAR_SUFFIX)
            write_json(side, meta)
            write_atomic(path, snapshot.content)
        except OSError as err:
            raise StoreError(f"cannot write to the store at {self.root}: {err}") from err
        stored = self._stored(key, path, side)
        self._index_one(stored)
        return stored

    # -- the derived index ---------------------------------------------------------
    def rebuild_index(self) -> int:
        """Remake the SQLite index from the files; returns the number of captures."""
        count = 0
        with self._db() as db:
            db.execute("DELETE FROM captures")
            for side in self.root.rglob(f"*{SIDECAR_SUFFIX}"):
                capture = side.with_name(side.name[: -len(SIDECAR_SUFFIX)])
                if not capture.is_file() or capture.suffix == "":
                    continue
                key = str(capture.parent.relative_to(self.root))
                stored = self._stored(key, capture, side)
                _insert(db, stored)
                count += 1
        return count

    def keys(self) -> list[str]:
        """Every URL key in the index."""
        with self._db() as db:
            return [row[0] for row in db.execute("SELECT DISTINCT key FROM captures ORDER BY key")]

    def _index_one(self, stored: Stored) -> None:
        try:
            with self._db() as db:
                _insert(db, stored)
        except sqlite3.Error:
            pass  # the index is derived: rebuild_index() repairs it

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.root.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.root / ".index.sqlite", timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS captures (key TEXT, captured_at TEXT, path TEXT "
                "PRIMARY KEY, sha256 TEXT, digest TEXT, url TEXT)"
            )
            with db:
                yield db
        finally:
            db.close()

    # -- helpers ----------------------------------------------------------------
    @staticmethod
    def _key(url_or_key: str) -> str:
        if "://" in url_or_key:
            return url_key(url_or_key)
        return url_or_key.strip("/")

    @staticmethod
    def _stored(key: str, capture: Path, side: Path) -> Stored:
        try:
            meta = json.loads(side.read_text("utf-8"))
            if not isinstance(meta, dict):
                raise ValueError(f"holds a JSON {type(meta).__name__}, not an object")
            moment = datetime.fromisoformat(str(meta["captured_at"]).replace("Z", "+00:00"))
        except (OSError, ValueError, KeyError) as err:
            raise StoreError(f"damaged sidecar {side}: {err}") from err
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return Stored(key, capture, moment, str(meta.get("sha256") or ""), meta)


def _insert(db: sqlite3.Connection, stored: Stored) -> None:
    db.execute(
        "INSERT OR REPLACE INTO captures VALUES (?, ?, ?, ?, ?, ?)",
        (
            stored.key,
            stored.captured_at.isoformat(),
            str(stored.path),
            stored.sha256,
            stored.meta.get("digest"),
            stored.meta.get("url"),
        ),
    )


_STALE = 3600.0  # seconds: a temporary file this old belongs to a write that was killed


def _sweep(folder: Path) -> None:
    """Remove temporary files that killed writes left behind (``.<name>.<random>``)."""
    if not folder.is_dir():
        return
    now = time.time()
    for leftover in folder.glob(".*"):
        with contextlib.suppress(OSError):
            if leftover.is_file() and now - leftover.stat().st_mtime > _STALE:
                leftover.unlink()


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
