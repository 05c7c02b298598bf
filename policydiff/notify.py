"""Telling people: a signed webhook (through the one HTTP session) and e-mail over SMTP.

Credentials come from environment variables only, named in the watch file. Every alert
carries a stable id (the webhook's ``X-Policydiff-Alert`` header and ``id`` field, the
e-mail's Message-ID), so a receiver can recognise a retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from policydiff.archive.http import Session
from policydiff.errors import NetworkError, NotifyError
from policydiff.watchfile import EmailTarget, WebhookTarget

__all__ = ["Alert", "send_email", "send_webhook", "signature"]


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    policy: str
    url: str
    title: str
    summary: str
    text: str  # plain text: each change and its findings
    html: str  # the HTML report
    reports: dict[str, str]  # format -> path or URL of the written report
    payload: dict[str, object]  # the comparison's JSON summary


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(alert: Alert, target: WebhookTarget, session: Session) -> None:
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
        session.post(target.url, body, headers=headers)
    except NetworkError as err:
        raise NotifyError(f"webhook {target.url}: {err.reason}") from err


def send_email(alert: Alert, target: EmailTarget, timeout: float = 30.0) -> None:
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
        with smtplib.SMTP(target.host, target.port, timeout=timeout) as smtp:
            if target.starttls:
                smtp.starttls()
            if user and password:
                smtp.login(user, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as err:
        raise NotifyError(f"e-mail via {target.host}:{target.port}: {err}") from err
