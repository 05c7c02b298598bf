"""Which services widened disclosure to authorities in 2024?

    policydiff batch snapshots --out corpus-study
    python examples/authorities_widened.py corpus-study

Reads the dataset `policydiff batch` writes (one row per substantive change, in
corpus-study/changes/) with DuckDB, and prints one line per service and document that widened
it: the first such change (date, section, what changed) and how many there were in 2024.
Re-extractions by the archive (technical versions) are left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

QUERY = """
SELECT service, document,
       min(new_date) AS first,
       count(*) AS changes,
       arg_min(coalesce(number, section), new_date) AS place,
       arg_min(list_transform(findings, lambda f: f.explanation), new_date) AS what
FROM read_parquet($changes)
WHERE category = 'authorities'
  AND verdict IN ('widened', 'mixed')
  AND NOT technical
  AND new_date >= TIMESTAMPTZ '2024-01-01 00:00:00+00'
  AND new_date <  TIMESTAMPTZ '2025-01-01 00:00:00+00'
GROUP BY service, document
ORDER BY first, service, document
"""


def main(out: Path) -> None:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    found = connection.execute(QUERY, {"changes": str(out / "changes" / "**" / "*.parquet")})
    for service, document, first, changes, place, what in found.fetchall():
        print(
            f"{service}  {document}  {first:%Y-%m-%d} §{place} ({changes} in 2024): "
            + "; ".join(what)
        )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-study"))
