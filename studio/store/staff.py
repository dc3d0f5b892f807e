"""Staff accounts: the rows, joined with their unit's name."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx, update_columns

STAFF_SELECT = """
    SELECT s.*, u.name AS unit_name FROM staff s LEFT JOIN units u ON u.id = s.unit_id
"""


async def staff_by_id(conn: Queryable, staff_id: Any) -> Any:
    return await conn.fetchone(STAFF_SELECT + " WHERE s.id = ?", (staff_id,))


async def staff_by_username(conn: Queryable, username: str, *, active_only: bool = False) -> Any:
    """The account of ``username`` (only an active one with ``active_only``), or ``None``."""
    sql = STAFF_SELECT + " WHERE s.username = ?"
    if active_only:
        sql += " AND s.active = 1"
    return await conn.fetchone(sql, (username,))


async def staff_rows(conn: Queryable, *, include_inactive: bool = False) -> list[Any]:
    """Every account (active ones only unless ``include_inactive``), in id order."""
    where = "" if include_inactive else " WHERE s.active = 1"
    return await conn.fetchall(STAFF_SELECT + where + " ORDER BY s.id")


async def any_staff(conn: Queryable) -> bool:
    """Whether the store has any account at all."""
    return await conn.fetchone("SELECT 1 FROM staff LIMIT 1") is not None


async def insert_staff(tx: Tx, *, username: str, password_hash: str, role: str, unit_id: int | None,
                       display_name: str, title: str, created_at: str) -> int:
    """A new account (usernames are unique: a taken one raises ``sqlite3.IntegrityError``); its id."""
    return await tx.insert(
        """INSERT INTO staff (username, password_hash, role, unit_id, display_name, title,
           created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (username, password_hash, role, unit_id, display_name, title, created_at),
    )


STAFF_COLUMNS = frozenset({"password_hash", "display_name", "title", "unit_id", "active"})


async def update_staff(tx: Tx, staff_id: int, changes: dict[str, Any]) -> None:
    """Set the given columns of an account (only those of ``STAFF_COLUMNS``)."""
    await update_columns(tx, "staff", STAFF_COLUMNS, changes, ("id", staff_id))
