"""A real HTTP server on 127.0.0.1 that answers as an adversary would (issue 11).

Each path is one attack: a body or headers dripped one byte at a time, answers that are
not HTTP, redirects to other schemes or to broken addresses, archive indexes that are not
indexes, a policy full of control characters.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

POLICY = (
    b"# Privacy Policy\n\n## 1. Data\n\nWe collect your e-mail address.\n\n"
    b"## 2. Sharing\n\nWe share your IP address with authorities on a court order.\n"
)
CHANGED = POLICY.replace(b"on a court order", b"on any request")
CONTROLS = POLICY.replace(
    b"e-mail address", "e-mail \x1b]0;pwned\x07\x01\x02 \u202eaddress".encode()
)


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _drip(self, data: bytes) -> None:
        """One byte every 0.2 s, until the client gives up."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
                if self.server.stopping.is_set():
                    return

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        base = self.server.base
        if path == "/ok":
            self._send(200, POLICY, {"Content-Type": "text/markdown"})
        elif path == "/page":  # whatever the test set: the same URL, night after night
            html = self.server.page.startswith(b"<html")
            kind = "text/html" if html else "text/markdown"
            self._send(200, self.server.page, {"Content-Type": kind})
        elif path == "/drip-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/markdown")
            self.send_header("Content-Length", str(len(POLICY) * 100))
            self.end_headers()
            self._drip(POLICY * 100)
        elif path == "/drip-headers":
            self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000 + b"\r\n\r\n")
        elif path == "/garbage":
            with contextlib.suppress(OSError):
                self.wfile.write(os.urandom(64) + b"\r\n\r\n")
        elif path == "/to-file":
            self._send(302, b"", {"Location": "file:///etc/passwd"})
        elif path == "/to-gopher":
            self._send(302, b"", {"Location": "gopher://127.0.0.1:70/"})
        elif path == "/to-broken-ipv6":
            self._send(302, b"", {"Location": "http://[::1"})
        elif path == "/to-ok":
            self._send(302, b"", {"Location": f"{base}/ok"})
        elif path == "/controls":
            self._send(
                200,
                POLICY.replace(
                    b"e-mail address", "e-mail \x1b]0;pwned\x07\x01\x02 \u202eaddress".encode()
                ),
                {"Content-Type": "text/markdown"},
            )
        elif path.startswith("/cdx-") and path.endswith("/cdx"):
            self._cdx(path.split("/")[1][4:])
        else:
            self._send(404)

    def do_POST(self) -> None:
        """A webhook receiver at /hook: records each body, answers 204 (elsewhere 404)."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path != "/hook":
            self._send(404)
            return
        self.server.posts.append(json.loads(body or b"null"))
        self._send(204)

    def _cdx(self, kind: str) -> None:
        """An archive index (pywb's JSON lines) that is not what it should be."""
        bodies = {
            "html": b"<html><body><h1>Welcome to our archive</h1></body></html>",
            "random": os.urandom(512),
            "array": b'["not", "an", "index"]',
            "badtime": json.dumps(
                {
                    "urlkey": "x",
                    "timestamp": "202413999999999",
                    "url": "http://example.org/",
                    "mime": "text/html",
                    "status": "200",
                    "digest": "D" * 32,
                    "length": "1",
                }
            ).encode(),
        }
        self._send(200, bodies[kind])


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stopping = threading.Event()
        self.page = POLICY
        self.posts: list[object] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
