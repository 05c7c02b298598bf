"""E-mail over SMTP.

```toml
[notify.email]
host = "smtp.example.org"
port = 587
starttls = true
sender = "policydiff@example.org"
to = ["desk@example.org"]
username_env = "POLICYDIFF_SMTP_USER"      # credentials come from the environment only
password_env = "POLICYDIFF_SMTP_PASSWORD"
```
"""

from __future__ import annotations

import hashlib
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from policydiff.archive.http import Session, public_address
from policydiff.errors import NotifyError
from policydiff.notify import Alert, Fail

__all__ = ["KEYS", "EmailTarget", "parse", "send"]

KEYS = frozenset({"host", "port", "starttls", "sender", "to", "username_env", "password_env"})
TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class EmailTarget:
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 25
    starttls: bool = False
    username_env: str | None = None
    password_env: str | None = None


def parse(table: dict[str, Any], fail: Fail) -> EmailTarget:
    host, sender = table.get("host"), table.get("sender")
    if not isinstance(host, str) or not host:
        raise fail("host", "needs the SMTP server's host name")
    if not isinstance(sender, str) or "@" not in sender:
        raise fail("sender", "needs an e-mail address")
    to = table.get("to", [])
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not all(isinstance(t, str) for t in to):
        raise fail("to", "must be a string or a list of strings")
    if not to or not all("@" in t for t in to):
        raise fail("to", "needs one or more e-mail addresses")
    port = table.get("port", 25)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise fail("port", "must be a port number")
    for key in ("username_env", "password_env"):
        if key in table and not isinstance(table[key], str):
            raise fail(key, "names an environment variable")
    return EmailTarget(
        host,
        sender,
        tuple(to),
        port,
        _flag(table, "starttls", fail),
        table.get("username_env"),
        table.get("password_env"),
    )


def _flag(table: dict[str, Any], key: str, fail: Fail) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):  # "false" is a string, and a true one
        raise fail(key, "must be true or false")
    return value


def send(alert: Alert, target: EmailTarget, session: Session | None = None) -> None:
    message = EmailMessage()
    message["Subject"] = f"[policydiff] {alert.title}"
    message["From"] = target.sender
    message["To"] = ", ".join(target.to)
    message["Date"] = formatdate(localtime=False)
    domain = target.sender.split("@", 1)[1]
    message["Message-ID"] = make_msgid(
        idstring=hashlib.sha256(alert.id.encode()).hexdigest()[:24], domain=domain
    )
    message["X-Policydiff-Alert"] = alert.id
    message.set_content(alert.text)
    message.add_alternative(alert.html, subtype="html")
    user = os.environ.get(target.username_env) if target.username_env else None
    password = os.environ.get(target.password_env) if target.password_env else None
    if target.username_env and not user:
        raise NotifyError(f"e-mail: the environment variable {target.username_env} is not set")
    try:
        with smtplib.SMTP(timeout=TIMEOUT) as smtp:
            smtp.connect(target.host, target.port)
            if session is not None and session.guarded("mail") and smtp.sock is not None:
                peer = smtp.sock.getpeername()[0]
                if not public_address(peer):
                    raise NotifyError(
                        f"e-mail via {target.host}:{target.port}: refused: {peer} is a private, "
                        "loopback or link-local address (allow_private = true allows it)"
                    )
            if target.starttls:
                smtp.starttls()
            if user and password:
                smtp.login(user, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as err:
        raise NotifyError(f"e-mail via {target.host}:{target.port}: {err}") from err
