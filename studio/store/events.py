"""Reading events: the row by slug, its people, its host messages."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable


async def event_row(conn: Queryable, slug: str) -> Any:
    return await conn.fetchone("SELECT * FROM events WHERE slug = ?", (slug,))


async def event_people(conn: Queryable, event_id: int, role: str) -> list[Any]:
    return await conn.fetchall(
        """SELECT s.id, s.username, s.display_name, s.title, s.role, s.unit_id, u.name AS unit_name
           FROM event_staff es JOIN staff s ON s.id = es.staff_id
           LEFT JOIN units u ON u.id = s.unit_id
           WHERE es.event_id = ? AND es.role = ? ORDER BY es.position, s.id""",
        (event_id, role),
    )


async def host_messages(conn: Queryable, event_id: int, limit: int | None = None) -> list[Any]:
    sql = """SELECT id, text, at FROM host_messages WHERE event_id = ? ORDER BY id DESC"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return await conn.fetchall(sql, (event_id,))
