"""Loopback servers for the watch tests: policies that change night by night (real Telegram
versions), a webhook receiver that fails the first time, and an SMTP server that collects."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import HTML_DE_NEW, HTML_DE_OLD, HTML_EN, PRIVACY

# What each policy serves on nights 0..9.
TELEGRAM = [
    "20240715181441",
    "20240715181441",
    "20240923152623",
    "20240927181257",
    "20241002181323",
    "20241002181323",
    "20241228181452",
    "20250310181624",
    "20250320061527",
    "20250603061443",
]
OLDER = ["20210325043620"] * 5 + ["20210703073707"] * 5


def served(path: str, night: int) -> tuple[bytes, str] | None:
    """The body and content type a policy has on a night (None: not a policy path)."""
    if path == "/telegram/privacy":
        return (PRIVACY / f"{TELEGRAM[night]}.md").read_bytes(), "text/markdown; charset=utf-8"
    if path == "/telegram/older":
        return (PRIVACY / f"{OLDER[night]}.md").read_bytes(), "text/plain; charset=utf-8"
    if path == "/telegram/de":
        page = HTML_DE_OLD if night < 5 else HTML_DE_NEW
        return page.read_bytes(), "text/html; charset=utf-8"
    if path == "/telegram/restyled":
        # The same text every night, in a page whose stylesheet and timing comment change.
        html = HTML_EN.read_text("utf-8")
        html = html.replace("telegram.css?231", f"telegram.css?{231 + night}")
        html = html.replace("page generated in 40.34ms", f"page generated in {40 + night}.00ms")
        return html.encode(), "text/html; charset=utf-8"
    if path == "/telegram/static":
        return HTML_EN.read_bytes(), "text/html; charset=utf-8"
    return None


class NightlyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Nightly)
        self.night = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Nightly(BaseHTTPRequestHandler):
    server: NightlyServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        found = served(self.path, self.server.night)
        if found is None:
            body, kind, status = b"not found", "text/plain", 404
        else:
            (body, kind), status = found, 200
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class WebhookReceiver(ThreadingHTTPServer):
    """Records every POST; answers 500 to the very first one."""

    daemon_threads = True

    def __init__(self, log: Path | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.received: list[dict[str, object]] = []
        self.attempts = 0
        self.lock = threading.Lock()
        self.log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Hook(BaseHTTPRequestHandler):
    server: WebhookReceiver

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.attempts += 1
            first = self.server.attempts == 1
            if not first:
                record = {
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(body),
                }
                self.server.received.append(record)
                if self.server.log:
                    with self.server.log.open("a") as out:
                        out.write(json.dumps(record) + "\n")
        self.send_response(500 if first else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class Mailbox:
    """An SMTP server (aiosmtpd) on loopback that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
