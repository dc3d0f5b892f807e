"""The store's ``changes`` table as the hub's change log: gap fill and catch-up for public channels."""

from __future__ import annotations

from broadcast import Message
from studio import channels
from studio.store.database import Database


class StoreChangeLog:
    """Reads committed public frames back from the store (every process shares it)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def head(self, channel: str) -> int | None:
        """The event's current ``seq`` for a public channel; ``None`` for other channels."""
        event_id = channels.public_event(channel)
        if event_id is None:
            return None
        async with self.db.read() as reader:
            row = await reader.fetchone("SELECT seq FROM events WHERE id = ?", (event_id,))
        return int(row["seq"]) if row is not None else None

    async def changes(self, channel: str, after: int, upto: int | None) -> list[Message]:
        """The stored frames with ``after < seq <= upto``, in order."""
        event_id = channels.public_event(channel)
        if event_id is None:
            return []
        sql = "SELECT seq, frame FROM changes WHERE event_id = ? AND seq > ?"
        params: list[int] = [event_id, after]
        if upto is not None:
            sql += " AND seq <= ?"
            params.append(upto)
        async with self.db.read() as reader:
            rows = await reader.fetchall(sql + " ORDER BY seq", params)
        return [Message(channel, str(row["frame"]), int(row["seq"])) for row in rows]
