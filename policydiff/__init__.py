"""policydiff: what changed in a privacy policy, clause by clause, and what it means.

>>> import policydiff
>>> result = policydiff.compare("old.md", "new.md")      # doctest: +SKIP
>>> [c.section for c in result.substantive_changes]     # doctest: +SKIP
['8.3. Law Enforcement Authorities']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policydiff._version import __version__

__all__ = [
    "ChangeKind",
    "Clause",
    "ClauseChange",
    "Comparison",
    "Document",
    "PolicydiffError",
    "Section",
    "Snapshot",
    "__version__",
    "compare",
]

if TYPE_CHECKING:
    from policydiff.api import compare
    from policydiff.errors import PolicydiffError
    from policydiff.models import (
        ChangeKind,
        Clause,
        ClauseChange,
        Comparison,
        Document,
        Section,
        Snapshot,
    )

_LAZY = {
    "compare": "policydiff.api",
    "PolicydiffError": "policydiff.errors",
    "ChangeKind": "policydiff.models",
    "Clause": "policydiff.models",
    "ClauseChange": "policydiff.models",
    "Comparison": "policydiff.models",
    "Document": "policydiff.models",
    "Section": "policydiff.models",
    "Snapshot": "policydiff.models",
}


def __getattr__(name: str) -> Any:
    # Import lazily so `policydiff --help` starts fast.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policydiff' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
