"""Units (办理单位): the rows of the unit tree, found by id or by name."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx


async def all_units(conn: Queryable) -> list[Any]:
    """Every unit as ``(id, name, parent_id)``, in id order."""
    return await conn.fetchall("SELECT id, name, parent_id FROM units ORDER BY id")


async def unit_by_id(conn: Queryable, unit_id: Any) -> Any:
    """The unit's ``(id, name, parent_id)``, or ``None``."""
    return await conn.fetchone("SELECT id, name, parent_id FROM units WHERE id = ?", (unit_id,))


async def unit_by_name(conn: Queryable, name: str) -> Any:
    """The unit of exactly that name as ``(id, name, parent_id)``, or ``None``."""
    return await conn.fetchone("SELECT id, name, parent_id FROM units WHERE name = ?", (name,))


async def insert_unit(tx: Tx, name: str, created_at: str, parent_id: int | None = None) -> int:
    """A new unit (names are unique: a taken one raises ``sqlite3.IntegrityError``); its id."""
    return await tx.insert(
        "INSERT INTO units (name, parent_id, created_at) VALUES (?, ?, ?)", (name, parent_id, created_at)
    )
