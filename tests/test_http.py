"""The HTTP session against a real server on loopback that misbehaves on purpose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from misbehaving import POLICY, MisbehavingServer, bomb

from policydiff.archive.http import USER_AGENT, Limits, Session
from policydiff.errors import (
    BodyTooLarge,
    HTTPStatusError,
    NetworkError,
    RateLimited,
    RedirectLoop,
)


@pytest.fixture(scope="module")
def server() -> Iterator[MisbehavingServer]:
    bomb()  # compressed before the clock starts: under load it takes longer than a read timeout
    with MisbehavingServer() as running:
        yield running


class Recorder:
    """Records the pauses the session asks for instead of sleeping through them."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


def session(sleep: Recorder, **limits: object) -> Session:
    settings = {
        "read_timeout": 1.0,
        "connect_timeout": 1.0,
        "backoff": 0.5,
        "pause_on_429": 60.0,
        "max_bytes": 16_000_000,
        "rates": {"live": 1e9},
        **limits,
    }
    # The server is on loopback: the test allows private addresses explicitly.
    return Session(Limits(**settings), sleep=sleep, allow_private=True)  # type: ignore[arg-type]


def test_a_good_response(server: MisbehavingServer) -> None:
    with session(Recorder()) as http:
        page = http.get(f"{server.base}/ok")
    assert page.content == POLICY
    assert page.charset == "utf-8" and page.media_type == "text/plain"
    assert USER_AGENT.startswith("policydiff/")


def test_429_pauses_sixty_seconds_then_succeeds(server: MisbehavingServer) -> None:
    sleep = Recorder()
    with session(sleep) as http:
        page = http.get(f"{server.base}/429-twice")
    assert page.content == POLICY
    assert server.hits["/429-twice"] == 3
    assert sleep.pauses.count(60.0) == 2
    assert http.counts["pauses"] == 2


def test_429_that_persists_is_a_bounded_error(server: MisbehavingServer) -> None:
    sleep = Recorder()
    with session(sleep, retries_on_429=2) as http, pytest.raises(RateLimited) as caught:
        http.get(f"{server.base}/429-always")
    assert server.hits["/429-always"] == 3  # the first try and two retries, never a tight loop
    assert sleep.pauses.count(60.0) == 2
    assert caught.value.retry_after == 60.0


def test_503_is_retried_with_exponential_backoff(server: MisbehavingServer) -> None:
    sleep = Recorder()
    with session(sleep) as http:
        assert http.get(f"{server.base}/503-twice").content == POLICY
    assert sleep.pauses == [0.5, 1.0]
    sleep = Recorder()
    with session(sleep, retries=3) as http, pytest.raises(HTTPStatusError, match="HTTP 503"):
        http.get(f"{server.base}/503-always")
    assert server.hits["/503-always"] == 4
    assert sleep.pauses == [0.5, 1.0, 2.0]


def test_a_stalled_connection_times_out(server: MisbehavingServer) -> None:
    with session(Recorder(), retries=1) as http, pytest.raises(NetworkError, match="timed out"):
        http.get(f"{server.base}/stall")
    assert server.hits["/stall"] == 2


def test_a_body_cut_short_is_an_error(server: MisbehavingServer) -> None:
    with session(Recorder(), retries=1) as http, pytest.raises(NetworkError, match="broke"):
        http.get(f"{server.base}/truncated")
    assert server.hits["/truncated"] == 2


@pytest.mark.parametrize("path", ["/gzip-bomb", "/huge", "/huge-chunked"])
def test_oversized_bodies_are_refused(server: MisbehavingServer, path: str) -> None:
    with session(Recorder()) as http, pytest.raises(BodyTooLarge, match=r"larger than 16\.0 MB"):
        http.get(f"{server.base}{path}")


def test_a_redirect_loop_is_an_error(server: MisbehavingServer) -> None:
    with session(Recorder()) as http, pytest.raises(RedirectLoop):
        http.get(f"{server.base}/loop")
    assert server.hits["/loop"] == 11  # the first request and ten redirects


def test_an_archived_404_is_an_error_not_a_policy(server: MisbehavingServer) -> None:
    with session(Recorder()) as http, pytest.raises(HTTPStatusError, match="HTTP 404"):
        http.get(f"{server.base}/archived-404")


def test_requests_are_spaced_by_the_rate_limit(server: MisbehavingServer) -> None:
    sleep = Recorder()
    clock = [1000.0]
    http = Session(Limits(rates={"cdx": 20.0}), sleep=sleep, clock=lambda: clock[0])
    for _ in range(4):
        http.get(f"{server.base}/ok", kind="cdx")
    # 20 a minute: one every 3 s. The clock does not move, so each wait is the full gap.
    assert sleep.pauses == [3.0, 6.0, 9.0]


def test_the_http_charset_reaches_the_normalizer(server: MisbehavingServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from policydiff.comparison import read_document
    from policydiff.store import Store
    from policydiff.versions import resolve

    snapshot = resolve(
        f"live:{server.base}/latin1", store=Store(tmp_path), session=session(Recorder())
    )
    assert snapshot.source == "live" and snapshot.charset == "ISO-8859-1"
    assert read_document(snapshot).clauses[0].text == "Nous collectons vos données."


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/truncated", "the connection broke before the whole body arrived"),
        ("/gzip-bomb", "response is larger than 16.0 MB"),
        ("/archived-404", "HTTP 404"),
        ("/loop", "/loop at 20240923152623 redirects to http://127.0.0.1:"),
        ("/captured-429", "is an archived error page (HTTP 429), not a version of the policy"),
        ("/captured-503", "is an archived error page (HTTP 503), not a version of the policy"),
    ],
)
def test_fetch_failures_exit_3_and_store_nothing(
    server: MisbehavingServer, tmp_path, path: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from policydiff.cli import main

    result = CliRunner().invoke(
        main,
        [
            "fetch",
            f"http://policy.example{path}",
            "--archive",
            f"{server.base}/web",
            "--store",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 3, result.output
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(("Error: ", "skipped "))
    assert [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".index")] == []
    if path.startswith("/captured-"):  # the site's error page, not the archive's 429 or 5xx:
        assert server.hits[path] == 1  # asked once, no pause, no retry


def test_a_cdx_429_is_never_an_empty_list(server: MisbehavingServer) -> None:
    from policydiff.archive.wayback import WaybackArchive

    sleep = Recorder()
    archive = WaybackArchive(f"{server.base}/429-always", session(sleep), kind="pywb")
    with pytest.raises(RateLimited):
        archive.captures("telegram.org/privacy")
    assert sleep.pauses.count(60.0) == 2
