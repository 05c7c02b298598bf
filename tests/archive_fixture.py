"""A real pywb on 127.0.0.1 serving WARC files built here from the captures in snapshots/.

The WARC holds real Telegram captures on their real dates (Markdown served as text, and the
2022 HTML page), one capture that repeats earlier content (same digest), an archived 404 page,
a redirect to another URL and a ``warc/revisit`` record.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import subprocess
import sys
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from conftest import PRIVACY

URL = "http://telegram.org/privacy"

# (file in snapshots/telegram.org/privacy, media type)
CAPTURES = [
    ("20200729133221.md", "text/plain; charset=utf-8"),
    ("20210325043620.md", "text/plain; charset=utf-8"),
    ("20220711150000.html", "text/html; charset=utf-8"),
    ("20231113224643.md", "text/plain; charset=utf-8"),
    ("20240715181441.md", "text/plain; charset=utf-8"),
    ("20240923152623.md", "text/plain; charset=utf-8"),
    ("20241228181452.md", "text/plain; charset=utf-8"),
]
REPEAT_AT = "20240801000000"  # serves 20240715181441.md again: same digest, no new content
ERROR_AT = "20240805000000"  # an archived 404 page
REDIRECT_AT = "20240810000000"  # a redirect to another URL
REVISIT_AT = "20240812000000"  # a warc/revisit record of the 2024-07-15 content


def _date(stamp: str) -> str:
    return (
        datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def _digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def build_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)

        def response(stamp: str, body: bytes, status: str, headers: list[tuple[str, str]]) -> None:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                URL,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": _date(stamp)},
            )
            writer.write_record(record)

        for name, media in CAPTURES:
            response(name[:14], (PRIVACY / name).read_bytes(), "200 OK", [("Content-Type", media)])
        repeated = (PRIVACY / "20240715181441.md").read_bytes()
        response(REPEAT_AT, repeated, "200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        response(
            ERROR_AT,
            b"<html><body><h1>404 Not Found</h1></body></html>",
            "404 Not Found",
            [("Content-Type", "text/html")],
        )
        response(
            REDIRECT_AT,
            b"",
            "301 Moved Permanently",
            [("Location", "https://telegram.org/"), ("Content-Type", "text/html")],
        )
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.1"
        )
        revisit = writer.create_revisit_record(
            URL,
            digest=_digest(repeated),
            refers_to_uri=URL,
            refers_to_date=_date("20240715181441"),
            http_headers=http,
            warc_headers_dict={"WARC-Date": _date(REVISIT_AT)},
        )
        writer.write_record(revisit)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Pywb:
    base: str  # e.g. http://127.0.0.1:PORT/web
    process: subprocess.Popen[bytes]
    log: io.BufferedWriter

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


def start_pywb(root: Path) -> Pywb:
    for tool in ("wb-manager", "wayback"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} not found: pip install -e '.[test]' installs pywb")
    warc = root / "telegram.warc.gz"
    # In a child process: warcio leaves temporary files for the garbage collector to close,
    # which the test run (warnings are errors) would report.
    subprocess.run([sys.executable, __file__, str(warc)], check=True, cwd=Path(__file__).parent)
    subprocess.run(["wb-manager", "init", "web"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        ["wb-manager", "add", "web", str(warc)], cwd=root, check=True, capture_output=True
    )
    port = _free_port()
    log = (root / "pywb.log").open("wb")
    process = subprocess.Popen(
        ["wayback", "-b", "127.0.0.1", "-p", str(port), "-d", str(root)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"pywb exited: {(root / 'pywb.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        log.close()
        raise RuntimeError("pywb did not start within 60 s")
    return Pywb(f"http://127.0.0.1:{port}/web", process, log)


if __name__ == "__main__":
    build_warc(Path(sys.argv[1]))
