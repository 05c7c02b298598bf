"""The language data kept between runs (policydiff/languages/_cache.py in memory,
policydiff/datacache.py on disk): a hit gives what reading afresh gives, changed data is
validated again, a bad cache is passed over."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import HEADLINE_NEW, HEADLINE_OLD

from policydiff import datacache
from policydiff.errors import RuleDataError
from policydiff.languages import _cache, _parse
from policydiff.semantics.lexicon import lexicon

RULES = Path(__file__).parent.parent / "policydiff" / "languages" / "rules.toml"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has computed nothing yet, and keeps what it computes."""
    monkeypatch.setattr(_cache, "_data", {})
    monkeypatch.setattr(_cache, "_programs", {})
    monkeypatch.setattr(_cache, "_learned", {})
    monkeypatch.setattr(_cache, "_changed", False)
    monkeypatch.setattr(_cache, "_keeping", True)
    yield


def _next_run(blob: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the next process sees: nothing in memory but what ``blob`` restores."""
    monkeypatch.setattr(_cache, "_data", {})
    monkeypatch.setattr(_cache, "_programs", {})
    monkeypatch.setattr(_cache, "_learned", {})
    assert _cache.restore(blob, "stamp")


def test_patterns_from_the_cache_equal_what_re_compiles(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = [e.source for entries in lexicon("en").families.values() for e in entries]
    sources += [r"(?P<year>\d{4})-(?P<month>\d\d)", r"(?<![\w-])(?:a|b)(?![\w])"]
    for source in sources:
        _cache.compile_pattern(source, re.I)
    _next_run(_cache.export("stamp"), monkeypatch)
    assert {(source, int(re.I)) for source in sources} <= set(_cache._programs)
    for source in sources:
        kept = _cache.compile_pattern(source, re.I)
        fresh_pattern = re.compile(source, re.I)
        assert kept is not fresh_pattern
        # Pattern equality compares the compiled programs, not only the text.
        assert kept == fresh_pattern
        assert (kept.groups, kept.groupindex, kept.flags) == (
            fresh_pattern.groups,
            fresh_pattern.groupindex,
            fresh_pattern.flags,
        )
    named = _cache.compile_pattern(r"(?P<year>\d{4})-(?P<month>\d\d)", re.I).match("2024-07")
    assert named is not None and named.group("month") == "07"
    assert not _cache.changed()  # nothing new was computed in the second run


def test_patterns_re_compiled_in_a_run_are_in_its_cache_at_the_next_start(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each module's own patterns: ``re.compile`` finds them compiled at the next start."""
    source = r"policydiff-(?P<test>learn)-\d+(?=[.!?])"
    re.purge()  # what this process compiled before is no part of the test
    compiled = re.compile(source, re.I)
    _cache.learn()
    _next_run(_cache.export("stamp"), monkeypatch)
    re.purge()  # a new process: re's cache is empty
    _cache.seed()
    seeded = re._cache[(str, source, int(re.I))]  # type: ignore[attr-defined]
    assert seeded is not compiled and seeded == compiled
    assert re.compile(source, re.I) is seeded
    match = re.match(source, "POLICYDIFF-learn-12.", re.I)
    assert match is not None and match.group("test") == "learn"


def test_what_is_learned_is_bounded(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cache, "_LEARNED", 3)
    for number in range(10):
        re.compile(rf"bounded-{number}")
    _cache.learn()
    assert len(_cache._learned) == 3


def test_changed_data_is_validated_again(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []

    def build(contents: list[bytes]) -> dict[str, object]:
        calls.append(contents[0])
        return _parse("rules.toml", "rules", contents[0])

    good = RULES.read_bytes()
    first = _cache.validated("rules.toml", [good], build)
    _next_run(_cache.export("stamp"), monkeypatch)
    assert _cache.validated("rules.toml", [good], build) == first
    assert len(calls) == 1  # the second run took the validated result
    with pytest.raises(RuleDataError, match="thresholds"):
        _cache.validated("rules.toml", [good.replace(b"threshold =", b"thresholds =")], build)
    assert len(calls) == 2


def test_a_derived_value_is_computed_again_only_for_other_bytes(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is computed from a validated file (the lexicon's entries) is kept under the
    file's digest: the next run takes it, changed bytes compute it again."""
    calls: list[str] = []

    def count(contents: list[bytes]) -> bytes:
        calls.append("validated")
        return contents[0]

    def entries() -> tuple[str, frozenset[str]]:
        calls.append("derived")
        return ("entries", frozenset({"cue"}))

    good = RULES.read_bytes()
    _cache.validated("rules.toml", [good], count)
    first = _cache.derived("rules.toml:entries", "rules.toml", entries)
    _next_run(_cache.export("stamp"), monkeypatch)
    _cache.validated("rules.toml", [good], count)
    assert _cache.derived("rules.toml:entries", "rules.toml", entries) == first
    assert calls == ["validated", "derived"]
    _cache.validated("rules.toml", [good + b"\n# changed\n"], count)
    assert _cache.derived("rules.toml:entries", "rules.toml", entries) == first
    assert calls == ["validated", "derived", "validated", "derived"]


def test_the_lexicon_from_the_cache_is_the_lexicon_read_afresh(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policydiff.languages import load

    load.cache_clear()  # the file read through the cache, as in a new process
    afresh = lexicon.__wrapped__("en")
    assert "en/practices.toml:entries" in _cache._data
    _next_run(_cache.export("stamp"), monkeypatch)
    load.cache_clear()
    kept = lexicon.__wrapped__("en")
    assert kept == afresh
    assert not _cache.changed()


def test_the_stamp_covers_the_code_that_computes_the_entries() -> None:
    """The lexicon's entries are computed in semantics/lexicon.py: a cache written by
    another version of it is passed over."""
    import hashlib

    package = Path(datacache.__file__).parent
    lexicon_code = (package / "semantics" / "lexicon.py").read_bytes()
    code = hashlib.sha256()
    for path in sorted((package / "languages").glob("*.py")):
        code.update(f"languages/{path.name}".encode() + b"\0" + path.read_bytes())
    code.update(b"semantics/lexicon.py\0" + lexicon_code)
    assert datacache._stamp() == code.digest()


def test_damaged_foreign_or_outdated_bytes_are_passed_over(fresh: None) -> None:
    _cache.compile_pattern(r"\bcookies?\b", re.I)
    blob = _cache.export("stamp")
    for damaged in (blob[:100], b"not a cache", b""):
        assert not _cache.restore(damaged, "stamp")
    assert not _cache.restore(blob, "other code")


def test_without_keeping_nothing_is_taken_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library user's process (no cache file) compiles as ``re`` does, nothing more."""
    monkeypatch.setattr(_cache, "_programs", {})
    monkeypatch.setattr(_cache, "_keeping", False)
    assert _cache.compile_pattern(r"\bdata\b") == re.compile(r"\bdata\b")
    _cache.precompile([r"\bcookies\b"])
    assert _cache._programs == {}


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYDIFF_CACHE", "")
    assert datacache.folder() is None and datacache.path() is None
    monkeypatch.setenv("POLICYDIFF_CACHE", "/somewhere")
    assert datacache.path() == f"/somewhere/languages-{sys.implementation.cache_tag}.bin"
    monkeypatch.delenv("POLICYDIFF_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert datacache.folder() == "/xdg/policydiff"


def _compare(cache: str) -> str:
    command = [sys.executable, "-m", "policydiff", "compare", "--format", "json"]
    command += [str(HEADLINE_OLD), str(HEADLINE_NEW)]
    env = {**os.environ, "POLICYDIFF_CACHE": cache}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_a_second_run_reads_the_cache_writes_nothing_and_says_the_same(tmp_path: Path) -> None:
    """The command with a cold cache, a warm one and none at all: the same report; the
    warm run leaves the cache as it found it."""
    cold = _compare(str(tmp_path))
    (cache,) = tmp_path.iterdir()
    written = cache.stat().st_mtime_ns, cache.read_bytes()
    warm = _compare(str(tmp_path))
    assert (cache.stat().st_mtime_ns, cache.read_bytes()) == written
    assert cold == warm == _compare("")
    # A damaged file is no error: the run reads afresh and writes a good one.
    cache.write_bytes(b"\x00" * 64)
    assert _compare(str(tmp_path)) == cold
    assert cache.read_bytes() == written[1]


def test_the_program_reads_the_cache_before_it_imports_the_command_line(tmp_path: Path) -> None:
    """``policydiff.program`` (the console script) reads the cache first, so that the patterns
    click's and the standard library's modules compile when imported are found compiled."""
    code = (
        "import sys\n"
        "from policydiff import datacache\n"
        "use = datacache.use\n"
        "def spy():\n"
        "    print('click' in sys.modules, 'policydiff.cli' in sys.modules, flush=True)\n"
        "    use()\n"
        "datacache.use = spy\n"
        "sys.argv = ['policydiff', '--version']\n"
        "from policydiff.program import run\n"
        "run()\n"
    )
    env = {**os.environ, "POLICYDIFF_CACHE": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    first, version = done.stdout.splitlines()
    assert first == "False False"
    assert version.startswith("policydiff, version")
