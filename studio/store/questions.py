"""Reading questions: the joined row, an event's questions, its public counts.

Functions here take any connection with ``fetchone``/``fetchall`` (a read or a
write), so a write can build the frames it publishes from the state it just wrote.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import PUBLIC_STATUSES, Status
from studio.store.database import Queryable

QUESTION_SELECT = """
    SELECT q.*, u.name AS unit_name,
           s.display_name AS answer_name, s.title AS answer_title,
           su.id AS answer_unit_id, su.name AS answer_unit_name
    FROM questions q
    LEFT JOIN units u ON u.id = q.unit_id
    LEFT JOIN staff s ON s.id = q.answered_by
    LEFT JOIN units su ON su.id = s.unit_id
"""


async def question_row(conn: Queryable, question_id: int) -> Any:
    return await conn.fetchone(QUESTION_SELECT + " WHERE q.id = ?", (question_id,))


async def event_questions(conn: Queryable, event_id: int, statuses: tuple[str, ...]) -> list[Any]:
    marks = ",".join("?" for _ in statuses)
    return await conn.fetchall(
        QUESTION_SELECT + f" WHERE q.event_id = ? AND q.status IN ({marks}) ORDER BY q.id",
        (event_id, *statuses),
    )


async def question_counts(conn: Queryable, event_id: int) -> dict[str, Any]:
    """The public figures of an event (docs/moderation.md, transparency).

    ``received`` every question asked; ``published`` (= ``approved``) those ever
    made public; ``pending`` still in review; ``merged``; ``rejected``, with
    ``rejected_by_reason`` in catalogue order.
    """
    rows = await conn.fetchall(
        "SELECT status, COUNT(*) AS n FROM questions WHERE event_id = ? GROUP BY status", (event_id,)
    )
    counts = {row["status"]: row["n"] for row in rows}
    published = sum(counts.get(status.value, 0) for status in PUBLIC_STATUSES)
    return {
        "received": sum(counts.values()),
        "published": published,
        "answered": counts.get(Status.ANSWERED.value, 0),
        "pending": counts.get(Status.PENDING.value, 0),
        "approved": published,
        "merged": counts.get(Status.MERGED.value, 0),
        "rejected": counts.get(Status.REJECTED.value, 0),
        "rejected_by_reason": await rejection_counts(conn, event_id),
    }


async def rejection_counts(conn: Queryable, event_id: int) -> list[dict[str, Any]]:
    """Rejected questions of an event per reason, in catalogue order, with the current wording."""
    rows = await conn.fetchall(
        """SELECT COALESCE(q.reason_code, '') AS code, r.text AS wording, r.position,
                  MIN(q.reason) AS given, COUNT(*) AS n
           FROM questions q LEFT JOIN reject_reasons r ON r.code = q.reason_code
           WHERE q.event_id = ? AND q.status = 'rejected'
           GROUP BY COALESCE(q.reason_code, ''), CASE WHEN q.reason_code IS NULL THEN q.reason END
           ORDER BY r.position IS NULL, r.position, n DESC""",
        (event_id,),
    )
    return [{"code": row["code"] or None, "reason": row["wording"] or row["given"] or "",
             "count": row["n"]} for row in rows]
