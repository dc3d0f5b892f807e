"""+1s (同问): accepted at once, written in batches, published as coalesced ``votes`` frames.

A vote is checked against the public questions of the event, buffered in
memory and flushed every ``interval`` seconds in one transaction
(``INSERT OR IGNORE`` on (question, voter), so each viewer counts once), which
then emits one ``votes`` frame per event with the new counts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from studio import channels
from studio.clock import Clock
from studio.db import Database

log = logging.getLogger(__name__)

PUBLIC_STATES = ("approved", "on_air", "answered")


class VoteBuffer:
    def __init__(self, db: Database, clock: Clock, interval: float) -> None:
        self.db = db
        self.clock = clock
        self.interval = interval
        self._pending: dict[int, set[tuple[int, str]]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    async def vote(self, event_id: int, question_id: int, voter: str) -> bool:
        """Accept a +1 if the question is public in this event; it reaches the store within ``interval``."""
        async with self.db.read() as conn:
            row = await conn.fetchone(
                """SELECT 1 FROM questions q JOIN events e ON e.id = q.event_id
                   WHERE q.id = ? AND q.event_id = ? AND e.status != 'closed'
                   AND q.status IN ('approved', 'on_air', 'answered')""",
                (question_id, event_id),
            )
        if row is None:
            return False
        self._pending[event_id].add((question_id, voter))
        return True

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.flush()
            except Exception:
                log.exception("vote flush failed; will retry")

    async def flush(self) -> None:
        pending, self._pending = self._pending, defaultdict(set)
        for event_id, votes in pending.items():
            try:
                await self._flush_event(event_id, votes)
            except Exception:
                self._pending[event_id] |= votes
                raise

    async def _flush_event(self, event_id: int, votes: set[tuple[int, str]]) -> None:
        now = self.clock.stamp()
        async with self.db.write() as tx:
            touched: set[int] = set()
            for question_id, voter in votes:
                cursor = await tx.execute(
                    "INSERT OR IGNORE INTO votes (question_id, voter, at) VALUES (?, ?, ?)",
                    (question_id, voter, now),
                )
                if cursor.rowcount:
                    touched.add(question_id)
            if not touched:
                return
            counts: dict[str, int] = {}
            for question_id in sorted(touched):
                row = await tx.fetchone(
                    """UPDATE questions SET votes = (SELECT COUNT(*) FROM votes WHERE question_id = ?)
                       WHERE id = ? RETURNING votes""",
                    (question_id, question_id),
                )
                counts[str(question_id)] = int(row["votes"])
            await tx.emit(event_id, channels.public(event_id), {"type": "votes", "counts": counts}, now)
