"""The secret key generated on first start, kept in the store's ``meta`` table."""

from __future__ import annotations

from studio.store.database import Queryable, Tx

SECRET_KEY = "secret_key"


async def kept_secret_key(conn: Queryable) -> str | None:
    """The secret key generated earlier, if any."""
    row = await conn.fetchone("SELECT value FROM meta WHERE key = ?", (SECRET_KEY,))
    return str(row["value"]) if row is not None else None


async def keep_secret_key(tx: Tx, value: str) -> None:
    """Keep a newly generated secret key (once: a second one would fail the primary key)."""
    await tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (SECRET_KEY, value))
