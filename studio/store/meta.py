"""The store's ``meta`` table: small named values (settings kept for every process, markers)."""

from __future__ import annotations

from collections.abc import Iterable

from studio.store.database import Queryable, Tx


async def value(conn: Queryable, key: str) -> str | None:
    """The value stored under ``key``, or ``None``."""
    row = await conn.fetchone("SELECT value FROM meta WHERE key = ?", (key,))
    return str(row["value"]) if row is not None else None


async def values_of(conn: Queryable, keys: Iterable[str]) -> dict[str, str]:
    """The stored values of those ``keys`` that have one."""
    wanted = list(keys)
    if not wanted:
        return {}
    marks = ",".join("?" for _ in wanted)
    rows = await conn.fetchall(f"SELECT key, value FROM meta WHERE key IN ({marks})", wanted)
    return {row["key"]: str(row["value"]) for row in rows}


async def put_value(tx: Tx, key: str, text: str) -> None:
    """Store ``text`` under ``key``, replacing any value."""
    await tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, text))


async def add_value(tx: Tx, key: str, text: str) -> None:
    """Store ``text`` under a new ``key``; a key already set raises ``sqlite3.IntegrityError``."""
    await tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, text))
