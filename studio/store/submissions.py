"""Direct board submissions (我要留言): the rows of their moderation queue.

A submission is written once when a netizen sends it and once more when a
moderator approves it (with the case it opened) or rejects it (with a reason).
"""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx

SUBMISSION_SELECT = """SELECT s.*, u.name AS unit_name FROM board_submissions s
    LEFT JOIN units u ON u.id = s.unit_id"""


async def texts_from_address(conn: Queryable, address: str, limit: int) -> list[str]:
    """The latest ``limit`` texts submitted from ``address``, newest first."""
    rows = await conn.fetchall(
        "SELECT original_text FROM board_submissions WHERE address = ? ORDER BY id DESC LIMIT ?",
        (address, limit),
    )
    return [row["original_text"] for row in rows]


async def submission_by_client_key(conn: Queryable, client_key: str) -> Any:
    """``(id, tracking_code, rating_code)`` of the submission sent with ``client_key``, or ``None``."""
    return await conn.fetchone(
        "SELECT id, tracking_code, rating_code FROM board_submissions WHERE client_key = ?",
        (client_key,),
    )


async def insert_submission(tx: Tx, *, original_text: str, nickname: str, unit_id: int | None,
                            client_key: str, tracking_code: str, rating_code: str, address: str,
                            flags: str, submitted_at: str, viewer_key: str = "") -> int:
    """A pending submission (``flags`` as JSON text); its id.

    ``client_key`` and ``tracking_code`` are unique: a taken one raises
    ``sqlite3.IntegrityError``.
    """
    return await tx.insert(
        """INSERT INTO board_submissions (original_text, nickname, unit_id, client_key,
           tracking_code, rating_code, address, flags, submitted_at, viewer_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (original_text, nickname, unit_id, client_key, tracking_code, rating_code, address, flags,
         submitted_at, viewer_key),
    )


async def submission_row(conn: Queryable, submission_id: int) -> Any:
    """The submission with its unit's name, or ``None``."""
    return await conn.fetchone(SUBMISSION_SELECT + " WHERE s.id = ?", (submission_id,))


async def submission_by_tracking_code(conn: Queryable, code: str) -> Any:
    return await conn.fetchone(SUBMISSION_SELECT + " WHERE s.tracking_code = ?", (code,))


async def pending_rows(conn: Queryable) -> list[Any]:
    """The submissions waiting for a moderator, oldest first."""
    return await conn.fetchall(SUBMISSION_SELECT + " WHERE s.status = 'pending' ORDER BY s.id")


async def set_rejected(tx: Tx, submission_id: int, *, reason: str, by: str, at: str) -> None:
    await tx.execute(
        """UPDATE board_submissions SET status = 'rejected', reason = ?, handled_by = ?,
           handled_at = ? WHERE id = ?""",
        (reason, by, at, submission_id),
    )


async def set_retracted(tx: Tx, submission_id: int, *, at: str) -> bool:
    """Retracted by its author, if still pending; whether it was."""
    cursor = await tx.execute(
        "UPDATE board_submissions SET status = 'retracted', handled_by = '', handled_at = ? "
        "WHERE id = ? AND status = 'pending'", (at, submission_id))
    return bool(cursor.rowcount)


async def set_approved(tx: Tx, submission_id: int, *, public_text: str, case_id: int, hard: bool,
                       by: str, at: str) -> None:
    """Approved as ``public_text``, which opened the board case ``case_id``."""
    await tx.execute(
        """UPDATE board_submissions SET status = 'approved', public_text = ?, case_id = ?,
           hard = ?, handled_by = ?, handled_at = ? WHERE id = ?""",
        (public_text, case_id, int(hard), by, at, submission_id),
    )


async def set_merged(tx: Tx, submission_id: int, *, case_id: int, by: str, at: str) -> None:
    """Merged into the open case ``case_id`` as a 同问 (its text is never public): recorded as
    approved with ``merged_at``, the asker following ``case_id``."""
    await tx.execute(
        """UPDATE board_submissions SET status = 'approved', case_id = ?, merged_at = ?,
           handled_by = ?, handled_at = ? WHERE id = ?""",
        (case_id, at, by, at, submission_id),
    )
