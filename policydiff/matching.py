"""Matching: which of many similar clauses pair up, one to one, in memory linear in the input.

Two steps, both on a sparse graph:

1. ``similar_pairs``: every pair of texts that scores at least a cutoff (normalized Indel
   similarity of their words). Small inputs compare every pair; big ones compare only
   pairs in the same section and pairs that share one of their rarest words (blocking),
   so a document of 100,000 clauses never builds a 100,000² matrix.
2. ``best_matching``: the one-to-one matching of greatest total weight. Each connected
   component of the graph is solved on its own with the shortest augmenting path
   algorithm of scipy's ``linear_sum_assignment`` (Crouse 2016, as implemented by
   P. M. Larsen in scipy), ported here so the small components of everyday comparisons
   need neither numpy nor scipy and are solved exactly as scipy solves them; big
   components go to scipy itself.

Scores are rounded to 32-bit floats, as the dense matrices of earlier versions held them,
so every comparison pairs exactly as before.

A few pairs in a process that has not imported rapidfuzz are scored by ``indel_ratio``, the
same score computed in Python: importing rapidfuzz costs about 5 ms, more than the one pair
most comparisons of two versions leave to score.
"""

from __future__ import annotations

import struct
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence

__all__ = ["best_matching", "f32", "indel_ratio", "linear_sum_assignment", "similar_pairs"]

# Up to FEW_PAIRS pairs, each is scored by ``indel_ratio`` unless rapidfuzz is imported
# already; up to PYTHON_PAIRS, by rapidfuzz's ratio in Python (no numpy import); up to
# EXACT_PAIRS, with rapidfuzz's cdist a block of rows at a time; beyond, by blocking.
FEW_PAIRS = 8
PYTHON_PAIRS = 4_096
EXACT_PAIRS = 4_000_000
ROWS_PER_CHUNK = 512
# Blocking: the rarest words of each text, and how common a word may be to still block.
RARE_WORDS = 4
RARE_SHARE = 0.5
MAX_POSTINGS = 64
# Components up to this size are solved in Python, up to DENSE_CELLS by scipy, beyond
# greedily (heaviest edge first): a bounded degradation for pathological inputs.
PYTHON_CELLS = 40_000  # 200 × 200: some 20 ms in Python, less than importing scipy
DENSE_CELLS = 4_000_000

_FLOAT = struct.Struct("f")

Edge = tuple[int, int, float]


def f32(value: float) -> float:
    """``value`` rounded to the nearest 32-bit float."""
    result: float = _FLOAT.unpack(_FLOAT.pack(value))[0]
    return result


def similar_pairs(
    olds: Sequence[str],
    news: Sequence[str],
    old_groups: Sequence[str],
    new_groups: Sequence[str],
    low: float,
    high: float,
) -> list[Edge]:
    """``(row, column, score)`` for each pair scoring at least ``low`` when both texts are in
    the same group, at least ``high`` otherwise; scores are 0..1, rounded to 32 bits.
    Sorted by row, then column."""
    if not olds or not news:
        return []
    total = len(olds) * len(news)
    if total <= PYTHON_PAIRS:
        scored = _score_python(olds, news, range(len(olds)), range(len(news)), low)
    elif total <= EXACT_PAIRS:
        scored = _score_blocks(olds, news, [(list(range(len(olds))), list(range(len(news))))], low)
    else:
        scored = _score_blocks(olds, news, _blocks(olds, news, old_groups, new_groups), low)
    gate = f32(high)
    return sorted(
        (r, c, s) for (r, c), s in scored.items() if s >= gate or old_groups[r] == new_groups[c]
    )


def _score_python(
    olds: Sequence[str], news: Sequence[str], rows: Sequence[int], cols: Sequence[int], low: float
) -> dict[tuple[int, int], float]:
    ratio: Callable[..., float]
    if len(rows) * len(cols) <= FEW_PAIRS and "rapidfuzz.fuzz" not in sys.modules:
        ratio = indel_ratio
    else:
        from rapidfuzz.fuzz import ratio

    cutoff = low * 100
    scored = {}
    for r in rows:
        a = olds[r]
        for c in cols:
            raw = ratio(a, news[c], score_cutoff=cutoff)
            if raw:
                scored[r, c] = f32(f32(raw) / 100.0)
    return scored


def indel_ratio(a: str, b: str, *, score_cutoff: float = 0.0) -> float:
    """``rapidfuzz.fuzz.ratio(a, b, score_cutoff=score_cutoff)``, the same number computed in
    Python: 100 × (1 − Indel distance / (len(a) + len(b))), 0 below the cutoff (0..100)."""
    total = len(a) + len(b)
    similarity = 1.0 - (total - 2 * _common_subsequence(a, b)) / total if total else 1.0
    return similarity * 100 if similarity >= score_cutoff / 100 else 0.0


def _common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of ``a`` and ``b``, bit-parallel (Hyyrö
    2004, as rapidfuzz computes it): one bit of ``row`` for each character of ``a``, a few
    operations on it for each character of ``b``."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for place, char in enumerate(a):
        masks[char] = masks.get(char, 0) | 1 << place
    full = (1 << len(a)) - 1
    row = full
    for char in b:
        matches = row & masks.get(char, 0)
        row = ((row + matches) | (row - matches)) & full
    return len(a) - row.bit_count()


def _score_blocks(
    olds: Sequence[str],
    news: Sequence[str],
    blocks: list[tuple[list[int], list[int]]],
    low: float,
) -> dict[tuple[int, int], float]:
    """Every pair within each block (rows × columns), scored by rapidfuzz's cdist."""
    import numpy as np
    from rapidfuzz.fuzz import ratio
    from rapidfuzz.process import cdist

    scored: dict[tuple[int, int], float] = {}
    for rows, cols in blocks:
        col_texts = [news[c] for c in cols]
        for start in range(0, len(rows), ROWS_PER_CHUNK):
            chunk = rows[start : start + ROWS_PER_CHUNK]
            matrix = (
                cdist(
                    [olds[r] for r in chunk],
                    col_texts,
                    scorer=ratio,
                    score_cutoff=low * 100,
                    dtype=np.float32,
                    workers=1 if len(chunk) * len(cols) < 100_000 else -1,
                )
                / 100.0
            )
            for r, c in zip(*np.nonzero(matrix), strict=True):
                scored[chunk[r], cols[c]] = float(matrix[r, c])
    return scored


def _blocks(
    olds: Sequence[str],
    news: Sequence[str],
    old_groups: Sequence[str],
    new_groups: Sequence[str],
) -> list[tuple[list[int], list[int]]]:
    """Blocks of rows × columns worth scoring in a big input: each group (section) whole
    when it is small enough, and for each rare word, the texts that share it."""
    blocks: list[tuple[list[int], list[int]]] = []
    by_group: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for r, group in enumerate(old_groups):
        by_group[group][0].append(r)
    for c, group in enumerate(new_groups):
        if group in by_group:
            by_group[group][1].append(c)
    for rows, cols in by_group.values():
        if cols and len(rows) * len(cols) <= EXACT_PAIRS // 16:
            blocks.append((rows, cols))

    old_words = [set(text.split()) for text in olds]
    new_words = [set(text.split()) for text in news]
    old_postings: dict[str, list[int]] = defaultdict(list)
    new_postings: dict[str, list[int]] = defaultdict(list)
    for r, words in enumerate(old_words):
        for word in words:
            old_postings[word].append(r)
    for c, words in enumerate(new_words):
        for word in words:
            new_postings[word].append(c)

    def frequency(word: str) -> tuple[int, str]:
        return (len(old_postings.get(word, ())) + len(new_postings.get(word, ())), word)

    # Each text's rarest words that also occur on the other side, and not too often there.
    old_keys: dict[str, list[int]] = defaultdict(list)
    new_keys: dict[str, list[int]] = defaultdict(list)
    for r, words in enumerate(old_words):
        useful = [w for w in words if 0 < len(new_postings.get(w, ())) <= MAX_POSTINGS]
        for word in sorted(useful, key=frequency)[: _keep(len(words))]:
            old_keys[word].append(r)
    for c, words in enumerate(new_words):
        useful = [w for w in words if 0 < len(old_postings.get(w, ())) <= MAX_POSTINGS]
        for word in sorted(useful, key=frequency)[: _keep(len(words))]:
            new_keys[word].append(c)
    for word, rows in old_keys.items():
        blocks.append((rows, new_postings[word]))
    for word, cols in new_keys.items():
        blocks.append((old_postings[word], cols))
    return blocks


def _keep(words: int) -> int:
    """How many of a text's rarest words block it: a pair that shares more than half of the
    words of either text shares one of them."""
    return max(RARE_WORDS, int(words * RARE_SHARE) + 1)


def best_matching(edges: Sequence[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """A one-to-one matching of greatest total weight over ``(row, column, weight)`` edges
    (weights > 0), as ``linear_sum_assignment(maximize=True)`` finds it on the dense matrix
    (absent edges weigh 0); pairs sorted by row."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for r, c, _ in edges:
        a, b = find((0, r)), find((1, c))
        if a != b:
            parent[max(a, b)] = min(a, b)
    components: dict[tuple[int, int], list[tuple[int, int, float]]] = defaultdict(list)
    for edge in edges:
        components[find((0, edge[0]))].append(edge)
    result: list[tuple[int, int]] = []
    for component in components.values():
        result.extend(_solve(component))
    return sorted(result)


def _solve(edges: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    if len(edges) == 1:
        return [(edges[0][0], edges[0][1])]
    rows = sorted({r for r, _, _ in edges})
    cols = sorted({c for _, c, _ in edges})
    row_at = {r: k for k, r in enumerate(rows)}
    col_at = {c: k for k, c in enumerate(cols)}
    cells = len(rows) * len(cols)
    if cells > DENSE_CELLS:
        return _greedy(edges)
    if cells <= PYTHON_CELLS:
        weights = [[0.0] * len(cols) for _ in rows]
        for r, c, w in edges:
            weights[row_at[r]][col_at[c]] = w
        pairs = linear_sum_assignment(weights)
    else:
        import numpy as np
        from scipy.optimize import linear_sum_assignment as scipy_lsa

        matrix = np.zeros((len(rows), len(cols)))
        for r, c, w in edges:
            matrix[row_at[r], col_at[c]] = w
        row_ind, col_ind = scipy_lsa(matrix, maximize=True)
        pairs = list(zip(row_ind.tolist(), col_ind.tolist(), strict=True))
    present = {(row_at[r], col_at[c]) for r, c, _ in edges}
    return [(rows[i], cols[j]) for i, j in pairs if (i, j) in present]


def _greedy(edges: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    result = []
    for r, c, _ in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        if r not in used_rows and c not in used_cols:
            used_rows.add(r)
            used_cols.add(c)
            result.append((r, c))
    return result


def linear_sum_assignment(weights: list[list[float]]) -> list[tuple[int, int]]:
    """``scipy.optimize.linear_sum_assignment(weights, maximize=True)`` in Python, step for
    step (ties fall the same way): the (row, column) pairs, sorted by row."""
    nr, nc = len(weights), len(weights[0]) if weights else 0
    if not nr or not nc:
        return []
    transpose = nc < nr
    if transpose:
        cost = [[-weights[i][j] for i in range(nr)] for j in range(nc)]
        nr, nc = nc, nr
    else:
        cost = [[-w for w in row] for row in weights]
    inf = float("inf")
    u = [0.0] * nr
    v = [0.0] * nc
    path = [-1] * nc
    col4row = [-1] * nr
    row4col = [-1] * nc
    for current in range(nr):
        shortest = [inf] * nc
        in_rows = [False] * nr
        in_cols = [False] * nc
        remaining = list(range(nc - 1, -1, -1))
        min_value = 0.0
        sink = -1
        i = current
        while sink == -1:
            index = -1
            lowest = inf
            in_rows[i] = True
            row_cost, ui = cost[i], u[i]
            for it, j in enumerate(remaining):
                r = min_value + row_cost[j] - ui - v[j]
                if r < shortest[j]:
                    path[j] = i
                    shortest[j] = r
                if shortest[j] < lowest or (shortest[j] == lowest and row4col[j] == -1):
                    lowest = shortest[j]
                    index = it
            min_value = lowest
            j = remaining[index]
            if row4col[j] == -1:
                sink = j
            else:
                i = row4col[j]
            in_cols[j] = True
            remaining[index] = remaining[-1]
            remaining.pop()
        u[current] += min_value
        for i in range(nr):
            if in_rows[i] and i != current:
                u[i] += min_value - shortest[col4row[i]]
        for j in range(nc):
            if in_cols[j]:
                v[j] -= min_value - shortest[j]
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            col4row[i], j = j, col4row[i]
            if i == current:
                break
    if transpose:
        return sorted((col4row[k], k) for k in range(nr))
    return [(i, col4row[i]) for i in range(nr)]
