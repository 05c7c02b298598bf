"""The one door to the network: every HTTP request policydiff makes goes through ``Session``.

It owns what keeps an archive willing to talk to us: connect and read timeouts, a cap
on the (decompressed) body size, retries with exponential backoff on 5xx and broken
connections, a rate limit per endpoint kind, and on HTTP 429 a long pause before a
bounded retry (the Internet Archive sends no Retry-After; its maintainers advise 60 s,
and an address that keeps hammering is blocked for an hour).

A refused connection or a host name that does not resolve fails at once: retrying cannot
help, and offline it would only make the user wait. In offline mode (``offline=True``, or
``POLICYDIFF_OFFLINE=1`` in the environment) no request is sent at all.

This is the only module that imports ``requests``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from policydiff._version import __version__
from policydiff.errors import (
    BodyTooLarge,
    HTTPStatusError,
    NetworkError,
    Offline,
    RateLimited,
    RedirectLoop,
)

__all__ = ["OFFLINE_ENV", "USER_AGENT", "Fetched", "Limits", "Session", "offline_mode"]

Params = Mapping[str, str] | Sequence[tuple[str, str]] | None

USER_AGENT = f"policydiff/{__version__} (+https://pypi.org/project/policydiff/)"

# Requests per minute for each kind of endpoint. The Internet Archive's published
# hard limits are about 60/min for CDX searches and 600/min for captures.
DEFAULT_RATES = {"cdx": 20.0, "capture": 120.0, "live": 60.0, "webhook": 600.0}
OFFLINE_ENV = "POLICYDIFF_OFFLINE"


def offline_mode() -> bool:
    """Whether the environment asks for offline mode (``POLICYDIFF_OFFLINE=1``)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True, slots=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 16_000_000
    retries: int = 3  # on 5xx and broken connections
    backoff: float = 1.0  # seconds; doubles with each retry
    pause_on_429: float = 60.0
    retries_on_429: int = 2
    max_redirects: int = 10
    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response read whole: status, final URL, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    charset: str | None

    @property
    def media_type(self) -> str | None:
        value = self.headers.get("content-type")
        return value.split(";")[0].strip().lower() if value else None


class Session:
    """A rate-limited, retrying HTTP client; safe to share between threads."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        offline: bool | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.offline = offline_mode() if offline is None else offline
        self._sleep = sleep
        self._clock = clock
        self._http = requests.Session()
        self._http.headers["User-Agent"] = USER_AGENT
        self._http.max_redirects = self.limits.max_redirects
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = defaultdict(float)
        self.counts: Counter[str] = Counter()  # requests, retries, pauses, by kind
        self.sent: list[tuple[str, float]] = []  # (kind, clock time) of every request

    @property
    def user_agent(self) -> str:
        return USER_AGENT

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        kind: str = "live",
        params: Params = None,
        ok: tuple[int, ...] = (200,),
        follow: bool = True,
    ) -> Fetched:
        """GET ``url``; statuses outside ``ok`` (after retries) raise ``HTTPStatusError``.

        With ``follow=False`` a redirect is returned as it is (list its status in ``ok``).
        """
        return self._send("GET", url, kind=kind, params=params, ok=ok, follow=follow)

    def post(
        self,
        url: str,
        body: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        kind: str = "webhook",
        ok: tuple[int, ...] = (200, 201, 202, 204),
    ) -> Fetched:
        """POST ``body`` with the same timeouts, retries and rate limits as ``get``."""
        return self._send("POST", url, kind=kind, ok=ok, body=body, headers=headers, follow=False)

    def _send(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        ok: tuple[int, ...],
        follow: bool,
        params: Params = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        if self.offline:
            raise Offline(url)
        failures = 0
        pauses = 0
        while True:
            self._wait_turn(url, kind)
            self.counts["requests"] += 1
            self.counts[f"requests:{kind}"] += 1
            try:
                fetched = self._once(method, url, params, follow, body, headers)
            except _BROKEN as err:
                hopeless = _unreachable(err)
                if hopeless:
                    raise NetworkError(url, hopeless) from err
                failures += 1
                if failures > self.limits.retries:
                    raise NetworkError(url, _describe(err)) from err
                self._back_off(failures)
                continue
            except requests.TooManyRedirects as err:
                raise RedirectLoop(url) from err
            if fetched.status == 429:
                pauses += 1
                if pauses > self.limits.retries_on_429:
                    raise RateLimited(url, self.limits.pause_on_429, pauses - 1)
                self.counts["pauses"] += 1
                self._sleep(self.limits.pause_on_429)
                continue
            if fetched.status >= 500:
                failures += 1
                if failures > self.limits.retries:
                    raise HTTPStatusError(url, fetched.status)
                self._back_off(failures)
                continue
            if fetched.status not in ok:
                raise HTTPStatusError(url, fetched.status)
            return fetched

    # -- internals ---------------------------------------------------------------
    def _once(
        self,
        method: str,
        url: str,
        params: Params,
        follow: bool,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        timeout = (self.limits.connect_timeout, self.limits.read_timeout)
        with self._http.request(
            method,
            url,
            params=params,
            data=body,
            headers=dict(headers or {}),
            timeout=timeout,
            stream=True,
            allow_redirects=follow,
        ) as response:
            declared = response.headers.get("Content-Length")
            plain = "Content-Encoding" not in response.headers
            if plain and declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
                raise BodyTooLarge(url, self.limits.max_bytes)
            received = bytearray()
            # Small chunks: a gzip bomb inflates each one at most ~1000-fold.
            for chunk in response.iter_content(chunk_size=8192):
                received.extend(chunk)
                if len(received) > self.limits.max_bytes:
                    raise BodyTooLarge(url, self.limits.max_bytes)
            return Fetched(
                url=response.url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                content=bytes(received),
                charset=_charset(response.headers.get("Content-Type")),
            )

    def _wait_turn(self, url: str, kind: str) -> None:
        """Space requests to one host and kind of endpoint by 60 / rate seconds."""
        rate = self.limits.rates.get(kind, 60.0)
        key = f"{urlsplit(url).netloc}:{kind}"
        with self._lock:
            now = self._clock()
            start = max(now, self._next_slot[key])
            self._next_slot[key] = start + (60.0 / rate if rate > 0 else 0.0)
        if start > now:
            self._sleep(start - now)
        self.sent.append((kind, self._clock()))

    def _back_off(self, failures: int) -> None:
        self.counts["retries"] += 1
        self._sleep(self.limits.backoff * 2 ** (failures - 1))


_BROKEN = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _unreachable(err: BaseException) -> str | None:
    """Why retrying cannot help (the host name does not resolve, the connection is
    refused), or None."""
    todo: list[BaseException] = [err]
    seen: set[int] = set()
    while todo:
        cause = todo.pop()
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "host not found (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        nested = [getattr(cause, "reason", None), cause.__cause__, cause.__context__, *cause.args]
        todo.extend(n for n in nested if isinstance(n, BaseException))
    return None


def _describe(err: Exception) -> str:
    text = str(err)
    if isinstance(err, requests.Timeout):
        return "timed out"
    if isinstance(err, requests.exceptions.ContentDecodingError):
        return "the compressed body could not be decoded"
    if "IncompleteRead" in text or "Connection broken" in text:
        return "the connection broke before the whole body arrived"
    return "could not connect" if isinstance(err, requests.ConnectionError) else text
