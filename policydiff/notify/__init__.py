"""Telling people: one module a notification target, named in one registry (``TARGETS``).

A target module has ``KEYS`` (the keys its ``[notify.<name>]`` table may hold), ``parse``
(that table into a frozen config, or an error naming the key) and ``send`` (an alert to the
target, or ``NotifyError``). Adding a target is one module and one line in ``TARGETS``.

Credentials come from environment variables only, named in the watch file. Every alert
carries a stable id (the webhook's ``X-Policydiff-Alert`` header and ``id`` field, the
e-mail's Message-ID), so a receiver can recognise a retry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from policydiff.archive.http import Session

__all__ = ["TARGETS", "Alert", "Fail", "send", "target"]

# name -> module: the registry of notification targets.
TARGETS = {
    "webhook": "policydiff.notify.webhook",
    "email": "policydiff.notify.email",
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
