"""The sensitive-word lexicon's rows, its version counter and its seeded marker (in ``meta``).

Every change of the terms must bump the version in the same transaction: each
process compares it before screening and rebuilds its automaton when it moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from moderation.lexicon import Term
from studio.store.database import Queryable, Tx


async def version(conn: Queryable) -> str:
    """The lexicon's version; ``"0"`` before the first change."""
    row = await conn.fetchone("SELECT value FROM meta WHERE key = 'lexicon_version'")
    return str(row["value"]) if row is not None else "0"


async def bump_version(tx: Tx) -> None:
    await tx.execute(
        """INSERT INTO meta (key, value) VALUES ('lexicon_version', '1')
           ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"""
    )


async def seeded(conn: Queryable) -> bool:
    """Whether the shipped lexicon was ever offered to this store."""
    return await conn.fetchone("SELECT 1 FROM meta WHERE key = 'lexicon_seeded'") is not None


async def mark_seeded(tx: Tx, at: str) -> None:
    await tx.execute("INSERT INTO meta (key, value) VALUES ('lexicon_seeded', ?)", (at,))


async def has_terms(conn: Queryable) -> bool:
    return await conn.fetchone("SELECT 1 FROM lexicon_terms LIMIT 1") is not None


async def terms(conn: Queryable, *, by_category: bool = False) -> list[Term]:
    """Every term, in the order added (grouped by category with ``by_category``)."""
    order = "category, id" if by_category else "id"
    rows = await conn.fetchall(f"SELECT term, category, level FROM lexicon_terms ORDER BY {order}")
    return [Term(row["term"], row["category"], row["level"]) for row in rows]


async def insert_terms(tx: Tx, new: Iterable[Term], *, by: str, at: str) -> int:
    """Add the terms not already there (same term and category); how many were added."""
    added = 0
    for term in new:
        cursor = await tx.execute(
            """INSERT OR IGNORE INTO lexicon_terms (term, category, level, added_by, added_at)
               VALUES (?, ?, ?, ?, ?)""",
            (term.text, term.category, term.level, by, at),
        )
        added += cursor.rowcount
    return added


async def term_page(conn: Queryable, *, q: str = "", category: str = "", level: str = "",
                    limit: int, offset: int) -> tuple[int, list[Any]]:
    """The number of terms matching the filters (``q`` a substring of the term) and one page
    of them, newest first."""
    where, params = ["1 = 1"], []
    if q:
        where.append("instr(term, ?) > 0")
        params.append(q)
    if category:
        where.append("category = ?")
        params.append(category)
    if level:
        where.append("level = ?")
        params.append(level)
    clause = " AND ".join(where)
    total = await conn.fetchone(f"SELECT COUNT(*) AS n FROM lexicon_terms WHERE {clause}", params)
    rows = await conn.fetchall(
        f"SELECT * FROM lexicon_terms WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return int(total["n"]), rows


async def category_counts(conn: Queryable) -> list[Any]:
    """``(category, n)`` for every category with terms, by category."""
    return await conn.fetchall(
        "SELECT category, COUNT(*) AS n FROM lexicon_terms GROUP BY category ORDER BY category")


async def term_row(conn: Queryable, text: str, category: str) -> Any:
    return await conn.fetchone("SELECT * FROM lexicon_terms WHERE term = ? AND category = ?",
                               (text, category))


async def delete_term(tx: Tx, term_id: int) -> Any:
    """Remove a term; its row, or ``None`` when there was none."""
    return await tx.fetchone("DELETE FROM lexicon_terms WHERE id = ? RETURNING *", (term_id,))


async def delete_all(tx: Tx) -> int:
    """Empty the lexicon; how many terms it held."""
    cursor = await tx.execute("DELETE FROM lexicon_terms")
    return cursor.rowcount
