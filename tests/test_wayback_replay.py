"""policydiff against the Internet Archive as it really answered.

Every recording in tests/data/recordings/edgi-wayback/cassettes/ is replayed on 127.0.0.1
(tests/replay.py) and met by the command a user would type: ``history`` and ``timeline``
for the capture index, ``fetch`` for the rate-limit recordings, and ``compare`` on the
archive's address of a capture for the recorded mementos (no recording holds the index
answer a ``URL@DATE`` needs before its memento; the pywb tests in test_archive.py cover it).
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import HEADLINE_OLD
from replay import CASSETTES, RECORDINGS, Replay, cdx_answer, load

from policydiff import cli
from policydiff.archive.http import Limits, Session
from policydiff.archive.wayback import WaybackArchive


class Clock:
    """Virtual time: the session's pauses move it on instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The CLI's archive clients get the default limits (rates, 60 s pauses on 429) on a
    virtual clock; one client per archive and kind for the whole test, as in one process."""
    time = Clock()

    @functools.cache
    def client(
        base: str, kind: str | None, offline: bool = False, allow_private: bool | None = None
    ) -> WaybackArchive:
        return WaybackArchive(
            base, Session(Limits(), sleep=time.sleep, clock=time, offline=offline), kind=kind
        )

    monkeypatch.setattr(cli, "_client", client)
    return time


@dataclass
class Run:
    code: int
    out: str
    err: str
    store: Path


def policydiff(replay: Replay, store: Path, *args: str) -> Run:
    argv = [a.replace("{base}", replay.base) for a in args]
    argv += ["--archive", replay.base, "--archive-kind", "ia", "--store", str(store)]
    result = CliRunner().invoke(cli.main, argv)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr, store)


def body(cassette: str, index: int) -> bytes:
    """A recorded answer's body, decompressed."""
    answer = next(a for v in load([cassette]).values() for a in v if a.source.endswith(f"#{index}"))
    return gzip.decompress(answer.body) if answer.body[:2] == b"\x1f\x8b" else answer.body


def stored(run: Run) -> list[tuple[Path, dict[str, object]]]:
    files = sorted(
        p for p in run.store.rglob("*") if p.is_file() and p.suffix in (".html", ".txt", ".md")
    )
    return [(p, json.loads(p.with_name(p.name + ".json").read_text())) for p in files]


BIRDS = "https://www.fws.gov/birds/"
FILE = str(HEADLINE_OLD)


@dataclass
class Case:
    """What policydiff does with one recording: the command, its exit code, and either the
    one-line error or lines its output holds; ``check`` looks further."""

    argv: tuple[str, ...]
    code: int
    error: str | None = None
    out: tuple[str, ...] = ()
    requests: int | None = None  # how many requests the replay received
    companions: tuple[str, ...] = ()  # other recordings served alongside
    check: Callable[[Run, Replay], None] | None = None
    notes: str = field(default="")


def _json_sides(run: Run) -> tuple[dict[str, object], dict[str, object]]:
    data = json.loads(run.out)
    return data["old"], data["new"]


def _birds_at_151315(run: Run, replay: Replay) -> None:
    old, new = _json_sides(run)
    assert old["captured_at"] == new["captured_at"] == "2017-11-24T15:13:15+00:00"
    assert old["url"] == BIRDS
    assert str(old["archive_url"]).endswith("/20171124151315id_/https://www.fws.gov/birds/")
    [(path, meta)] = stored(run)
    assert path.read_bytes() == body("test_get_memento", 0)  # raw bytes, as recorded
    assert meta["source"] == "wayback" and meta["captured_at"] == "2017-11-24T15:13:15+00:00"
    # In id_ mode whatever mode the address named: no toolbar, no rewritten links.
    assert all("/20171124151315id_/" in r for r in replay.requests)


def _multipage(run: Run, replay: Replay) -> None:
    keys = [r.split("resumeKey=")[1] for r in replay.requests if "resumeKey=" in r]
    assert len(keys) == 14 and len(set(keys)) == 14  # each page once, by its resume key
    rows = run.out.splitlines()[1:-1]
    stamps = [r[:19] for r in rows]
    assert stamps == sorted(set(stamps))  # oldest first, each capture once
    # 2001-05-06 00:14:49 ends one page and starts the next, four times over: listed once.
    assert stamps.count("2001-05-06 00:14:49") == 1
    assert "2001-05-05 09:01:28" not in run.out  # a 302 row: not a capture of the page
    assert all(" 200 " in r for r in rows)


def _filtered_answer_served(run: Run, replay: Replay) -> None:
    # The answer to the unfiltered question, not the one filtered to HTTP 404s.
    assert replay.log.served[-1].endswith("#0")


def _timezones(run: Run, replay: Replay) -> None:
    # 1996-12-31 23:58:47 at UTC-5 is asked as 1997-01-01 04:58:47 UTC.
    assert replay.requests[-1].split("from=")[1][:14] == "19970101045847"


def _dw(run: Run, replay: Replay) -> None:
    assert replay.count("cdx") == 3  # every page read, though none holds an HTTP 200 capture


def _view_mode(run: Run, replay: Replay) -> None:
    view, raw = body("test_get_memento_with_mode", 0), body("test_get_memento_with_mode", 1)
    assert b"__wm" in view and b"__wm" not in raw  # the recorded view mode has a toolbar
    [(path, _)] = stored(run)
    assert path.read_bytes() == raw


def _view_mode_redirect(run: Run, replay: Replay) -> None:
    # The recorded view mode shows the archived redirect as a page with HTTP 200; policydiff
    # reads id_ mode, which says 301.
    assert b"Got an HTTP 301 response at crawl time" in body(
        "test_get_memento_with_redirect_in_view_mode", 0
    )
    assert replay.requests == [
        "/web/20201027215555id_/https://www.whitehouse.gov/administration/eop/ostp/about/student/faqs"
    ]


def _accurate_url(run: Run, replay: Replay) -> None:
    old, _ = _json_sides(run)
    assert old["url"] == "https://www.fws.gov/"  # the memento's rel="original", not http://fws.gov/
    assert old["captured_at"] == "2017-11-24T14:37:28+00:00"


def _nearby(run: Run, replay: Replay) -> None:
    old, _ = _json_sides(run)
    assert old["captured_at"] == "2017-11-24T15:13:15+00:00"  # what was served, not what asked
    # Each side: the archive's redirect to its nearest capture, then the capture.
    assert [r[5:19] for r in replay.requests] == ["20171124000000", "20171124151315"] * 2 or [
        r[5:19] for r in replay.requests
    ] == ["20171124151310", "20171124151315"] * 2


def _link(stamp: str, url: str, mode: str = "id_") -> str:
    return f"{{base}}/{stamp}{mode}/{url}"


RANGE_NASA = ("--from", "20220101000000", "--to", "20220201000000")
WH = "https://www.whitehouse.gov/administration/eop/ostp/about/student/faqs"

CASES = {
    # -- the capture index -------------------------------------------------------------------
    "test_search": Case(
        ("history", "nasa.gov", "--from", "19961001000000", "--to", "19970201000000"),
        0,
        out=("1996-12-31 23:58:47     200 MGIGF4GRGGF5", "1 captures, 1 with new content"),
        requests=1,
        notes="three identical rows: one capture",
    ),
    "test_search_multipage": Case(
        ("history", "cnn.com", "--from", "20010410000000", "--to", "20010510000000"),
        0,
        out=("71 captures, 71 with new content",),
        requests=15,
        check=_multipage,
    ),
    "test_search_with_date": Case(
        ("history", "dw.com", "--from", "20191001000000", "--to", "20200301000000"),
        0,
        out=("no captures of dw.com from 2019-10-01 00:00:00 to 2020-03-01 00:00:00 UTC",),
        requests=3,
        check=_dw,
        notes="dw.com/ answered 301, 302 or a revisit throughout: none is a version",
    ),
    "test_search_with_timezone": Case(
        ("history", "nasa.gov", "--from", "1996-12-31T23:58:47-05:00", "--limit", "1"),
        0,
        out=("1997-06-05 23:05:59     200", "1 captures"),
        requests=1,
        check=_timezones,
    ),
    "test_search_with_filter": Case(
        ("history", "nasa.gov/", *RANGE_NASA, "--limit", "1"),
        0,
        out=("2022-01-01 00:39:24     200 AAT2EUOFX4QO", "1 captures"),
        requests=1,
        check=_filtered_answer_served,
    ),
    "test_search_with_filter_list": Case(
        ("history", "nasa.gov/", *RANGE_NASA, "--limit", "1"),
        0,
        out=("2022-01-01 00:39:24     200 AAT2EUOFX4QO", "1 captures"),
        requests=1,
        check=_filtered_answer_served,
    ),
    "test_search_with_filter_tuple": Case(
        ("timeline", "nasa.gov/", *RANGE_NASA),
        3,
        error="no capture of nasa.gov/ in this folder or store in that range",
        requests=1,
        notes="the only answer holds HTTP 404 captures of other pages: none is listed",
    ),
    "test_search_raises_for_blocked_urls": Case(
        (
            "timeline",
            "https://nationalpost.com/health",
            "--from",
            "20191001000000",
            "--to",
            "20191002000000",
        ),
        3,
        error="the archive blocks https://nationalpost.com/health: it shows no captures of "
        "this site (excluded by its owner or on request)",
        requests=1,
    ),
    "test_search_rate_limits": Case(
        ("history", "zew.de", "--limit", "3"),
        0,
        out=("1997-04-27 19:19:25     200 GOE2BMK6YVBA", "3 captures, 3 with new content"),
        requests=1,
        notes="nine identical searches: test_the_published_rate_limits_are_kept",
    ),
    "test_memento_rate_limits": Case(
        ("fetch", "zew.de", "--limit", "1"),
        0,
        out=("stored 1 new captures",),
        requests=2,
        notes="twenty identical downloads: test_the_published_rate_limits_are_kept",
    ),
    # -- mementos ------------------------------------------------------------------------------
    "test_get_memento": Case(
        ("compare", _link("20171124151315", BIRDS), _link("20171124151315", BIRDS, ""), "-f"),
        0,
        check=_birds_at_151315,
    ),
    "test_get_memento_with_archive_url": Case(
        ("compare", _link("20171124151315", BIRDS), _link("20171124151315", BIRDS), "-f"),
        0,
        check=_birds_at_151315,
    ),
    "test_get_memento_with_cdx_record": Case(
        ("compare", _link("20171124151315", BIRDS, "if_"), _link("20171124151315", BIRDS), "-f"),
        0,
        check=_birds_at_151315,
    ),
    "test_get_memento_with_string_datetime": Case(
        ("compare", _link("20171124151315", BIRDS), _link("20171124151315", BIRDS), "-f"),
        0,
        check=_birds_at_151315,
    ),
    "test_get_memento_with_mode_string": Case(
        ("compare", _link("20171124151315", BIRDS, ""), _link("20171124151315", BIRDS), "-f"),
        0,
        check=_birds_at_151315,
    ),
    "test_get_memento_handles_non_utc_datetime": Case(
        ("compare", _link("20171124151315", BIRDS), _link("20171124151315", BIRDS), "-f"),
        0,
        check=_birds_at_151315,
        notes="an address's time is UTC; --from/--to with an offset: test_search_with_timezone",
    ),
    "test_get_memento_with_mode": Case(
        ("compare", _link("20171124151315", BIRDS, ""), FILE),
        1,
        check=_view_mode,
    ),
    "test_get_memento_with_date_datetime": Case(
        ("compare", _link("20171124000000", BIRDS), _link("20171124000000", BIRDS), "-f"),
        0,
        check=_nearby,
        requests=4,
    ),
    "test_get_memento_with_inexact_string_datetime": Case(
        ("compare", _link("20171124151310", BIRDS), _link("20171124151310", BIRDS), "-f"),
        0,
        check=_nearby,
        requests=4,
    ),
    "test_get_memento_target_window": Case(
        ("compare", _link("20171101000000", BIRDS), FILE),
        3,
        error=f"the archive cannot play back the capture of {BIRDS} at 2017-11-01 00:00:00 "
        "UTC: the nearest it offers is 2017-11-24 15:13:15 UTC",
        requests=1,
        notes="23 days away: more than the day policydiff accepts",
    ),
    "test_get_memento_raises_when_memento_is_outside_target_window": Case(
        ("compare", _link("20171101000000", BIRDS), FILE),
        3,
        error=f"the archive cannot play back the capture of {BIRDS} at 2017-11-01 00:00:00 "
        "UTC: the nearest it offers is 2017-11-24 15:13:15 UTC",
        requests=1,
    ),
    "test_get_memento_should_fail_for_non_playbackable_mementos": Case(
        ("compare", _link("20150509080314", BIRDS), FILE),
        3,
        error=f"the archive cannot play back the capture of {BIRDS} at 2015-05-09 08:03:14 "
        "UTC: the nearest it offers is 2015-05-03 09:01:25 UTC",
        requests=1,
    ),
    "test_get_memento_raises_blocked_error": Case(
        ("compare", _link("20170929002712", "https://nationalpost.com/health/"), FILE),
        3,
        error="the archive blocks https://nationalpost.com/health/: it shows no captures of "
        "this site (excluded by its owner or on request)",
        requests=1,
    ),
    "test_get_memento_raises_no_memento_error": Case(
        ("compare", _link("20170929002712", "https://this-is-not-real-url.whatever/"), FILE),
        3,
        error="the archive has no capture of https://this-is-not-real-url.whatever/ at "
        "2017-09-29 00:27:12 UTC (HTTP 404)",
        requests=1,
    ),
    "test_get_memento_returns_memento_with_accurate_url": Case(
        ("compare", _link("20171124143728", "http://fws.gov/"), FILE, "-f"),
        1,
        check=_accurate_url,
    ),
    "test_get_memento_with_redirects": Case(
        (
            "compare",
            _link("20180808094144", "https://www.epa.gov/ghgreporting/san5779-factsheet"),
            FILE,
        ),
        3,
        error="the capture of https://www.epa.gov/ghgreporting/san5779-factsheet at 2018-08-08 "
        "09:41:44 UTC is an archived redirect to https://www.epa.gov/ghgreporting/proposed-rule-"
        "fact-sheet-greenhouse-gas-reporting-program-addition-global-warming, not a version of "
        "the policy",
        requests=1,
    ),
    "test_get_memento_with_path_based_redirects": Case(
        ("compare", _link("20201027215555", WH), FILE),
        3,
        error=f"the capture of {WH} at 2020-10-27 21:55:55 UTC is an archived redirect to "
        "https://www.whitehouse.gov/ostp/about/student/faqs, not a version of the policy",
        requests=1,
        notes="Location: /web/20201027215555id_/https://www.whitehouse.gov/ostp/...",
    ),
    "test_get_memento_with_redirect_in_view_mode": Case(
        ("compare", _link("20201027215555", WH, ""), FILE),
        3,
        error=f"the capture of {WH} at 2020-10-27 21:55:55 UTC is an archived redirect to "
        "https://www.whitehouse.gov/ostp/about/student/faqs, not a version of the policy",
        companions=("test_get_memento_with_path_based_redirects",),
        check=_view_mode_redirect,
    ),
    "test_get_memento_follows_historical_redirects": Case(
        ("compare", _link("20200201020357", "http://epa.gov/climatechange"), FILE),
        3,
        error="the capture of https://www.epa.gov/climatechange at 2020-02-01 02:37:57 UTC is "
        "an archived redirect to https://www.epa.gov/sites/production/files/signpost/cc.html, "
        "not a version of the policy",
        requests=2,
        notes="the archive's own redirect (34 minutes on, www.) is followed; the recorded one "
        "is not",
    ),
    "test_get_memento_follow_redirects_does_not_follow_historical_redirects": Case(
        ("compare", _link("20200201020357", "http://epa.gov/climatechange"), FILE),
        3,
        error="the capture of https://www.epa.gov/climatechange at 2020-02-01 02:37:57 UTC is "
        "an archived redirect to https://www.epa.gov/sites/production/files/signpost/cc.html, "
        "not a version of the policy",
        requests=2,
    ),
    "test_get_memento_raises_for_mementos_that_redirect_in_a_loop": Case(
        (
            "compare",
            _link("20200925075402", "https://link.springer.com/article/10.1007/s00382-012-1331-2"),
            FILE,
        ),
        3,
        error="the capture of https://link.springer.com/article/10.1007/s00382-012-1331-2 at "
        "2020-09-25 07:54:02 UTC is an archived redirect to https://idp.springer.com/authorize?"
        "response_type=cookie&client_id=springerlink&redirect_uri=https://link.springer.com/"
        "article/10.1007/s00382-012-1331-2, not a version of the policy",
        requests=1,
        notes="the loop runs through archived redirects, which policydiff never follows",
    ),
}


def _argv(case: Case) -> list[str]:
    return ["--format" if a == "-f" else a for a in case.argv] + (
        ["json"] if "-f" in case.argv else []
    )


@pytest.mark.parametrize("recording", sorted(p.stem for p in CASSETTES.glob("*.yaml")))
def test_each_recording(recording: str, clock: Clock, tmp_path: Path) -> None:
    assert recording in CASES, f"no case for the recording {recording}"
    case = CASES[recording]
    with Replay([recording, *case.companions]) as replay:
        run = policydiff(replay, tmp_path, *_argv(case))
        if case.error is not None:
            assert (run.code, run.err) == (case.code, f"Error: {case.error}\n")
        else:
            assert run.code == case.code, run.err
            for line in case.out:
                assert line in run.out
        if case.requests is not None:
            assert len(replay.requests) == case.requests, replay.requests
        if case.check:
            case.check(run, replay)
    assert not clock.pauses or all(p < 60 for p in clock.pauses)  # nobody rate-limited us


def test_every_recording_has_a_case() -> None:
    assert set(CASES) == {p.stem for p in CASSETTES.glob("*.yaml")}


# -- what the table does not show ---------------------------------------------------------------


def test_an_answer_the_recording_lacks_fails_loudly_with_the_request(
    clock: Clock, tmp_path: Path
) -> None:
    """EDGI's client stopped after ten rows; policydiff reads every page and asks for the
    next one, which no recording holds: the replay says which request it could not answer."""
    with (
        pytest.raises(AssertionError, match=r"GET /cdx/search/cdx\?.*resumeKey=gov%252Cnasa%2529"),
        Replay(["test_search_with_filter"]) as replay,
    ):
        run = policydiff(replay, tmp_path, "history", "nasa.gov/", *RANGE_NASA)
        assert run.code == 3 and "HTTP 400" in run.err


def test_utc_and_offset_times_ask_for_different_ranges(clock: Clock, tmp_path: Path) -> None:
    with Replay(["test_search_with_timezone"]) as replay:
        utc = policydiff(
            replay,
            tmp_path,
            "history",
            "nasa.gov",
            "--from",
            "1996-12-31T23:58:47Z",
            "--limit",
            "1",
        )
        offset = policydiff(
            replay,
            tmp_path,
            "history",
            "nasa.gov",
            "--from",
            "1996-12-31T23:58:47-05:00",
            "--limit",
            "1",
        )
    assert "1996-12-31 23:58:47     200" in utc.out
    assert "1997-06-05 23:05:59     200" in offset.out
    _timezones(offset, replay)


def test_impossible_timestamps_in_the_index_are_left_out(clock: Clock, tmp_path: Path) -> None:
    page = "www.usatoday.com/2000/century/tech/004.htm"
    text = (RECORDINGS / "bad_timestamp_cdx.txt").read_bytes()
    with Replay(extra=cdx_answer(page, text)) as replay:
        run = policydiff(replay, tmp_path, "history", page)
    assert run.code == 0, run.err
    assert run.err == "left out 2 index rows with an impossible date or shape\n"
    rows = run.out.splitlines()[1:-1]
    assert [r[:19] for r in rows] == ["2000-01-25 21:04:30", "2000-03-11 05:23:12"]  # not 003d.htm


def test_the_published_rate_limits_are_kept(clock: Clock, tmp_path: Path) -> None:
    """Nine index searches and ten capture downloads in one process, as EDGI recorded them:
    searches at most 20 a minute, captures at most 120 (the archive allows 60 and 600)."""
    with Replay(["test_search_rate_limits"]) as replay:
        for _ in range(9):
            assert policydiff(replay, tmp_path, "history", "zew.de", "--limit", "1").code == 0
    archive = cli._client(replay.base, "ia", False, None)
    times = [at for kind, at in archive.session.sent if kind == "cdx"]
    assert len(times) == 9 and all(b - a >= 3.0 for a, b in itertools.pairwise(times))

    with Replay(["test_memento_rate_limits"]) as replay:
        for index in range(10):
            run = policydiff(replay, tmp_path / str(index), "fetch", "zew.de", "--limit", "1")
            assert run.code == 0 and "stored 1 new captures" in run.out, run.err
        again = policydiff(replay, tmp_path / "0", "fetch", "zew.de", "--limit", "1")
        assert "stored 0 new captures" in again.out
        assert replay.count("memento") == 10  # content already stored is never asked again
    archive = cli._client(replay.base, "ia", False, None)
    times = [at for kind, at in archive.session.sent if kind == "capture"]
    assert len(times) == 10 and all(b - a >= 0.5 for a, b in itertools.pairwise(times))


@pytest.mark.parametrize(
    ("recording", "argv"),
    [
        (
            "test_search",
            ("history", "nasa.gov", "--from", "19961001000000", "--to", "19970201000000"),
        ),
        ("test_get_memento", ("compare", _link("20171124151315", BIRDS), FILE)),
    ],
    ids=["index", "capture"],
)
def test_the_archives_429_is_waited_out_then_a_clear_error(
    clock: Clock, tmp_path: Path, recording: str, argv: tuple[str, ...]
) -> None:
    with Replay([recording], throttle=2) as replay:
        run = policydiff(replay, tmp_path, *argv)
    assert run.code in (0, 1), run.err
    assert clock.pauses.count(60.0) == 2 and len(replay.requests) == 3

    clock.pauses.clear()
    with Replay([recording], throttle=100) as replay:
        run = policydiff(replay, tmp_path / "again", *argv)
    assert run.code == 3
    assert run.err.startswith(f"Error: {replay.origin}/")
    assert run.err.endswith(": still rate-limited (HTTP 429) after 2 pauses; try again later\n")
    assert len(run.err.splitlines()) == 1
    assert clock.pauses.count(60.0) == 2 and len(replay.requests) == 3  # then it stops asking


def test_a_mirror_at_another_address_is_spoken_to_as_the_internet_archive(
    clock: Clock, tmp_path: Path
) -> None:
    with Replay(["test_search"]) as replay:
        args = ["history", "nasa.gov", "--from", "19961001000000", "--to", "19970201000000"]
        result = CliRunner().invoke(
            cli.main, [*args, "--archive", replay.base, "--store", str(tmp_path)]
        )
        assert result.exit_code == 3  # by default an address not on archive.org is pywb
        assert replay.log.unmatched == [replay.requests[0]]
        assert replay.requests[0].startswith("/web/cdx?")
        replay.log.unmatched.clear()
        result = CliRunner(env={"POLICYDIFF_ARCHIVE_KIND": "ia"}).invoke(
            cli.main, [*args, "--archive", replay.base, "--store", str(tmp_path)]
        )
    assert result.exit_code == 0 and "1 captures" in result.stdout


def test_a_watch_file_names_the_archive_kind() -> None:
    from policydiff.errors import WatchFileError
    from policydiff.watchfile import parse_watchfile

    text = (
        '[defaults]\narchive = "https://mirror.example/web"\narchive_kind = "ia"\n'
        '[[policy]]\nname = "a"\nurl = "https://x.test"\nsource = "wayback"\n'
        '[[policy]]\nname = "b"\nurl = "https://y.test"\narchive_kind = "pywb"\n'
    )
    watch = parse_watchfile(text, "watch.toml")
    assert [p.archive_kind for p in watch.policies] == ["ia", "pywb"]
    with pytest.raises(WatchFileError, match=r"watch.toml:4: policy\[0\].archive_kind: must be"):
        parse_watchfile(
            '[[policy]]\nname = "a"\nurl = "https://x.test"\narchive_kind = "x"\n', "watch.toml"
        )


def test_a_resume_key_that_comes_back_ends_the_paging(clock: Clock, tmp_path: Path) -> None:
    """The first recorded page of cnn.com, served again for its own resume key: an archive
    paging round in a circle is read once, not forever."""
    first = load(["test_search_multipage"])[
        ("cdx", "cnn.com/", "20010410000000", "20010510000000", "")
    ]
    with Replay(["test_search_multipage"]) as replay:
        replay.answers[("cdx", "cnn.com/", "20010410000000", "20010510000000", RESUME)] = first
        run = policydiff(
            replay,
            tmp_path,
            "history",
            "cnn.com",
            "--from",
            "20010410000000",
            "--to",
            "20010510000000",
        )
    assert run.code == 0, run.err
    assert replay.count("cdx") == 2  # the first page, its key once, then no more
    assert "2001-04-10 21:39:30" in run.out and "2001-04-18 07:31:33" not in run.out


def test_an_index_that_never_ends_is_capped(
    clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policydiff.archive import wayback

    monkeypatch.setattr(wayback, "MAX_PAGES", 3)
    with Replay(["test_search_multipage"]) as replay:
        run = policydiff(
            replay,
            tmp_path,
            "history",
            "cnn.com",
            "--from",
            "20010410000000",
            "--to",
            "20010510000000",
        )
    assert (run.code, run.err) == (
        3,
        "Error: the archive's index of cnn.com did not end after 3 pages; ask for a shorter "
        "range (--from/--to)\n",
    )
    assert replay.count("cdx") == 3


RESUME = "com%2Ccnn%29%2F+2001041400593%3A"


def test_the_archives_own_redirects_in_a_loop_end(clock: Clock, tmp_path: Path) -> None:
    """A real "found capture at 20171124151315" redirect, re-served for that capture itself:
    the archive sending policydiff round in a circle ends with one line, not a hang."""
    found = load(["test_get_memento_with_date_datetime"])[
        ("memento", "20171124000000", "id_", "fws.gov/birds/")
    ]
    with Replay(["test_get_memento_with_date_datetime"]) as replay:
        replay.answers[("memento", "20171124151315", "id_", "fws.gov/birds/")] = found
        run = policydiff(replay, tmp_path, "compare", _link("20171124000000", BIRDS), FILE)
    assert (run.code, run.err) == (
        3,
        f"Error: the archive's redirects for {BIRDS} at 2017-11-24 00:00:00 UTC go round in a "
        "loop\n",
    )
    assert replay.count("memento") == 2
