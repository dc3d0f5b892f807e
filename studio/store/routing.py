"""What the routing model learns from: categorised and routed cases, the tree and the units."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx


async def training_cases(conn: Queryable) -> list[Any]:
    """Every case with a category or a unit, as ``(title, text, category_id, unit_id)``, oldest first.

    Withdrawn cases are left out: they are under review and may be wrong.
    """
    return await conn.fetchall(
        """SELECT title, text, category_id, unit_id FROM cases
           WHERE (category_id IS NOT NULL OR unit_id IS NOT NULL) AND withdrawn_at IS NULL
           ORDER BY id""")


async def learnable_count(conn: Queryable) -> int:
    """How many cases the model can learn from (a cheap check for retraining)."""
    row = await conn.fetchone(
        """SELECT COUNT(*) AS n FROM cases
           WHERE (category_id IS NOT NULL OR unit_id IS NOT NULL) AND withdrawn_at IS NULL""")
    return int(row["n"]) if row is not None else 0


async def has_categorised(conn: Queryable) -> bool:
    """Whether any case the model may learn from has a category (else there is nothing to suggest)."""
    row = await conn.fetchone(
        "SELECT 1 AS found FROM cases WHERE category_id IS NOT NULL AND withdrawn_at IS NULL LIMIT 1")
    return row is not None


async def unit_categories(conn: Queryable) -> list[Any]:
    """The admin-given mapping as ``(unit_id, category_id)`` rows, by unit then category."""
    return await conn.fetchall("SELECT unit_id, category_id FROM unit_categories ORDER BY unit_id, category_id")


async def replace_unit_categories(tx: Tx, unit_id: int, category_ids: list[int]) -> None:
    """The unit handles exactly ``category_ids`` (by the admin's word)."""
    await tx.execute("DELETE FROM unit_categories WHERE unit_id = ?", (unit_id,))
    for category_id in category_ids:
        await tx.execute("INSERT INTO unit_categories (unit_id, category_id) VALUES (?, ?)",
                         (unit_id, category_id))


async def category_exists(conn: Queryable, category_id: int) -> bool:
    """Whether the category is in the tree."""
    return await conn.fetchone("SELECT 1 AS found FROM categories WHERE id = ?", (category_id,)) is not None


async def unit_names(conn: Queryable) -> list[Any]:
    """Every unit as ``(id, name)``."""
    return await conn.fetchall("SELECT id, name FROM units ORDER BY id")
