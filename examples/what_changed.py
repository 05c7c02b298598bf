"""What changed in section 8.3 of Telegram's privacy policy in September 2024.

    python examples/what_changed.py

Uses the library on two versions bundled in snapshots/ and prints each substantive change
with its edits, the way a newsletter might quote it.
"""

from __future__ import annotations

from pathlib import Path

import policydiff

HERE = Path(__file__).resolve().parent.parent / "snapshots" / "telegram.org" / "privacy"


def main() -> None:
    result = policydiff.compare(HERE / "20240715181441.md", HERE / "20240923152623.md")
    old, new = result.old.captured_at, result.new.captured_at
    print(f"{result.new_document.title}: {old:%d %B %Y} → {new:%d %B %Y}")
    for change in result.substantive_changes:
        print(f"\n§ {change.section} ({change.kind.value})")
        for sign, text in change.ops:
            if sign == "-":
                print(f"  removed:  {text.strip()}")
            elif sign == "+":
                print(f"  added:    {text.strip()}")
    quiet = [c for c in result.changed() if not c.substantive]
    print(f"\n{len(quiet)} other change(s), none substantive.")


if __name__ == "__main__":
    main()
