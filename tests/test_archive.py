"""Archive, store and references against a real pywb on 127.0.0.1 serving real captures."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_fixture import CAPTURES, URL, Pywb, start_pywb
from click.testing import CliRunner
from conftest import PRIVACY

from policydiff.archive.http import Limits, Session
from policydiff.archive.wayback import WaybackArchive
from policydiff.cli import main
from policydiff.errors import ArchiveError
from policydiff.normalize import parse
from policydiff.store import Store

FAST = Limits(rates={"cdx": 6000.0, "capture": 6000.0, "live": 6000.0}, backoff=0.1)


@pytest.fixture(scope="module")
def pywb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pywb]:
    server = start_pywb(tmp_path_factory.mktemp("pywb"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def archive(pywb: Pywb) -> WaybackArchive:
    return WaybackArchive(pywb.base, Session(FAST))


def test_captures_are_listed_without_errors_redirects_or_repeats(archive: WaybackArchive) -> None:
    captures = archive.captures(URL)
    stamps = [c.timestamp for c in captures]
    assert stamps == [name[:14] for name, _ in CAPTURES]  # 404, 301, revisit and repeat left out
    assert all(c.status == 200 and c.new_content for c in captures)
    assert {c.mimetype for c in captures} == {"text/plain", "text/html"}
    assert archive.session.counts["requests:cdx"] == 1


def test_date_range(archive: WaybackArchive) -> None:
    captures = archive.captures(
        URL, start=datetime(2022, 1, 1, tzinfo=UTC), end=datetime(2024, 7, 31, tzinfo=UTC)
    )
    assert [c.timestamp[:8] for c in captures] == ["20220711", "20231113", "20240715"]


def test_raw_capture_is_byte_identical(archive: WaybackArchive) -> None:
    capture = next(c for c in archive.captures(URL) if c.timestamp == "20240715181441")
    snapshot = archive.fetch(capture)
    assert snapshot.content == (PRIVACY / "20240715181441.md").read_bytes()
    assert snapshot.archive_url.endswith("/20240715181441id_/http://telegram.org/privacy")
    assert snapshot.captured_at == datetime(2024, 7, 15, 18, 14, 41, tzinfo=UTC)
    assert snapshot.digest == capture.digest


def test_replay_page_with_banner_normalizes_like_the_raw_one(
    archive: WaybackArchive, pywb: Pywb
) -> None:
    capture = next(c for c in archive.captures(URL) if c.mimetype == "text/html")
    raw = archive.fetch(capture).content
    replay = archive.session.get(archive.replay_url(capture, mode="mp_"), kind="capture").content
    assert replay != raw and b"wombat" in replay  # pywb's banner and link rewriting
    raw_blocks, _ = parse(raw, base_url=URL)
    replay_blocks, _ = parse(replay, base_url=URL)
    assert [b.text for b in replay_blocks.blocks] == [b.text for b in raw_blocks.blocks]
    assert replay_blocks.blocks == raw_blocks.blocks


def test_a_redirect_to_another_page_is_not_a_capture(archive: WaybackArchive) -> None:
    from policydiff.archive.wayback import Capture

    redirect = Capture(URL, datetime(2024, 8, 10, tzinfo=UTC), "text/html", 301, "X", None)
    with pytest.raises(ArchiveError):
        archive.fetch(redirect)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_history_lists_the_captures(pywb: Pywb, tmp_path: Path) -> None:
    code, out, err = run("history", URL, "--archive", pywb.base, "--store", str(tmp_path))
    assert code == 0, err
    assert "2024-09-23 15:26:23     200" in out
    assert out.rstrip().endswith(f"{len(CAPTURES)} captures, {len(CAPTURES)} with new content")
    code, out, _ = run(
        "history",
        URL,
        "--archive",
        pywb.base,
        "--store",
        str(tmp_path),
        "--format",
        "json",
        "--from",
        "2024",
        "--to",
        "2024-09",
    )
    rows = json.loads(out)
    assert [r["timestamp"] for r in rows] == ["20240715181441", "20240923152623"]
    assert rows[0]["stored"] is False


def check_store(root: Path) -> list[Path]:
    """Every capture in the store has a truthful sidecar; returns the captures."""
    captures = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".txt", ".html") and not p.name.startswith(".")
    )
    for capture in captures:
        meta = json.loads(capture.with_name(capture.name + ".json").read_text())
        assert meta["sha256"] == hashlib.sha256(capture.read_bytes()).hexdigest()
    return captures


def test_fetch_stores_captures_with_provenance_once(pywb: Pywb, tmp_path: Path) -> None:
    code, out, err = run("fetch", URL, "--archive", pywb.base, "--store", str(tmp_path))
    assert code == 0, err
    assert f"stored {len(CAPTURES)} new captures" in out
    captures = check_store(tmp_path)
    assert len(captures) == len(CAPTURES)
    meta = json.loads((tmp_path / "telegram.org/privacy/20240923152623.txt.json").read_text())
    assert meta["url"] == URL and meta["http_status"] == 200 and meta["source"] == "wayback"
    assert meta["archive_url"] == f"{pywb.base}/20240923152623id_/{URL}"
    assert meta["captured_at"] == "2024-09-23T15:26:23+00:00"
    assert meta["digest"] and meta["media_type"] == "text/plain"
    assert meta["policydiff_version"] and meta["fetched_at"]
    code, out, _ = run("fetch", URL, "--archive", pywb.base, "--store", str(tmp_path))
    assert code == 0 and "stored 0 new captures" in out
    assert Store(tmp_path).rebuild_index() == len(CAPTURES)


def test_compare_url_at_date_reports_the_8_3_change(pywb: Pywb, tmp_path: Path) -> None:
    code, out, err = run(
        "compare",
        f"{URL}@2024-07-20",
        f"{URL}@2024-10-01",
        "--archive",
        pywb.base,
        "--store",
        str(tmp_path),
    )
    assert code == 1, err
    assert "8.3 Law Enforcement Authorities · modified" in out
    assert "[-terror suspect-]" in out
    # Both captures were kept in the store.
    assert [p.name for p in check_store(tmp_path)] == ["20240715181441.txt", "20240923152623.txt"]


def test_offline_references_fall_back_to_the_store(pywb: Pywb, tmp_path: Path) -> None:
    from policydiff.versions import resolve

    store = Store(tmp_path)
    online = WaybackArchive(pywb.base, Session(FAST))
    first = resolve(f"{URL}@2024-10-01", store=store, archive=online)
    offline = WaybackArchive("http://127.0.0.1:9/web", Session(Limits(retries=0)))
    again = resolve("telegram.org/privacy@2024-10-01", store=store, archive=offline)
    assert again.sha256 == first.sha256 and again.captured_at == first.captured_at
    from policydiff.errors import NetworkError

    with pytest.raises(NetworkError, match="connection refused"):
        resolve(f"{URL}@2019", store=store, archive=offline)


def test_latest_and_missing_dates(pywb: Pywb, tmp_path: Path) -> None:
    code, out, _ = run(
        "compare",
        f"{URL}@2024-09",
        f"{URL}@latest",
        "--archive",
        pywb.base,
        "--store",
        str(tmp_path),
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["new"]["captured_at"] == "2024-12-28T18:14:52+00:00"
    code, _, err = run(
        "compare", f"{URL}@2019", f"{URL}@latest", "--archive", pywb.base, "--store", str(tmp_path)
    )
    assert code == 3
    assert err == f"Error: no capture of {URL} at or before 2019-12-31 23:59:59 UTC\n"


def test_unreachable_archive_is_exit_3(tmp_path: Path) -> None:
    code, _, err = run(
        "history", URL, "--archive", "http://127.0.0.1:9/web", "--store", str(tmp_path)
    )
    assert code == 3
    assert err.startswith("Error: http://127.0.0.1:9/web/cdx") and "connection refused" in err


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4])
def test_fetch_killed_midway_resumes_and_downloads_only_what_is_missing(
    pywb: Pywb, tmp_path: Path, delay: float
) -> None:
    command = [
        sys.executable,
        "-m",
        "policydiff",
        "fetch",
        URL,
        "--archive",
        pywb.base,
        "--store",
        str(tmp_path),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    before = check_store(tmp_path)
    assert len(before) < len(CAPTURES) or process.returncode == 0
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env={**os.environ}, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert f"stored {len(CAPTURES) - len(before)} new captures" in finished.stdout
    after = check_store(tmp_path)
    assert len(after) == len(CAPTURES)
    assert set(before) <= set(after)


def test_timeline_of_an_archived_url(pywb: Pywb, tmp_path: Path) -> None:
    code, out, err = run(
        "timeline",
        URL,
        "--from",
        "2024",
        "--to",
        "2024-12",
        "--archive",
        pywb.base,
        "--store",
        str(tmp_path),
    )
    assert code == 0, err
    assert "3 captures, 3 distinct versions, 2024-07-15 → 2024-12-28" in out
    assert "2024-09-23  modified: disclosure to authorities widened" in out
    assert len(check_store(tmp_path)) == 3
