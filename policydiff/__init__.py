"""policydiff: what changed in a privacy policy, clause by clause, and what it means.

>>> import policydiff
>>> result = policydiff.compare("old.md", "new.md")      # doctest: +SKIP
>>> [c.section for c in result.substantive_changes]     # doctest: +SKIP
['8.3. Law Enforcement Authorities']
>>> result.to_html()                                    # doctest: +SKIP

Entry points: ``compare`` (two paths), ``compare_text`` (two texts), ``explain`` (the frames
read in a policy), ``history`` (the recorded versions of a folder, a git repository or a
store key), ``timeline_of`` (the life of a policy), ``fetch`` (archived captures into the
store). Every error is a ``PolicydiffError``.
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
    "Record",
    "Result",
    "Section",
    "Snapshot",
    "Timeline",
    "__version__",
    "compare",
    "compare_text",
    "explain",
    "fetch",
    "history",
    "iter_history",
    "timeline_of",
]

if TYPE_CHECKING:
    from policydiff.api import (
        Result,
        compare,
        compare_text,
        explain,
        fetch,
        history,
        iter_history,
        timeline_of,
    )
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
    from policydiff.timeline import Timeline
    from policydiff.versions import Record

_LAZY = {
    "compare": "policydiff.api",
    "compare_text": "policydiff.api",
    "explain": "policydiff.api",
    "fetch": "policydiff.api",
    "history": "policydiff.api",
    "iter_history": "policydiff.api",
    "timeline_of": "policydiff.api",
    "Result": "policydiff.api",
    "PolicydiffError": "policydiff.errors",
    "ChangeKind": "policydiff.models",
    "Clause": "policydiff.models",
    "ClauseChange": "policydiff.models",
    "Comparison": "policydiff.models",
    "Document": "policydiff.models",
    "Section": "policydiff.models",
    "Snapshot": "policydiff.models",
    "Timeline": "policydiff.timeline",
    "Record": "policydiff.versions",
}


def __getattr__(name: str) -> Any:
    # Import lazily so `policydiff --help` starts fast.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policydiff' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    # dir() and help() list the lazy names too.
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
