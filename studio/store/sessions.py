"""Staff sessions: a row per signed-in browser, keyed by the hash of its token."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx
from studio.store.staff import STAFF_SELECT


async def open_session(tx: Tx, *, token_hash: str, staff_id: int, csrf_token: str,
                       created_at: str, expires_at: str) -> None:
    """Store a new session, dropping every session that expired before ``created_at``."""
    await tx.execute("DELETE FROM sessions WHERE expires_at < ?", (created_at,))
    await tx.execute(
        """INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?)""",
        (token_hash, staff_id, csrf_token, created_at, expires_at),
    )


async def session_staff(conn: Queryable, token_hash: str) -> Any:
    """The active account behind a session with its ``csrf_token`` and ``expires_at``, or ``None``."""
    return await conn.fetchone(
        STAFF_SELECT.replace("SELECT s.*", "SELECT s.*, x.csrf_token, x.expires_at")
        + " JOIN sessions x ON x.staff_id = s.id WHERE x.token_hash = ? AND s.active = 1",
        (token_hash,),
    )


async def end_session(tx: Tx, token_hash: str) -> None:
    await tx.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))


async def end_sessions_of(tx: Tx, staff_id: int) -> None:
    """Sign an account out everywhere."""
    await tx.execute("DELETE FROM sessions WHERE staff_id = ?", (staff_id,))
