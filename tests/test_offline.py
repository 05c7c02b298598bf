"""The store answers first, --offline never touches the network, hopeless connections fail
at once, and dates are read strictly (an impossible date or a reversed range is exit 2)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PRIVACY, SNAPSHOTS

from policydiff.archive.http import Session
from policydiff.cli import main
from policydiff.errors import BadDate, NetworkError, Offline
from policydiff.versions import history, parse_date

URL = "https://telegram.org/privacy"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Any connection or name lookup is recorded and refused."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("the test forbids the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield attempts


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", datetime(2024, 1, 1), datetime(2024, 12, 31, 23, 59, 59)),
        ("2024-02", datetime(2024, 2, 1), datetime(2024, 2, 29, 23, 59, 59)),
        ("2024-07-15", datetime(2024, 7, 15), datetime(2024, 7, 15, 23, 59, 59)),
        ("2024-07-15T18:14", datetime(2024, 7, 15, 18, 14), datetime(2024, 7, 15, 18, 14, 59)),
        ("20240715181441", datetime(2024, 7, 15, 18, 14, 41), datetime(2024, 7, 15, 18, 14, 41)),
        ("2024-07-15T20:14:41+02:00", datetime(2024, 7, 15, 18, 14, 41), None),
    ],
    ids=lambda v: str(v),
)
def test_dates_name_periods(text: str, start: datetime, end: datetime | None) -> None:
    first, last = parse_date(text)
    assert first == start.replace(tzinfo=UTC)
    assert last == (end or start).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2024-13-01", "no such date (month must be in 1..12)"),
        ("2024-02-30", "no such date (day is out of range for month)"),
        ("24-07", "not a date"),  # once read as the year 2407
        ("2407", "not a year of the web"),
        ("July 2024", "not a date"),
        ("2024-7-1", "not a date"),
    ],
)
def test_impossible_dates_are_refused(text: str, problem: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_date(text)
    assert caught.value.problem.startswith(problem) and caught.value.text == text


@pytest.mark.parametrize(
    "args",
    [
        ["compare", f"{URL}@2024-13-01", f"{URL}@2024-09"],
        ["timeline", str(PRIVACY), "--from", "24-07"],
        ["timeline", str(PRIVACY), "--from", "2025", "--to", "2024"],
        ["history", URL, "--from", "2025", "--to", "2024"],
        ["fetch", URL, "--from", "2024-02-30"],
    ],
    ids=["bad @DATE", "two-digit year", "reversed timeline", "reversed history", "Feb 30"],
)
def test_bad_dates_and_reversed_ranges_are_usage_errors(
    args: list[str], no_network: list[object]
) -> None:
    result = CliRunner().invoke(main, [*args, "--offline"])
    assert result.exit_code == 2, result.output
    assert (
        "no such date" in result.output
        or "not a date" in result.output
        or ("is after --to" in result.output)
    )
    assert no_network == []


def test_a_reversed_range_is_an_error_for_programs_too() -> None:
    with pytest.raises(BadDate, match="starts"):
        history(
            PRIVACY, start=datetime(2025, 1, 1, tzinfo=UTC), end=datetime(2024, 1, 1, tzinfo=UTC)
        )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(SNAPSHOTS / "telegram.org", tmp_path / "store" / "telegram.org")
    return tmp_path / "store"


@pytest.mark.parametrize(
    ("flag", "env"),
    [(["--offline"], {}), ([], {"POLICYDIFF_OFFLINE": "1"}), ([], {})],
    ids=["--offline", "POLICYDIFF_OFFLINE=1", "online: the store answers first"],
)
def test_stored_dates_are_compared_without_the_network(
    store: Path, no_network: list[object], flag: list[str], env: dict[str, str]
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "compare",
            f"{URL}@2024-07",
            "telegram.org/privacy@2024-09-23",
            "--store",
            str(store),
            *flag,
        ],
        env={"POLICYDIFF_ARCHIVE": "http://archive.invalid/web", **env},
    )
    assert result.exit_code == 1, result.output  # the headline change: substantive
    assert "captured 2024-07-15 18:14" in result.output
    assert "captured 2024-09-23 15:26" in result.output
    assert no_network == []


def test_offline_nothing_outside_the_store_is_asked_for(
    store: Path, no_network: list[object]
) -> None:
    runner = CliRunner()
    older = runner.invoke(
        main, ["compare", f"{URL}@2019", f"{URL}@2024", "--store", str(store), "--offline"]
    )
    assert older.exit_code == 3
    assert "no capture of https://telegram.org/privacy at or before 2019-12-31" in older.output
    assert "offline: the archive was not asked" in older.output
    live = runner.invoke(main, ["compare", f"live:{URL}", f"{URL}@2024", "--offline"])
    assert live.exit_code == 3 and "offline" in live.output
    listing = runner.invoke(main, ["history", URL, "--offline"])
    assert listing.exit_code == 3 and "not fetched: offline" in listing.output
    timeline = runner.invoke(
        main,
        ["timeline", URL, "--from", "2024-09", "--to", "2024-10", "--store", str(store)],
        env={"POLICYDIFF_OFFLINE": "1"},
    )
    assert timeline.exit_code == 0, timeline.output
    assert "3 captures" in timeline.output  # 09-23, 09-27, 10-02 from the store
    assert no_network == []


def test_an_offline_session_sends_nothing(no_network: list[object]) -> None:
    with pytest.raises(Offline):
        Session(offline=True).get("http://127.0.0.1:1/")
    assert no_network == []


def _fast_session() -> tuple[Session, list[float]]:
    slept: list[float] = []
    # Loopback is a private address: allowed explicitly.
    return Session(sleep=slept.append, allow_private=True), slept


def test_a_refused_connection_fails_at_once() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session, slept = _fast_session()
    with pytest.raises(NetworkError, match="connection refused"):
        session.get(f"http://127.0.0.1:{port}/privacy")
    assert slept == [] and session.counts["retries"] == 0


def test_a_name_that_does_not_resolve_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    session, slept = _fast_session()
    with pytest.raises(NetworkError, match=r"host not found \(DNS\)"):
        session.get("http://telegram.example/privacy")
    assert slept == [] and session.counts["retries"] == 0
