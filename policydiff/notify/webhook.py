"""A signed JSON webhook, through the one HTTP session.

```toml
[notify.webhook]
url = "https://hooks.example.org/policydiff"
secret_env = "POLICYDIFF_WEBHOOK_SECRET"   # signs each POST (HMAC-SHA256)
```
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from policydiff.archive.http import Session, redact_url
from policydiff.errors import NetworkError, NotifyError
from policydiff.notify import Alert, Fail

__all__ = ["KEYS", "WebhookTarget", "parse", "send", "signature"]

KEYS = frozenset({"url", "secret_env", "retries"})


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    url: str
    secret_env: str | None = None
    retries: int = 3


def parse(table: dict[str, Any], fail: Fail) -> WebhookTarget:
    url = table.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise fail("url", "needs an http:// or https:// URL")
    secret = table.get("secret_env")
    if secret is not None and not isinstance(secret, str):
        raise fail("secret_env", "names an environment variable")
    retries = table.get("retries", 3)
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
        raise fail("retries", "must be a whole number from 0 to 10")
    return WebhookTarget(url, secret, retries)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(alert: Alert, target: WebhookTarget, session: Session) -> None:
    body = json.dumps(
        {
            "id": alert.id,
            "policy": alert.policy,
            "url": alert.url,
            "title": alert.title,
            "summary": alert.summary,
            "reports": alert.reports,
            "comparison": alert.payload,
        },
        ensure_ascii=False,
    ).encode("utf-8")
    headers = {"Content-Type": "application/json", "X-Policydiff-Alert": alert.id}
    if target.secret_env:
        secret = os.environ.get(target.secret_env)
        if not secret:
            raise NotifyError(f"webhook: the environment variable {target.secret_env} is not set")
        headers["X-Policydiff-Signature"] = signature(secret, body)
    try:
        session.post(target.url, body, headers=headers, retries=target.retries)
    except NetworkError as err:
        # The URL often holds a token: it is never printed or written whole.
        raise NotifyError(f"webhook {redact_url(target.url)}: {err.reason}") from err
