"""Every way to get a version of a policy: a file, a folder of versions, a git repository,
the store, an archive, or the live page. The one place that fetches what the store does not
hold yet, and the one place that says when a version was recorded.

Histories (``history(source, path=None)``), oldest first, each version a ``Record``:

- a folder of versions: each dated by its sidecar (``<file>.json``), else by Open Terms
  Archive's ``manifest.json`` beside the files (which also gives the commit, its message and
  whether the version is a technical re-extraction), else by its file name when the name
  holds a date (``2024-07-15T181441Z.md``, ``2024-07-15.html``, ``20240715181441.md``);
- a git work tree or bare repository and a path in it: each commit that touches the path
  is a version, dated by its commit date (Open Terms Archive's ``Refilter …`` and
  ``Apply technical …`` commits are technical re-extractions);
- a key of the store (``telegram.org/privacy``).

References, as the command line takes them:

- a file: ``snapshots/telegram.org/privacy/20240715181441.md``
- ``URL@DATE``: the newest capture at or before the end of DATE (``2024``, ``2024-07``,
  ``2024-07-20`` or a 14-digit timestamp)
- ``URL@latest``: the archive's newest capture
- ``live:URL``: the page as it is now
- an archive's address of a capture, in any replay mode:
  ``https://web.archive.org/web/20240715181441/https://telegram.org/privacy``

The archive's index says which capture is meant (one CDX request); its content is read
from the store when the store holds it, else fetched and kept in the store. When the
archive cannot be reached, the store's newest capture in range is used.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from policydiff.errors import (
    ArchiveError,
    BadDate,
    InputError,
    NetworkError,
    NoCapture,
    Offline,
    SourceError,
    SourceNotFound,
)
from policydiff.models import Snapshot
from policydiff.normalize.decode import decode
from policydiff.sources import media_type_of, read_file, read_sidecar

if TYPE_CHECKING:  # the network stack is imported only when a reference needs it
    from policydiff.archive.http import Session
    from policydiff.archive.wayback import Capture, WaybackArchive
    from policydiff.store import Store

__all__ = [
    "MANIFEST",
    "POLICY_SUFFIXES",
    "Record",
    "Reference",
    "Version",
    "date_in_name",
    "fetch_missing",
    "folder_versions",
    "git_documents",
    "git_versions",
    "history",
    "is_git_repository",
    "is_version_file",
    "keep",
    "live",
    "newest",
    "parse_date",
    "parse_reference",
    "period_end",
    "read_versions",
    "resolve",
    "versions_of",
]

POLICY_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".txt")
MANIFEST = "manifest.json"  # Open Terms Archive's list of a folder's versions
# Open Terms Archive's commits that re-extract a version with new filters: the policy did
# not change, the archive's reading of it did.
_TECHNICAL_MESSAGE = re.compile(r"^(Refilter|Apply technical)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reference:
    kind: str  # "file", "date", "latest", "live"
    target: str  # a path or a URL
    moment: datetime | None = None  # the end of the period DATE names
    since: datetime | None = None  # its start


_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?)?)?"
)
_STAMP = re.compile(r"\d{4}(?:\d{2}){0,5}")  # a Wayback timestamp: 2024 … 20240715181441
_DATE_FORMS = "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or a 14-digit timestamp"


def parse_date(text: str) -> tuple[datetime, datetime]:
    """The first and last second (UTC) of the period a date names, read strictly:
    ``2024`` is the year, ``2024-07`` the month, ``2024-07-15`` the day,
    ``2024-07-15T18:14`` the minute, ``20240715181441`` that second. Anything else, or a
    date that does not exist (``2024-13-01``, ``2024-02-30``), raises ``BadDate``."""
    value = text.strip()
    fields: list[str | None]
    zone: str | None = None
    if _STAMP.fullmatch(value):
        fields = [value[i : i + 2 if i else 4] for i in (0, 4, 6, 8, 10, 12) if i < len(value)]
    elif match := _DATE.fullmatch(value):
        *fields, zone = match.groups()
        fields = [f for f in fields if f is not None]
    else:
        raise BadDate(text, f"not a date ({_DATE_FORMS})")
    numbers = [int(f) for f in fields if f is not None]
    tz = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    if not 1990 <= numbers[0] <= 2199:
        raise BadDate(text, "not a year of the web (1990 to 2199)")
    year, month, day, hour, minute, second = (*numbers, *(1, 1, 0, 0, 0)[len(numbers) - 1 :])
    try:
        start = datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(UTC)
    except ValueError as err:
        raise BadDate(text, f"no such date ({err})") from err
    if len(numbers) == 1:
        end = start.replace(year=start.year + 1)
    elif len(numbers) == 2:
        end = start + timedelta(days=calendar.monthrange(start.year, start.month)[1])
    else:
        end = start + timedelta(**{("days", "hours", "minutes", "seconds")[len(numbers) - 3]: 1})
    return start, end - timedelta(seconds=1)


def period_end(text: str) -> datetime:
    """The last second of the period a date names: ``2024-07`` → 2024-07-31 23:59:59 UTC."""
    return parse_date(text)[1]


def parse_reference(text: str) -> Reference:
    """A command-line reference: ``live:URL``, ``URL@latest``, ``URL@DATE`` or a file.
    A ``@`` followed by something that starts like a date must be a real date."""
    if text.startswith("live:"):
        return Reference("live", _url(text[5:]))
    if "@" in text and not Path(text).exists():
        target, _, when = text.rpartition("@")
        if when == "latest":
            return Reference("latest", _url(target))
        if when[:1].isdigit():
            since, moment = parse_date(when)
            return Reference("date", _url(target), moment, since)
    return Reference("file", text)


def _url(text: str) -> str:
    return text if "://" in text else "http://" + text


def resolve(
    text: str,
    *,
    store: Store,
    archive: WaybackArchive | None = None,
    session: Session | None = None,
    offline: bool | None = None,
) -> Snapshot:
    """The snapshot a command-line reference names.

    The store answers first: ``URL@DATE`` is the store's newest capture within the period
    DATE names (``2024-07``: that month) when it holds one, else the archive's newest capture
    at or before the end of DATE (kept in the store). Offline (``offline=True`` or
    ``POLICYDIFF_OFFLINE=1``) only the store answers, and nothing touches the network; when
    the archive cannot be reached, the store's newest capture at or before DATE is used.
    """
    reference = parse_reference(text)
    if reference.kind == "file":
        if not Path(reference.target).exists() and "://" in reference.target:
            return _capture_at(reference.target, store, archive, session)
        return read_file(reference.target)
    from policydiff.archive.http import Session, offline_mode
    from policydiff.archive.wayback import WaybackArchive

    offline = offline_mode() if offline is None else offline
    if reference.kind == "live":
        if offline:
            raise Offline(reference.target)
        return live(
            reference.target, session or (archive.session if archive else Session()), name=text
        )
    moment = reference.moment if reference.kind == "date" else None
    when = f"at or before {moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "in the archive"
    held = store.at(reference.target, moment) if moment else store.latest(reference.target)
    if held is not None and reference.since is not None and held.captured_at >= reference.since:
        return held.snapshot()
    if offline:
        if held is None:
            raise NoCapture(
                reference.target, f"{when} in the store (offline: the archive was not asked)"
            )
        return held.snapshot()
    archive = archive or WaybackArchive(session=session)
    try:
        captures = archive.captures(reference.target, end=moment)
    except NetworkError:
        # The archive is down or out of reach: the store's newest capture in range will do.
        if held is None:
            raise
        return held.snapshot()
    if not captures:
        raise NoCapture(reference.target, when)
    return keep(captures[-1], store, archive)


def _capture_at(
    address: str, store: Store, archive: WaybackArchive | None, session: Session | None
) -> Snapshot:
    """The capture an archive's address names (kept in the store)."""
    from policydiff.archive.wayback import WaybackArchive

    archive = archive or WaybackArchive(session=session)
    if not archive.parse_link(address):
        raise SourceNotFound(f"{address} (a URL needs @DATE, @latest or live:)")
    snapshot = archive.fetch_link(address)
    store.put(snapshot, http_status=200)
    return snapshot


def keep(capture: Capture, store: Store, archive: WaybackArchive) -> Snapshot:
    """The capture's content: from the store when it holds it, else fetched and stored."""
    stored = store.with_digest(capture.original, capture.digest)
    if stored is not None:
        return stored.snapshot()
    snapshot = usable(archive.fetch(capture))
    store.put(snapshot, http_status=capture.status)
    return snapshot


def usable(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` if it can be a policy; an empty, binary or undecodable answer from an
    archive is an ``ArchiveError``, so it is never stored (and never held for good)."""
    try:
        decode(snapshot.content, charset=snapshot.charset)
    except InputError as err:
        where = snapshot.archive_url or snapshot.url or "the archive"
        raise ArchiveError(f"the capture at {where} is no policy ({err}); not stored") from err
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
                store.put(usable(archive.fetch(capture)), http_status=capture.status)
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


@dataclass(frozen=True, slots=True)
class Record:
    """One recorded version in a history: the snapshot, and what the history says of it."""

    snapshot: Snapshot
    technical: bool = False  # a re-extraction by the archive: its filters changed, not the text
    commit: str | None = None
    message: str | None = None

    @property
    def at(self) -> datetime | None:
        return self.snapshot.captured_at


def history(
    source: str | os.PathLike[str],
    path: str | None = None,
    *,
    store: Store | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Record]:
    """The recorded versions of a document, oldest first (undated ones last).

    SOURCE is a folder of versions, a git work tree or bare repository (with ``path``, the
    document's path in it: ``Telegram/Privacy Policy.md``), or a key of ``store``.
    ``start``/``end`` keep the versions recorded in that range. Raises ``SourceNotFound``
    when SOURCE is none of these, ``NoCapture`` when it holds no version (in range).
    """
    if start is not None and end is not None and start > end:
        raise BadDate("", f"the range starts ({start:%Y-%m-%d}) after it ends ({end:%Y-%m-%d})")
    where = Path(source)
    if path is not None:
        records = _git_history(where, path)
    elif where.is_dir():
        records = _folder_history(where)
    elif store is not None and store.captures(str(source)):
        records = [Record(s.snapshot()) for s in store.captures(str(source))]
    else:
        raise SourceNotFound(str(source))
    records = [
        r
        for r in records
        if (start is None or (r.at is not None and r.at >= start))
        and (end is None or (r.at is not None and r.at <= end))
    ]
    if not records:
        place = (
            f"in the history of {path} in this repository"
            if path
            else "in this folder"
            if where.is_dir()
            else "in the store"
        )
        raise NoCapture(str(source), place + (" in that range" if start or end else ""))
    # Stable: versions recorded in the same second keep the order their history gives.
    return sorted(records, key=lambda r: (r.at is None, r.at or datetime.min.replace(tzinfo=UTC)))


_DASHED = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T_ ](\d{2})[:\-]?(\d{2})(?:[:\-]?(\d{2}))?(?:\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?(?!\d)"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2}))?(Z)?")


def date_in_name(name: str) -> datetime | None:
    """The moment a file name states, in UTC unless it gives an offset, or None:
    ``2024-07-15T181441Z.md``, ``2024-07-15.html``, ``20240715181441.md`` (a store's or
    an archive's timestamp). An impossible date (``2024-13-01``) is no date."""
    stem = name.split(".", 1)[0] if "." in name else name
    match = _COMPACT.fullmatch(stem) or _DASHED.search(stem)
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    tz: timezone = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Version:
    """Where one version of a history is and what the history says of it, before its bytes
    are read (``read_versions``): a file path or a URL, or a path in a git ``repository`` at
    ``commit``. Cheap to list and to send to another process."""

    location: str
    recorded_at: datetime | None = None
    technical: bool = False  # a re-extraction by the archive: its filters changed, not the text
    commit: str | None = None
    message: str | None = None
    repository: str | None = None


def is_version_file(path: Path) -> bool:
    """A policy file in a folder of versions (the folder's README or licence is not one)."""
    return (
        path.suffix.lower() in POLICY_SUFFIXES
        and path.stem.lower() not in _NOT_VERSIONS
        and path.is_file()
    )


_NOT_VERSIONS = frozenset({"readme", "license", "licence", "changelog", "sources"})


def folder_versions(folder: str | os.PathLike[str]) -> list[Version]:
    """The versions in a folder, oldest first (undated ones last), dated by each file's
    sidecar, else Open Terms Archive's ``manifest.json``, else the file name; the manifest's
    (or the sidecar's ``origin``) ``kind: technical`` marks a re-extraction. No file is read
    but the sidecars and the manifest."""
    root = Path(folder)
    manifest = _manifest(root / MANIFEST)
    versions = []
    for file in sorted(root.iterdir()):
        if not is_version_file(file):
            continue
        sidecar = read_sidecar(file)
        entry = manifest.get(file.name, {})
        origin = sidecar.get("origin")
        if not entry and isinstance(origin, dict):
            entry = {k: v for k, v in origin.items() if isinstance(v, str)}
        captured = sidecar.get("captured_at")
        at = (
            (_moment(captured) if isinstance(captured, str) else None)
            or _moment(entry.get("recorded_at"))
            or date_in_name(file.name)
        )
        message = entry.get("message")
        versions.append(
            Version(
                str(file),
                at,
                technical=entry.get("kind") == "technical"
                or bool(message and _TECHNICAL_MESSAGE.match(message)),
                commit=entry.get("commit"),
                message=message,
            )
        )
    return _oldest_first(versions)


def _folder_history(folder: Path) -> list[Record]:
    return read_versions(folder_versions(folder))


def read_versions(versions: Iterable[Version], session: Session | None = None) -> list[Record]:
    """Read the versions, in their order: files (checked against their sidecar), git
    versions (one ``git cat-file --batch`` per repository), URLs (through the session)."""
    versions = list(versions)
    contents: dict[int, bytes | None] = {}
    by_repository: dict[str, list[int]] = {}
    for index, version in enumerate(versions):
        if version.repository and version.commit:
            by_repository.setdefault(version.repository, []).append(index)
    for repository, indexes in by_repository.items():
        wanted = "".join(
            f"{versions[i].commit}:{versions[i].location.lstrip('/')}\n" for i in indexes
        )
        out = _git(_git_command(), Path(repository), ["cat-file", "--batch"], wanted.encode())
        contents.update(zip(indexes, _cat_files(out, len(indexes)), strict=True))
    records = []
    for index, version in enumerate(versions):
        if index in contents:
            content = contents[index]
            if content is None:  # the commit deleted the file
                continue
            snapshot = Snapshot(
                content=content,
                captured_at=version.recorded_at,
                media_type=media_type_of(version.location),
                source="git",
                name=f"{version.location}@{(version.commit or '')[:12]}",
            )
        elif "://" in version.location:
            page = (session or Session()).get(version.location, kind="archive")
            snapshot = Snapshot(
                content=page.content,
                url=version.location,
                captured_at=version.recorded_at,
                media_type=page.media_type,
                source="url",
                name=version.location,
                charset=page.charset,
            )
        else:
            snapshot = read_file(version.location)
            at = snapshot.captured_at or version.recorded_at
            if at != snapshot.captured_at:
                snapshot = replace(snapshot, captured_at=at)
        records.append(
            Record(
                snapshot,
                technical=version.technical,
                commit=version.commit,
                message=version.message,
            )
        )
    return records


def _oldest_first(versions: list[Version]) -> list[Version]:
    # Stable: versions recorded in the same second keep the order their history gives.
    return sorted(
        versions,
        key=lambda v: (v.recorded_at is None, v.recorded_at or datetime.min.replace(tzinfo=UTC)),
    )


def _manifest(path: Path) -> dict[str, dict[str, str]]:
    """Open Terms Archive's manifest: file name -> its entry (recorded_at, commit, message,
    kind), each value checked."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise SourceError(f"cannot read {path}: {err}") from err
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, list):
        raise SourceError(f"{path}: expected an object with a list 'versions'")
    entries: dict[str, dict[str, str]] = {}
    for index, entry in enumerate(versions):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise SourceError(f"{path}: versions[{index}] needs a string 'file'")
        for key in ("recorded_at", "commit", "message", "kind"):
            if key in entry and not isinstance(entry[key], str):
                raise SourceError(f"{path}: versions[{index}].{key} must be a string")
        if "recorded_at" in entry and _moment(entry["recorded_at"]) is None:
            raise SourceError(
                f"{path}: versions[{index}].recorded_at is not a date: {entry['recorded_at']!r}"
            )
        entries[entry["file"]] = entry
    return entries


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_git_repository(path: str | os.PathLike[str]) -> bool:
    """A git work tree's top (it holds ``.git``) or a bare repository."""
    root = Path(path)
    return (root / ".git").exists() or all(
        (root / part).exists() for part in ("HEAD", "objects", "refs")
    )


def git_documents(repository: str | os.PathLike[str]) -> list[str]:
    """The policy files a git repository holds at HEAD (Open Terms Archive's layout:
    ``Service/Document.md``)."""
    out = _git(_git_command(), Path(repository), ["ls-tree", "-r", "-z", "--name-only", "HEAD"])
    names = [Path(n) for n in out.decode("utf-8").split("\0") if n]
    return sorted(
        n.as_posix()
        for n in names
        if n.suffix.lower() in POLICY_SUFFIXES and n.stem.lower() not in _NOT_VERSIONS
    )


def git_versions(repository: str | os.PathLike[str], path: str) -> list[Version]:
    """Each commit touching ``path`` (from the repository's root) as a version, oldest
    first, dated by its commit date; Open Terms Archive's "Refilter …" and "Apply technical
    …" commits are technical. One ``git log``; nothing is read yet."""
    git = _git_command()
    repo = Path(repository)
    if not repo.is_dir():
        raise SourceNotFound(str(repo))
    spec = f":(top,literal){path.lstrip('/')}"
    fmt = "--format=%H%x1f%cI%x1f%s%x1e"
    # --diff-filter=AMT: a commit that deletes the file is no version of it
    log = _git(
        git, repo, ["log", "--reverse", "--no-renames", "--diff-filter=AMT", fmt, "--", spec]
    )
    commits = [line.strip("\n").split("\x1f") for line in log.decode().split("\x1e")]
    return _oldest_first(
        [
            Version(
                path,
                datetime.fromisoformat(date).astimezone(UTC),
                technical=bool(_TECHNICAL_MESSAGE.match(message)),
                commit=sha,
                message=message,
                repository=str(repo),
            )
            for sha, date, message in (c for c in commits if len(c) == 3)
        ]
    )


def _git_history(repo: Path, path: str) -> list[Record]:
    """Each commit touching ``path`` as a version: one ``git log``, one ``git cat-file
    --batch`` for all contents."""
    return read_versions(git_versions(repo, path))


def _git_command() -> str:
    git = shutil.which("git")
    if git is None:
        raise SourceError("reading a git repository needs the git command, which is not installed")
    return git


def _git(git: str, repo: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            [git, "-C", str(repo), *args],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SourceError(f"git {args[0]} in {repo} failed: {err}") from err
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise SourceError(
            f"cannot read {repo} as a git repository: {reason[-1] if reason else 'git failed'}"
        )
    return done.stdout


def _cat_files(out: bytes, count: int) -> list[bytes | None]:
    """Parse ``git cat-file --batch``: per object a header line, its bytes, a newline."""
    contents: list[bytes | None] = []
    at = 0
    for _ in range(count):
        newline = out.index(b"\n", at)
        header = out[at:newline].split()
        at = newline + 1
        if header[-1] == b"missing" or len(header) < 3:
            contents.append(None)
            continue
        size = int(header[2])
        contents.append(out[at : at + size])
        at += size + 1
    return contents


def versions_of(
    source: str,
    *,
    store: Store,
    archive: Callable[[], WaybackArchive] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    path: str | None = None,
    offline: bool | None = None,
) -> list[Record]:
    """The versions SOURCE names, oldest first.

    SOURCE is a folder (``snapshots/telegram.org/privacy``), a git repository with ``path``,
    a key of the store (``telegram.org/privacy``), or, with ``--from``/``--to``, a URL whose
    captures in that range are fetched from the archive into the store first (offline, the
    store's captures are used as they are).
    """
    if path is not None or Path(source).is_dir():
        return history(source, path, start=start, end=end)
    from policydiff.archive.http import offline_mode

    offline = offline_mode() if offline is None else offline
    if (start or end) and archive is not None and not offline:
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
    elif (
        not store.captures(source)
        and "/" in source
        and not (store.root / source).exists()
        and Path(source).suffix
    ):
        raise SourceNotFound(source)
    try:
        return history(source, store=store, start=start, end=end)
    except SourceNotFound:
        raise NoCapture(
            source, "in this folder or store" + (" in that range" if start or end else "")
        ) from None
