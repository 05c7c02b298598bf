"""The comparison as JSON, for programs: ``Comparison.to_dict`` under a versioned schema."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from policydiff.models import Comparison

if TYPE_CHECKING:
    from policydiff.report import Options

__all__ = ["render"]


def render(comparison: Comparison, options: Options) -> str:
    data = comparison.to_dict(include_unchanged=options.include_unchanged)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
