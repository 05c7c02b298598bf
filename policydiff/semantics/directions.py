"""Which way a change moves a practice: the direction table of ``languages/rules.toml``.

Directions are data, not branches in Python: what adding a recipient, removing a right or
dropping a safeguard does for the user is one row of the table, the same in every language.
"""

from __future__ import annotations

from functools import cache

from policydiff.languages import rules
from policydiff.models import Direction

__all__ = ["KINDS", "action", "action_gone", "clause", "replaced", "slot"]

# What an added or removed clause mainly states, in the order they are tried.
KINDS = ("recipient", "right", "safeguard", "contact", "negated", "practice")


@cache
def clause(kind: str, event: str) -> tuple[str, Direction]:
    """(label, direction) for a clause of ``kind`` that was ``event`` (added, removed)."""
    label, direction = rules()["directions"][event][kind]
    return label, Direction(direction)


@cache
def slot(family: str, event: str, negated: bool = False) -> Direction:
    """The direction of a term of ``family`` appearing (added) or going (removed)."""
    row = rules()["directions"]["slots"][family]
    direction = Direction(row[event])
    return direction.opposite if negated and row["flips"] else direction


@cache
def action(name: str) -> Direction | None:
    """The direction of an action that newly appears in a clause, if it is a practice."""
    value = rules()["directions"]["actions"].get(name)
    return Direction(value) if value else None


@cache
def replaced(kind: str) -> Direction | None:
    """The direction of a clause of ``kind`` that now names someone else, if the table has it."""
    value = rules()["directions"]["replaced"].get(kind)
    return Direction(value) if value else None


@cache
def action_gone(name: str) -> tuple[str, Direction] | None:
    """(label, direction) when an action leaves a modified clause, if the table has it."""
    row = rules()["directions"]["actions_gone"].get(name)
    return (row[0], Direction(row[1])) if row else None
