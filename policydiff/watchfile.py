"""The watch file: which policies a nightly job checks, and where it reports.

```toml
base_url = "https://watch.example.org/policies"   # where --out is published (absolute links)

[defaults]
source = "live"                  # or "wayback": the newest archived capture
archive = "https://web.archive.org/web"
archive_kind = "ia"              # or "pywb"; by default ia for archive.org, pywb otherwise
notify = ["webhook"]             # where to report, by default
ignore = []                      # strings or /regular expressions/ left out of every clause
allow_private = false            # may URLs of this file reach private addresses? (see README)

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

[notify.apprise]
urls_env = "POLICYDIFF_APPRISE_URLS"       # Slack, Matrix, Discord, Teams, ntfy… (Apprise URLs)

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re2

from policydiff.errors import WatchFileError
from policydiff.notify import TARGETS, target
from policydiff.notify.email import EmailTarget
from policydiff.notify.webhook import WebhookTarget

__all__ = [
    "RESERVED_NAMES",
    "Policy",
    "WatchFile",
    "load_watchfile",
    "parse_watchfile",
    "user_pattern",
]

SOURCES = ("live", "wayback")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # fullmatch: no trailing newline
# The watch's own files in --out: a policy named after one would overwrite it.
RESERVED_NAMES = frozenset({"feed.xml", "feed.json", "state.json", "run.json", "watch.lock"})


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    url: str
    source: str = "live"
    selector: str | None = None
    ignore: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    archive: str | None = None
    allow_private: bool = False  # its URL, its archive and its alerts may reach private addresses
    archive_kind: str | None = None


@dataclass(frozen=True, slots=True)
class WatchFile:
    path: str
    policies: tuple[Policy, ...]
    targets: Mapping[str, Any] = field(default_factory=dict)  # target name -> its config
    allow_private: bool = False  # [defaults] allow_private
    base_url: str | None = None  # where the output folder is published

    @property
    def webhook(self) -> WebhookTarget | None:
        value = self.targets.get("webhook")
        return value if isinstance(value, WebhookTarget) else None

    @property
    def email(self) -> EmailTarget | None:
        value = self.targets.get("email")
        return value if isinstance(value, EmailTarget) else None


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

    _known(raw, {"base_url", "defaults", "notify", "policy"}, "", fail)
    base_url = raw.get("base_url")
    if base_url is not None and (
        not isinstance(base_url, str) or not base_url.startswith(("http://", "https://"))
    ):
        raise fail("base_url", "needs the http:// or https:// URL where --out is published")
    defaults = _table(raw.get("defaults", {}), "defaults", fail)
    _known(
        defaults,
        {"source", "archive", "notify", "ignore", "selector", "allow_private", "archive_kind"},
        "defaults",
        fail,
    )
    allow_all = defaults.get("allow_private", False)
    if not isinstance(allow_all, bool):
        raise fail("defaults.allow_private", "must be true or false", "defaults")
    notify = _table(raw.get("notify", {}), "notify", fail)
    _known(notify, set(TARGETS), "notify", fail)
    configured: dict[str, Any] = {}
    for kind, value in notify.items():
        where = f"notify.{kind}"
        module = target(kind)
        table = _table(value, where, fail)
        _known(table, set(module.KEYS), where, fail)
        configured[kind] = module.parse(
            table, lambda key, problem, where=where: fail(f"{where}.{key}", problem, where)
        )
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
            if key not in _POLICY_KEYS:
                raise bad(key, "unknown key")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise bad("name", "needs a name of letters, digits, '.', '_' or '-' (up to 64)")
        if name.lower() in RESERVED_NAMES:
            raise bad("name", f"{name!r} is the name of one of the watch's own files")
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
            try:
                user_pattern(pattern)
            except ValueError as err:
                raise bad("ignore", str(err)) from err
        targets = _strings(
            entry.get("notify", defaults.get("notify", [])), lambda p: bad("notify", p)
        )
        for wanted in targets:
            if wanted not in TARGETS:
                raise bad("notify", f"unknown target {wanted!r} ({' or '.join(TARGETS)})")
            if wanted not in configured:
                raise bad("notify", f"{wanted!r} is not configured in [notify.{wanted}]")
        archive = entry.get("archive", defaults.get("archive"))
        if archive is not None and (not isinstance(archive, str) or not archive.startswith("http")):
            raise bad("archive", "must be the base URL of a Wayback-compatible archive")
        allow = entry.get("allow_private", allow_all)
        if not isinstance(allow, bool):
            raise bad("allow_private", "must be true or false")
        archive_kind = entry.get("archive_kind", defaults.get("archive_kind"))
        if archive_kind is not None and archive_kind not in ("ia", "pywb"):
            raise bad("archive_kind", f"must be 'ia' or 'pywb', not {archive_kind!r}")
        policies.append(
            Policy(name, url, source, selector, ignore, targets, archive, allow, archive_kind)
        )
    return WatchFile(
        path,
        tuple(policies),
        configured,
        allow_all,
        base_url.rstrip("/") if base_url else None,
    )


_POLICY_KEYS = frozenset(
    {
        "name",
        "url",
        "source",
        "selector",
        "ignore",
        "notify",
        "archive",
        "archive_kind",
        "allow_private",
    }
)


def user_pattern(item: str) -> Any:
    """An ``ignore`` entry as a pattern: ``/regex/`` in RE2 syntax (linear time whatever the
    pattern: a watch file's ``/(a+)+$/`` cannot hang the night), else the literal string."""
    if len(item) > 1 and item.startswith("/") and item.endswith("/"):
        try:
            return re2.compile(item[1:-1])
        except re2.error as err:
            raise ValueError(f"bad regular expression {item}: {err}") from err
    return re2.compile(re2.escape(item))


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
