"""Questions in the store: the joined row, an event's questions, its public counts, and their writes.

Functions here take any connection with ``fetchone``/``fetchall`` (a read or a
write), so a write can build the frames it publishes from the state it just wrote.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import PUBLIC_STATUSES, Status
from studio.store.database import Queryable, Tx

QUESTION_SELECT = """
    SELECT q.*, u.name AS unit_name,
           s.display_name AS answer_name, s.title AS answer_title,
           su.id AS answer_unit_id, su.name AS answer_unit_name
    FROM questions q
    LEFT JOIN units u ON u.id = q.unit_id
    LEFT JOIN staff s ON s.id = q.answered_by
    LEFT JOIN units su ON su.id = s.unit_id
"""


PUBLIC_QUESTION_SELECT = """
    SELECT q.id, q.status, q.public_text, q.nickname, q.unit_id, u.name AS unit_name, q.votes,
           q.asked_at, q.published_at, q.answer_text, q.answered_at, q.corrected_at, q.collected,
           q.photos, s.display_name AS answer_name, s.title AS answer_title,
           su.id AS answer_unit_id, su.name AS answer_unit_name
    FROM questions q
    LEFT JOIN units u ON u.id = q.unit_id
    LEFT JOIN staff s ON s.id = q.answered_by
    LEFT JOIN units su ON su.id = s.unit_id
"""
"""The columns :func:`studio.shapes.public_question` reads, and no other."""


async def question_row(conn: Queryable, question_id: int) -> Any:
    return await conn.fetchone(QUESTION_SELECT + " WHERE q.id = ?", (question_id,))


async def event_questions(conn: Queryable, event_id: int, statuses: tuple[str, ...]) -> list[Any]:
    marks = ",".join("?" for _ in statuses)
    return await conn.fetchall(
        QUESTION_SELECT + f" WHERE q.event_id = ? AND q.status IN ({marks}) ORDER BY q.id",
        (event_id, *statuses),
    )


async def public_questions(conn: Queryable, event_id: int) -> list[Any]:
    """The event's public questions (approved, on air, answered), oldest first, with only the
    public columns: the audience snapshot reads these for every joining crowd, so it neither
    reads nor copies an asker's original text, address or codes."""
    return await conn.fetchall(
        PUBLIC_QUESTION_SELECT + " WHERE q.event_id = ? AND q.status IN ('approved', 'on_air', 'answered')"
        " ORDER BY q.id",
        (event_id,),
    )


async def every_event_question(conn: Queryable, event_id: int) -> list[Any]:
    """Every question of the event, whatever its state, oldest first (the staff queue)."""
    return await conn.fetchall(QUESTION_SELECT + " WHERE q.event_id = ? ORDER BY q.id", (event_id,))


async def question_by_client_key(conn: Queryable, event_id: int, client_key: str) -> Any:
    """The receipt columns of the event's question sent with ``client_key`` (a repeated ask), if any."""
    return await conn.fetchone(
        "SELECT id, tracking_code, rating_code FROM questions WHERE event_id = ? AND client_key = ?",
        (event_id, client_key),
    )


async def question_by_tracking_code(conn: Queryable, code: str) -> Any:
    return await conn.fetchone(QUESTION_SELECT + " WHERE q.tracking_code = ?", (code,))


async def question_in_event(conn: Queryable, question_id: int, event_id: int) -> Any:
    """The id and status of a question if it belongs to the event."""
    return await conn.fetchone(
        "SELECT id, status FROM questions WHERE id = ? AND event_id = ?", (question_id, event_id)
    )


async def on_air_question(conn: Queryable, event_id: int) -> Any:
    """The id of the event's question on air, if one is."""
    return await conn.fetchone(
        "SELECT id, handled_by, handled_action FROM questions WHERE event_id = ? AND status = 'on_air'", (event_id,)
    )


async def merged_into(conn: Queryable, question_id: int) -> list[int]:
    """Ids of the questions merged into this one."""
    rows = await conn.fetchall("SELECT id FROM questions WHERE merged_into = ?", (question_id,))
    return [int(row["id"]) for row in rows]


async def question_timeline(conn: Queryable, question_id: int) -> list[Any]:
    return await conn.fetchall(
        "SELECT status, at FROM question_timeline WHERE question_id = ? ORDER BY rowid",
        (question_id,),
    )


async def question_case(conn: Queryable, case_id: int) -> Any:
    """What an asker sees of the board case their question became: stage, deadline, unit, 同问."""
    return await conn.fetchone(
        """SELECT c.id, c.kind, c.status, c.stage, c.due_at, c.unit_id, c.supports, u.name AS unit_name
           FROM cases c LEFT JOIN units u ON u.id = c.unit_id WHERE c.id = ?""",
        (case_id,),
    )


async def answered_to_archive(conn: Queryable, event_id: int) -> list[Any]:
    """The event's answered questions not yet on the board."""
    return await conn.fetchall(
        "SELECT * FROM questions WHERE event_id = ? AND status = 'answered' AND case_id IS NULL",
        (event_id,),
    )


async def waiting_to_archive(conn: Queryable, event_id: int) -> list[Any]:
    """The event's approved and on-air questions (left unanswered when it closes), oldest first."""
    return await conn.fetchall(
        "SELECT * FROM questions WHERE event_id = ? AND status IN ('approved', 'on_air') ORDER BY id",
        (event_id,),
    )


async def insert_question(tx: Tx, *, event_id: int, text: str, unit_id: int | None, nickname: str,
                          client_key: str, tracking_code: str, rating_code: str, viewer: str,
                          address: str, asked_at: str, flags: str, priority: int) -> int:
    """A new pending question; ``sqlite3.IntegrityError`` when the ``client_key`` raced another."""
    return await tx.insert(
        """INSERT INTO questions (event_id, status, original_text, unit_id, nickname,
           client_key, tracking_code, rating_code, viewer_key, address, asked_at,
           flags, priority)
           VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (event_id, text, unit_id, nickname, client_key, tracking_code, rating_code,
         viewer, address, asked_at, flags, priority),
    )


async def update_question(tx: Tx, question_id: int, assignments: dict[str, Any]) -> None:
    """Set the given columns and bump ``version`` (column names come from code, never from input)."""
    columns = "".join(f"{name} = ?, " for name in assignments)
    await tx.execute(
        f"UPDATE questions SET {columns}version = version + 1 WHERE id = ?",
        (*assignments.values(), question_id),
    )


async def set_question_case(tx: Tx, question_id: int, case_id: int) -> None:
    """Link a question to its board post without changing its state or version."""
    await tx.execute("UPDATE questions SET case_id = ? WHERE id = ?", (case_id, question_id))


async def add_timeline(tx: Tx, question_id: int, status: str, at: str) -> None:
    """A line on the asker's timeline: the question reached ``status`` at ``at``."""
    await tx.execute(
        "INSERT INTO question_timeline (question_id, status, at) VALUES (?, ?, ?)",
        (question_id, status, at),
    )


async def question_counts(conn: Queryable, event_id: int) -> dict[str, Any]:
    """The public figures of an event (docs/moderation.md, transparency).

    ``received`` every question asked; ``published`` (= ``approved``) those ever
    made public; ``pending`` still in review; ``merged``; ``rejected``, with
    ``rejected_by_reason`` in catalogue order; ``retracted`` by their askers before review.
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
        "retracted": counts.get(Status.RETRACTED.value, 0),
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


async def mark_collected(tx: Tx, event_id: int) -> int:
    """Mark every question the event holds as collected in advance (called as it opens: all of them
    were asked while it was scheduled); how many."""
    cursor = await tx.execute("UPDATE questions SET collected = 1 WHERE event_id = ?", (event_id,))
    return int(cursor.rowcount)
