"""Personal data kept only as long as the settings say: the purge and its daily round.

Policy: a question's or submission's client address and viewer key, and the
voter of a +1, are kept ``STUDIO_ADDRESS_RETENTION_DAYS`` days from when
they were stored (0: purged at the next round), for screening floods and
limiting abuse during and shortly after an event; expired staff sessions are
deleted; photos uploaded but never sent with a message are deleted, row and
file, ``UNATTACHED_HOURS`` after their upload (the upload itself also sweeps
them). The server purges once a day (:class:`DailyPurge`) and at start;
``studio purge`` does the same on demand. The rate limiters' in-memory
buckets are dropped at each round too. Nothing in the audit chain holds
these fields, so the chain stays valid.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from studio.clock import Clock
from studio.periodic import Periodic
from studio.photos import UNATTACHED_HOURS
from studio.ratelimit import KeyedLimiter, Limits
from studio.store import message_photos, retention
from studio.store.database import Database
from studio.store.media import Media

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60.0


async def purge(db: Database, clock: Clock, retention_days: int,
                contact_days: int | None = None, media: Media | None = None) -> dict[str, int]:
    """Blank or remove the personal data older than ``retention_days`` days, and askers' contacts
    ``contact_days`` days after their case ended (``studio/store/retention.py``); with ``media``,
    delete the uploads no message carried within ``UNATTACHED_HOURS`` (rows, then files once the
    rows are gone). Counts by table (``photos``: uploads deleted)."""
    now = clock.now()
    cutoff = (now - timedelta(days=max(retention_days, 0))).isoformat()
    contact_cutoff = (None if contact_days is None
                      else (now - timedelta(days=max(contact_days, 0))).isoformat())
    stale: list[str] = []
    async with db.write() as tx:
        counts = await retention.purge(tx, cutoff, now.isoformat(), contact_cutoff)
        if media is not None:
            stale = await message_photos.drop_unattached(
                tx, (now - timedelta(hours=UNATTACHED_HOURS)).isoformat())
    if media is not None:
        for token in stale:
            media.delete(token)
    counts["photos"] = len(stale)
    return counts


class DailyPurge(Periodic):
    """Runs :func:`purge` every day from the server, and forgets the limiters' addresses."""

    def __init__(self, db: Database, clock: Clock, retention_days: int, limits: Limits,
                 address_limiter: KeyedLimiter, interval: float = DAY_SECONDS,
                 contact_days: int | None = None, media: Media | None = None) -> None:
        self.db = db
        self.media = media
        self.clock = clock
        self.retention_days = retention_days
        self.limits = limits
        self.address_limiter = address_limiter
        self.interval = interval
        self.contact_days = contact_days

    async def tick(self) -> None:
        """One purge; its counts go to the log."""
        counts = await purge(self.db, self.clock, self.retention_days, self.contact_days, self.media)
        counts["limiter_keys"] = self.limits.forget() + self.address_limiter.forget()
        log.info("personal data purge: %s", counts)
