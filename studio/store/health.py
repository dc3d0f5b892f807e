"""Whether the store answers: what ``/healthz`` asks."""

from __future__ import annotations

from studio.store.database import Database


async def answers(db: Database) -> bool:
    """True when a reader gets an answer to a trivial query; False on any error."""
    try:
        async with db.read() as conn:
            await conn.fetchone("SELECT 1")
    except Exception:
        return False
    return True
