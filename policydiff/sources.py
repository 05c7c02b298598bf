"""Local sources: a file (with its JSON provenance sidecar), bytes or text, as a ``Snapshot``.

A sidecar sits beside its file as ``<file name>.json`` (``20240923152623.md.json``); it
records where and when the version was captured. ``snapshots/`` in the repository is laid
out this way, and so is the store.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import TYPE_CHECKING

from policydiff.errors import SourceError, SourceNotFound
from policydiff.models import Snapshot

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "SIDECAR_SUFFIX",
    "media_type_of",
    "read_file",
    "read_sidecar",
    "sidecar_path",
    "to_snapshot",
]

SIDECAR_SUFFIX = ".json"
_MEDIA_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
}


# Paths here are strings (os.path), not pathlib: comparing two files should not pay for
# importing pathlib, which a bare Python start does not load.


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def media_type_of(name: str) -> str | None:
    """The media type a file name's extension says (``.md`` → ``text/markdown``), or None."""
    return _MEDIA_TYPES.get(os.path.splitext(os.path.basename(name.rstrip("/")))[1].lower())


def read_file(path: str | os.PathLike[str]) -> Snapshot:
    """A snapshot of a local file, with provenance from its sidecar when it has one."""
    file = os.fspath(path)
    try:
        with open(file, "rb") as handle:
            content = handle.read()
    except FileNotFoundError as err:
        raise SourceNotFound(str(path)) from err
    except IsADirectoryError as err:
        raise SourceError(f"{path} is a directory, not a policy file") from err
    except OSError as err:
        raise SourceError(f"cannot read {path}: {err.strerror or err}") from err
    meta = read_sidecar(file)
    snapshot = Snapshot(
        content=content,
        url=_str(meta.get("url")),
        captured_at=_time(meta.get("captured_at"), file),
        media_type=_str(meta.get("media_type")) or media_type_of(file),
        source=_str(meta.get("source")) or "file",
        archive_url=_str(meta.get("archive_url")),
        digest=_str(meta.get("digest")),
        name=str(path),
        charset=_str(meta.get("charset")),
    )
    recorded = meta.get("sha256")
    if recorded and recorded != snapshot.sha256:
        raise SourceError(
            f"{path} does not match the sha256 recorded in {os.path.basename(_sidecar(file))}: "
            "the file was changed or damaged"
        )
    return snapshot


def to_snapshot(value: Snapshot | bytes | str | os.PathLike[str]) -> Snapshot:
    """Anything ``compare()`` takes, as a snapshot.

    A ``Path``, or a one-line ``str``, is a path: a file that does not exist is an error
    (``compare("old_version", "new_version")`` must not compare two words). A ``str`` of
    several lines is the policy's text, as is anything ``compare_text`` is given.
    """
    if isinstance(value, Snapshot):
        return value
    if isinstance(value, bytes):
        return Snapshot(content=value, source="bytes")
    if isinstance(value, os.PathLike):
        return read_file(value)
    if isinstance(value, str):
        if "\n" not in value:
            if not os.path.exists(value):
                raise SourceNotFound(f"{value} (for a policy's text, use compare_text)")
            return read_file(value)
        return Snapshot(content=value.encode("utf-8"), source="text")
    raise TypeError(f"cannot compare a {type(value).__name__}: give a path, bytes or str")


def _sidecar(file: str) -> str:
    return file + SIDECAR_SUFFIX


def read_sidecar(file: str | os.PathLike[str]) -> dict[str, object]:
    """The JSON provenance beside ``file`` (empty when it has none)."""
    side = _sidecar(os.fspath(file))
    if not os.path.isfile(side):
        return {}
    try:
        with open(side, encoding="utf-8") as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError) as err:
        raise SourceError(f"cannot read the sidecar {side}: {err}") from err
    if not isinstance(data, dict):
        raise SourceError(f"the sidecar {side} is not a JSON object")
    return data


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(value: object, file: str) -> datetime | None:
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as err:
            raise SourceError(f"bad captured_at {value!r} in the sidecar of {file}") from err
    return None
