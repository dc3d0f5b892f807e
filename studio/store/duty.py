"""The duty roster (轮值) in the store: which units are on duty on which days."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studio.store.database import Queryable, Tx


async def set_units(tx: Tx, day: str, unit_ids: Sequence[int]) -> None:
    """The units on duty on ``day`` become exactly ``unit_ids``."""
    await tx.execute("DELETE FROM duty_days WHERE day = ?", (day,))
    for unit_id in unit_ids:
        await tx.execute("INSERT INTO duty_days (day, unit_id) VALUES (?, ?)", (day, unit_id))


async def roster(conn: Queryable, first: str, last: str) -> list[Any]:
    """``(day, unit_id, unit_name)`` of the days from ``first`` to ``last``, by day and unit name."""
    return await conn.fetchall(
        """SELECT d.day, d.unit_id, u.name AS unit_name FROM duty_days d JOIN units u ON u.id = d.unit_id
           WHERE d.day BETWEEN ? AND ? ORDER BY d.day, u.name""",
        (first, last),
    )


async def on_duty(conn: Queryable, day: str, unit_id: int) -> bool:
    """Whether the unit is on duty on ``day``."""
    row = await conn.fetchone("SELECT 1 FROM duty_days WHERE day = ? AND unit_id = ?", (day, unit_id))
    return row is not None


async def unit_ids(conn: Queryable, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` are units."""
    marks = ",".join("?" for _ in ids)
    rows = await conn.fetchall(f"SELECT id FROM units WHERE id IN ({marks})", tuple(ids)) if ids else []
    return {int(row["id"]) for row in rows}
