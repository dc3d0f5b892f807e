"""Desk claims: one row per question a moderator has open, with an expiry in wall-clock seconds."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx


async def holder(conn: Queryable, question_id: int) -> Any:
    """The claim on a question as ``(username, expires_at)``, expired or not; ``None`` if unclaimed."""
    return await conn.fetchone("SELECT username, expires_at FROM claims WHERE question_id = ?",
                               (question_id,))


async def put_claim(tx: Tx, question_id: int, event_id: int, username: str, expires_at: float) -> None:
    """Claim a question for ``username`` until ``expires_at``, replacing any claim on it."""
    await tx.execute(
        """INSERT INTO claims (question_id, event_id, username, expires_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (question_id) DO UPDATE SET username = excluded.username,
           expires_at = excluded.expires_at""",
        (question_id, event_id, username, expires_at),
    )


async def drop_claim_of(tx: Tx, question_id: int, username: str) -> bool:
    """End ``username``'s claim on a question; whether there was one."""
    gone = await tx.fetchone(
        "DELETE FROM claims WHERE question_id = ? AND username = ? RETURNING question_id",
        (question_id, username),
    )
    return gone is not None


async def drop_claim(tx: Tx, question_id: int) -> str | None:
    """End whoever's claim on a question; the holder's username, or ``None``."""
    gone = await tx.fetchone("DELETE FROM claims WHERE question_id = ? RETURNING username",
                             (question_id,))
    return str(gone["username"]) if gone is not None else None


async def drop_claims_of(tx: Tx, event_id: int, username: str) -> list[int]:
    """End every claim of ``username`` in the event; the questions they were on."""
    rows = await tx.fetchall(
        "DELETE FROM claims WHERE event_id = ? AND username = ? RETURNING question_id",
        (event_id, username),
    )
    return [int(row["question_id"]) for row in rows]


async def drop_expired(tx: Tx, now: float) -> list[Any]:
    """End every claim expired at ``now``; them as ``(question_id, event_id, username)``."""
    return await tx.fetchall(
        "DELETE FROM claims WHERE expires_at <= ? RETURNING question_id, event_id, username", (now,)
    )


async def live_claims(conn: Queryable, event_id: int, now: float) -> list[Any]:
    """The event's claims not expired at ``now`` as ``(question_id, username, expires_at)``."""
    return await conn.fetchall(
        "SELECT question_id, username, expires_at FROM claims WHERE event_id = ? AND expires_at > ?",
        (event_id, now),
    )


async def any_expired(conn: Queryable, now: float) -> bool:
    return await conn.fetchone("SELECT 1 FROM claims WHERE expires_at <= ? LIMIT 1",
                               (now,)) is not None
