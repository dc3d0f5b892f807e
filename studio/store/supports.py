"""同问 (supports) on board cases: one row per (case, supporter), the count kept on the case.

A supporter is a viewer (the signed viewer cookie, the same identity as the
live feed's +1s), or an asker whose own message was merged into the case.
"""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx


async def add_support(tx: Tx, case_id: int, supporter: str, at: str) -> bool:
    """Count ``supporter`` for the case once; whether they were new (the count is then updated)."""
    cursor = await tx.execute(
        "INSERT OR IGNORE INTO case_supports (case_id, supporter, at) VALUES (?, ?, ?)",
        (case_id, supporter, at))
    if not cursor.rowcount:
        return False
    await recount(tx, case_id)
    return True


async def copy_question_votes(tx: Tx, question_id: int, case_id: int) -> None:
    """The +1s a question had become the 同问 of the case it turned into (none counts twice)."""
    await tx.execute(
        """INSERT OR IGNORE INTO case_supports (case_id, supporter, at)
           SELECT ?, voter, at FROM votes WHERE question_id = ?""", (case_id, question_id))
    await recount(tx, case_id)


async def recount(tx: Tx, case_id: int) -> int:
    """Store the case's 同问 count from its rows; the count."""
    row = await tx.fetchone(
        """UPDATE cases SET supports = (SELECT COUNT(*) FROM case_supports WHERE case_id = ?)
           WHERE id = ? RETURNING supports""", (case_id, case_id))
    return int(row["supports"]) if row else 0


async def supports_of(conn: Queryable, case_id: int) -> int:
    """The case's 同问 count (0 for an unknown case)."""
    row = await conn.fetchone("SELECT supports FROM cases WHERE id = ?", (case_id,))
    return int(row["supports"]) if row else 0


async def has_supported(conn: Queryable, case_id: int, supporter: str) -> bool:
    """Whether ``supporter`` is counted for the case."""
    return await conn.fetchone(
        "SELECT 1 FROM case_supports WHERE case_id = ? AND supporter = ?", (case_id, supporter)
    ) is not None


async def asker_codes(conn: Queryable, case_id: int) -> list[Any]:
    """Every rating code that rates the case, as ``(code, submission_id, question_id)``: the
    case's own, those of the submissions merged into it and of the live questions merged into its
    question (``submission_id``/``question_id`` name a merged asker, both ``None`` for the case's own)."""
    return await conn.fetchall(
        """SELECT rating_code AS code, NULL AS submission_id, NULL AS question_id
             FROM cases WHERE id = ? AND rating_code IS NOT NULL AND rating_code != ''
           UNION ALL
           SELECT s.rating_code, s.id, NULL FROM board_submissions s
             WHERE s.case_id = ? AND s.merged_at IS NOT NULL
           UNION ALL
           SELECT q.rating_code, NULL, q.id FROM questions q JOIN cases c ON q.merged_into = c.question_id
             WHERE c.id = ? AND q.status = 'merged' AND q.rating_code IS NOT NULL AND q.rating_code != ''""",
        (case_id, case_id, case_id))


async def asker_questions(conn: Queryable, case_id: int) -> list[int]:
    """The live questions whose askers follow the case: the one it came from and those merged into it."""
    rows = await conn.fetchall(
        """SELECT question_id AS id FROM cases WHERE id = ? AND question_id IS NOT NULL
           UNION SELECT q.id FROM questions q JOIN cases c ON q.merged_into = c.question_id
           WHERE c.id = ?""", (case_id, case_id))
    return [int(row["id"]) for row in rows]
