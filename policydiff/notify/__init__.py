"""Telling people: one module a notification target, named in one registry (``TARGETS``).

A target module has ``KEYS`` (the keys its ``[notify.<name>]`` table may hold), ``parse``
(that table into a frozen config, or an error naming the key) and ``send`` (an alert to the
target, or ``NotifyError``), and may have ``check`` (resolve its secrets without sending). Adding a target is one module and one line in ``TARGETS``.

Credentials come from environment variables only, named in the watch file. Every alert
carries a stable id (the webhook's ``X-Policydiff-Alert`` header and ``id`` field, the
e-mail's Message-ID), so a receiver can recognise a retry.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from types import ModuleType
from typing import Any

from policydiff.archive.http import Session
from policydiff.errors import NotifyError

__all__ = ["TARGETS", "Alert", "Fail", "check", "send", "target"]

# name -> module: the registry of notification targets.
TARGETS = {
    "webhook": "policydiff.notify.webhook",
    "email": "policydiff.notify.email",
    "apprise": "policydiff.notify.apprise",
}

# How a target's parser reports a bad value: fail(key, problem) returns the error to raise.
Fail = Callable[[str, str], Exception]


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


def target(name: str) -> ModuleType:
    """The module of a registered target (``KeyError`` for an unknown name)."""
    return importlib.import_module(TARGETS[name])


def send(alert: Alert, name: str, config: Any, session: Session) -> None:
    """Send ``alert`` to the target ``name`` configured by ``config``."""
    target(name).send(alert, config, session)


def check(name: str, config: Any) -> str:
    """Resolve the target's secrets without sending anything: a line saying what was
    found, or ``NotifyError`` naming what is missing (never a secret's value)."""
    module = target(name)
    if hasattr(module, "check"):
        return f"{name}: {module.check(config)}"
    named = [
        getattr(config, f.name)
        for f in (fields(config) if is_dataclass(config) else ())
        if f.name.endswith("_env") and getattr(config, f.name)
    ]
    missing = [env for env in named if not os.environ.get(env)]
    if missing:
        raise NotifyError(f"{name}: the environment variable {', '.join(missing)} is not set")
    return f"{name}: ready" + (f" (secrets from {', '.join(named)})" if named else "")
