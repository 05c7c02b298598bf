"""A small real HTTP server on 127.0.0.1 that misbehaves on purpose.

Each path is one way a server can fail; ``hits`` counts the requests each path received.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import HEADLINE_OLD

POLICY = HEADLINE_OLD.read_bytes()


@functools.cache
def bomb() -> bytes:
    """About 200 KB that inflates to 200 MB."""
    return gzip.compress(b"\0" * 200_000_000, compresslevel=9)


class _Handler(BaseHTTPRequestHandler):
    server: MisbehavingServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # unless the client gave up, as it should have

    def _huge(self, *, declare_length: bool) -> None:
        """200 MB of HTML, announced by Content-Length or read until the connection closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if declare_length:
            self.send_header("Content-Length", str(200_000_000))
        else:
            self.close_connection = True
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_533
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(200_000_000 // len(chunk)):
                self.wfile.write(chunk)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        hits = self.server.count(path)
        if path == "/ok":
            self._send(200, POLICY)
        elif path == "/429-twice":
            self._send(429, b"slow down") if hits <= 2 else self._send(200, POLICY)
        elif path.startswith("/429-always"):
            self._send(429, b"slow down")
        elif path == "/503-twice":
            self._send(503) if hits <= 2 else self._send(200, POLICY)
        elif path == "/503-always":
            self._send(503)
        elif path == "/stall":
            time.sleep(3)
            self._send(200, POLICY)
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(POLICY)))
            self.end_headers()
            self.wfile.write(POLICY[: len(POLICY) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif path == "/gzip-bomb":
            self._send(200, bomb(), {"Content-Encoding": "gzip"})
        elif path == "/huge":
            self._huge(declare_length=True)
        elif path == "/huge-chunked":
            self._huge(declare_length=False)
        elif path == "/loop":
            self._send(302, b"", {"Location": "/loop"})
        elif path == "/latin1":
            self._send(
                200,
                "<html><body><p>Nous collectons vos données.</p><p>Deux.</p>"
                "<p>Trois.</p></body></html>".encode("latin-1"),
                {"Content-Type": "text/html; charset=ISO-8859-1"},
            )
        elif path == "/web/cdx":
            # A one-capture index, as pywb answers it, for the URL asked.
            url = (
                self.path.split("url=", 1)[1]
                .split("&", 1)[0]
                .replace("%3A", ":")
                .replace("%2F", "/")
            )
            line = json.dumps(
                {
                    "urlkey": "x",
                    "timestamp": "20240923152623",
                    "url": url,
                    "mime": "text/html",
                    "status": "200",
                    "digest": "D" * 32,
                    "length": "100",
                }
            )
            self._send(200, line.encode() + b"\n")
        elif path.startswith("/web/20240923152623id_/"):
            # Replay: the capture misbehaves as its original path says.
            original = path.split("id_/", 1)[1]
            self.path = "/" + original.split("://", 1)[-1].split("/", 1)[-1]
            self.do_GET()
        elif path in ("/captured-429", "/captured-503"):
            # A capture of a site's own error page: the archive replays the status it
            # recorded, with a Memento-Datetime. No recording shows one; written after IA's.
            self._send(
                int(path[-3:]),
                b"<html><body><h1>Too busy</h1></body></html>",
                {"Content-Type": "text/html", "Memento-Datetime": "Mon, 23 Sep 2024 15:26:23 GMT"},
            )
        elif path == "/archived-404":
            self._send(
                404, b"<html><body><h1>Not Found</h1></body></html>", {"Content-Type": "text/html"}
            )
        else:
            self._send(404)


class MisbehavingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def count(self, path: str) -> int:
        with self._lock:
            self.hits[path] += 1
            return self.hits[path]

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> MisbehavingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
