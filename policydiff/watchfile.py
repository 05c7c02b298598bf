"""The watch file: which policies a nightly job checks, and where it reports.

```toml
[defaults]
source = "live"                  # or "wayback": the newest archived capture
archive = "https://web.archive.org/web"
notify = ["webhook"]             # where to report, by default
ignore = []                      # strings or /regular expressions/ left out of every clause

[notify.webhook]
url = "https://hooks.example.org/policydiff"
secret_env = "POLICYDIFF_WEBHOOK_SECRET"   # signs each POST (HMAC-SHA256)

[notify.email]
host = "smtp.example.org"
port = 587
starttls = true
sender = "policydiff@example.org"
to = ["desk@example.org"]
username_env = "POLICYDIFF_SMTP_USER"      # credentials come from the environment only
password_env = "POLICYDIFF_SMTP_PASSWORD"

[[policy]]
name = "telegram-privacy"
url = "https://telegram.org/privacy"
selector = "#dev_page_content"
ignore = ["/page generated in [0-9.]+ms/"]
```

Unknown keys and bad values are errors naming the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policydiff.errors import WatchFileError

__all__ = [
    "EmailTarget",
    "Policy",
    "WatchFile",
    "WebhookTarget",
    "load_watchfile",
    "parse_watchfile",
]

SOURCES = ("live", "wayback")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    url: str
    secret_env: str | None = None
    retries: int = 3


@dataclass(frozen=True, slots=True)
class EmailTarget:
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 25
    starttls: bool = False
    username_env: str | None = None
    password_env: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    url: str
    source: str = "live"
    selector: str | None = None
    ignore: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    archive: str | None = None


@dataclass(frozen=True, slots=True)
class WatchFile:
    path: str
    policies: tuple[Policy, ...]
    webhook: WebhookTarget | None = None
    email: EmailTarget | None = None


def load_watchfile(path: Path | str) -> WatchFile:
    try:
        text = Path(path).read_text("utf-8")
    except OSError as err:
        raise WatchFileError(
            str(path), None, "file", f"cannot read it: {err.strerror or err}"
        ) from err
    return parse_watchfile(text, str(path))


class _Lines:
    """Where a key is written in the file, for error messages (tomllib gives no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, key: str, table: str | None = None, index: int | None = None) -> int | None:
        start, end = 0, len(self.lines)
        if table:
            headers = [
                i
                for i, line in enumerate(self.lines)
                if re.match(rf"^\s*\[{{1,2}}\s*{re.escape(table)}\s*\]{{1,2}}", line)
            ]
            if index is not None and index < len(headers):
                start = headers[index]
            elif headers:
                start = headers[0]
            else:
                return None
            following = [
                i for i, line in enumerate(self.lines) if i > start and re.match(r"^\s*\[", line)
            ]
            end = following[0] if following else len(self.lines)
        for number in range(start, end):
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[number]):
                return number + 1
        return start + 1 if table else None


def parse_watchfile(text: str, path: str = "<watch file>") -> WatchFile:
    lines = _Lines(text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        raise WatchFileError(
            path, int(match.group(1)) if match else None, "syntax", str(err)
        ) from err

    def fail(
        key: str, problem: str, table: str | None = None, index: int | None = None
    ) -> WatchFileError:
        return WatchFileError(path, lines.of(key.split(".")[-1], table, index), key, problem)

    _known(raw, {"defaults", "notify", "policy"}, "", fail)
    defaults = _table(raw.get("defaults", {}), "defaults", fail)
    _known(defaults, {"source", "archive", "notify", "ignore", "selector"}, "defaults", fail)
    notify = _table(raw.get("notify", {}), "notify", fail)
    _known(notify, {"webhook", "email"}, "notify", fail)
    webhook = _webhook(notify.get("webhook"), fail) if "webhook" in notify else None
    email = _email(notify.get("email"), fail) if "email" in notify else None
    entries = raw.get("policy", [])
    if not isinstance(entries, list) or not entries:
        raise fail("policy", "the file lists no [[policy]]")
    policies = []
    names: set[str] = set()
    for index, entry in enumerate(entries):

        def bad(key: str, problem: str, index: int = index) -> WatchFileError:
            return WatchFileError(
                path, lines.of(key, "policy", index), f"policy[{index}].{key}", problem
            )

        if not isinstance(entry, dict):
            raise bad("policy", "must be a table")
        for key in entry:
            if key not in {"name", "url", "source", "selector", "ignore", "notify", "archive"}:
                raise bad(key, "unknown key")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise bad("name", "needs a name of letters, digits, '.', '_' or '-' (up to 64)")
        if name in names:
            raise bad("name", f"{name!r} is used twice")
        names.add(name)
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad("url", "needs an http:// or https:// URL")
        source = entry.get("source", defaults.get("source", "live"))
        if source not in SOURCES:
            raise bad("source", f"must be one of {', '.join(SOURCES)}, not {source!r}")
        selector = entry.get("selector", defaults.get("selector"))
        if selector is not None and not isinstance(selector, str):
            raise bad("selector", "must be a CSS selector string")
        ignore = _strings(entry.get("ignore", []), lambda p: bad("ignore", p))
        ignore += _strings(
            defaults.get("ignore", []), lambda p: fail("defaults.ignore", p, "defaults")
        )
        for pattern in ignore:
            if pattern.startswith("/") and pattern.endswith("/") and len(pattern) > 1:
                try:
                    re.compile(pattern[1:-1])
                except re.error as err:
                    raise bad("ignore", f"bad regular expression {pattern}: {err}") from err
        targets = _strings(
            entry.get("notify", defaults.get("notify", [])), lambda p: bad("notify", p)
        )
        for target in targets:
            if target not in ("webhook", "email"):
                raise bad("notify", f"unknown target {target!r} (webhook or email)")
            if (target == "webhook" and webhook is None) or (target == "email" and email is None):
                raise bad("notify", f"{target!r} is not configured in [notify.{target}]")
        archive = entry.get("archive", defaults.get("archive"))
        if archive is not None and (not isinstance(archive, str) or not archive.startswith("http")):
            raise bad("archive", "must be the base URL of a Wayback-compatible archive")
        policies.append(Policy(name, url, source, selector, ignore, targets, archive))
    return WatchFile(path, tuple(policies), webhook, email)


def _known(table: dict[str, Any], keys: set[str], where: str, fail: Any) -> None:
    for key in table:
        if key not in keys:
            raise fail(f"{where}.{key}" if where else key, "unknown key", where or None)


def _table(value: object, name: str, fail: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(name, "must be a table", name)
    return value


def _strings(value: object, fail: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail("must be a string or a list of strings")
    return tuple(value)


def _webhook(value: object, fail: Any) -> WebhookTarget:
    table = _table(value, "notify.webhook", fail)
    _known(table, {"url", "secret_env", "retries"}, "notify.webhook", fail)
    url = table.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise fail("notify.webhook.url", "needs an http:// or https:// URL", "notify.webhook")
    secret = table.get("secret_env")
    if secret is not None and not isinstance(secret, str):
        raise fail("notify.webhook.secret_env", "names an environment variable", "notify.webhook")
    retries = table.get("retries", 3)
    if not isinstance(retries, int) or not 0 <= retries <= 10:
        raise fail(
            "notify.webhook.retries", "must be a whole number from 0 to 10", "notify.webhook"
        )
    return WebhookTarget(url, secret, retries)


def _email(value: object, fail: Any) -> EmailTarget:
    table = _table(value, "notify.email", fail)
    _known(
        table,
        {"host", "port", "starttls", "sender", "to", "username_env", "password_env"},
        "notify.email",
        fail,
    )
    host, sender = table.get("host"), table.get("sender")
    if not isinstance(host, str) or not host:
        raise fail("notify.email.host", "needs the SMTP server's host name", "notify.email")
    if not isinstance(sender, str) or "@" not in sender:
        raise fail("notify.email.sender", "needs an e-mail address", "notify.email")
    to = _strings(table.get("to", []), lambda p: fail("notify.email.to", p, "notify.email"))
    if not to or not all("@" in t for t in to):
        raise fail("notify.email.to", "needs one or more e-mail addresses", "notify.email")
    port = table.get("port", 25)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise fail("notify.email.port", "must be a port number", "notify.email")
    for key in ("username_env", "password_env"):
        if key in table and not isinstance(table[key], str):
            raise fail(f"notify.email.{key}", "names an environment variable", "notify.email")
    return EmailTarget(
        host,
        sender,
        to,
        port,
        bool(table.get("starttls", False)),
        table.get("username_env"),
        table.get("password_env"),
    )
