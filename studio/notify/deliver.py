"""The deliverer: sends the outbox in the background, retries with backoff, keeps dead letters.

Policy: every ``interval`` seconds (the server's lifespan starts and stops it) it
claims the due messages, oldest first, with a lease of :data:`LEASE_SECONDS` (another
process sharing the store skips them), and sends them one after the other through the
sender of their channel. A sent message is marked sent; a failure is kept with its error
and due again after ``retry_seconds`` × 2^(attempts − 1) (at most an hour); after
``max_attempts`` failures it is dead: admins see the dead-letter list and may retry it.
The deliverer never runs inside an action's transaction, so a sender never delays one.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from studio.clock import Clock
from studio.notify.senders import Outgoing, Sender, sender_from_url
from studio.periodic import Periodic
from studio.settings import Settings
from studio.store import notify as rows
from studio.store.database import Database

log = logging.getLogger(__name__)

LEASE_SECONDS = 120
SEND_TIMEOUT_SECONDS = 60.0
BATCH = 20
MAX_BACKOFF_SECONDS = 3600.0


def backoff(retry_seconds: float, attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failures (doubling, at most an hour)."""
    return float(min(retry_seconds * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def link(public_url: str | None, path: str) -> str:
    """The tracking link a message carries: the public address and the path (the path alone
    when ``STUDIO_PUBLIC_URL`` is unset)."""
    if not path:
        return ""
    return (public_url or "").rstrip("/") + path


def outgoing(row: Any, public_url: str | None) -> Outgoing:
    """A stored message as senders get it, its link on the last line (the asker's tracking page,
    or a unit's console for the digest)."""
    text = row["body"]
    address = link(public_url, row["link_path"])
    if address:
        text += f"\n{'办理入口' if row['kind'] == 'digest' else '查询进度'}：{address}"
    return Outgoing(id=row["id"], kind=row["kind"], channel=row["channel"], recipient=row["recipient"],
                    subject=row["subject"], text=text)


class Deliverer(Periodic):
    """Sends the outbox through ``senders`` (one per channel: ``email``, ``sms``)."""

    def __init__(self, db: Database, clock: Clock, senders: dict[str, Sender], *,
                 public_url: str | None, max_attempts: int, retry_seconds: float,
                 interval: float) -> None:
        self.db = db
        self.clock = clock
        self.senders = senders
        self.public_url = public_url
        self.max_attempts = max(max_attempts, 1)
        self.retry_seconds = retry_seconds
        self.interval = interval
        self.sent = 0
        self.failed = 0

    async def stop(self) -> None:
        """Stop delivering, then close the senders."""
        await super().stop()
        for sender in self.senders.values():
            await sender.close()

    async def tick(self) -> None:
        """Deliver until nothing is due."""
        while await self.deliver_due():
            pass

    async def deliver_due(self) -> int:
        """One batch: claim what is due and try each once; how many were claimed."""
        now = self.clock.now()
        until = (now + timedelta(seconds=LEASE_SECONDS)).isoformat()
        async with self.db.write() as tx:
            claimed = await rows.claim_due(tx, now.isoformat(), until, BATCH)
        for row in claimed:
            await self._deliver(row)
        return len(claimed)

    async def _deliver(self, row: Any) -> None:
        sender = self.senders.get(row["channel"])
        try:
            if sender is None:
                raise LookupError(f"no sender for {row['channel']}")
            await asyncio.wait_for(sender.send(outgoing(row, self.public_url)), SEND_TIMEOUT_SECONDS)
        except Exception as exc:
            attempts = row["attempts"] + 1
            dead = attempts >= self.max_attempts
            next_at = self.clock.now() + timedelta(seconds=backoff(self.retry_seconds, attempts))
            async with self.db.write() as tx:
                await rows.mark_failed(tx, row["id"], error=f"{type(exc).__name__}: {exc}",
                                       next_at=next_at.isoformat(), dead=dead)
            self.failed += 1
            log.warning("notification %s (%s) failed, attempt %s%s: %s", row["id"], row["kind"],
                        attempts, ", dead" if dead else "", exc)
            return
        async with self.db.write() as tx:
            await rows.mark_sent(tx, row["id"], self.clock.stamp())
        self.sent += 1


def deliverer_from_settings(db: Database, clock: Clock, settings: Settings) -> Deliverer:
    """The deliverer with the senders ``STUDIO_NOTIFY_EMAIL_URL`` and ``STUDIO_NOTIFY_SMS_URL`` name;
    an unknown scheme stops the start with a message naming the variable."""
    try:
        senders = {
            "email": sender_from_url(settings.notify_email_url),
            "sms": sender_from_url(settings.notify_sms_url, signing_key=settings.notify_sms_key),
        }
    except ValueError as error:
        raise SystemExit(f"STUDIO_NOTIFY_EMAIL_URL / STUDIO_NOTIFY_SMS_URL: {error}") from None
    return Deliverer(db, clock, senders, public_url=settings.public_url,
                     max_attempts=settings.notify_max_attempts,
                     retry_seconds=settings.notify_retry_seconds, interval=settings.notify_interval)
