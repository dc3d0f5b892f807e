"""The units' daily digest: their cases due soon and overdue, to the unit's e-mail address.

Policy: every unit with an e-mail address (set on the studio home's unit form) and at least
one open case due within :data:`DUE_SOON_HOURS` hours (overdue ones included) gets one
message a day listing them, soonest first, each with its public link; units with nothing due
get nothing. The server looks every hour (:class:`DailyDigest`, from the lifespan) and, from
:data:`DIGEST_HOUR` o'clock local time, queues the digest of each unit that has none yet
today (checked in the same write, so several processes or restarts never send two);
``studio notify-digest`` queues it at once, today's or not, and sends it. It goes through
the same outbox, retries and dead-letter list as the askers' notifications.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from studio.clock import Clock
from studio.periodic import Periodic
from studio.store import notify as rows
from studio.store.database import Database

log = logging.getLogger(__name__)

HOUR_SECONDS = 60 * 60.0
DIGEST_HOUR = 8
DUE_SOON_HOURS = 48
MAX_LISTED = 50


async def queue_digests(db: Database, clock: Clock, *, again: bool = False) -> int:
    """Queue today's digest for every unit with an address and something due (skipping units
    that had theirs today unless ``again``); how many."""
    now = clock.now()
    stamp = now.isoformat()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat()
    until = (now + timedelta(hours=DUE_SOON_HOURS)).isoformat()
    queued = 0
    async with db.write() as tx:
        for unit in await rows.units_with_email(tx):
            if not again and await rows.digest_queued_since(tx, unit["id"], midnight):
                continue
            due = await rows.due_case_rows(tx, unit["id"], until)
            if not due:
                continue
            overdue = sum(1 for case in due if case["due_at"] < stamp)
            lines = [f"{unit['name']}：{len(due)} 件诉求即将到期或已超期（其中超期 {overdue} 件）。", ""]
            for case in due[:MAX_LISTED]:
                state = "已超期" if case["due_at"] < stamp else "即将到期"
                lines.append(f"· [{state}] 第 {case['id']} 号 {case['title']}，时限 {case['due_at'][:10]}"
                             f"（/board/cases/{case['id']}）")
            if len(due) > MAX_LISTED:
                lines.append(f"……另有 {len(due) - MAX_LISTED} 件")
            await rows.insert_notification(
                tx, kind="digest", channel="email", recipient=unit["email"],
                subject=f"【网络问政】{unit['name']}每日办理提醒", body="\n".join(lines),
                link_path="/studio/board", at=stamp, unit_id=unit["id"])
            queued += 1
    return queued


class DailyDigest(Periodic):
    """Queues :func:`queue_digests` from the server: checked hourly, once a day per unit."""

    def __init__(self, db: Database, clock: Clock, interval: float = HOUR_SECONDS) -> None:
        self.db = db
        self.clock = clock
        self.interval = interval

    async def tick(self) -> None:
        """From :data:`DIGEST_HOUR` o'clock, queue the units' digests not yet queued today."""
        if self.clock.now().hour < DIGEST_HOUR:
            return
        queued = await queue_digests(self.db, self.clock)
        if queued:
            log.info("units' daily digest: %s queued", queued)
