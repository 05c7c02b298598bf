"""Matching on a sparse graph gives what a dense assignment gave, in every mode."""

from __future__ import annotations

import random

import numpy as np
import pytest
from helpers import real_sentences
from scipy.optimize import linear_sum_assignment as scipy_lsa

from policydiff import matching
from policydiff.matching import best_matching, linear_sum_assignment, similar_pairs
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
