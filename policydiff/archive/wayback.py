"""Wayback-compatible archives: the capture index (CDX) and raw captures (``id_`` mode).

The Internet Archive is the default; any pywb-based archive (Archive-It, national web
archives, a group's own pywb) is chosen by its base URL, e.g. ``http://host/web`` for
pywb's ``web`` collection. Capture lists come from waybackpy's
``WaybackMachineCDXServerAPI``, with its HTTP routed through our ``Session`` (waybackpy
alone has no timeout and turns a 429 into an empty list).

pywb differs from the Internet Archive: its CDX lives at ``/<collection>/cdx``, answers
in JSON lines with its own field names (``status``, ``mime``, ``url``), needs
``allowFuzzy=false`` with filters and ignores ``collapse``, so captures are
de-duplicated by digest here.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from waybackpy import WaybackMachineCDXServerAPI

from policydiff.archive.http import Session
from policydiff.errors import ArchiveError, HTTPStatusError
from policydiff.models import Snapshot

__all__ = ["IA", "Capture", "WaybackArchive", "parse_timestamp", "timestamp"]

IA = "https://web.archive.org/web"
_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass(frozen=True, slots=True)
class Capture:
    """One line of the capture index."""

    original: str
    captured_at: datetime
    mimetype: str
    status: int | None
    digest: str
    length: int | None
    new_content: bool = True

    @property
    def timestamp(self) -> str:
        return timestamp(self.captured_at)

    @property
    def is_revisit(self) -> bool:
        return self.mimetype == "warc/revisit"


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def parse_timestamp(value: str) -> datetime:
    """A Wayback timestamp (``2024``, ``202407``, … ``20240715181441``) as a UTC time."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if not 4 <= len(digits) <= 14 or len(digits) % 2:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM, YYYY-MM-DD or a timestamp)")
    padded = digits + "0101000000"[len(digits) - 4 :] if len(digits) < 14 else digits
    return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


class _CDX(WaybackMachineCDXServerAPI):
    """waybackpy's CDX client, with its requests sent through our session."""

    def __init__(
        self,
        archive: WaybackArchive,
        url: str,
        start: str | None,
        end: str | None,
        filters: list[str],
        collapses: list[str],
    ) -> None:
        super().__init__(
            url,
            user_agent=archive.session_agent,
            start_timestamp=start,
            end_timestamp=end,
            filters=filters,
            collapses=collapses,
        )
        self.endpoint = archive.cdx_endpoint
        self._archive = archive

    def cdx_api_manager(
        self, payload: dict[str, str], headers: dict[str, str]
    ) -> Generator[str, None, None]:
        payload = {k: v for k, v in payload.items() if not k.startswith("filter")}
        payload["fl"] = ",".join(_FIELDS)
        if self._archive.is_pywb:
            yield from self._pywb_pages(payload)
        else:
            yield from self._ia_pages(payload)

    def _ia_pages(self, payload: dict[str, str]) -> Iterator[str]:
        for index, rule in enumerate(self.filters):
            payload[f"filter{index}"] = rule
        payload["showResumeKey"] = "true"
        payload["limit"] = str(self.limit)
        query = _ia_query(payload)
        while True:
            page = self._archive.session.get(self.endpoint, params=query, kind="cdx")
            lines = page.content.decode("utf-8", "replace").strip().splitlines()
            resume = None
            if len(lines) >= 2 and not lines[-2].strip():
                resume = lines[-1].strip()
                lines = lines[:-2]
            yield "\n".join(lines)
            if not resume:
                return
            query = [(k, v) for k, v in query if k != "resumeKey"] + [("resumeKey", resume)]

    def _pywb_pages(self, payload: dict[str, str]) -> Iterator[str]:
        query = {
            "url": payload["url"],
            "output": "json",
            "allowFuzzy": "false",
            "fl": "urlkey,timestamp,url,mime,status,digest,length",
        }
        for key in ("from", "to"):
            if key in payload:
                query[key] = payload[key]
        page = self._archive.session.get(self.endpoint, params=query, kind="cdx")
        lines = []
        for raw in page.content.decode("utf-8", "replace").splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            status = row.get("status") or "-"
            if not _status_wanted(status, self.filters):
                continue
            lines.append(
                " ".join(
                    str(row.get(k) or "-")
                    for k in ("urlkey", "timestamp", "url", "mime", "status", "digest", "length")
                )
            )
        yield "\n".join(lines)


def _ia_query(payload: dict[str, str]) -> list[tuple[str, str]]:
    """waybackpy numbers repeated keys (filter0, collapse0); the CDX server wants them plain."""
    return [
        (key.rstrip("0123456789") if key.startswith(("filter", "collapse")) else key, value)
        for key, value in payload.items()
    ]


def _status_wanted(status: str, filters: list[str]) -> bool:
    for rule in filters:
        field, _, value = rule.partition(":")
        if field.lstrip("!") in ("statuscode", "status"):
            return (status == value) != field.startswith("!")
    return True


class WaybackArchive:
    """One Wayback-compatible archive, reached through one ``Session``."""

    def __init__(
        self, base_url: str = IA, session: Session | None = None, *, kind: str | None = None
    ) -> None:
        """``kind`` is ``"ia"`` (the Internet Archive's CDX server) or ``"pywb"``; by
        default, ``ia`` for hosts under archive.org and ``pywb`` for any other."""
        self.base_url = base_url.rstrip("/")
        self.session = session or Session()
        host = urlsplit(self.base_url).hostname or ""
        self.kind = kind or (
            "ia" if host == "archive.org" or host.endswith(".archive.org") else "pywb"
        )
        if self.kind not in ("ia", "pywb"):
            raise ValueError(f"unknown archive kind {kind!r}: use 'ia' or 'pywb'")
        self.session_agent = self.session.user_agent

    @property
    def is_pywb(self) -> bool:
        return self.kind == "pywb"

    @property
    def cdx_endpoint(self) -> str:
        if self.is_pywb:
            return f"{self.base_url}/cdx"
        return f"{self.base_url.rsplit('/web', 1)[0]}/cdx/search/cdx"

    def captures(
        self, url: str, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[Capture]:
        """Captures of ``url`` with HTTP status 200, oldest first, new content marked."""
        cdx = _CDX(
            self,
            url,
            start=timestamp(start) if start else None,
            end=timestamp(end) if end else None,
            filters=["statuscode:200"],
            collapses=["digest"],
        )
        seen: set[str] = set()
        previous: str | None = None
        result = []
        for snap in cdx.snapshots():
            digest = snap.digest
            if digest == previous:  # pywb ignores collapse=digest
                continue
            previous = digest
            result.append(
                Capture(
                    original=snap.original,
                    captured_at=parse_timestamp(snap.timestamp),
                    mimetype=snap.mimetype,
                    status=int(snap.statuscode) if str(snap.statuscode).isdigit() else None,
                    digest=digest,
                    length=int(snap.length) if str(snap.length).isdigit() else None,
                    new_content=digest not in seen,
                )
            )
            seen.add(digest)
        return sorted(result, key=lambda c: c.captured_at)

    def replay_url(self, capture: Capture, mode: str = "id_") -> str:
        return f"{self.base_url}/{capture.timestamp}{mode}/{capture.original}"

    def fetch(self, capture: Capture) -> Snapshot:
        """The raw bytes of a capture, as the server first sent them (``id_`` mode).

        Redirects are followed only inside the archive and only to the same page (the
        Internet Archive redirects to the nearest timestamp); a capture that redirects
        elsewhere is not a capture of this page, and nothing outside the archive is asked.
        """
        address = self.replay_url(capture)
        for _ in range(5):
            try:
                page = self.session.get(
                    address, kind="capture", ok=(*_REDIRECTS, 200), follow=False
                )
            except HTTPStatusError as err:
                raise ArchiveError(
                    f"the archive has no usable capture at {address} (HTTP {err.status})"
                ) from err
            if page.status == 200:
                break
            target = urljoin(address, page.headers.get("location", ""))
            original = target.split("id_/", 1)[1] if "id_/" in target else target
            inside = target.startswith(self.base_url + "/")
            if not inside or _comparable(original) != _comparable(capture.original):
                raise ArchiveError(
                    f"the capture of {capture.original} at {capture.timestamp} redirects to "
                    f"{original}"
                )
            address = target
        else:
            raise ArchiveError(f"the capture at {address} redirects too many times")
        return Snapshot(
            content=page.content,
            url=capture.original,
            captured_at=capture.captured_at,
            media_type=page.media_type,
            source="wayback",
            archive_url=address,
            digest=capture.digest,
            name=address,
            charset=page.charset,
        )


_REDIRECTS = (301, 302, 303, 307, 308)


def _comparable(url: str) -> str:
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"
