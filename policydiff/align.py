"""Align: which old clause became which new clause.

In order: identical text; identical words (case and punctuation aside); fuzzy
similarity within the same section, then across the document, each with an optimal
one-to-one assignment; then split and merged paragraphs; then moves (clauses whose
order changed, found as the complement of a longest increasing subsequence).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from policydiff.errors import TooManyClauses
from policydiff.matching import best_matching, similar_pairs
from policydiff.models import Clause, ClauseKind, ClauseRole
from policydiff.normalize.numbering import split_number
from policydiff.normalize.text import fold

__all__ = ["Pair", "align", "similarity"]

SECTION_THRESHOLD = 0.45
GLOBAL_THRESHOLD = 0.6
JOIN_THRESHOLD = 0.75
# Beyond this many clauses a side, a comparison is refused rather than risk the memory of
# the machine (100,000 clauses a side take about 0.5 GB).
MAX_CLAUSES = 200_000


@dataclass(frozen=True, slots=True)
class Pair:
    """Indices into the old and new clause lists (either side may be empty)."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    score: float
    moved: bool = False


def similarity(a: str, b: str) -> float:
    """Similarity of two texts' words, 0..1 (normalized Indel distance)."""
    from rapidfuzz.fuzz import ratio

    return float(ratio(fold(a), fold(b))) / 100.0


def align(old: Sequence[Clause], new: Sequence[Clause]) -> list[Pair]:
    if max(len(old), len(new)) > MAX_CLAUSES:
        raise TooManyClauses(max(len(old), len(new)), MAX_CLAUSES)
    old_keys = [fold(c.text) for c in old]
    new_keys = [fold(c.text) for c in new]
    matched: dict[int, tuple[int, float]] = {}  # old index -> (new index, score)
    taken: set[int] = set()

    def link(i: int, j: int, score: float) -> None:
        matched[i] = (j, score)
        taken.add(j)

    for keys_old, keys_new in (
        ([c.text for c in old], [c.text for c in new]),
        (old_keys, new_keys),
    ):
        by_text: dict[str, list[int]] = defaultdict(list)
        for j, key in enumerate(keys_new):
            if j not in taken:
                by_text[key].append(j)
        for i, key in enumerate(keys_old):
            if i in matched or not by_text.get(key):
                continue
            link(i, by_text[key].pop(0), 1.0)

    # Fuzzy: one optimal assignment, easier within sections that share a title.
    def free_old() -> list[int]:
        return [i for i in range(len(old)) if i not in matched and old_keys[i]]

    def free_new() -> list[int]:
        return [j for j in range(len(new)) if j not in taken and new_keys[j]]

    titles: dict[str, str] = {}  # a section's clauses share its title: read it once
    old_sections = [_section_key(c, titles) for c in old]
    new_sections = [_section_key(c, titles) for c in new]
    # Headings pair with headings, practices with practices, and a changelog line never
    # with the clause whose change it announces (its words are often the same).
    for group in ("practice", "heading", "frame"):
        olds = [i for i in free_old() if _group(old[i]) == group]
        news = [j for j in free_new() if _group(new[j]) == group]
        for i, j, score in _assign(olds, news, old_keys, new_keys, old_sections, new_sections):
            link(i, j, score)

    pairs = _joins(old, new, old_keys, new_keys, matched, taken)
    return _order(pairs, len(old), len(new))


def _group(clause: Clause) -> str:
    if clause.kind is ClauseKind.HEADING:
        return "heading"
    if clause.role in (ClauseRole.CHANGELOG, ClauseRole.DATE_LINE):
        return "frame"
    return "practice"


def _section_key(clause: Clause, titles: dict[str, str]) -> str:
    """What makes two clauses "in the same place": a heading's own number, else the
    title of the section (its number aside, since sections get renumbered)."""
    if clause.kind is ClauseKind.HEADING and clause.number:
        return f"#{clause.number}"
    if not clause.section_path:
        return ""
    heading = clause.section_path[-1]
    key = titles.get(heading)
    if key is None:
        _, title = split_number(heading)
        key = titles[heading] = fold(title)
    return key


def _assign(
    olds: list[int],
    news: list[int],
    old_keys: list[str],
    new_keys: list[str],
    old_sections: list[str],
    new_sections: list[str],
) -> list[tuple[int, int, float]]:
    """An optimal one-to-one assignment of similar clauses.

    Clauses in sections with the same title pair from SECTION_THRESHOLD up, others
    from GLOBAL_THRESHOLD; the same section and the document's order break ties.
    """
    if not olds or not news:
        return []
    old_groups = [old_sections[i] for i in olds]
    new_groups = [new_sections[j] for j in news]
    edges = similar_pairs(
        [old_keys[i] for i in olds],
        [new_keys[j] for j in news],
        old_groups,
        new_groups,
        SECTION_THRESHOLD,
        GLOBAL_THRESHOLD,
    )
    n_rows, n_cols = max(len(olds), 1), max(len(news), 1)
    weighted = [
        (
            r,
            c,
            (s + (0.05 if old_groups[r] == new_groups[c] else 0.0))
            - 0.01 * abs(r / n_rows - c / n_cols),
        )
        for r, c, s in edges
    ]
    score = {(r, c): s for r, c, s in edges}
    return [(olds[r], news[c], score[r, c]) for r, c in best_matching(weighted)]


def _joins(
    old: Sequence[Clause],
    new: Sequence[Clause],
    old_keys: list[str],
    new_keys: list[str],
    matched: dict[int, tuple[int, float]],
    taken: set[int],
) -> list[Pair]:
    """Pairs, with split paragraphs (one old, several new) and merged ones joined."""
    groups: dict[int, tuple[list[int], list[int], float]] = {}
    owner_new: dict[int, int] = {}
    owner_old: dict[int, int] = {}
    for i, (j, score) in matched.items():
        groups[i] = ([i], [j], score)
        owner_new[j] = i
        owner_old[i] = i

    def joined(indices: list[int], keys: list[str]) -> str:
        return " ".join(keys[k] for k in sorted(indices))

    def grow(
        clauses: Sequence[Clause], keys: list[str], owner: dict[int, int], new_side: bool
    ) -> bool:
        """Join each unmatched clause to a neighbour's pair when that fits better (a split
        paragraph on the new side, a merged one on the old side)."""
        grew = False
        for k in range(len(clauses)):
            if k in owner or not keys[k] or clauses[k].kind is ClauseKind.HEADING:
                continue
            for neighbour in (k - 1, k + 1):
                gid = owner.get(neighbour)
                if gid is None:
                    continue
                olds, news, score = groups[gid]
                if score >= 1.0 or len(olds if new_side else news) > 1:
                    continue
                if new_side:
                    olds_try, news_try = olds, sorted([*news, k])
                else:
                    olds_try, news_try = sorted([*olds, k]), news
                from rapidfuzz.fuzz import ratio  # only when a clause is left unmatched

                trial = ratio(joined(olds_try, old_keys), joined(news_try, new_keys)) / 100.0
                if trial >= max(score + 0.05, JOIN_THRESHOLD):
                    groups[gid] = (olds_try, news_try, trial)
                    owner[k] = gid
                    grew = True
                    break
        return grew

    while grow(new, new_keys, owner_new, True) | grow(old, old_keys, owner_old, False):
        pass
    pairs = [Pair(tuple(o), tuple(n), s) for o, n, s in groups.values()]
    pairs.extend(Pair((i,), (), 0.0) for i in range(len(old)) if i not in owner_old)
    pairs.extend(Pair((), (j,), 0.0) for j in range(len(new)) if j not in owner_new)
    return pairs


def _order(pairs: list[Pair], n_old: int, n_new: int) -> list[Pair]:
    """Mark moves and sort pairs in the new document's reading order."""
    both = sorted((p for p in pairs if p.old and p.new), key=lambda p: p.old[0])
    keep = _increasing(both)
    result: list[Pair] = []
    new_position_of_old: dict[int, float] = {}
    for index, pair in enumerate(both):
        moved = index not in keep
        result.append(Pair(pair.old, pair.new, pair.score, moved))
        for i in pair.old:
            new_position_of_old[i] = pair.new[0]
    for pair in pairs:
        if (pair.old and not pair.new) or (pair.new and not pair.old):
            result.append(pair)

    # For each old clause, the new position of the nearest kept clause before it.
    anchors: list[float] = []
    last = -1.0
    for i in range(n_old):
        anchors.append(last)
        if i in new_position_of_old:
            last = new_position_of_old[i]

    def position(pair: Pair) -> tuple[float, int]:
        if pair.new:
            return (pair.new[0], 0)
        i = pair.old[0]
        return (anchors[i] + 0.5, i)

    result.sort(key=position)
    return result


def _increasing(pairs: list[Pair]) -> set[int]:
    """Indices of a longest subsequence of ``pairs`` whose new positions increase."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for index, pair in enumerate(pairs):
        value = pair.new[0]
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[k] = value
            tail_index[k] = index
        previous[index] = tail_index[k - 1] if k else -1
    keep: set[int] = set()
    k = tail_index[-1] if tail_index else -1
    while k != -1:
        keep.add(k)
        k = previous[k]
    return keep
