"""The board's category tree (诉求分类): rows with a parent and a position among their siblings."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx

LEVELS_SQL = """
    WITH RECURSIVE tree(id, name, level) AS (
        SELECT id, name, 1 FROM categories WHERE parent_id IS NULL
        UNION ALL
        SELECT c.id, c.name, tree.level + 1 FROM categories c JOIN tree ON c.parent_id = tree.id
    )
    SELECT id, name, level FROM tree
"""


async def child_id(conn: Queryable, parent: int | None, name: str) -> int | None:
    """The id of the category ``name`` under ``parent`` (``None``: top level), if there is one."""
    row = await conn.fetchone(
        "SELECT id FROM categories WHERE COALESCE(parent_id, 0) = ? AND name = ?", (parent or 0, name)
    )
    return int(row["id"]) if row is not None else None


async def child_count(conn: Queryable, parent: int | None) -> int:
    """How many categories ``parent`` has (``None``: the top level)."""
    row = await conn.fetchone(
        "SELECT COUNT(*) AS n FROM categories WHERE COALESCE(parent_id, 0) = ?", (parent or 0,)
    )
    return int(row["n"])


async def insert_category(tx: Tx, parent: int | None, name: str, position: int) -> int:
    """A new category (unique among its siblings); its id."""
    return await tx.insert(
        "INSERT INTO categories (parent_id, name, position) VALUES (?, ?, ?)", (parent, name, position)
    )


async def levels(conn: Queryable) -> list[Any]:
    """Every category reachable from the top as ``(id, name, level)``, the top level being 1."""
    return await conn.fetchall(LEVELS_SQL)


async def category_rows(conn: Queryable) -> list[Any]:
    """Every category as ``(id, parent_id, name)`` in file order (position, then id)."""
    return await conn.fetchall("SELECT id, parent_id, name FROM categories ORDER BY position, id")


async def subtree(conn: Queryable, category_id: int) -> list[Any]:
    """``category_id`` and every category below it as ``(id, depth)``; empty for an unknown id."""
    return await conn.fetchall(
        """WITH RECURSIVE below(id, depth) AS (
               SELECT id, 0 FROM categories WHERE id = ?
               UNION ALL SELECT c.id, below.depth + 1 FROM categories c JOIN below ON c.parent_id = below.id)
           SELECT id, depth FROM below""",
        (category_id,),
    )


async def ancestry(conn: Queryable, category_id: int) -> list[Any]:
    """The categories from the top down to ``category_id`` as ``(id, name)``."""
    return await conn.fetchall(
        """WITH RECURSIVE up(id, parent_id, name, depth) AS (
               SELECT id, parent_id, name, 0 FROM categories WHERE id = ?
               UNION ALL SELECT c.id, c.parent_id, c.name, up.depth + 1
               FROM categories c JOIN up ON c.id = up.parent_id)
           SELECT id, name FROM up ORDER BY depth DESC""",
        (category_id,),
    )
