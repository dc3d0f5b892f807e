"""+1s in the store: one row per (question, voter), the count kept on the question."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from studio.store.database import Queryable, Tx


async def public_question_ids(conn: Queryable, event_id: int) -> frozenset[int]:
    """Ids of the questions that may be +1'd now: public ones of an event that is not closed."""
    rows = await conn.fetchall(
        """SELECT q.id FROM questions q JOIN events e ON e.id = q.event_id
           WHERE q.event_id = ? AND e.status != 'closed'
           AND q.status IN ('approved', 'on_air', 'answered')""",
        (event_id,),
    )
    return frozenset(int(row["id"]) for row in rows)


async def add_votes(tx: Tx, votes: Iterable[tuple[int, str]], at: str) -> bool:
    """Record (question, voter) pairs, each voter once per question; whether any was new."""
    before = await tx.fetchone("SELECT total_changes()")
    await tx.conn.executemany(
        "INSERT OR IGNORE INTO votes (question_id, voter, at) VALUES (?, ?, ?)",
        [(question_id, voter, at) for question_id, voter in votes],
    )
    after = await tx.fetchone("SELECT total_changes()")
    return bool(after[0] != before[0])


async def copy_votes(tx: Tx, from_question: int, to_question: int) -> None:
    """The supporters of one question support another too (merging); none counts twice."""
    await tx.execute(
        """INSERT OR IGNORE INTO votes (question_id, voter, at)
           SELECT ?, voter, at FROM votes WHERE question_id = ?""",
        (to_question, from_question),
    )


async def recount(tx: Tx, question_id: int) -> Any:
    """Store the question's +1 count from its votes; the row's ``votes`` and ``status``, if it exists."""
    return await tx.fetchone(
        """UPDATE questions SET votes = (SELECT COUNT(*) FROM votes WHERE question_id = ?)
           WHERE id = ? RETURNING votes, status""",
        (question_id, question_id),
    )
