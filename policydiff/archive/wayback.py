"""Wayback-compatible archives: the capture index (CDX) and raw captures (``id_`` mode).

The Internet Archive is the default; any pywb-based archive (Archive-It, national web
archives, a group's own pywb) is chosen by its base URL, e.g. ``http://host/web`` for
pywb's ``web`` collection, and an Internet-Archive-compatible mirror or proxy at another
address by ``kind="ia"``. Capture lists come from waybackpy's
``WaybackMachineCDXServerAPI``, with its HTTP routed through our ``Session`` (waybackpy
alone has no timeout and turns a 429 into an empty list).

pywb differs from the Internet Archive: its CDX lives at ``/<collection>/cdx``, answers
in JSON lines with its own field names (``status``, ``mime``, ``url``), needs
``allowFuzzy=false`` with filters and ignores ``collapse``.

What the archive sends is checked, not trusted (each habit below was seen in recorded
answers of web.archive.org): index rows are kept only for HTTP 200 captures of the page
asked for, each capture once (the index repeats rows, within and across pages), rows with
impossible timestamps are skipped; pages are followed by resume key until none comes, a
key repeats or ``MAX_PAGES`` is reached; a blocked site is said to be blocked. A capture
is read in ``id_`` mode and must be a memento (``Memento-Datetime``) with status 200: an
archived redirect or an archived error page (whatever its status, 429 and 5xx included)
is not a version of the policy. The archive's own redirects are followed, to the same
page, at most a day away from the time asked, never in a loop.
"""

from __future__ import annotations

import hashlib
import json
import re
from base64 import b32encode
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urljoin, urlsplit

from waybackpy import WaybackMachineCDXServerAPI

from policydiff.archive.http import Fetched, Session
from policydiff.errors import ArchiveError, HTTPStatusError, SiteBlocked
from policydiff.models import Snapshot

__all__ = [
    "IA",
    "KINDS",
    "MAX_PAGES",
    "Capture",
    "WaybackArchive",
    "parse_timestamp",
    "timestamp",
]

IA = "https://web.archive.org/web"
KINDS = ("ia", "pywb")
MAX_PAGES = 200  # of an index answer; the Internet Archive's pages hold up to 25,000 rows
NEAR = timedelta(days=1)  # how far the archive may move a capture's time when replaying it
_MAX_HOPS = 10
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
    """A Wayback timestamp (``2024``, ``202407``, … ``20240715181441``), a date
    (``2024-07-15``) or an ISO 8601 time with its offset (``2024-07-15T20:14:41+02:00``;
    UTC without one) as a UTC time."""
    text = value.strip()
    if "T" in text or " " in text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a date: {value!r} (use YYYY-MM-DDThh:mm:ss±hh:mm)") from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    digits = "".join(ch for ch in text if ch.isdigit())
    if not 4 <= len(digits) <= 14 or len(digits) % 2:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM, YYYY-MM-DD or a timestamp)")
    padded = digits + "0101000000"[len(digits) - 4 :] if len(digits) < 14 else digits
    try:
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"not a date: {value!r} (no such day or time)") from None


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
        self.skipped = 0  # rows with an impossible timestamp or the wrong number of fields
        self.sound = 0

    def cdx_api_manager(
        self, payload: dict[str, str], headers: dict[str, str]
    ) -> Generator[str, None, None]:
        payload = {k: v for k, v in payload.items() if not k.startswith("filter")}
        payload["fl"] = ",".join(_FIELDS)
        pages = self._pywb_pages(payload) if self._archive.is_pywb else self._ia_pages(payload)
        for rows in pages:
            yield "\n".join(self._sound(rows))

    def _sound(self, rows: list[str]) -> Iterator[str]:
        """The rows waybackpy can read: seven fields and a real timestamp."""
        for row in rows:
            fields = row.split(" ")
            if not row.strip():
                continue
            if len(fields) != len(_FIELDS) or not _real_time(fields[1]):
                self.skipped += 1
                continue
            self.sound += 1
            yield row

    def _get(self, query: list[tuple[str, str]] | dict[str, str]) -> str:
        page = self._archive.session.get(self.endpoint, params=query, kind="cdx", ok=(200, 403))
        text = page.content.decode("utf-8", "replace")
        if page.status == 403:
            if "AccessControlException" in text or "Blocked Site" in text:
                raise SiteBlocked(self.url)
            raise HTTPStatusError(page.url, page.status)
        return text

    def _ia_pages(self, payload: dict[str, str]) -> Iterator[list[str]]:
        for index, rule in enumerate(self.filters):
            payload[f"filter{index}"] = rule
        payload["showResumeKey"] = "true"
        payload["limit"] = str(self.limit)
        query = _ia_query(payload)
        keys: set[str] = set()
        for _ in range(MAX_PAGES):
            lines = self._get(query).strip().splitlines()
            resume = None
            if len(lines) >= 2 and not lines[-2].strip():
                resume = lines[-1].strip()
                lines = lines[:-2]
            yield lines
            if not resume or resume in keys:  # a key seen before would page round forever
                return
            keys.add(resume)
            query = [(k, v) for k, v in query if k != "resumeKey"] + [("resumeKey", resume)]
        raise ArchiveError(
            f"the archive's index of {self.url} did not end after {MAX_PAGES} pages; "
            "ask for a shorter range (--from/--to)"
        )

    def _pywb_pages(self, payload: dict[str, str]) -> Iterator[list[str]]:
        query = {
            "url": payload["url"],
            "output": "json",
            "allowFuzzy": "false",
            "fl": "urlkey,timestamp,url,mime,status,digest,length",
        }
        for key in ("from", "to"):
            if key in payload:
                query[key] = payload[key]
        lines = []
        for raw in self._get(query).splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            lines.append(
                " ".join(
                    str(row.get(k) or "-").replace(" ", "%20")
                    for k in ("urlkey", "timestamp", "url", "mime", "status", "digest", "length")
                )
            )
        yield lines


def _ia_query(payload: dict[str, str]) -> list[tuple[str, str]]:
    """waybackpy numbers repeated keys (filter0, collapse0); the CDX server wants them plain."""
    return [
        (key.rstrip("0123456789") if key.startswith(("filter", "collapse")) else key, value)
        for key, value in payload.items()
    ]


def _real_time(stamp: str) -> bool:
    if len(stamp) != 14 or not stamp.isdigit():
        return False
    try:
        datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        return False
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
        if self.kind not in KINDS:
            raise ValueError(f"unknown archive kind {kind!r}: use 'ia' or 'pywb'")
        self.session_agent = self.session.user_agent
        self.skipped_rows = 0  # index rows left out of the last list: impossible timestamps

    @property
    def is_pywb(self) -> bool:
        return self.kind == "pywb"

    @property
    def cdx_endpoint(self) -> str:
        if self.is_pywb:
            return f"{self.base_url}/cdx"
        return f"{self.base_url.rsplit('/web', 1)[0]}/cdx/search/cdx"

    def captures(
        self,
        url: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
    ) -> list[Capture]:
        """Captures of ``url`` with HTTP status 200, oldest first, each once, new content
        marked, consecutive captures of the same content collapsed. With ``limit``, the
        oldest ``limit`` of them, reading no more index pages than that takes."""
        cdx = _CDX(
            self,
            url,
            start=timestamp(start) if start else None,
            end=timestamp(end) if end else None,
            filters=["statuscode:200"],
            collapses=["digest"],
        )
        page = _comparable(url)
        rows: dict[tuple[str, str], Capture] = {}
        runs, last = 0, None  # captures once collapsed, as rows come (oldest first)
        for snap in cdx.snapshots():
            # Asked to filter, a server may still send other statuses and other pages.
            if snap.statuscode != "200" or _comparable(snap.original) != page:
                continue
            if (snap.timestamp, snap.digest) in rows:
                continue
            rows[(snap.timestamp, snap.digest)] = Capture(
                original=snap.original,
                captured_at=parse_timestamp(snap.timestamp),
                mimetype=snap.mimetype,
                status=200,
                digest=snap.digest,
                length=int(snap.length) if str(snap.length).isdigit() else None,
            )
            runs, last = runs + (snap.digest != last), snap.digest
            if limit is not None and runs >= limit:
                break  # the rest of the index is not read: later rows only add or collapse
        self.skipped_rows = cdx.skipped
        if cdx.skipped and not cdx.sound:  # not one row to read: this is no index
            raise ArchiveError(
                f"the archive's index of {url} is unreadable: {cdx.skipped} rows, none with "
                "a real date and the expected fields"
            )
        seen: set[str] = set()
        previous: str | None = None
        result = []
        for capture in sorted(rows.values(), key=lambda c: c.captured_at):
            if capture.digest == previous:  # collapse=digest, which pywb ignores
                continue
            previous = capture.digest
            if capture.digest in seen:
                capture = replace(capture, new_content=False)
            seen.add(capture.digest)
            result.append(capture)
        return result[:limit] if limit is not None else result

    def replay_url(self, capture: Capture, mode: str = "id_") -> str:
        return f"{self.base_url}/{capture.timestamp}{mode}/{capture.original}"

    def parse_link(self, text: str) -> tuple[datetime, str] | None:
        """(time, page) when ``text`` is the address of a capture in this archive, in any
        replay mode: ``https://web.archive.org/web/20240715181441/https://telegram.org/privacy``."""
        base = _schemeless(self.base_url) + "/"
        rest = _schemeless(text.strip())
        if not rest.startswith(base):
            return None
        found = re.match(r"(\d{4,14})(?:[a-z]{2}_)?/(.+)$", rest[len(base) :], re.S)
        if not found:
            return None
        try:
            return parse_timestamp(found[1]), found[2]
        except ValueError:
            return None

    def fetch(self, capture: Capture) -> Snapshot:
        """The raw bytes of a capture, as the server first sent them (``id_`` mode)."""
        return self._play(capture.original, capture.captured_at, capture.digest)

    def fetch_link(self, text: str) -> Snapshot:
        """The capture an archive address names (``parse_link``), in ``id_`` mode whatever
        the mode of the address, so no toolbar and no rewritten links."""
        link = self.parse_link(text)
        if link is None:
            raise ArchiveError(f"{text} is not the address of a capture in {self.base_url}")
        return self._play(link[1], link[0], None)

    def _play(self, original: str, moment: datetime, digest: str | None) -> Snapshot:
        """Read a capture, following the archive's own redirects (to the same page, at most
        ``NEAR`` away, never in a loop) but never a redirect the archive recorded."""
        address = f"{self.base_url}/{timestamp(moment)}id_/{original}"
        here, page_url = moment, original
        visited: set[str] = set()
        while True:
            if address in visited or len(visited) >= _MAX_HOPS:
                raise ArchiveError(
                    f"the archive's redirects for {original} at {_human(moment)} go round in a loop"
                )
            visited.add(address)
            page = self.session.get(
                address, kind="capture", ok=_ANY_STATUS, follow=False, archived=True
            )
            served = _memento_time(page)
            if served is not None:
                return self._memento(page, address, page_url, served, moment, digest)
            if page.status in _REDIRECTS:
                target = urljoin(address, page.headers.get("location", ""))
                link = self.parse_link(target)
                if link is None or _comparable(link[1]) != _comparable(original):
                    elsewhere = link[1] if link else target
                    raise ArchiveError(
                        f"the capture of {original} at {timestamp(moment)} redirects to {elsewhere}"
                    )
                if abs(link[0] - moment) > NEAR:
                    raise ArchiveError(
                        f"the archive cannot play back the capture of {original} at "
                        f"{_human(moment)}: the nearest it offers is {_human(link[0])}"
                    )
                here, page_url = link
                address = f"{self.base_url}/{timestamp(here)}id_/{page_url}"
                continue
            text = page.content[:200_000].decode("utf-8", "replace")
            if "excluded from the Wayback Machine" in text or "AccessControlException" in text:
                raise SiteBlocked(original)
            if page.status == 200 and self.is_pywb:  # a mirror that sends no memento headers
                return self._memento(page, address, page_url, here, moment, digest)
            if page.status == 404:
                raise ArchiveError(
                    f"the archive has no capture of {original} at {_human(moment)} (HTTP 404)"
                )
            raise ArchiveError(
                f"the archive answered {address} with a page of its own (HTTP {page.status}), "
                "not a capture"
            )

    def _memento(
        self,
        page: Fetched,
        address: str,
        page_url: str,
        served: datetime,
        moment: datetime,
        digest: str | None,
    ) -> Snapshot:
        when = _human(served)
        if page.status in _REDIRECTS:
            target = urljoin(address, page.headers.get("location", ""))
            link = self.parse_link(target)
            raise ArchiveError(
                f"the capture of {page_url} at {when} is an archived redirect to "
                f"{link[1] if link else target}, not a version of the policy"
            )
        if page.status != 200:
            raise ArchiveError(
                f"the capture of {page_url} at {when} is an archived error page "
                f"(HTTP {page.status}), not a version of the policy"
            )
        same = timestamp(served) == timestamp(moment)
        return Snapshot(
            content=page.content,
            url=(_original(page) or page_url) if digest is None else page_url,
            captured_at=served,
            media_type=page.media_type,
            source="wayback",
            archive_url=address,
            digest=digest if digest and same else _digest(page.content),
            name=address,
            charset=page.charset,
        )


_REDIRECTS = (301, 302, 303, 307, 308)
_ANY_STATUS = tuple(range(100, 600))


def _memento_time(page: Fetched) -> datetime | None:
    value = page.headers.get("memento-datetime")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def _original(page: Fetched) -> str | None:
    """The captured page's own address, from the memento's ``Link: <…>; rel="original"``."""
    found = re.search(r'<([^>]+)>\s*;\s*rel="original"', page.headers.get("link", ""))
    return found[1] if found else None


def _digest(content: bytes) -> str:
    """The archive's digest of a body: SHA-1 in base 32."""
    return b32encode(hashlib.sha1(content).digest()).decode()


def _human(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _schemeless(url: str) -> str:
    return url.split("://", 1)[-1]


def _comparable(url: str) -> str:
    """A page as the archive keys it: no scheme, no ``www.``, no port, no trailing slash,
    lower case."""
    url = unquote(url.strip())
    parts = urlsplit(url if "://" in url[:12] else "http://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}".lower()
