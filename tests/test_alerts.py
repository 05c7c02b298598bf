"""Alerts that reach people: Apprise (json:// to a receiver on loopback), absolute links
under --base-url, a feed of our own, watch --check / --test-notify, --status's errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from nightly import NightlyServer, served, serving

import policydiff
from policydiff.archive.http import Limits, Session
from policydiff.cli import main
from policydiff.models import Snapshot
from policydiff.store import Store
from policydiff.watch import run_watch
from policydiff.watchfile import load_watchfile

FAST = Limits(connect_timeout=2, read_timeout=5, retries=1, backoff=0.05, rates={"live": 1e6})
BASE = "https://watch.example.org/policies"
ENV = "POLICYDIFF_TEST_APPRISE"


class JsonReceiver(ThreadingHTTPServer):
    """Keeps the JSON body of every POST (what Apprise's json:// sends)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receive)
        self.bodies: list[dict[str, object]] = []
        self.lock = threading.Lock()

    @property
    def apprise_url(self) -> str:
        return f"json://127.0.0.1:{self.server_address[1]}/alerts"


class _Receive(BaseHTTPRequestHandler):
    server: JsonReceiver

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.bodies.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextmanager
def receiver() -> Iterator[JsonReceiver]:
    with serving(JsonReceiver()) as server:
        yield server  # type: ignore[misc]


def _watchfile(path: Path, site: str, extra: str = "") -> Path:
    path.write_text(
        f'base_url = "{BASE}/"\n'
        '[defaults]\nnotify = ["apprise"]\n'
        f'[notify.apprise]\nurls_env = "{ENV}"\n{extra}'
        f'[[policy]]\nname = "telegram-privacy"\nurl = "{site}/telegram/privacy"\n',
        "utf-8",
    )
    return path


def _substantive_nights(nights: int) -> list[int]:
    changed = []
    for night in range(1, nights):
        before, kind = served("/telegram/privacy", night - 1)  # type: ignore[misc]
        after, _ = served("/telegram/privacy", night)  # type: ignore[misc]
        media = kind.split(";")[0]
        result = policydiff.compare(
            Snapshot(before, media_type=media), Snapshot(after, media_type=media)
        )
        if result.summary.substantive:
            changed.append(night)
    return changed


def test_apprise_delivers_one_message_per_substantive_change_with_absolute_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nights = 4
    expected = _substantive_nights(nights)
    assert expected, "the served history must change substantively at least once"
    out = tmp_path / "site"
    with serving(NightlyServer()) as site, receiver() as hook:
        monkeypatch.setenv(ENV, hook.apprise_url)
        watch = load_watchfile(_watchfile(tmp_path / "watch.toml", site.base))  # type: ignore[attr-defined]
        statuses = []
        for night in range(nights):
            site.night = night  # type: ignore[attr-defined]
            outcomes = run_watch(
                watch,
                store=Store(tmp_path / "store"),
                out=out,
                session=Session(FAST, allow_private=True),
            )
            statuses.append(outcomes[0].status)
        bodies = list(hook.bodies)
    assert [i for i, s in enumerate(statuses) if s == "changed"] == expected
    assert len(bodies) == len(expected)
    for body in bodies:
        assert str(body["title"]).startswith("telegram-privacy: ")
        assert f"Report: {BASE}/telegram-privacy/" in str(body["message"])
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == len(expected)
    assert all(e.link.startswith(f"{BASE}/telegram-privacy/") for e in feed.entries)
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [f"{BASE}/feed.xml"]
    feed_id = feed.feed.id
    assert feed_id.startswith("urn:uuid:")
    # The id belongs to this installation: kept from run to run, another one has its own.
    assert json.loads((out / "state.json").read_text())["feed_id"] == feed_id
    from policydiff.watch import WatchState

    (tmp_path / "elsewhere").mkdir()
    assert WatchState(tmp_path / "elsewhere").feed_id not in (feed_id, "")


def test_check_resolves_secrets_without_sending(tmp_path: Path) -> None:
    secret = "hunter2-token"
    watchfile = _watchfile(
        tmp_path / "watch.toml",
        "https://example.org",
        '[notify.webhook]\nurl = "https://hooks.example.org/x"\nsecret_env = "POLICYDIFF_T_SECRET"\n',
    )
    runner = CliRunner()
    missing = runner.invoke(main, ["watch", str(watchfile), "--check"], env={ENV: None})
    assert missing.exit_code == 3
    assert f"apprise: apprise: the environment variable {ENV} is not set" in missing.stderr
    assert "webhook: the environment variable POLICYDIFF_T_SECRET is not set" in missing.stderr
    with receiver() as hook:
        ready = runner.invoke(
            main,
            ["watch", str(watchfile), "--check"],
            env={ENV: f"{hook.apprise_url}?token={secret}", "POLICYDIFF_T_SECRET": secret},
        )
        assert ready.exit_code == 0, ready.output
        assert hook.bodies == []  # --check sends nothing
    assert "1 policies, valid" in ready.stdout
    assert f"apprise: 1 Apprise URL(s) (json) from {ENV}" in ready.stdout
    assert (
        "webhook: ready (secrets from POLICYDIFF_T_SECRET) (no policy notifies it)" in ready.stdout
    )
    assert secret not in ready.output
    bad = runner.invoke(
        main, ["watch", str(watchfile), "--check"], env={ENV: f"nosuch://{secret}@host"}
    )
    assert bad.exit_code == 3 and "(nosuch://…) is not one Apprise can use" in bad.stderr
    assert secret not in bad.output


def test_test_notify_sends_one_message(tmp_path: Path) -> None:
    watchfile = _watchfile(tmp_path / "watch.toml", "https://example.org")
    with receiver() as hook:
        result = CliRunner().invoke(
            main, ["watch", str(watchfile), "--test-notify"], env={ENV: hook.apprise_url}
        )
        bodies = list(hook.bodies)
    assert result.exit_code == 0, result.output
    assert "apprise: 1 Apprise URL(s) (json)" in result.stdout
    assert "test notification sent" in result.stdout
    assert [b["title"] for b in bodies] == ["policydiff: test notification"]


def test_several_apprise_urls_chat_and_mail_each_get_the_message(tmp_path: Path) -> None:
    from nightly import smtp_server

    watchfile = _watchfile(tmp_path / "watch.toml", "https://example.org")
    with receiver() as hook, smtp_server() as (mailbox, port):
        mail = f"mailto://127.0.0.1:{port}?from=watch@policydiff.test&to=desk@policydiff.test&mode=insecure"
        result = CliRunner().invoke(
            main,
            ["watch", str(watchfile), "--test-notify"],
            env={ENV: f"{hook.apprise_url}, {mail}"},
        )
        bodies, messages = list(hook.bodies), list(mailbox.messages)
    assert result.exit_code == 0, result.output
    assert "apprise: 2 Apprise URL(s) (json, mailto)" in result.stdout
    assert [b["title"] for b in bodies] == ["policydiff: test notification"]
    assert len(messages) == 1 and b"Subject: policydiff: test notification" in messages[0]


def test_a_refused_apprise_delivery_is_a_failure(tmp_path: Path) -> None:
    watchfile = _watchfile(tmp_path / "watch.toml", "https://example.org")
    with receiver() as hook:
        url = hook.apprise_url
    result = CliRunner().invoke(main, ["watch", str(watchfile), "--test-notify"], env={ENV: url})
    assert result.exit_code == 3
    assert f"apprise: the alert did not reach every service of {ENV} (1 URL(s))" in result.stderr


def test_status_with_an_unknown_out_is_an_error(tmp_path: Path) -> None:
    watchfile = _watchfile(tmp_path / "watch.toml", "https://example.org")
    result = CliRunner().invoke(
        main, ["watch", str(watchfile), "--status", "--out", str(tmp_path / "nowhere")]
    )
    assert result.exit_code == 2
    assert "holds no watch state: no run has written there yet" in result.stderr


def test_base_url_must_be_a_url(tmp_path: Path) -> None:
    watchfile = _watchfile(tmp_path / "watch.toml", "https://example.org")
    result = CliRunner().invoke(main, ["watch", str(watchfile), "--base-url", "site/"])
    assert result.exit_code == 2 and "--base-url" in result.stderr
    text = watchfile.read_text().replace(f'base_url = "{BASE}/"', 'base_url = "watch"')
    watchfile.write_text(text)
    bad = CliRunner().invoke(main, ["watch", str(watchfile), "--check"])
    assert bad.exit_code == 3 and "watch.toml:1: base_url: needs the http" in bad.stderr
