"""The language data kept on disk between runs of the command (``~/.cache/policydiff``).

A command that compares reads the language files: TOML parsed and validated, a few hundred
patterns compiled, about 25 ms before any policy is read, and its modules compile about a
hundred patterns more. ``policydiff.languages._cache`` holds that work in a form that can
outlive the process; this module keeps it in one file: read when a command starts (the
patterns put into ``re``'s own cache), written (atomically: a temporary file renamed) when
the command ends, only when it computed something new, so after the first run a start reads
one file.

Rule data is still validated whenever it changes: a value is kept under the SHA-256 of the
file it came from, and the whole file is passed over when the code that validates it or
computes from it (the language package's sources, the lexicon's) or the Python build changed.
A missing, damaged or unwritable cache is no error: the data is read afresh.

Where: ``$POLICYDIFF_CACHE`` (empty: no cache), else ``$XDG_CACHE_HOME/policydiff``, else
``~/.cache/policydiff``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import sys

from policydiff.languages import _cache

__all__ = ["folder", "path", "save", "use"]


def folder() -> str | None:
    """The cache's folder, or None when the cache is off (``POLICYDIFF_CACHE=``)."""
    configured = os.environ.get("POLICYDIFF_CACHE")
    if configured is not None:
        return configured or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "policydiff")


def path() -> str | None:
    """The cache file of this Python (``languages-cpython-311.bin``), or None when off."""
    where = folder()
    if where is None:
        return None
    return os.path.join(where, f"languages-{sys.implementation.cache_tag}.bin")


def _stamp() -> bytes:
    """The code that validates and compiles the language data (the language package, and the
    lexicon's, which computes its entries from the data): a cache written by other code is
    passed over."""
    package = os.path.dirname(os.path.abspath(_cache.__file__))
    files = [os.path.join(package, name) for name in sorted(os.listdir(package))]
    files.append(os.path.join(os.path.dirname(package), "semantics", "lexicon.py"))
    code = hashlib.sha256()
    for file_path in files:
        if file_path.endswith(".py"):
            name = os.path.relpath(file_path, os.path.dirname(package))
            with contextlib.suppress(OSError), open(file_path, "rb") as file:
                code.update(name.encode() + b"\0" + file.read())
    return code.digest()


_used = False


def use() -> None:
    """Read the cache (once a process) and write what this process adds to it at exit."""
    global _used
    where = path()
    if _used or where is None:
        return
    _used = True
    _cache.keep()
    try:
        with open(where, "rb") as file:
            blob = file.read()  # one read: marshal reads a file object by object
    except OSError:
        blob = b""
    if blob and _cache.restore(blob, _stamp()):
        _cache.seed()
    atexit.register(save)


def save() -> None:
    """Write the cache when this process computed something new (called at exit)."""
    where = path()
    if where is None:
        return
    _cache.learn()
    if not _cache.changed():
        return
    temporary = f"{where}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(temporary, "wb") as file:
            file.write(_cache.export(_stamp()))
        os.replace(temporary, where)
    except (OSError, ValueError):  # unwritable, or a value marshal cannot hold: no cache
        with contextlib.suppress(OSError):
            os.remove(temporary)
