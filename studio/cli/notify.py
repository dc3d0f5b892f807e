"""``studio notify-digest``: queue the units' daily digest now and send the outbox once.

Queues the digest of every unit with an e-mail address and cases due soon or
overdue (``studio/notify/digest.py``), then delivers everything due through the
configured senders (``STUDIO_NOTIFY_EMAIL_URL``, ``STUDIO_NOTIFY_SMS_URL``) and
prints the counts; what fails stays in the outbox for the server's deliverer
(retries, then the dead-letter list). Exit status 1 when something failed.
"""

from __future__ import annotations

import asyncio

from studio.clock import Clock
from studio.notify.deliver import deliverer_from_settings
from studio.notify.digest import queue_digests
from studio.settings import Settings
from studio.store.database import Database


async def _digest(settings: Settings) -> int:
    clock = Clock(settings.timezone)
    db = Database(settings.db_path)
    await db.open()
    try:
        queued = await queue_digests(db, clock, again=True)
        deliverer = deliverer_from_settings(db, clock, settings)
        try:
            await deliverer.tick()
        finally:
            await deliverer.stop()
    finally:
        await db.close()
    print(f"已生成 {queued} 份单位提醒；发送成功 {deliverer.sent} 条，失败 {deliverer.failed} 条。")
    return 1 if deliverer.failed else 0


def digest_command(settings: Settings) -> int:
    """Run :func:`_digest`; its exit status."""
    return asyncio.run(_digest(settings))
