"""The catalogue of rejection reasons: rows of code, wording, active flag and position."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx, update_columns

REASON_COLUMNS = frozenset({"text", "active", "position"})


async def reason_rows(conn: Queryable, *, include_inactive: bool = False) -> list[Any]:
    """The reasons (active ones only unless ``include_inactive``) by position, then code."""
    sql = "SELECT * FROM reject_reasons"
    if not include_inactive:
        sql += " WHERE active = 1"
    return await conn.fetchall(sql + " ORDER BY position, code")


async def reason_row(conn: Queryable, code: str) -> Any:
    """The reason of ``code``, active or not, or ``None``."""
    return await conn.fetchone("SELECT * FROM reject_reasons WHERE code = ?", (code,))


async def active_reason(conn: Queryable, value: str) -> Any:
    """The active reason whose code, else whose wording, is ``value``; or ``None``."""
    return await conn.fetchone(
        "SELECT * FROM reject_reasons WHERE active = 1 AND (code = ? OR text = ?) "
        "ORDER BY code = ? DESC LIMIT 1", (value, value, value),
    )


async def active_codes(conn: Queryable) -> list[str]:
    """The active reasons' codes by position."""
    rows = await conn.fetchall("SELECT code FROM reject_reasons WHERE active = 1 ORDER BY position")
    return [row["code"] for row in rows]


async def next_position(conn: Queryable) -> int:
    """The position after the last reason's."""
    row = await conn.fetchone("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM reject_reasons")
    return int(row["p"])


async def insert_reason(tx: Tx, code: str, text: str, position: int) -> None:
    """A new, active reason (codes are unique: a taken one raises ``sqlite3.IntegrityError``)."""
    await tx.execute("INSERT INTO reject_reasons (code, text, position) VALUES (?, ?, ?)",
                     (code, text, position))


async def update_reason(tx: Tx, code: str, changes: dict[str, Any]) -> None:
    """Set the given columns (of ``REASON_COLUMNS``) of the reason ``code``."""
    await update_columns(tx, "reject_reasons", REASON_COLUMNS, changes, ("code", code))
