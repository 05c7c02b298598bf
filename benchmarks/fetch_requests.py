"""How many HTTP requests `policydiff fetch` makes for a history of N captures with K
distinct contents (aim: 1 CDX page + K captures, nothing more).

    python benchmarks/fetch_requests.py [--captures N] [--distinct K]

Starts a real pywb on 127.0.0.1 (pip install -e '.[test]'), serving a WARC of N captures
of telegram.org/privacy built from K real versions in snapshots/, then runs `fetch`
twice into an empty store and prints the requests each run made. Then the same count against
recorded answers of the Internet Archive (tests/replay.py: a capture list of 15 pages, and one
download run twice), with the published rate limits on a clock that does not wait.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def build(path: Path, versions: list[Path], captures: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    start = datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for index in range(captures):
            # Each version is captured several nights in a row, as a nightly crawl would.
            version = versions[index * len(versions) // captures]
            moment = start + timedelta(days=index)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                "http://telegram.org/privacy",
                "response",
                payload=io.BytesIO(version.read_bytes()),
                http_headers=http,
                warc_headers_dict={"WARC-Date": moment.strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            writer.write_record(record)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=60)
    parser.add_argument("--distinct", type=int, default=8)
    args = parser.parse_args()
    from archive_fixture import _free_port

    from policydiff import cli

    versions = sorted((ROOT / "snapshots/telegram.org/privacy").glob("*.md"))[-args.distinct :]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        warc = root / "history.warc.gz"
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
            f"from fetch_requests import build; from pathlib import Path; "
            f"build(Path({str(warc)!r}), [Path(p) for p in {[str(v) for v in versions]!r}], "
            f"{args.captures})"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        subprocess.run(["wb-manager", "init", "web"], cwd=root, check=True, capture_output=True)
        subprocess.run(
            ["wb-manager", "add", "web", str(warc)], cwd=root, check=True, capture_output=True
        )
        port = _free_port()
        server = subprocess.Popen(
            ["wayback", "-b", "127.0.0.1", "-p", str(port), "-d", str(root)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            import socket
            import time

            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            base = f"http://127.0.0.1:{port}/web"
            from click.testing import CliRunner

            for run in ("first run", "second run"):
                archive = cli._archive(base)
                before = dict(archive.session.counts)
                result = CliRunner().invoke(
                    cli.main,
                    [
                        "fetch",
                        "telegram.org/privacy",
                        "--archive",
                        base,
                        "--store",
                        str(root / "store"),
                    ],
                )
                counts = archive.session.counts
                cdx = counts["requests:cdx"] - before.get("requests:cdx", 0)
                captured = counts["requests:capture"] - before.get("requests:capture", 0)
                print(
                    f"{run}: {args.captures} captures, {args.distinct} distinct contents -> "
                    f"{cdx} CDX request(s) + {captured} capture request(s) "
                    f"(aim: 1 + {args.distinct if run == 'first run' else 0}); exit {result.exit_code}"
                )
        finally:
            server.terminate()
            server.wait(10)
    replayed()
    return 0


def replayed() -> None:
    """The same count against recorded answers of the Internet Archive (tests/replay.py):
    a capture list of 15 pages, and a download run twice into one store."""
    import tempfile

    from click.testing import CliRunner
    from replay import Replay

    from policydiff import cli
    from policydiff.archive.http import Limits, Session
    from policydiff.archive.wayback import WaybackArchive

    # The published limits, on a clock that does not wait.
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    session = Session(Limits(), sleep=sleep, clock=lambda: clock[0])
    runs = [
        (
            "test_search_multipage",
            ["history", "cnn.com", "--from", "20010410000000", "--to", "20010510000000"],
            "1 request a page of the answer (15)",
        ),
        ("test_memento_rate_limits", ["fetch", "zew.de", "--limit", "1"], "1 + 1"),
        ("test_memento_rate_limits", ["fetch", "zew.de", "--limit", "1"], "1 + 0: stored"),
    ]
    with tempfile.TemporaryDirectory() as store:
        for recording, argv, aim in runs:
            with Replay([recording]) as replay:
                archive = WaybackArchive(replay.base, session, kind="ia")
                cli._client.cache_clear()
                before, started = dict(session.counts), clock[0]
                original = cli._client
                cli._client = lambda *_, archive=archive: archive  # type: ignore[assignment]
                try:
                    result = CliRunner().invoke(
                        cli.main, [*argv, "--archive", replay.base, "--store", store]
                    )
                finally:
                    cli._client = original
                cdx = session.counts["requests:cdx"] - before.get("requests:cdx", 0)
                captured = session.counts["requests:capture"] - before.get("requests:capture", 0)
                print(
                    f"replay {recording}: policydiff {' '.join(argv[:2])} -> {cdx} CDX "
                    f"request(s) + {captured} capture request(s) (aim: {aim}); "
                    f"exit {result.exit_code}; {clock[0] - started:.1f} s of pauses for the rate limits"
                )


if __name__ == "__main__":
    raise SystemExit(main())
