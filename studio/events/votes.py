"""+1s (同问): accepted at once, written in batches, published as coalesced ``votes`` frames.

A vote is checked against the public questions of the event (a set read from
the store at most once per ``interval`` per event, so thousands of +1s a second
cost no query each), buffered in memory and flushed every ``interval`` seconds
in one transaction (one ``executemany`` of ``INSERT OR IGNORE`` on (question,
voter), so each viewer counts once, across processes too), which then emits one
``votes`` frame per event with the new counts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict

from studio import channels
from studio.clock import Clock
from studio.periodic import Periodic
from studio.store import votes as store_votes
from studio.store.database import Database

log = logging.getLogger(__name__)

PUBLIC_STATES = ("approved", "on_air", "answered")


class VoteBuffer(Periodic):
    """+1s accepted at once and written every ``interval`` seconds (see the module's policy)."""

    def __init__(self, db: Database, clock: Clock, interval: float) -> None:
        self.db = db
        self.clock = clock
        self.interval = interval
        self._pending: dict[int, set[tuple[int, str]]] = defaultdict(set)
        self._public: dict[int, tuple[float, frozenset[int]]] = {}
        self._refreshing: dict[int, asyncio.Future[frozenset[int]]] = {}

    async def vote(self, event_id: int, question_id: int, voter: str) -> bool:
        """Accept a +1 if the question is public in this event; it reaches the store within ``interval``.

        The public set is re-read when older than ``interval`` or when it lacks the
        question (just published), so a refusal is always checked against the store.
        """
        read_at, public = self._public.get(event_id, (0.0, frozenset()))
        if question_id not in public or time.monotonic() - read_at > self.interval:
            public = await self._refresh(event_id)
            if question_id not in public:
                # A read already under way may predate the question's publication: read again.
                public = await self._refresh(event_id)
        if question_id not in public:
            return False
        self._pending[event_id].add((question_id, voter))
        return True

    async def _refresh(self, event_id: int) -> frozenset[int]:
        """The event's public question ids, read once for however many votes wait for them."""
        pending = self._refreshing.get(event_id)
        if pending is None or pending.done():
            pending = asyncio.ensure_future(self._read_public(event_id))
            self._refreshing[event_id] = pending
            pending.add_done_callback(lambda done: self._forget(event_id, done))
        return await asyncio.shield(pending)

    def _forget(self, event_id: int, done: asyncio.Future[frozenset[int]]) -> None:
        if self._refreshing.get(event_id) is done:
            del self._refreshing[event_id]

    async def _read_public(self, event_id: int) -> frozenset[int]:
        started = time.monotonic()
        async with self.db.read() as conn:
            public = await store_votes.public_question_ids(conn, event_id)
        self._public[event_id] = (started, public)
        return public

    async def stop(self) -> None:
        """Stop the rounds, then write what is still pending."""
        await super().stop()
        await self.flush()

    async def tick(self) -> None:
        await self.flush()

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
            if not await store_votes.add_votes(tx, votes, now):
                return
            touched = {question_id for question_id, _ in votes}
            counts: dict[str, int] = {}
            for question_id in sorted(touched):
                row = await store_votes.recount(tx, question_id)
                if row is not None and row["status"] in PUBLIC_STATES:
                    counts[str(question_id)] = int(row["votes"])
            if not counts:
                return
            await tx.emit(event_id, channels.public(event_id), {"type": "votes", "counts": counts}, now)
