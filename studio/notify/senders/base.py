"""The sender interface and the URL that chooses one, like the broadcast backends.

``log://`` writes each message to the log (development; the outbox page shows them too),
``smtp://user:pass@host:port?from=…&starttls=1`` (or ``smtps://``) sends e-mail with the
standard library, ``https://…`` (or ``http://``) posts to an SMS gateway, signed with a key.
A sender raises on failure; the deliverer retries with backoff and keeps a dead-letter list.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit


class SendFailed(Exception):
    """The sender could not hand the message over (the deliverer retries it later)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message as a sender gets it: ``text`` already ends with the tracking link."""

    id: int
    kind: str
    channel: str
    recipient: str
    subject: str
    text: str


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None:
        """Hand ``message`` over, or raise (any exception counts as a failed attempt)."""
        ...

    async def close(self) -> None:
        """Release what the sender keeps open between messages (called when the deliverer stops)."""
        ...


SENDERS = {
    "log": "studio.notify.senders.logsender:LogSender",
    "smtp": "studio.notify.senders.smtp:SmtpSender",
    "smtps": "studio.notify.senders.smtp:SmtpSender",
    "http": "studio.notify.senders.gateway:GatewaySender",
    "https": "studio.notify.senders.gateway:GatewaySender",
}


def sender_from_url(url: str, *, signing_key: str | None = None) -> Sender:
    """Build the sender named by the URL's scheme, importing its module only now.

    ``signing_key`` signs what an HTTP gateway sender posts. An unknown scheme is a ``ValueError``.
    """
    scheme = urlsplit(url).scheme
    try:
        target = SENDERS[scheme]
    except KeyError:
        raise ValueError(f"unknown notification sender {url!r}; known: {sorted(SENDERS)}") from None
    module_name, class_name = target.split(":")
    sender_class = getattr(importlib.import_module(module_name), class_name)
    sender: Sender = sender_class(url, signing_key=signing_key)
    return sender
