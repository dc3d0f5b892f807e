"""``log://``: each message goes to the log (development and the demo), the address masked."""

from __future__ import annotations

import logging

from studio.notify.contacts import mask
from studio.notify.senders.base import Outgoing

log = logging.getLogger("studio.notify")


class LogSender:
    """Never fails: writes one line per message at INFO."""

    def __init__(self, url: str, *, signing_key: str | None = None) -> None:
        self.url = url

    async def send(self, message: Outgoing) -> None:
        """Log the message (recipient masked); the full text stays in the admins' outbox page."""
        log.info("notification %s (%s, %s) to %s: %s", message.id, message.kind, message.channel,
                 mask(message.recipient), message.text)
