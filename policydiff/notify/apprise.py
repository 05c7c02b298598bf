"""Chat and push services through Apprise: Slack, Matrix, Discord, Microsoft Teams,
Mattermost, ntfy, Telegram, e-mail and many more, each named by an Apprise URL.

```toml
[notify.apprise]
urls_env = "POLICYDIFF_APPRISE_URLS"   # Apprise URLs, separated by spaces or commas
```

The URLs carry the services' tokens, so they come from the environment only, never from
the watch file (``slack://T000/B000/XXXX``, ``ntfy://ntfy.sh/topic``, ``json://host/path``).
Apprise sends with its own HTTP client: these addresses are the operator's, read from the
environment, not the watch file's.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from typing import Any

from policydiff.archive.http import Session
from policydiff.errors import NotifyError, Offline
from policydiff.notify import Alert, Fail

__all__ = ["KEYS", "AppriseTarget", "check", "parse", "send"]

KEYS = frozenset({"urls_env"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class AppriseTarget:
    urls_env: str


def parse(table: dict[str, Any], fail: Fail) -> AppriseTarget:
    name = table.get("urls_env")
    if not isinstance(name, str) or not _ENV_NAME.match(name):
        raise fail("urls_env", "names the environment variable that holds the Apprise URLs")
    return AppriseTarget(name)


def _urls(target: AppriseTarget) -> list[str]:
    value = os.environ.get(target.urls_env, "")
    urls = [u for u in re.split(r"[\s,]+", value) if u]
    if not urls:
        raise NotifyError(f"apprise: the environment variable {target.urls_env} is not set")
    return urls


def _apprise() -> Any:
    """The apprise package, imported once: one of its modules imports ``imghdr``, which
    Python 3.11 and 3.12 warn is deprecated; the warning is apprise's, not the user's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise
        import apprise.utils.pgp  # the module that imports imghdr
    return apprise


def _client(target: AppriseTarget) -> Any:
    """An Apprise client holding every URL; an error names the scheme, never the URL (it
    holds the service's token)."""
    apprise = _apprise()
    client = apprise.Apprise()
    for number, url in enumerate(_urls(target), 1):
        if not client.add(url):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            raise NotifyError(
                f"apprise: URL {number} in {target.urls_env} ({scheme}://…) is not one Apprise "
                "can use"
            )
    return client


def check(target: AppriseTarget) -> str:
    """Resolve the URLs and check that Apprise reads each one; returns what was found."""
    client = _client(target)
    schemes = sorted({str(service.url()).split("://", 1)[0] for service in client})
    return f"{len(client)} Apprise URL(s) ({', '.join(schemes)}) from {target.urls_env}"


def send(alert: Alert, target: AppriseTarget, session: Session) -> None:
    if session.offline:
        raise Offline(f"apprise ({target.urls_env})")
    apprise = _apprise()
    client = _client(target)
    report = alert.reports.get("html")
    body = alert.summary + (f"\n\nReport: {report}" if report else "")
    # Apprise logs each failure with its own words (which may quote a URL and so a token):
    # keep them out of the output, and say only how many services failed.
    with apprise.LogCapture(level=apprise.logging.WARNING):
        delivered = client.notify(title=alert.title, body=body, body_format="text")
    if not delivered:
        raise NotifyError(
            f"apprise: the alert did not reach every service of {target.urls_env} "
            f"({len(client)} URL(s))"
        )
