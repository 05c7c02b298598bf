"""Output does not change by accident: for every bundled pair (the 39 consecutive versions of
the Telegram history, first to last, the German HTML pair, HTML against Markdown) and the
history's timeline, the JSON with unchanged clauses and both documents' structure (clause ids,
sentences, roles, links) are as recorded in ``tests/data/golden/snapshots.json``.

A change that means to change output records them anew and says so in its commit:

    python benchmarks/golden.py --write-documents
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from golden import GOLDEN as DEEP_GOLDEN
from golden import bundled

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
