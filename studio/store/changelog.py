"""The store's ``changes`` table: every public frame of an event, by ``seq``, read back.

:func:`changes_after` is the one query behind both readers: the hub's change
log (:class:`StoreChangeLog`: gap fill and catch-up for public channels) and a
connection's replay after ``since`` or across a gap.
"""

from __future__ import annotations

from broadcast import Message
from studio import channels
from studio.store.database import Database, Queryable, Tx
from studio.store.events import event_seq


async def changes_after(conn: Queryable, event_id: int, after: int, upto: int | None = None) -> list[Message]:
    """The event's stored frames with ``after < seq <= upto`` (no bound for ``None``), in order."""
    sql = "SELECT seq, frame FROM changes WHERE event_id = ? AND seq > ?"
    params: list[int] = [event_id, after]
    if upto is not None:
        sql += " AND seq <= ?"
        params.append(upto)
    rows = await conn.fetchall(sql + " ORDER BY seq", params)
    channel = channels.public(event_id)
    return [Message(channel, str(row["frame"]), int(row["seq"])) for row in rows]


async def withdraw_question_frames(tx: Tx, event_id: int, question_id: int) -> int:
    """Rewrite every stored frame that carries the question into ``question.unpublished`` (same
    ``seq``), so a replay after ``since`` no longer holds its text; the number rewritten."""
    cursor = await tx.execute(
        """UPDATE changes SET type = 'question.unpublished',
                  frame = json_object('type', 'question.unpublished', 'seq', seq, 'question_id', ?)
           WHERE event_id = ? AND type != 'question.unpublished'
             AND json_extract(frame, '$.question.id') = ?""",
        (question_id, event_id, question_id),
    )
    return int(cursor.rowcount)


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
            return await event_seq(reader, event_id)

    async def changes(self, channel: str, after: int, upto: int | None) -> list[Message]:
        """The stored frames with ``after < seq <= upto``, in order."""
        event_id = channels.public_event(channel)
        if event_id is None:
            return []
        async with self.db.read() as reader:
            return await changes_after(reader, event_id, after, upto)
