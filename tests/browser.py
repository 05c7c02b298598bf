"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for the reports."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("POLICYDIFF_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: .ci/run installs Debian's chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Visit:
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def open_page(path: Path, *, width: int = 1100) -> Iterator[tuple[object, Visit]]:
    from playwright.sync_api import sync_playwright

    require_chromium()
    visit = Visit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 1200})
            page.on("console", lambda m: visit.console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: visit.console.append(f"pageerror: {e}"))
            page.on("request", lambda r: visit.requests.append(r.url))
            page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
            page.goto(path.resolve().as_uri())
            yield page, visit
        finally:
            browser.close()


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target), full_page=True)  # type: ignore[attr-defined]
    return target
