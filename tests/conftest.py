"""Shared fixtures: the real Telegram captures bundled in snapshots/ and tests/data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "snapshots"
PRIVACY = SNAPSHOTS / "telegram.org" / "privacy"
PRIVACY_DE = SNAPSHOTS / "telegram.org" / "privacy~lang=de"
DATA = Path(__file__).resolve().parent / "data"

HEADLINE_OLD = PRIVACY / "20240715181441.md"
HEADLINE_NEW = PRIVACY / "20240923152623.md"
HTML_EN = PRIVACY / "20220711150000.html"
MD_EN = DATA / "telegram_privacy_2022-07-11.md"
HTML_DE_OLD = PRIVACY_DE / "20240506123700.html"
HTML_DE_NEW = PRIVACY_DE / "20240924003400.html"


def history() -> list[Path]:
    """The 40 Markdown versions of Telegram's privacy policy, oldest first."""
    return sorted(PRIVACY.glob("*.md"))


@pytest.fixture(scope="session")
def headline():  # type: ignore[no-untyped-def]
    import policydiff

    return policydiff.compare(HEADLINE_OLD, HEADLINE_NEW)


def pytest_configure(config: pytest.Config) -> None:
    """The language cache of the test run (and of the commands it starts) is its own, not
    the user's (~/.cache/policydiff): a fresh folder, removed at the end."""
    import os
    import tempfile

    if "POLICYDIFF_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="policydiff-test-cache-")
        os.environ["POLICYDIFF_CACHE"] = folder

        def remove() -> None:
            os.environ["POLICYDIFF_CACHE"] = ""  # nothing written at exit, after this
            shutil.rmtree(folder, ignore_errors=True)

        config.add_cleanup(remove)
