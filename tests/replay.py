"""The Internet Archive as it really answered, replayed by a real HTTP server on 127.0.0.1.

The answers are the recordings in ``tests/data/recordings/edgi-wayback/`` (real answers of
``web.archive.org``, recorded by the EDGI ``wayback`` client's test suite; see the README
there). Another client made those requests, so a request is matched on what decides the
archive's answer, not on its whole query string:

- the CDX server (``/cdx/search/cdx``): the URL asked for (as the archive keys it: no scheme,
  no ``www.``, no default port, lower case), ``from``, ``to`` and ``resumeKey``. Where one
  recording holds several answers to the same question with different ``filter`` values, the
  answer whose filters are the ones asked wins, else the least filtered one: the client
  filters what it is given, as it must with a server that ignores filters;
- a capture (``/web/<timestamp><mode>/<url>``): the timestamp, the mode (``id_`` or the
  view mode) and the URL, keyed as above.

A question asked again gets the recording's next answer to it, the last one repeating.

Answers go out as recorded (status, headers, body; a gzip body stays gzip) with one change:
absolute and schemeless ``Location`` and ``Link`` addresses on ``web.archive.org`` point at
this server, so that following a redirect stays inside the replay. A request no recording
answers is printed on stderr, answered with HTTP 400, and fails the test when the ``Replay``
is closed: a replay never answers with a silent 404.

``throttle=N`` answers the first N requests with the archive's own 429 page instead: no
recording holds one (a rate-limited answer is hard to record), so, as the EDGI tests do, the
answer is written by hand after a real one.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

RECORDINGS = Path(__file__).resolve().parent / "data" / "recordings" / "edgi-wayback"
CASSETTES = RECORDINGS / "cassettes"

_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive"}
_MEMENTO = re.compile(r"^/web/(\d{1,14})([a-z]{2}_)?/(.+)$", re.S)
_ARCHIVE_HOST = re.compile(r"(?:https?:)?//web\.archive\.org")

# The archive's own 429, after the one EDGI's tests reproduce (without their made-up
# Retry-After: the Wayback Machine sends none).
_TOO_MANY = (
    b"<html><body><h1>429 Too Many Requests</h1>\n"
    b"You have sent too many requests in a given amount of time.\n</body></html>"
)


def canonical(url: str) -> str:
    """A URL as the archive keys it: no scheme, no ``www.``, no default port, lower case."""
    url = unquote(url.strip())
    parts = urlsplit(url if "://" in url[:12] else "http://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{parts.path or '/'}{query}".lower()


Key = tuple[str, ...]


def request_key(target: str) -> tuple[Key, frozenset[str]]:
    """What decides the archive's answer to a request (``target``: path and query), and the
    CDX filters asked for."""
    parts = urlsplit(target)
    if parts.path.endswith("/cdx/search/cdx"):
        query = parse_qs(parts.query, keep_blank_values=True)

        def one(name: str) -> str:
            return query.get(name, [""])[0]

        key = ("cdx", canonical(one("url")), one("from"), one("to"), one("resumeKey"))
        return key, frozenset(query.get("filter", []))
    path = target.split("#", 1)[0]
    found = _MEMENTO.match(urlsplit(path).path + (f"?{parts.query}" if parts.query else ""))
    if found:
        stamp, mode, url = found.groups()
        return ("memento", stamp, mode or "", canonical(url)), frozenset()
    return ("other", unquote(path)), frozenset()


@dataclass(frozen=True)
class Answer:
    """One recorded response, and where it was recorded."""

    source: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    filters: frozenset[str] = frozenset()


def load(names: Iterable[str]) -> dict[Key, list[Answer]]:
    """The answers of the named cassettes (file stems), grouped by what decides them."""
    answers: dict[Key, list[Answer]] = defaultdict(list)
    for name in names:
        data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
        for index, interaction in enumerate(data["interactions"]):
            split = urlsplit(interaction["request"]["uri"])
            key, filters = request_key(split.path + (f"?{split.query}" if split.query else ""))
            response = interaction["response"]
            body = response["body"]["string"]
            answers[key].append(
                Answer(
                    source=f"{name}.yaml#{index}",
                    status=int(response["status"]["code"]),
                    reason=str(response["status"]["message"]),
                    headers=tuple(
                        (header, str(value))
                        for header, values in response["headers"].items()
                        for value in values
                    ),
                    body=body if isinstance(body, bytes) else body.encode("utf-8"),
                    filters=filters,
                )
            )
    return answers


def cdx_answer(url: str, body: bytes, *, start: str = "", end: str = "") -> dict[Key, list[Answer]]:
    """A CDX answer kept as a plain text file (EDGI's ``test_files``), for ``url``."""
    answer = Answer(
        source=f"CDX text for {url}",
        status=200,
        reason="OK",
        headers=(("Content-Type", "text/plain;charset=UTF-8"),),
        body=body,
    )
    return {("cdx", canonical(url), start, end, ""): [answer]}


class _Handler(BaseHTTPRequestHandler):
    server: Replay

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        answer = self.server.answer(self.path)
        if answer is None:
            body = f"replay: no recording answers GET {self.path}\n".encode()
            self.send_response(400, "No Recording")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(answer.status, answer.reason)
        for name, value in answer.headers:
            if name.lower() in _HOP_BY_HOP:
                continue
            if name.lower() in ("location", "link"):
                value = _ARCHIVE_HOST.sub(self.server.origin, value)
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(answer.body)


@dataclass
class _Log:
    requests: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)  # the recording each answer came from


class Replay(ThreadingHTTPServer):
    """``with Replay(["test_search"]) as archive:`` serves those cassettes at ``archive.base``
    (the Wayback base URL, ``http://127.0.0.1:PORT/web``)."""

    daemon_threads = True

    def __init__(
        self,
        cassettes: Iterable[str] = (),
        *,
        extra: dict[Key, list[Answer]] | None = None,
        throttle: int = 0,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = load(cassettes)
        for key, more in (extra or {}).items():
            self.answers[key].extend(more)
        self.throttle = throttle
        self.log = _Log()
        self._asked: dict[tuple[Key, frozenset[str]], int] = defaultdict(int)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base(self) -> str:
        return f"{self.origin}/web"

    @property
    def requests(self) -> list[str]:
        return list(self.log.requests)

    def count(self, kind: str) -> int:
        """Requests received of one kind: ``cdx`` or ``memento``."""
        return sum(request_key(r)[0][0] == kind for r in self.log.requests)

    def answer(self, target: str) -> Answer | None:
        key, filters = request_key(target)
        with self._lock:
            self.log.requests.append(target)
            if len(self.log.requests) <= self.throttle:
                return Answer("throttle", 429, "Too Many Requests", _throttled(), _TOO_MANY)
            candidates = self.answers.get(key, [])
            if not candidates:
                self.log.unmatched.append(target)
                print(f"replay: no recording answers GET {target}", file=sys.__stderr__)
                return None
            # The answer to exactly these filters, else the least filtered one.
            best = min((a.filters != filters, len(a.filters)) for a in candidates)
            chosen = [a for a in candidates if (a.filters != filters, len(a.filters)) == best]
            turn = self._asked[(key, filters)]
            self._asked[(key, filters)] += 1
            picked = chosen[min(turn, len(chosen) - 1)]
            self.log.served.append(picked.source)
            return picked

    def __enter__(self) -> Replay:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        if self.log.unmatched:
            asked = "\n  ".join(f"GET {t}" for t in self.log.unmatched)
            raise AssertionError(f"the replay has no recording for:\n  {asked}")


def _throttled() -> tuple[tuple[str, str], ...]:
    return (("Content-Type", "text/html"), ("Cache-Control", "no-cache"))
