"""The bundled store: every capture has a sidecar with its provenance, and they agree."""

from __future__ import annotations

import hashlib
import json

from conftest import SNAPSHOTS

CAPTURES = sorted(
    p for p in SNAPSHOTS.rglob("*") if p.suffix in (".md", ".html") and p.name != "README.md"
)


def test_the_whole_history_and_the_three_pages_are_there() -> None:
    assert len([p for p in CAPTURES if p.suffix == ".md"]) == 40
    assert len([p for p in CAPTURES if p.suffix == ".html"]) == 3


def test_each_capture_has_a_truthful_sidecar() -> None:
    for capture in CAPTURES:
        meta = json.loads(capture.with_name(capture.name + ".json").read_text("utf-8"))
        assert meta["sha256"] == hashlib.sha256(capture.read_bytes()).hexdigest(), capture
        assert meta["url"] == "https://telegram.org/privacy"
        stamp = meta["captured_at"][:19].replace("-", "").replace("T", "").replace(":", "")
        assert capture.stem == stamp
        assert meta["licence"].startswith("ODC-By 1.0")
        assert "Open Terms Archive contributors" in meta["attribution"]


def test_readme_carries_the_attribution() -> None:
    readme = (SNAPSHOTS / "README.md").read_text("utf-8")
    assert "Open Terms Archive contributors" in readme
    assert "https://doi.org/10.26092/elib/2373" in readme
