"""Issue 11: slow servers, forged requests, hostile answers and exit codes that never lie.

Every server here is a real one on loopback (tests/hostile_server.py). Loopback is a private
address, refused by default: a test that fetches from it allows private addresses explicitly.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_server import CHANGED, CONTROLS, POLICY, HostileServer

from policydiff.archive.http import Limits, Session, public_address, redact_url
from policydiff.cli import main
from policydiff.errors import (
    DeadlinePassed,
    NotifyError,
    PolicydiffError,
    RefusedAddress,
    WatchFileError,
)
from policydiff.store import Store
from policydiff.watch import Outcome, run_watch
from policydiff.watchfile import parse_watchfile

FAST = {"rates": {"live": 1e9, "cdx": 1e9, "capture": 1e9, "webhook": 1e9}, "backoff": 0.01}


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, out: str, err: str) -> str:
    """Exit 3, no traceback, one line on stderr: the contract for every operational error."""
    assert code == 3, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


# -- 2: a deadline per response, and per watched policy ----------------------------------
@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_server_dripping_bytes_hits_the_deadline(server: HostileServer, path: str) -> None:
    http = Session(Limits(deadline=1.5, read_timeout=10, **FAST), allow_private=True)  # type: ignore[arg-type]
    start = time.monotonic()
    with pytest.raises(DeadlinePassed) as caught:
        http.get(server.base + path)
    assert time.monotonic() - start < 6
    assert "took longer than 1.5 s" in str(caught.value)


def test_a_scope_deadline_covers_many_requests(server: HostileServer) -> None:
    http = Session(Limits(deadline=100, read_timeout=10, **FAST), allow_private=True)  # type: ignore[arg-type]
    start = time.monotonic()
    with pytest.raises(DeadlinePassed) as caught, http.scope(seconds=1.0, what="checking p"):
        http.get(server.base + "/drip-body")
    assert time.monotonic() - start < 6
    assert "checking p took longer than 1 s" in str(caught.value)


def test_a_stalled_policy_fails_alone_and_the_night_ends(
    server: HostileServer, tmp_path: Path
) -> None:
    watch = parse_watchfile(
        f'[defaults]\nallow_private = true\n[[policy]]\nname = "slow"\nurl = "{server.base}/drip-body"\n'
        f'[[policy]]\nname = "fine"\nurl = "{server.base}/ok"\n',
        "w.toml",
    )
    http = Session(Limits(read_timeout=10, **FAST))  # type: ignore[arg-type]
    start = time.monotonic()
    outcomes = run_watch(
        watch, store=Store(tmp_path / "s"), out=tmp_path / "o", session=http, policy_deadline=1.5
    )
    assert time.monotonic() - start < 10
    assert [o.status for o in outcomes] == ["failed", "first"]
    assert "checking slow took longer than 1.5 s" in outcomes[0].message
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["policies"][0]["status"] == "failed"


# -- 5: server-side request forgery ----------------------------------------------------
@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_addresses_are_not_public(address: str) -> None:
    assert not public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "1.1.1.1"])
def test_public_addresses_are(address: str) -> None:
    assert public_address(address)


def test_a_live_page_on_loopback_is_refused_by_default(server: HostileServer) -> None:
    http = Session(Limits(**FAST))  # type: ignore[arg-type]
    with pytest.raises(RefusedAddress) as caught:
        http.get(server.base + "/ok", kind="live")
    assert "--allow-private" in str(caught.value)
    port = server.base.rsplit(":", 1)[1]
    with pytest.raises(RefusedAddress):  # after DNS: the name is no way around it
        http.get(f"http://localhost:{port}/ok", kind="live")


def test_the_metadata_address_is_refused_before_any_packet() -> None:
    http = Session(Limits(connect_timeout=30, **FAST))  # type: ignore[arg-type]
    start = time.monotonic()
    with pytest.raises(RefusedAddress):
        http.get("http://169.254.169.254/latest/meta-data/", kind="live")
    assert time.monotonic() - start < 2


def test_an_untrusted_session_guards_every_kind(server: HostileServer) -> None:
    http = Session(Limits(**FAST))  # type: ignore[arg-type]
    assert http.get(server.base + "/ok", kind="cdx").status == 200  # the user's own archive
    with http.scope(untrusted=True), pytest.raises(RefusedAddress):
        http.get(server.base + "/ok", kind="cdx")  # an archive named by a watch file


def test_private_addresses_allowed_explicitly(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Session(Limits(**FAST), allow_private=True).get(server.base + "/to-ok").content  # type: ignore[arg-type]
    monkeypatch.setenv("POLICYDIFF_ALLOW_PRIVATE", "1")
    assert Session(Limits(**FAST)).get(server.base + "/ok").status == 200  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/to-file", "/to-gopher", "/to-broken-ipv6"])
def test_a_redirect_off_http_is_refused(server: HostileServer, path: str) -> None:
    http = Session(Limits(**FAST), allow_private=True)  # type: ignore[arg-type]
    with pytest.raises(RefusedAddress) as caught:
        http.get(server.base + path)
    assert "redirects to" in str(caught.value)


def test_a_watch_file_reaches_no_private_address_unless_it_says_so(
    server: HostileServer, tmp_path: Path
) -> None:
    text = (
        f'[[policy]]\nname = "live"\nurl = "{server.base}/ok"\n'
        f'[[policy]]\nname = "archived"\nurl = "http://example.org/"\nsource = "wayback"\n'
        f'archive = "{server.base}/cdx-html"\n'
    )
    outcomes = run_watch(
        parse_watchfile(text, "w.toml"),
        store=Store(tmp_path / "s"),
        out=tmp_path / "o",
        session=Session(Limits(**FAST)),  # type: ignore[arg-type]
    )
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert all("private, loopback or link-local" in o.message for o in outcomes)
    allowed = parse_watchfile(
        text.replace('"live"\n', '"live"\nallow_private = true\n', 1), "w.toml"
    )
    outcomes = run_watch(
        allowed,
        store=Store(tmp_path / "s"),
        out=tmp_path / "o",
        session=Session(Limits(**FAST)),  # type: ignore[arg-type]
    )
    assert outcomes[0].status == "first"


def test_an_smtp_host_on_a_private_address_is_refused() -> None:
    from policydiff.notify import Alert
    from policydiff.notify.email import EmailTarget, send

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def greet() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"220 smtp.test ESMTP\r\n")
            connection.recv(1024)

    threading.Thread(target=greet, daemon=True).start()
    target = EmailTarget(
        "127.0.0.1", "w@policydiff.test", ("d@policydiff.test",), listener.getsockname()[1]
    )
    alert = Alert(
        "id", "p", "http://example.org/", "title", "summary", "text", "<p>html</p>", {}, {}
    )
    http = Session()
    with http.scope(untrusted=True), pytest.raises(NotifyError) as caught:
        send(alert, target, http)
    listener.close()
    assert "refused" in str(caught.value)


def test_cli_refuses_live_loopback_unless_allowed(server: HostileServer, tmp_path: Path) -> None:
    old = tmp_path / "old.md"
    old.write_bytes(b"# Privacy Policy\n\n## 1. Data\n\nWe collect your e-mail address.\n")
    line = assert_one_line_error(*cli("compare", str(old), f"live:{server.base}/ok"))
    assert "--allow-private" in line
    code, out, _ = cli("compare", "--allow-private", str(old), f"live:{server.base}/ok")
    assert code == 1 and "Sharing" in out


# -- 8: exit code 1 means a change was found, and nothing else ---------------------------
@pytest.mark.parametrize("kind", ["html", "random", "array", "badtime"])
def test_an_index_that_is_not_an_index_is_one_line_and_exit_3(
    server: HostileServer, kind: str
) -> None:
    assert_one_line_error(
        *cli("history", "http://example.org/", "--archive", f"{server.base}/cdx-{kind}")
    )


@pytest.mark.parametrize("path", ["/to-file", "/to-gopher", "/to-broken-ipv6", "/garbage"])
def test_a_hostile_live_answer_is_one_line_and_exit_3(
    server: HostileServer, path: str, tmp_path: Path
) -> None:
    old = tmp_path / "old.md"
    old.write_bytes(b"# Policy\n\nWe collect data.\n")
    line = assert_one_line_error(
        *cli("compare", "--allow-private", str(old), f"live:{server.base}{path}")
    )
    if path == "/garbage":
        assert "not valid HTTP" in line or "could not" in line


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["compare", "x.md", "live:file:///etc/passwd"], None),
        (["compare", "x.md", "live:gopher://127.0.0.1/"], None),
        (["history", "http://example.org/", "--archive", "notaurl"], None),
        (["history", "http://example.org/", "--archive", "ftp://example.org/web"], None),
        (["history", "http://example.org/"], {"POLICYDIFF_ARCHIVE": "notaurl"}),
    ],
)
def test_a_bad_address_is_one_line_and_exit_3(
    args: list[str], env: dict[str, str] | None, tmp_path: Path
) -> None:
    (tmp_path / "x.md").write_bytes(b"# Policy\n\nWe collect data.\n")
    args = [str(tmp_path / a) if a == "x.md" else a for a in args]
    assert_one_line_error(*cli(*args, env=env))


@pytest.mark.parametrize("sidecar", ["[]", "null", "17", '"text"'])
def test_a_damaged_sidecar_is_one_line_and_exit_3(tmp_path: Path, sidecar: str) -> None:
    folder = tmp_path / "store" / "example.org" / "p"
    folder.mkdir(parents=True)
    (folder / "20240101000000.md").write_bytes(b"# Policy\n\nWe collect data.\n")
    (folder / "20240101000000.md.json").write_text(sidecar)
    line = assert_one_line_error(
        *cli("timeline", "example.org/p", "--store", str(tmp_path / "store"))
    )
    assert "damaged sidecar" in line


def test_running_out_of_memory_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policydiff.api

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(policydiff.api, "compare_snapshots", exhausted)
    (tmp_path / "a.md").write_bytes(b"# Policy\n\nWe collect data.\n")
    line = assert_one_line_error(*cli("compare", str(tmp_path / "a.md"), str(tmp_path / "a.md")))
    assert "out of memory" in line


def test_an_unforeseen_bug_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policydiff.api

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(policydiff.api, "compare_snapshots", broken)
    (tmp_path / "a.md").write_bytes(b"# Policy\n\nWe collect data.\n")
    line = assert_one_line_error(*cli("compare", str(tmp_path / "a.md"), str(tmp_path / "a.md")))
    assert "unexpected error (KeyError)" in line


# -- 10 and 16: control characters and bidi controls reach no output -------------------
@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_control_characters_reach_no_report(
    server: HostileServer, tmp_path: Path, fmt: str
) -> None:
    old = tmp_path / "old.md"
    old.write_bytes(b"# Privacy Policy\n\n## 1. Data\n\nWe collect your phone number.\n")
    code, out, err = cli(
        "compare",
        "--allow-private",
        "--format",
        fmt,
        "--color",
        "never",
        str(old),
        f"live:{server.base}/controls",
    )
    assert code == 1, err
    for bad in ("\x1b", "\x07", "\x01", "\x02", "\u202e"):
        assert bad not in out and bad not in err
    assert "pwned" in out  # the words stay; only the controls go


# -- 11: user patterns in linear time ----------------------------------------------------
def test_a_catastrophic_ignore_pattern_runs_in_linear_time() -> None:
    from policydiff.comparison import read_document
    from policydiff.models import Snapshot
    from policydiff.watch import without_ignored

    document = read_document(Snapshot(content=b"# P\n\n" + b"a" * 50_000 + b"!\n", name="p.md"))
    start = time.monotonic()
    without_ignored(document, ["/(a+)+$/", "/(x+x+)+y/"])
    assert time.monotonic() - start < 5


# -- 12: no secrets in output -------------------------------------------------------------
def test_urls_are_redacted() -> None:
    assert redact_url("https://user:pw@hooks.example.org/services/T0/B0/secret?token=x") == (
        "https://hooks.example.org/…"
    )
    assert redact_url("http://[::1]:8080/") == "http://[::1]:8080"


def test_a_failing_webhook_leaks_no_token(server: HostileServer, tmp_path: Path) -> None:
    hook = f"{server.base.replace('http://', 'http://user:hunter2@')}/hook-secret-token"
    text = (
        f'[defaults]\nallow_private = true\nnotify = ["webhook"]\n'
        f'[notify.webhook]\nurl = "{hook}"\nretries = 0\n'
        f'[[policy]]\nname = "p"\nurl = "{server.base}/ok"\n'
    )
    out = tmp_path / "o"
    watch = parse_watchfile(text.replace("/ok", "/page"), "w.toml")
    for page in (POLICY, CHANGED):
        server.page = page
        outcomes = run_watch(
            watch,
            store=Store(tmp_path / "s"),
            out=out,
            session=Session(Limits(**FAST)),  # type: ignore[arg-type]
        )
    assert outcomes[0].status == "failed"
    written = "".join(p.read_text() for p in out.glob("*.json")) + outcomes[0].message
    assert "hunter2" not in written and "secret-token" not in written


# -- 13: watch-file gaps -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[policy]]\nname = "feed.xml"\nurl = "https://x.test"\n', "watch's own files"),
        ('[[policy]]\nname = "state.json"\nurl = "https://x.test"\n', "watch's own files"),
        ('[[policy]]\nname = "tg\\n"\nurl = "https://x.test"\n', "needs a name"),
        (
            '[defaults]\nallow_private = "yes"\n[[policy]]\nname = "a"\nurl = "https://x.test"\n',
            "true or false",
        ),
        (
            '[notify.email]\nhost = "smtp.test"\nsender = "a@b.test"\nto = ["c@d.test"]\nstarttls = "false"\n'
            '[[policy]]\nname = "a"\nurl = "https://x.test"\n',
            "true or false",
        ),
        (
            '[notify.webhook]\nurl = "https://h.test/x"\nretries = true\n'
            '[[policy]]\nname = "a"\nurl = "https://x.test"\n',
            "whole number",
        ),
    ],
)
def test_watch_file_gaps_are_errors(text: str, message: str) -> None:
    with pytest.raises(WatchFileError) as caught:
        parse_watchfile(text, "w.toml")
    assert message in str(caught.value)


def _watched(
    server: HostileServer, tmp_path: Path, pages: tuple[bytes, ...]
) -> tuple[list[Outcome], Path]:
    """A watch of the server's one page, run once a page served in turn: the last run's
    outcomes and the folder it published to."""
    out = tmp_path / "o"
    watch = parse_watchfile(
        f'[defaults]\nallow_private = true\n[[policy]]\nname = "p"\nurl = "{server.base}/page"\n',
        "w.toml",
    )
    outcomes: list[Outcome] = []
    for page in pages:
        server.page = page
        outcomes = run_watch(
            watch,
            store=Store(tmp_path / "s"),
            out=out,
            session=Session(Limits(**FAST)),  # type: ignore[arg-type]
        )
    return outcomes, out


def test_the_feed_stays_valid_xml_with_control_characters(
    server: HostileServer, tmp_path: Path
) -> None:
    outcomes, out = _watched(server, tmp_path, (POLICY, CONTROLS))
    assert outcomes[0].status == "changed"
    ElementTree.parse(out / "feed.xml")  # raises on invalid XML


# -- 4: a URL is never markup ---------------------------------------------------------------
def test_a_hostile_url_is_no_markup_in_any_report(server: HostileServer, tmp_path: Path) -> None:
    from browser import open_page
    from markdown_it import MarkdownIt

    old = tmp_path / "old.md"
    old.write_bytes(b"# Privacy Policy\n\n## 1. Data\n\nWe collect your phone number.\n")
    url = f"{server.base}/ok?q=>)<script>alert(1)</script><img src=x onerror=alert(2)>"
    reports = {}
    for fmt in ("markdown", "html", "text"):
        code, out, err = cli("compare", "--allow-private", "--format", fmt, str(old), f"live:{url}")
        assert code == 1, err
        reports[fmt] = out
    rendered = MarkdownIt("commonmark").enable("strikethrough").render(reports["markdown"])
    assert "<script" not in rendered and "<img" not in rendered
    assert "alert(1)</script>" not in reports["html"] and "<img src=x" not in reports["html"]
    (tmp_path / "markdown.html").write_text(rendered, "utf-8")
    (tmp_path / "report.html").write_text(reports["html"], "utf-8")
    for name in ("markdown.html", "report.html"):
        with open_page(tmp_path / name) as (_, visit):
            pass
        assert visit.dialogs == [], name


def test_published_files_name_no_local_folder(server: HostileServer, tmp_path: Path) -> None:
    outcomes, out = _watched(server, tmp_path, (POLICY, CHANGED))
    assert outcomes[0].status == "changed"
    assert (
        outcomes[0].reports["html"].startswith("p/")
        and (out / outcomes[0].reports["html"]).is_file()
    )
    for name in ("feed.xml", "run.json", "feed.json"):
        assert str(tmp_path) not in (out / name).read_text(), name


# -- 6 and 7: alerts once per change, one run at a time, the baseline by its content ---------
def _night(server: HostileServer, tmp_path: Path, page: bytes, store: Path | str) -> str:
    server.page = page
    watch = parse_watchfile(
        f'[defaults]\nallow_private = true\nnotify = ["webhook"]\n'
        f'[notify.webhook]\nurl = "{server.base}/hook"\n'
        f'[[policy]]\nname = "p"\nurl = "{server.base}/page"\n',
        "w.toml",
    )
    (outcome,) = run_watch(
        watch,
        store=Store(store),
        out=tmp_path / "o",
        session=Session(Limits(**FAST)),  # type: ignore[arg-type]
    )
    return outcome.status


def test_a_policy_that_flips_back_and_forth_alerts_each_time(
    server: HostileServer, tmp_path: Path
) -> None:
    server.posts.clear()
    nights = [POLICY, CHANGED, POLICY, CHANGED]
    statuses = [_night(server, tmp_path, page, tmp_path / "s") for page in nights]
    assert statuses == ["first", "changed", "changed", "changed"]
    ids = [post["id"] for post in server.posts]  # type: ignore[index]
    assert len(ids) == 3 and len(set(ids)) == 3
    feed = ElementTree.parse(tmp_path / "o" / "feed.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 3
    assert len(list((tmp_path / "o" / "p").glob("*.html"))) == 3


def test_a_second_run_on_the_same_folders_is_refused(server: HostileServer, tmp_path: Path) -> None:
    import fcntl

    (tmp_path / "o").mkdir()
    with (tmp_path / "o" / "watch.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(PolicydiffError, match="another watch run is using --out"):
            _night(server, tmp_path, POLICY, tmp_path / "s")
    assert _night(server, tmp_path, POLICY, tmp_path / "s") == "first"


def test_the_baseline_is_found_by_content_not_by_path(
    server: HostileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _night(server, tmp_path, POLICY, "s") == "first"  # a relative --store
    assert _night(server, tmp_path, CHANGED, tmp_path / "s") == "changed"  # the same, absolute


def test_a_deleted_baseline_is_said_not_taken_for_a_first_capture(
    server: HostileServer, tmp_path: Path
) -> None:
    assert _night(server, tmp_path, POLICY, tmp_path / "s") == "first"
    for capture in (tmp_path / "s").rglob("*.md*"):
        capture.unlink()
    server.page = CHANGED
    assert _night(server, tmp_path, CHANGED, tmp_path / "s") == "failed"
    state = json.loads((tmp_path / "o" / "state.json").read_text())
    assert "no longer in the store" in state["policies"]["p"]["last_error"]


# -- 15 and 16: messages that say what happened; one paragraph is not the policy -----------
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(encoding: str) -> None:
    from policydiff.comparison import read_document
    from policydiff.models import Snapshot as Snap

    text = "Privacy Policy\n\nWe collect your e-mail address.\n\nWe share it with partners.\n"
    document = read_document(Snap(content=text.encode(encoding), name="p.txt"))
    assert "We collect your e-mail address." in [c.text for c in document.clauses]


def test_a_number_ten_thousand_levels_deep_is_text_not_a_heading() -> None:
    from policydiff.comparison import read_document
    from policydiff.models import Snapshot as Snap

    document = read_document(Snap(content=("1." * 10_000 + "1 Our rules\n").encode(), name="p.txt"))
    assert document.clauses and document.clauses[0].text.endswith("Our rules")


def test_one_huge_paragraph_does_not_hide_the_rest(tmp_path: Path) -> None:
    import policydiff
    from policydiff.models import Snapshot as Snap

    prose = "We may show you offers from our partners for many reasons. " * 3000
    page = (
        "<html><body><nav><a href='/'>Home</a></nav><div id='policy'>"
        "<h2>Data</h2><p>We collect your e-mail address.</p>"
        "<h2>Sharing</h2><p>We share your IP address with authorities on a court order.</p>"
        f"<h2>Offers</h2><p>{prose}</p></div></body></html>"
    )
    changed = page.replace("on a court order", "on any request")
    result = policydiff.compare(
        Snap(content=page.encode(), name="old.html"),
        Snap(content=changed.encode(), name="new.html"),
    )
    assert result.summary.substantive == 1
    assert any("any request" in c.new_text for c in result.substantive_changes)


def test_a_selector_that_matches_nothing_fails_the_first_night(
    server: HostileServer, tmp_path: Path
) -> None:
    server.page = b"<html><body><div id='policy'><p>We collect data.</p></div></body></html>"
    watch = parse_watchfile(
        f'[defaults]\nallow_private = true\n[[policy]]\nname = "p"\nurl = "{server.base}/page"\n'
        'selector = "#no-such-element"\n',
        "w.toml",
    )
    (outcome,) = run_watch(
        watch,
        store=Store(tmp_path / "s"),
        out=tmp_path / "o",
        session=Session(Limits(**FAST)),  # type: ignore[arg-type]
    )
    server.page = POLICY
    assert outcome.status == "failed" and "matched nothing" in outcome.message


# -- 14: the store mends and cleans itself -------------------------------------------------
def _capture(content: bytes, second: int = 0) -> object:
    from datetime import UTC, datetime

    from policydiff.models import Snapshot as Snap

    return Snap(
        content=content,
        url="https://example.org/privacy",
        captured_at=datetime(2024, 1, 1, 0, 0, second, tzinfo=UTC),
        media_type="text/markdown",
        source="wayback",
        digest=f"D{second}",
    )


def test_temporary_files_of_killed_writes_are_removed(tmp_path: Path) -> None:
    import os

    store = Store(tmp_path)
    first = store.put(_capture(POLICY))  # type: ignore[arg-type]
    leftover = first.path.parent / f".{first.path.name}.k1ll3d"
    leftover.write_bytes(b"half")
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    fresh = first.path.parent / f".{first.path.name}.wr1t1ng"  # another process, now
    fresh.write_bytes(b"half")
    store.put(_capture(CHANGED, 1))  # type: ignore[arg-type]
    assert not leftover.exists() and fresh.exists()


def test_a_damaged_capture_is_not_held_and_is_mended(tmp_path: Path) -> None:
    store = Store(tmp_path)
    stored = store.put(_capture(POLICY))  # type: ignore[arg-type]
    assert store.digests("https://example.org/privacy") == {"D0"}
    stored.path.write_bytes(b"damaged")
    assert store.digests("https://example.org/privacy") == set()  # fetch gets it again
    store.put(_capture(POLICY))  # type: ignore[arg-type]
    assert stored.path.read_bytes() == POLICY
    assert store.digests("https://example.org/privacy") == {"D0"}


@pytest.mark.parametrize("content", [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00", b"\x00" * 64])
def test_an_empty_or_binary_capture_is_never_stored(content: bytes) -> None:
    from policydiff.errors import ArchiveError
    from policydiff.versions import usable

    with pytest.raises(ArchiveError, match="not stored"):
        usable(_capture(content))  # type: ignore[arg-type]


def test_stored_files_follow_the_umask_not_0600(tmp_path: Path) -> None:
    stored = Store(tmp_path).put(_capture(POLICY))  # type: ignore[arg-type]
    from policydiff.files import _UMASK

    assert stored.path.stat().st_mode & 0o777 == 0o666 & ~_UMASK


def test_a_test_notification_keeps_to_public_addresses_too(
    server: HostileServer, tmp_path: Path
) -> None:
    watchfile = tmp_path / "w.toml"
    text = (
        f'[notify.webhook]\nurl = "{server.base}/hook"\n'
        '[[policy]]\nname = "p"\nurl = "https://example.org/"\nnotify = ["webhook"]\n'
    )
    watchfile.write_text(text)
    server.posts.clear()
    code, _, err = cli("watch", str(watchfile), "--test-notify")
    assert code == 3 and "private, loopback or link-local" in err and server.posts == []
    watchfile.write_text("[defaults]\nallow_private = true\n" + text)
    code, _, err = cli("watch", str(watchfile), "--test-notify")
    assert code == 0, err
    assert len(server.posts) == 1


def test_credentials_in_a_url_never_reach_a_message() -> None:
    from policydiff.errors import NetworkError

    message = str(NetworkError("https://user:hunter2@example.org/p?x=1", "HTTP 500"))
    assert "hunter2" not in message and message == "https://…@example.org/p?x=1: HTTP 500"
