"""The exceptions policydiff raises.

Every error policydiff raises on purpose derives from :class:`PolicydiffError`,
so a caller needs one ``except`` clause to handle them all::

    PolicydiffError
    ├── BadDate                    a date that does not exist, or a reversed range (``text``):
    │                              a usage error, exit code 2 on the command line
    ├── InputError                 the bytes or text given cannot be read as a policy
    │   ├── EmptyInput             nothing but whitespace or markup
    │   ├── BinaryInput            looks like an image, PDF, archive, ...
    │   ├── UndecodableInput       not valid in the declared or sniffed character set
    │   ├── InputTooLarge          over the size limit
    │   ├── NestingTooDeep         markup nested deeper than the limit
    │   ├── TooManyClauses         more clauses than a comparison can hold (``count``, ``limit``)
    │   └── SelectorNotFound       the CSS selector matched nothing
    ├── SourceError                a reference (path, URL, store key) cannot be resolved
    │   ├── SourceNotFound         no such file
    │   └── NoCapture              no capture of the URL at or before the date asked
    ├── NetworkError               the network failed us (after the retries it deserved)
    │   ├── Offline                offline mode (``--offline``, ``POLICYDIFF_OFFLINE=1``)
    │   ├── RateLimited            the server kept answering 429 (``retry_after`` seconds)
    │   ├── HTTPStatusError        an unexpected HTTP status (``status``)
    │   ├── BodyTooLarge           the body (decompressed) passed the size limit
    │   ├── RedirectLoop           too many redirects
    │   ├── DeadlinePassed         no whole answer within the deadline (``seconds``)
    │   └── RefusedAddress         not http(s), or a private address (server-side request forgery)
    ├── ArchiveError               the archive answered, but not with a usable capture
    │   └── SiteBlocked            the archive refuses to show this site (``url``)
    ├── StoreError                 the local store cannot be read or written
    ├── WatchFileError             a watch file is invalid (``path``, ``line``, ``key``)
    ├── RuleDataError              a bundled rule file is invalid (``file``, ``key``)
    └── NotifyError                a webhook or e-mail could not be delivered

Each subclass carries the data a caller needs (``InputTooLarge.size``,
``SelectorNotFound.selector``) and a message meant for people.
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "BadDate",
    "BinaryInput",
    "BodyTooLarge",
    "DeadlinePassed",
    "EmptyInput",
    "HTTPStatusError",
    "InputError",
    "InputTooLarge",
    "NestingTooDeep",
    "NetworkError",
    "NoCapture",
    "NotifyError",
    "Offline",
    "PolicydiffError",
    "RateLimited",
    "RedirectLoop",
    "RefusedAddress",
    "RuleDataError",
    "SelectorNotFound",
    "SiteBlocked",
    "SourceError",
    "SourceNotFound",
    "StoreError",
    "TooManyClauses",
    "UndecodableInput",
    "WatchFileError",
]


class PolicydiffError(Exception):
    """Base class of every error policydiff raises on purpose."""


class BadDate(PolicydiffError, ValueError):
    """A date that cannot be read or does not exist (``2024-13-01``), or a range whose start
    is after its end. A usage error: the request, not the world, is wrong."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(f"{problem}: {text}" if text else problem)
        self.text = text
        self.problem = problem


class InputError(PolicydiffError):
    """The input cannot be read as a policy."""


class EmptyInput(InputError):
    def __init__(self, what: str = "input") -> None:
        super().__init__(f"{what} contains no policy text")
        self.what = what


class BinaryInput(InputError):
    def __init__(self, kind: str) -> None:
        super().__init__(f"input looks like binary data ({kind}), not HTML, Markdown or text")
        self.kind = kind


class UndecodableInput(InputError):
    def __init__(self, encoding: str, position: int) -> None:
        super().__init__(f"input is not valid {encoding}: undecodable byte at offset {position}")
        self.encoding = encoding
        self.position = position


class InputTooLarge(InputError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"input is {size / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.1f} MB"
        )
        self.size = size
        self.limit = limit


class NestingTooDeep(InputError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"markup is nested more than {limit} levels deep")
        self.limit = limit


class TooManyClauses(InputError):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"a version has {count:,} clauses; policydiff compares documents of up to "
            f"{limit:,} clauses a side"
        )
        self.count = count
        self.limit = limit


class SelectorNotFound(InputError):
    def __init__(self, selector: str) -> None:
        super().__init__(f"CSS selector {selector!r} matched nothing in the page")
        self.selector = selector


class SourceError(PolicydiffError):
    """A reference to a policy version cannot be resolved."""


class SourceNotFound(SourceError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no such file: {reference}")
        self.reference = reference


class NoCapture(SourceError):
    def __init__(self, url: str, when: str) -> None:
        super().__init__(f"no capture of {url} {when}")
        self.url = url
        self.when = when


class NetworkError(PolicydiffError):
    """A request failed: connection, timeout, or a body cut short, after retries."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{_without_credentials(url)}: {reason}")
        self.url = url
        self.reason = reason


def _without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` taken out: messages are printed and recorded."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "…@" + authority.rpartition("@")[2]
    return f"{scheme}://{authority}{slash}{path}"


class Offline(NetworkError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "not fetched: offline (--offline or POLICYDIFF_OFFLINE=1)")


class RateLimited(NetworkError):
    def __init__(self, url: str, retry_after: float, attempts: int) -> None:
        super().__init__(
            url, f"still rate-limited (HTTP 429) after {attempts} pauses; try again later"
        )
        self.retry_after = retry_after
        self.attempts = attempts


class HTTPStatusError(NetworkError):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status


class BodyTooLarge(NetworkError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url, f"response is larger than {limit / 1_000_000:.1f} MB")
        self.limit = limit


class RedirectLoop(NetworkError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "too many redirects")


class DeadlinePassed(NetworkError):
    def __init__(self, url: str, seconds: float, what: str = "the answer") -> None:
        super().__init__(url, f"{what} took longer than {seconds:g} s; gave up")
        self.seconds = seconds


class RefusedAddress(NetworkError):
    """Not fetched on purpose: a scheme other than http(s), an invalid address, or a
    private, loopback or link-local address where only public ones are allowed."""


class ArchiveError(PolicydiffError):
    """The archive answered, but not with a usable capture."""


class SiteBlocked(ArchiveError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"the archive blocks {url}: it shows no captures of this site "
            "(excluded by its owner or on request)"
        )
        self.url = url


class StoreError(PolicydiffError):
    """The local store cannot be read or written."""


class WatchFileError(PolicydiffError):
    """A watch file is invalid; the message names the file, the line and the key."""

    def __init__(self, path: str, line: int | None, key: str, problem: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {problem}")
        self.path = path
        self.line = line
        self.key = key


class RuleDataError(PolicydiffError):
    """A rule data file (a language's lexicon, the direction rules) does not fit its schema."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class NotifyError(PolicydiffError):
    """A notification could not be delivered."""
