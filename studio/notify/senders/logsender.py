"""``log://``: one log line per message (development and the demo): its number, kind, channel and
masked recipient. The text (with its tracking link and any code) stays on the admins' outbox page,
as the log carries no tracking codes (docs/operations.md, ``STUDIO_LOG_FORMAT``)."""

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
        """Log that the message went out (recipient masked)."""
        log.info("notification %s (%s, %s) to %s: %s", message.id, message.kind, message.channel,
                 mask(message.recipient), message.subject)

    async def close(self) -> None:
        """Nothing is kept open."""
