"""Matching on a sparse graph gives what a dense assignment gave, in every mode."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest
from conftest import HEADLINE_NEW, HEADLINE_OLD
from helpers import real_sentences
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment as scipy_lsa

from policydiff import compare, matching
from policydiff.matching import best_matching, indel_ratio, linear_sum_assignment, similar_pairs
from policydiff.normalize.text import fold


@pytest.mark.parametrize("seed", range(60))
def test_the_python_assignment_is_scipys_step_for_step(seed: int) -> None:
    # Small integer weights make many ties: the port must break them as scipy does.
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 9), rng.randint(1, 9)
    weights = [[float(rng.choice([0, 0, 1, 2, 3])) for _ in range(cols)] for _ in range(rows)]
    row_ind, col_ind = scipy_lsa(np.array(weights), maximize=True)
    assert linear_sum_assignment(weights) == list(
        zip(row_ind.tolist(), col_ind.tolist(), strict=True)
    )


@pytest.mark.parametrize("seed", range(20))
def test_components_solved_apart_match_one_dense_assignment(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(5, 60), rng.randint(5, 60)
    edges = sorted(
        {
            (rng.randrange(rows), rng.randrange(cols)): rng.uniform(0.4, 1.0) for _ in range(90)
        }.items()
    )
    dense = np.zeros((rows, cols))
    for (r, c), w in edges:
        dense[r, c] = w
    row_ind, col_ind = scipy_lsa(dense, maximize=True)
    expected = [
        (r, c) for r, c in zip(row_ind.tolist(), col_ind.tolist(), strict=True) if dense[r, c] > 0
    ]
    assert best_matching([(r, c, w) for (r, c), w in edges]) == expected


def _texts(count: int, seed: int) -> tuple[list[str], list[str]]:
    """Real sentences, and the same with a fifth of them edited, shuffled."""
    rng = random.Random(seed)
    old = [fold(s) for s in real_sentences()[:count]]
    new = []
    for text in old:
        words = text.split()
        if rng.random() < 0.2:
            words[rng.randrange(len(words))] = rng.choice(["quarterly", "never", "partners"])
        new.append(" ".join(words))
    rng.shuffle(new)
    return old, new


def _groups(count: int) -> list[str]:
    return [f"section {k // 15}" for k in range(count)]


def test_scoring_in_python_and_with_cdist_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _texts(60, 1)
    groups = _groups(60)
    python = similar_pairs(old, new, groups, groups, 0.45, 0.6)
    monkeypatch.setattr(matching, "PYTHON_PAIRS", 0)
    assert similar_pairs(old, new, groups, groups, 0.45, 0.6) == python
    assert len(python) >= 60


def test_blocking_finds_nearly_all_pairs_an_exhaustive_search_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = _texts(300, 2)
    old_groups, new_groups = _groups(300), _groups(300)[::-1]
    exhaustive = similar_pairs(old, new, old_groups, new_groups, 0.45, 0.6)
    monkeypatch.setattr(matching, "EXACT_PAIRS", 0)
    blocked = similar_pairs(old, new, old_groups, new_groups, 0.45, 0.6)
    strong = {(r, c) for r, c, s in exhaustive if s >= 0.6}
    found = strong & {(r, c) for r, c, _ in blocked}
    assert len(found) >= 0.99 * len(strong) > 400  # a heuristic: 459 of 461 today
    assert set(blocked) <= set(exhaustive)


def test_big_components_go_to_scipy_and_giant_ones_are_matched_greedily(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(5)
    edges = [(r, c, rng.uniform(0.5, 1.0)) for r in range(30) for c in range(30)]
    exact = best_matching(edges)
    monkeypatch.setattr(matching, "PYTHON_CELLS", 0)
    assert best_matching(edges) == exact  # scipy, same answer
    monkeypatch.setattr(matching, "DENSE_CELLS", 0)
    greedy = best_matching(edges)
    assert len(greedy) == 30
    assert len({c for _, c in greedy}) == 30
    heaviest = max(edges, key=lambda e: e[2])
    assert (heaviest[0], heaviest[1]) in greedy


_TEXT = st.text(alphabet=st.sampled_from("ab cdé,.ſK\u00a0€"), max_size=80)


@settings(max_examples=400, deadline=None)
@given(
    _TEXT, _TEXT, st.one_of(st.just(0.0), st.floats(0, 100), st.sampled_from([50.0, 62.5, 100.0]))
)
def test_the_python_ratio_is_rapidfuzzs_to_the_last_bit(a: str, b: str, cutoff: float) -> None:
    """``indel_ratio`` scores the few pairs of a process without rapidfuzz: the very number
    rapidfuzz gives, cutoffs included (a pairing must not depend on which one scored)."""
    from rapidfuzz.fuzz import ratio

    assert indel_ratio(a, b, score_cutoff=cutoff) == ratio(a, b, score_cutoff=cutoff)


def test_the_python_ratio_on_real_clauses() -> None:
    from rapidfuzz.fuzz import ratio

    sentences = real_sentences()
    rng = random.Random(5)
    for _ in range(300):
        a, b = rng.choice(sentences), rng.choice(sentences)
        for cutoff in (0.0, 0.45 * 100, 80.0):  # 0.45 * 100: a cutoff as similar_pairs makes it
            assert indel_ratio(a, b, score_cutoff=cutoff) == ratio(a, b, score_cutoff=cutoff)
        assert indel_ratio(fold(a), fold(b)) == ratio(fold(a), fold(b))


def test_two_versions_compared_without_importing_rapidfuzz() -> None:
    """The headline pair leaves one pair to score: no rapidfuzz (about 5 ms at a start), and
    the same report as with it."""
    code = (
        "import sys\n"
        "from policydiff import compare\n"
        "result = compare(sys.argv[1], sys.argv[2])\n"
        "print('rapidfuzz' in sys.modules)\n"
        "print(result.to_json())\n"
    )
    env = {**os.environ, "POLICYDIFF_CACHE": ""}
    done = subprocess.run(
        [sys.executable, "-c", code, str(HEADLINE_OLD), str(HEADLINE_NEW)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded, report = done.stdout.split("\n", 1)
    assert loaded == "False"
    import rapidfuzz.fuzz  # noqa: F401  (now the same pair, scored by rapidfuzz)

    assert compare(HEADLINE_OLD, HEADLINE_NEW).to_json() + "\n" == report
