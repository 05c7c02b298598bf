"""The nightly watch against real servers on loopback: ten nights, six policies."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from misbehaving import MisbehavingServer
from nightly import NightlyServer, WebhookReceiver, served, serving, smtp_server

import policydiff
from policydiff.archive.http import Limits, Session
from policydiff.cli import main
from policydiff.errors import WatchFileError
from policydiff.models import Snapshot
from policydiff.notify.webhook import signature
from policydiff.store import Store
from policydiff.watch import run_watch
from policydiff.watchfile import load_watchfile, parse_watchfile

GOOD = [
    "/telegram/privacy",
    "/telegram/older",
    "/telegram/de",
    "/telegram/restyled",
    "/telegram/static",
]
FAILURES = [
    "/503-always",
    "/stall",
    "/truncated",
    "/gzip-bomb",
    "/huge",
    "/loop",
    "/archived-404",
    "/429-always",
    "/huge-chunked",
    "/503-always",
]
SECRET = "correct horse battery staple"


def write_watchfile(path: Path, base: str, hook: str, smtp_port: int, failing: str | None) -> Path:
    policies = "".join(
        f'\n[[policy]]\nname = "{p.strip("/").replace("/", "-")}"\nurl = "{base}{p}"\n'
        for p in GOOD
    )
    if failing:
        policies += f'\n[[policy]]\nname = "broken"\nurl = "{failing}"\n'
    path.write_text(
        # Every server here is on loopback: the watch file allows private addresses.
        '[defaults]\nsource = "live"\nnotify = ["webhook", "email"]\nallow_private = true\n'
        "\n[notify.webhook]\n"
        f'url = "{hook}"\nsecret_env = "POLICYDIFF_TEST_SECRET"\n'
        "\n[notify.email]\n"
        f'host = "127.0.0.1"\nport = {smtp_port}\nsender = "watch@policydiff.test"\n'
        'to = ["desk@policydiff.test"]\n' + policies,
        "utf-8",
    )
    return path


def expected_alerts() -> dict[str, list[int]]:
    """Nights on which each good policy changed substantively, by policydiff.compare itself."""
    nights: dict[str, list[int]] = {}
    for path in GOOD:
        name = path.strip("/").replace("/", "-")
        nights[name] = []
        for night in range(1, 10):
            before, kind = served(path, night - 1)  # type: ignore[misc]
            after, _ = served(path, night)  # type: ignore[misc]
            media = kind.split(";")[0]
            result = policydiff.compare(
                Snapshot(before, media_type=media), Snapshot(after, media_type=media)
            )
            if result.summary.substantive:
                nights[name].append(night)
    return nights


FAST = Limits(
    connect_timeout=1,
    read_timeout=1,
    retries=1,
    backoff=0.05,
    pause_on_429=0.05,
    retries_on_429=1,
    rates={"live": 1e6, "webhook": 1e6},
)


def test_ten_nights_six_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYDIFF_TEST_SECRET", SECRET)
    expected = expected_alerts()
    assert expected["telegram-privacy"] and expected["telegram-de"] == [5]
    assert expected["telegram-restyled"] == [] and expected["telegram-static"] == []
    total = sum(len(n) for n in expected.values())
    store, out = Store(tmp_path / "store"), tmp_path / "out"
    with (
        serving(NightlyServer()) as site,
        serving(MisbehavingServer()) as bad,
        serving(WebhookReceiver()) as hook,
        smtp_server() as (mailbox, port),
    ):
        statuses: dict[str, list[str]] = {}
        for night in range(10):
            site.night = night  # type: ignore[attr-defined]
            watch = load_watchfile(
                write_watchfile(
                    tmp_path / "watch.toml",
                    site.base,  # type: ignore[attr-defined]
                    hook.url,
                    port,
                    bad.base + FAILURES[night],
                )
            )  # type: ignore[attr-defined]
            outcomes = run_watch(watch, store=store, out=out, jobs=3, session=Session(FAST))
            for outcome in outcomes:
                statuses.setdefault(outcome.name, []).append(outcome.status)
            run = json.loads((out / "run.json").read_text())
            assert [p["name"] for p in run["policies"] if p["status"] == "failed"] == ["broken"]
        received = list(hook.received)  # type: ignore[attr-defined]
        messages = [
            email.message_from_bytes(m, policy=email.policy.default) for m in mailbox.messages
        ]
    # Each substantive change: exactly one webhook and one e-mail; nothing for the rest.
    for name, nights in expected.items():
        assert [i for i, s in enumerate(statuses[name]) if s == "changed"] == nights, name
    assert statuses["broken"] == ["failed"] * 10
    assert statuses["telegram-static"] == ["first"] + ["unchanged"] * 9
    assert statuses["telegram-restyled"] == ["first"] + ["cosmetic"] * 9
    ids = [r["body"]["id"] for r in received]
    assert len(ids) == len(set(ids)) == total
    for record in received:
        body = json.dumps(record["body"], ensure_ascii=False).encode()
        assert record["headers"]["x-policydiff-signature"] == signature(SECRET, body)
        assert record["headers"]["x-policydiff-alert"] == record["body"]["id"]
        assert record["body"]["reports"]["html"].endswith(".html")
    assert len(messages) == total
    assert sorted(str(m["X-Policydiff-Alert"]).strip() for m in messages) == sorted(ids)
    assert all(
        m.is_multipart() and {p.get_content_type() for p in m.walk()} >= {"text/plain", "text/html"}
        for m in messages
    )
    # The e-mail names the top finding and its HTML part is mail-safe: no script, no buttons.
    headline = next(m for m in messages if "8.3 Law Enforcement Authorities" in str(m["Subject"]))
    assert "disclosure of IP address and phone number to authorities widened" in str(
        headline["Subject"]
    )
    html_part = headline.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script" not in html_part and "<button" not in html_part and "<style" not in html_part
    assert "What matters" in html_part and "terror suspect</del>" in html_part
    hook_body = next(
        r["body"]
        for r in received
        if r["body"]["id"] == str(headline["X-Policydiff-Alert"]).strip()
    )
    assert (
        hook_body["comparison"]["what_matters"][0]["section"] == "8.3 Law Enforcement Authorities"
    )
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert sorted(e.id for e in feed.entries) == sorted(ids)
    html_reports = sorted((out / "telegram-privacy").glob("*.html"))
    assert len(html_reports) == len(expected["telegram-privacy"])
    assert "8.3 Law Enforcement Authorities" in html_reports[0].read_text()
    entry = next(e for e in feed.entries if "8.3 Law Enforcement Authorities" in e.title)
    assert entry.summary.startswith("8.3 Law Enforcement Authorities: disclosure of")
    # --status shows the failing policy's last error
    result = CliRunner().invoke(
        main, ["watch", str(tmp_path / "watch.toml"), "--out", str(out), "--status"]
    )
    assert result.exit_code == 0
    assert "broken" in result.stdout and "HTTP 503" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[policy]]\nname = "a"\nurl = "https://x.test/p"\ncolour = 1\n',
            "watch.toml:4: policy[0].colour: unknown key",
        ),
        (
            '[[policy]]\nname = "a"\nurl = "ftp://x.test/p"\n',
            "watch.toml:3: policy[0].url: needs an http:// or https:// URL",
        ),
        (
            '[defaults]\nsource = "live"\nfrequency = 2\n[[policy]]\nname = "a"\nurl = "https://x.test"\n',
            "watch.toml:3: defaults.frequency: unknown key",
        ),
        (
            '[[policy]]\nname = "a"\nurl = "https://x.test"\nnotify = ["webhook"]\n',
            "watch.toml:4: policy[0].notify: 'webhook' is not configured in [notify.webhook]",
        ),
        (
            '[[policy]]\nname = "a"\nurl = "https://x.test"\nignore = ["/[unclosed/"]\n',
            "watch.toml:4: policy[0].ignore: bad regular expression /[unclosed/",
        ),
        ("[[policy]\nname = 1\n", "watch.toml:1: syntax"),
    ],
)
def test_bad_watch_files_name_the_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(WatchFileError) as caught:
        parse_watchfile(text, "watch.toml")
    assert str(caught.value).startswith(message)


def test_ignore_patterns_silence_a_changing_line(tmp_path: Path) -> None:
    with serving(NightlyServer()) as site:
        watch = parse_watchfile(
            f'[[policy]]\nname = "de"\nurl = "{site.base}/telegram/de"\n'  # type: ignore[attr-defined]
            "allow_private = true\n"
            'ignore = ["/Wenn Telegram eine .*Transparenzbericht.*/"]\n',
            "w.toml",
        )
        for night in (4, 5):
            site.night = night  # type: ignore[attr-defined]
            outcomes = run_watch(
                watch, store=Store(tmp_path / "s"), out=tmp_path / "o", session=Session(FAST)
            )
    assert [o.status for o in outcomes] == ["cosmetic"]


def _run_cli(
    watchfile: Path, store: Path, out: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "policydiff",
            "watch",
            str(watchfile),
            "--store",
            str(store),
            "--out",
            str(out),
            "--jobs",
            "3",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def _result(store: Path, out: Path, log: Path) -> tuple[list[str], list[str], list[str]]:
    # Live captures are named by the time they were taken: compare what they hold.
    files = sorted(
        f"{p.parent.name}:{hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in store.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".json")
    )
    feed = sorted(e.id for e in feedparser.parse(str(out / "feed.xml")).entries)
    # Alerts are at least once with a stable id (README, security model): a run killed between
    # a delivery and its record delivers it again, with the same id, which receivers fold.
    alerts = (
        {json.loads(line)["body"]["id"] for line in log.read_text().splitlines()}
        if log.exists()
        else set()
    )
    return files, feed, sorted(alerts)


def test_a_killed_run_ends_like_an_uninterrupted_one(tmp_path: Path) -> None:
    env = {**os.environ, "POLICYDIFF_TEST_SECRET": SECRET}
    with serving(NightlyServer()) as site, smtp_server() as (_, port):
        results = []
        for label, kill_at in (("reference", None), ("early", 0.7), ("middle", 2.2), ("late", 3.8)):
            root = tmp_path / label
            log = root / "hook.log"
            root.mkdir()
            with serving(WebhookReceiver(log)) as hook:
                watchfile = write_watchfile(root / "watch.toml", site.base, hook.url, port, None)  # type: ignore[attr-defined]
                for night in (0, 2):
                    site.night = night  # type: ignore[attr-defined]
                    process = _run_cli(watchfile, root / "store", root / "out", env)
                    if night == 2 and kill_at is not None:
                        time.sleep(kill_at)
                        process.send_signal(signal.SIGKILL)
                        process.wait(30)
                        process = _run_cli(watchfile, root / "store", root / "out", env)
                    process.wait(120)
            results.append(_result(root / "store", root / "out", log))
    reference = results[0]
    assert reference[1] and reference[2] == reference[1]  # one alert per feed entry
    for result in results[1:]:
        assert result == reference


def test_the_example_watch_file_is_valid() -> None:
    from conftest import ROOT

    watch = load_watchfile(ROOT / "examples" / "watch.toml")
    names = {p.name.split("-")[0] for p in watch.policies}
    assert names >= {"telegram", "whatsapp", "signal", "discord", "reddit", "x", "zoom", "spotify"}
    assert watch.webhook and watch.webhook.secret_env == "POLICYDIFF_WEBHOOK_SECRET"
    assert watch.email and watch.email.password_env == "POLICYDIFF_SMTP_PASSWORD"


def test_watch_exit_codes(tmp_path: Path) -> None:
    with serving(NightlyServer()) as site:
        base = site.base  # type: ignore[attr-defined]
        good = tmp_path / "good.toml"
        good.write_text(
            f'[[policy]]\nname = "p"\nurl = "{base}/telegram/privacy"\nallow_private = true\n'
        )
        args = ["watch", str(good), "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o")]
        first = CliRunner().invoke(main, args)
        assert first.exit_code == 0, first.output
        assert "p                            first" in first.stdout
        site.night = 2  # type: ignore[attr-defined]
        changed = CliRunner().invoke(main, args)
        assert changed.exit_code == 1
        assert "8.3 Law Enforcement Authorities: disclosure of IP address" in changed.stdout
        broken = tmp_path / "broken.toml"
        broken.write_text(
            good.read_text()
            + f'\n[[policy]]\nname = "gone"\nurl = "{base}/nowhere"\nallow_private = true\n'
        )
        failed = CliRunner().invoke(
            main,
            ["watch", str(broken), "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o")],
        )
        assert failed.exit_code == 3
        assert "gone" in failed.stderr and "HTTP 404" in failed.stderr
        run = json.loads((tmp_path / "o" / "run.json").read_text())
        assert {p["name"]: p["status"] for p in run["policies"]} == {
            "p": "unchanged",
            "gone": "failed",
        }
    bad = CliRunner().invoke(main, ["watch", str(tmp_path / "missing.toml")])
    assert bad.exit_code == 3 and bad.stderr.startswith("Error: ")
