"""What reading the language data computes, in a form that can outlive the process.

Reading the language files afresh costs more than comparing two short policies: the TOML
parsed and validated (about 10 ms) and a few hundred regular expressions compiled (about
15 ms; ``re`` keeps nothing between processes). This module holds both, in memory:

- a data file's validated contents, under the SHA-256 of the file's bytes: a value is served
  only for the very bytes that passed validation, so rule data changed is validated again;
- what is computed from one such file alone (``derived``: the lexicon's entries, their
  patterns' text and cues), under the same digest;
- a regular expression's compiled program, under its text and flags, turned back into a
  pattern without parsing it again; only for the Python build and regex engine that compiled
  it, and only programs equal to what ``re.compile`` gives. The lexicon's patterns are
  compiled through ``compile_pattern``; every other pattern a run compiled (each module's
  own, written with ``re.compile`` or inline) is taken from ``re``'s cache at the end of a
  run (``learn``) and put back into it at the start of the next (``seed``), so that
  ``re.compile`` finds it compiled.

``export()`` and ``restore()`` turn all of it into bytes and back: ``policydiff.datacache``
keeps them in a file between runs (the core does no I/O). Without it, this is a memo.
"""

from __future__ import annotations

import hashlib
import importlib
import marshal
import re
import sys
from array import array
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

__all__ = [
    "changed",
    "compile_pattern",
    "derived",
    "export",
    "keep",
    "learn",
    "precompile",
    "restore",
    "seed",
    "validated",
]

_T = TypeVar("_T")
_FORMAT = 2  # raised when the layout of the export changes

# The regex engine's own modules: its parser, its code generator and the C engine that
# turns a program into a pattern (what ``re.compile`` does, in three steps).
_sre: Any = importlib.import_module("_sre")
_parser: Any = importlib.import_module("re._parser")
_compiler: Any = importlib.import_module("re._compiler")
# An export is read back only by the same Python build with the same regex engine.
_ENGINE = (_FORMAT, sys.version, _sre.MAGIC, _sre.CODESIZE, marshal.version)

# name → (digest of its files, validated value)
_data: dict[str, tuple[bytes, Any]] = {}
# (pattern, flags) → (flags, program as bytes, groups, group index, index group)
_programs: dict[tuple[str, int], tuple[Any, ...]] = {}
# The same for the patterns ``re`` compiled in earlier runs (``learn``, ``seed``); at most
# _LEARNED of them, so that a cache cannot grow without end and they leave room in ``re``'s
# cache (512 patterns) for the patterns a run compiles anew.
_learned: dict[tuple[str, int], tuple[Any, ...]] = {}
_LEARNED = 400
_changed = False
# Whether what is computed is kept for export: only then is a compiled program worth taking
# apart, and a lexicon's unused patterns worth compiling.
_keeping = False


def keep() -> None:
    """Keep compiled programs from now on (``policydiff.datacache`` exports them)."""
    global _keeping
    _keeping = True


def changed() -> bool:
    """True when something was computed since the last ``restore`` or ``export``."""
    return _changed


def _change() -> None:
    global _changed
    _changed = True


def export(stamp: object = None) -> bytes:
    """Everything computed so far (with the caller's ``stamp``), as bytes for ``restore``."""
    global _changed
    blob = marshal.dumps(cast(Any, (_ENGINE, stamp, _data, _programs, _learned)))
    _changed = False
    return blob


def restore(blob: bytes, stamp: object = None) -> bool:
    """Take back what ``export`` gave, when this Python wrote it under the same ``stamp``;
    False (and nothing taken) for anything else: damaged, foreign or outdated bytes."""
    global _changed
    try:
        engine, their_stamp, data, programs, learned = marshal.loads(blob)
    except Exception:  # not what export wrote: damaged, or not a cache at all
        return False
    if engine != _ENGINE or their_stamp != stamp:
        return False
    if not all(isinstance(table, dict) for table in (data, programs, learned)):
        return False
    _data.update(data)
    _programs.update(programs)
    _learned.update(learned)
    _changed = False
    return True


def validated(name: str, contents: Sequence[bytes], build: Callable[[list[bytes]], _T]) -> _T:
    """``build(contents)`` (which parses and validates them), computed once for these exact
    bytes. The value must be plain data (dicts, lists, strings, numbers, booleans)."""
    digest = hashlib.sha256()
    for content in contents:
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    held = _data.get(name)
    if held is not None and held[0] == digest.digest():
        return cast(_T, held[1])
    value = build(list(contents))
    _data[name] = (digest.digest(), value)
    _change()
    return value


def derived(name: str, source: str, build: Callable[[], _T]) -> _T:
    """``build()``, a value computed from the validated file ``source`` alone (a name given
    to ``validated``, which must have served it), once for that file's bytes. The value must
    be plain data (``validated``'s, tuples and frozensets too); the code computing it must be
    covered by the stamp an export is written with (``policydiff.datacache``)."""
    held_source = _data.get(source)
    if held_source is None:  # not read through ``validated``: nothing to key it by
        return build()
    held = _data.get(name)
    if held is not None and held[0] == held_source[0]:
        return cast(_T, held[1])
    value = build()
    _data[name] = (held_source[0], value)
    _change()
    return value


def compile_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, from the compiled program kept when there is one
    (the pattern is equal to ``re.compile``'s)."""
    flags = int(flags)  # not a RegexFlag: an export holds plain values
    program = _programs.get((source, flags))
    if program is not None:
        try:
            return _pattern(source, program)
        except Exception:  # a program this engine refuses: compile afresh
            del _programs[(source, flags)]
    pattern = re.compile(source, flags)
    if _keeping:
        _keep(source, flags, pattern)
    return pattern


def precompile(sources: Sequence[str], flags: int = 0) -> None:
    """Compile and keep every pattern of ``sources`` not kept yet (so that what this run
    exports serves every later run, whichever patterns it happens to need)."""
    flags = int(flags)
    if not _keeping:
        return
    for source in sources:
        if (source, flags) not in _programs:
            _keep(source, flags, re.compile(source, flags))


def _pattern(source: str, program: tuple[Any, ...]) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = program
    return cast(
        re.Pattern[str],
        _sre.compile(source, flags, array("I", code).tolist(), groups, groupindex, indexgroup),
    )


def _re_caches() -> list[dict[Any, Any]]:
    """``re``'s own caches of compiled patterns, keyed by (type, pattern, flags):
    ``re._cache`` (and ``re._cache2`` from Python 3.12 on)."""
    caches = (getattr(re, "_cache", None), getattr(re, "_cache2", None))
    return [cache for cache in caches if isinstance(cache, dict)]


def learn() -> None:
    """Keep the programs of the patterns ``re`` holds compiled now (at the end of a run)."""
    if not _keeping:
        return
    for cache in _re_caches():
        for key, pattern in list(cache.items()):
            if len(_learned) >= _LEARNED:
                return
            if not (isinstance(key, tuple) and len(key) == 3 and key[0] is str):
                continue
            source, flags = key[1], key[2]
            if not isinstance(source, str) or type(flags) is not int:
                continue
            if (source, flags) in _learned or (source, flags) in _programs:
                continue
            program = _program(source, flags, pattern)
            if program is not None:
                _learned[(source, flags)] = program
                _change()


def seed() -> None:
    """Put the patterns ``re`` compiled in earlier runs into its cache (at a run's start):
    ``re.compile`` (and ``re.match(pattern, …)``) then finds them compiled."""
    caches = _re_caches()
    if not caches:
        return
    cache = caches[0]  # where re.compile keeps what it compiled, and looks
    room = int(getattr(re, "_MAXCACHE", 512)) - len(cache) - 1
    for (source, flags), program in _learned.items():
        if room <= 0:
            return
        key = (str, source, flags)
        if any(key in known for known in caches):
            continue
        try:
            cache[key] = _pattern(source, program)
        except Exception:  # a program this engine refuses: re compiles it as it always did
            continue
        room -= 1


def _keep(source: str, flags: int, pattern: re.Pattern[str]) -> None:
    program = _program(source, flags, pattern)
    if program is not None:
        _programs[(source, flags)] = program
        _change()


def _program(source: str, flags: int, pattern: re.Pattern[str]) -> tuple[Any, ...] | None:
    """The program of ``pattern`` (compiled by ``re``) when the engine's steps give the
    same pattern; on any doubt, None."""
    try:
        parsed = _parser.parse(source, flags)
        code = array("I", _compiler._code(parsed, flags)).tobytes()
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program = (
            flags | parsed.state.flags,
            code,
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        if _pattern(source, program) != pattern:
            return None
    except Exception:  # an engine unlike the one this was written for
        return None
    return program
