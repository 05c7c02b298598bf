"""The one door to the network: every HTTP request policydiff makes goes through ``Session``.

It owns what keeps an archive willing to talk to us: connect and read timeouts, a cap
on the (decompressed) body size, retries with exponential backoff on 5xx and broken
connections, a rate limit per endpoint kind, and on HTTP 429 a long pause before a
bounded retry (the Internet Archive sends no Retry-After; its maintainers advise 60 s,
and an address that keeps hammering is blocked for an hour).

A refused connection or a host name that does not resolve fails at once: retrying cannot
help, and offline it would only make the user wait. In offline mode (``offline=True``, or
``POLICYDIFF_OFFLINE=1`` in the environment) no request is sent at all.

It also owns two defences against the pages it is pointed at:

- **A deadline per response.** The read timeout bounds one socket read; a server that
  sends one byte every few seconds never trips it. Each exchange (connection, redirects,
  headers, body) has an overall deadline, enforced by a timer that shuts the exchange's
  sockets down; ``Session.scope`` adds a deadline over many requests (one watched policy).
- **No requests to private addresses** (server-side request forgery). Live pages, and every
  URL of a session marked ``untrusted`` (a watch file's), may only reach public addresses:
  the address a connection actually reaches is checked after DNS resolution, so every
  redirect and every DNS answer is checked too. Loopback, private, link-local (cloud
  metadata), shared, reserved and multicast addresses are refused unless the user allows
  them (``allow_private``, ``POLICYDIFF_ALLOW_PRIVATE=1``). Only http and https are spoken,
  and a redirect to anything else is an error.

This is the only module that imports ``requests`` (and urllib3, beneath it).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.connection
import urllib3.connectionpool
from requests.adapters import HTTPAdapter

from policydiff._version import __version__
from policydiff.errors import (
    BodyTooLarge,
    DeadlinePassed,
    HTTPStatusError,
    NetworkError,
    Offline,
    PolicydiffError,
    RateLimited,
    RedirectLoop,
    RefusedAddress,
)

__all__ = [
    "ALLOW_PRIVATE_ENV",
    "OFFLINE_ENV",
    "USER_AGENT",
    "Fetched",
    "Limits",
    "Session",
    "offline_mode",
    "public_address",
    "redact_url",
]

Params = Mapping[str, str] | Sequence[tuple[str, str]] | None

USER_AGENT = f"policydiff/{__version__} (+https://pypi.org/project/policydiff/)"

# Requests per minute for each kind of endpoint. The Internet Archive's published
# hard limits are about 60/min for CDX searches and 600/min for captures.
DEFAULT_RATES = {"cdx": 20.0, "capture": 120.0, "live": 60.0, "webhook": 600.0}
OFFLINE_ENV = "POLICYDIFF_OFFLINE"


def offline_mode() -> bool:
    """Whether the environment asks for offline mode (``POLICYDIFF_OFFLINE=1``)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes")


ALLOW_PRIVATE_ENV = "POLICYDIFF_ALLOW_PRIVATE"
_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)


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
    deadline: float = 120.0  # seconds for a whole exchange: redirects, headers and body
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
    """A rate-limited, retrying HTTP client; safe to share between threads.

    ``untrusted``: every URL comes from someone not fully trusted (a watch file), so every
    request is kept to public addresses; otherwise only live pages are. ``allow_private``
    lifts that (default: ``POLICYDIFF_ALLOW_PRIVATE=1`` in the environment).
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        offline: bool | None = None,
        untrusted: bool = False,
        allow_private: bool | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.offline = offline_mode() if offline is None else offline
        self._sleep = sleep
        self._clock = clock
        self.untrusted = untrusted
        self.allow_private = (
            os.environ.get(ALLOW_PRIVATE_ENV, "") == "1" if allow_private is None else allow_private
        )
        self._http = _requests_session(guarded=False)
        self._guarded = _requests_session(guarded=True)
        self._budget = threading.local()
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = defaultdict(float)
        self.counts: Counter[str] = Counter()  # requests, retries, pauses, by kind
        self.sent: list[tuple[str, float]] = []  # (kind, clock time) of every request

    @property
    def user_agent(self) -> str:
        return USER_AGENT

    def close(self) -> None:
        self._http.close()
        self._guarded.close()

    def guarded(self, kind: str) -> bool:
        """Whether a request of ``kind`` is kept to public addresses."""
        allowed = getattr(self._budget, "allow_private", None)
        if allowed is None:
            allowed = self.allow_private
        untrusted = getattr(self._budget, "untrusted", None)
        if untrusted is None:
            untrusted = self.untrusted
        return not allowed and (untrusted or kind == "live")

    @contextlib.contextmanager
    def scope(
        self,
        *,
        seconds: float | None = None,
        what: str = "the work",
        untrusted: bool | None = None,
        allow_private: bool | None = None,
    ) -> Iterator[None]:
        """Rules for the requests this thread makes inside the block (one watched policy):
        all of them end by ``seconds`` from now (past it, a request, retry or pause raises
        ``DeadlinePassed`` naming ``what``); ``untrusted`` keeps every one of them to public
        addresses unless ``allow_private`` (or the session) allows private ones."""
        local = self._budget
        previous = (
            getattr(local, "end", None),
            getattr(local, "what", None),
            getattr(local, "untrusted", None),
            getattr(local, "allow_private", None),
        )
        if seconds is not None:
            local.end, local.what = time.monotonic() + seconds, (what, seconds)
        if untrusted is not None:
            local.untrusted = untrusted
        if allow_private is not None:
            local.allow_private = allow_private or self.allow_private
        try:
            yield
        finally:
            local.end, local.what, local.untrusted, local.allow_private = previous

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
        archived: bool = False,
    ) -> Fetched:
        """GET ``url``; statuses outside ``ok`` (after retries) raise ``HTTPStatusError``.

        With ``follow=False`` a redirect is returned as it is (list its status in ``ok``).
        With ``archived=True`` an answer carrying a ``Memento-Datetime`` header is a page as
        the archive recorded it and is returned whatever its status: a captured 429 or 503
        is the site's error page on the day, not the archive asking us to slow down.
        """
        return self._send(
            "GET", url, kind=kind, params=params, ok=ok, follow=follow, archived=archived
        )

    def post(
        self,
        url: str,
        body: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        kind: str = "webhook",
        ok: tuple[int, ...] = (200, 201, 202, 204),
        retries: int | None = None,
    ) -> Fetched:
        """POST ``body`` with the same timeouts, retries (``retries`` times on 5xx and broken
        connections, if given) and rate limits as ``get``."""
        return self._send(
            "POST",
            url,
            kind=kind,
            ok=ok,
            body=body,
            headers=headers,
            follow=False,
            retries=retries,
        )

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
        retries: int | None = None,
        archived: bool = False,
    ) -> Fetched:
        if self.offline:
            raise Offline(url)
        allowed_failures = self.limits.retries if retries is None else retries
        failures = 0
        pauses = 0
        _check_url(url)
        while True:
            self._check_budget(url)
            self._wait_turn(url, kind)
            self.counts["requests"] += 1
            self.counts[f"requests:{kind}"] += 1
            try:
                fetched = self._once(method, url, params, follow, body, headers, kind)
            except _BROKEN as err:
                hopeless = _unreachable(err)
                if hopeless:
                    raise NetworkError(url, hopeless) from err
                failures += 1
                if failures > allowed_failures:
                    raise NetworkError(url, _describe(err)) from err
                self._back_off(failures, url)
                continue
            except requests.TooManyRedirects as err:
                raise RedirectLoop(url) from err
            except requests.RequestException as err:  # an address requests cannot use
                raise NetworkError(url, _describe(err)) from err
            if archived and "memento-datetime" in fetched.headers:
                return fetched
            if fetched.status == 429:
                pauses += 1
                if pauses > self.limits.retries_on_429:
                    raise RateLimited(url, self.limits.pause_on_429, pauses - 1)
                self.counts["pauses"] += 1
                self._pause(url, self.limits.pause_on_429)
                continue
            if fetched.status >= 500:
                failures += 1
                if failures > allowed_failures:
                    raise HTTPStatusError(url, fetched.status)
                self._back_off(failures, url)
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
        kind: str = "live",
    ) -> Fetched:
        """One exchange: the request, its redirects (each checked), the whole body, all
        within the deadline."""
        http = self._guarded if self.guarded(kind) else self._http
        deadline = self.limits.deadline
        late = DeadlinePassed(url, deadline)
        budget_end = getattr(self._budget, "end", None)
        if budget_end is not None and budget_end - time.monotonic() < deadline:
            deadline = max(0.0, budget_end - time.monotonic())
            what, seconds = self._budget.what
            late = DeadlinePassed(url, seconds, what)
        exchange = _Exchange()
        timer = threading.Timer(deadline, exchange.expire)
        timer.daemon = True
        _local.exchange = exchange
        timer.start()
        try:
            for _ in range(self.limits.max_redirects + 1):
                fetched = self._read(http, method, url, params, body, headers, exchange, late)
                location = fetched.headers.get("location")
                if not follow or fetched.status not in _REDIRECTS or not location:
                    return fetched
                try:
                    url = urljoin(fetched.url, location)
                except ValueError as err:
                    raise RefusedAddress(fetched.url, "redirects to an invalid address") from err
                _check_url(url, redirect=True)
                params, body = None, None
                if fetched.status == 303 or method == "POST":
                    method = "GET"
            raise RedirectLoop(url)
        except (PolicydiffError, KeyboardInterrupt):
            raise
        except Exception as err:
            if exchange.expired:
                raise late from err
            raise
        finally:
            timer.cancel()
            _local.exchange = None

    def _read(
        self,
        http: requests.Session,
        method: str,
        url: str,
        params: Params,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        exchange: _Exchange,
        late: DeadlinePassed,
    ) -> Fetched:
        timeout = (self.limits.connect_timeout, self.limits.read_timeout)
        try:
            response = http.request(
                method,
                url,
                params=params,
                data=body,
                headers=dict(headers or {}),
                timeout=timeout,
                stream=True,
                allow_redirects=False,
            )
        except ValueError as err:  # requests reads the Location even when not following it
            if isinstance(err, requests.RequestException):
                raise
            raise RefusedAddress(url, "redirects to an invalid address") from err
        with response:
            exchange.add(_socket_of(response))
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
                if exchange.expired:
                    raise late
            if exchange.expired:
                raise late
            return Fetched(
                url=response.url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                content=bytes(received),
                charset=_charset(response.headers.get("Content-Type")),
            )

    def _check_budget(self, url: str) -> None:
        end = getattr(self._budget, "end", None)
        if end is not None and time.monotonic() >= end:
            what, seconds = self._budget.what
            raise DeadlinePassed(url, seconds, what)

    def _pause(self, url: str, seconds: float) -> None:
        end = getattr(self._budget, "end", None)
        if end is not None and time.monotonic() + seconds >= end:
            what, limit = self._budget.what
            raise DeadlinePassed(url, limit, what)
        self._sleep(seconds)

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

    def _back_off(self, failures: int, url: str = "") -> None:
        self.counts["retries"] += 1
        self._pause(url, self.limits.backoff * 2 ** (failures - 1))


# -- deadlines -----------------------------------------------------------------------
class _Exchange:
    """The sockets of one exchange, shut down when its deadline passes (which wakes a
    thread blocked reading them)."""

    def __init__(self) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def add(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError, ValueError):
        # The plain socket's shutdown, also for TLS: it wakes a blocked reader at once.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_local = threading.local()  # the exchange this thread is in, for the connections it opens


def _register(sock: socket.socket | None) -> None:
    exchange: _Exchange | None = getattr(_local, "exchange", None)
    if exchange is not None:
        exchange.add(sock)


def _socket_of(response: requests.Response) -> socket.socket | None:
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


# -- public addresses only -------------------------------------------------------------
def public_address(address: str) -> bool:
    """Whether ``address`` (an IP address) is on the public internet: not loopback,
    private, link-local (where cloud metadata services live), shared, reserved or multicast."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def redact_url(url: str) -> str:
    """``url`` without what may be a secret: credentials, path and query (a webhook's URL
    is often its token): ``https://hooks.example.org/…``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<invalid URL>"
    if ":" in host:
        host = f"[{host}]"
    rest = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def _check_url(url: str, redirect: bool = False) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as err:
        what = "redirects to an invalid address" if redirect else "is not a valid address"
        raise RefusedAddress(url, what) from err
    if parts.scheme.lower() not in _SCHEMES:
        what = "redirects to" if redirect else "is"
        raise RefusedAddress(
            url, f"{what} a {parts.scheme or 'schemeless'} address; only http and https are fetched"
        )
    if not host:
        raise RefusedAddress(url, "has no host")


def _guard_host(host: str, port: int | None) -> None:
    """Refuse before connecting when any address the name resolves to is not public (no
    packet to a metadata service); ``_guard_peer`` then checks the address reached."""
    try:
        infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except OSError:
        return  # the connection attempt reports it
    for *_, address in infos:
        if not public_address(str(address[0])):
            raise RefusedAddress(host, _refusal(str(address[0])))


def _refusal(address: str) -> str:
    return (
        f"resolves to {address}, a private, loopback or link-local address; allow it with "
        f"--allow-private, allow_private = true in the watch file, or {ALLOW_PRIVATE_ENV}=1"
    )


def _guard_peer(sock: socket.socket, host: str) -> None:
    peer = sock.getpeername()[0]
    if not public_address(peer):
        sock.close()
        raise RefusedAddress(host, _refusal(peer))


if TYPE_CHECKING:
    _Base = urllib3.connection.HTTPConnection
else:
    _Base = object


class _Registered(_Base):
    """Registers its socket with the exchange (for the deadline); when ``guarded``,
    refuses a peer that is not a public address, after DNS, before a byte is sent. Mixed
    into both the plain and the TLS connection."""

    guarded = False

    def _new_conn(self) -> socket.socket:
        if self.guarded and self.proxy is None:
            _guard_host(self.host, self.port)
        sock = super()._new_conn()
        if self.guarded and self.proxy is None:
            _guard_peer(sock, self.host)
        _register(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        _register(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:  # a kept-alive connection
            _register(self.sock)
        super().request(*args, **kwargs)


class _Connection(_Registered, urllib3.connection.HTTPConnection):
    pass


class _TLSConnection(_Registered, urllib3.connection.HTTPSConnection):
    pass


class _GuardedConnection(_Connection):
    guarded = True


class _GuardedTLSConnection(_TLSConnection):
    guarded = True


def _pools(guarded: bool) -> dict[str, type[urllib3.connectionpool.HTTPConnectionPool]]:
    plain = _GuardedConnection if guarded else _Connection
    tls = _GuardedTLSConnection if guarded else _TLSConnection

    class Pool(urllib3.connectionpool.HTTPConnectionPool):
        ConnectionCls = plain

    class TLSPool(urllib3.connectionpool.HTTPSConnectionPool):
        ConnectionCls = tls

    return {"http": Pool, "https": TLSPool}


class _Adapter(HTTPAdapter):
    def __init__(self, guarded: bool) -> None:
        self._pool_classes = _pools(guarded)
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes


def _requests_session(guarded: bool) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    adapter = _Adapter(guarded)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


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
    if isinstance(err, requests.ConnectTimeout):
        return "could not connect (timed out)"
    if isinstance(err, requests.Timeout):
        return "the server stopped sending (read timed out)"
    if "BadStatusLine" in text or "RemoteDisconnected" in text or "LineTooLong" in text:
        return "the server's answer is not valid HTTP"
    if "Connection refused" in text:
        return "could not connect (connection refused)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "could not connect (unknown host)"
    if isinstance(err, requests.exceptions.SSLError):
        return "the TLS handshake failed"
    if isinstance(err, requests.exceptions.ContentDecodingError):
        return "the compressed body could not be decoded"
    if "IncompleteRead" in text or "Connection broken" in text:
        return "the connection broke before the whole body arrived"
    return "could not connect" if isinstance(err, requests.ConnectionError) else text
