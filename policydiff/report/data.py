"""The comparison as JSON, for programs: ``Comparison.to_dict`` under a versioned schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from policydiff.models import Comparison

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = ["render", "render_pieces"]


def render(comparison: Comparison, options: Options) -> str:
    data = comparison.to_dict(include_unchanged=options.include_unchanged)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_pieces(comparison: Comparison, options: Options) -> Iterator[str]:
    """``render``'s text in pieces of about 64 kB: the JSON of a 100,000-clause comparison is
    hundreds of megabytes as one string."""
    data = comparison.to_dict(include_unchanged=options.include_unchanged)
    batch: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data):
        batch.append(chunk)
        size += len(chunk)
        if size > 65_536:
            yield "".join(batch)
            batch, size = [], 0
    batch.append("\n")
    yield "".join(batch)
