"""Output does not change by accident: ``compare --format json`` on every bundled pair.

The expected outputs are SHA-256 digests of the JSON (``tests/golden/comparisons.json``).
A change that means to change output regenerates them and says so in its commit:

    POLICYDIFF_REGEN_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import HTML_DE_NEW, HTML_DE_OLD, HTML_EN, MD_EN, ROOT, history
from golden import GOLDEN as DEEP_GOLDEN
from golden import bundled

GOLDEN = Path(__file__).resolve().parent / "golden" / "comparisons.json"
REGEN = os.environ.get("POLICYDIFF_REGEN_GOLDEN") == "1"


def _pairs() -> list[tuple[Path, Path]]:
    versions = history()
    pairs = list(itertools.pairwise(versions))
    pairs += [(versions[0], versions[-1]), (HTML_DE_OLD, HTML_DE_NEW), (HTML_EN, MD_EN)]
    return pairs


def _key(old: Path, new: Path) -> str:
    return f"{old.relative_to(ROOT)} -> {new.relative_to(ROOT)}"


def _digest(old: Path, new: Path) -> str:
    from policydiff import compare
    from policydiff.sources import read_file

    result = compare(read_file(old.relative_to(ROOT)), read_file(new.relative_to(ROOT)))
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_every_bundled_pair_gives_the_recorded_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    actual = {_key(old, new): _digest(old, new) for old, new in _pairs()}
    if REGEN:
        GOLDEN.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", "utf-8")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    changed = sorted(k for k in actual if actual[k] != expected.get(k))
    assert not changed, f"output changed for {len(changed)} pair(s): {changed[:5]}"
    assert actual.keys() == expected.keys()


# Deeper: both documents' structure (clause ids, sentences, roles, links), the unchanged
# clauses and the timeline of the bundled history, as digests recorded by
# ``python benchmarks/golden.py --write-documents`` (see tests/golden.py).
DEEP: dict[str, Any] = json.loads(DEEP_GOLDEN.read_text("utf-8"))


@pytest.fixture(scope="module")
def deep_now() -> dict[str, Any]:
    return bundled()


@pytest.mark.parametrize("case", sorted(DEEP))
def test_documents_and_timeline_are_as_recorded(case: str, deep_now: dict[str, Any]) -> None:
    expected, actual = DEEP[case], deep_now[case]
    for part in expected:
        if isinstance(expected[part], list):
            for index, (want, got) in enumerate(zip(expected[part], actual[part], strict=False)):
                assert got == want, f"{case}: {part}[{index}] differs"
            assert len(actual[part]) == len(expected[part]), f"{case}: number of {part}"
        else:
            assert actual[part] == expected[part], f"{case}: {part} differs"


def test_every_deep_case_is_recorded(deep_now: dict[str, Any]) -> None:
    assert sorted(deep_now) == sorted(DEEP)
    assert len(DEEP) == 39 + 3 + 1
