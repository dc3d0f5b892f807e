"""Events in the store: the row by slug or id, who works on it, its people, its host messages."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable


async def event_row(conn: Queryable, slug: str) -> Any:
    return await conn.fetchone("SELECT * FROM events WHERE slug = ?", (slug,))


async def is_listed(conn: Queryable, event_id: int, staff_id: int, listing: str) -> bool:
    """Whether the staff member is on the event's list as ``listing`` (``moderator`` or ``guest``)."""
    row = await conn.fetchone(
        "SELECT 1 FROM event_staff WHERE event_id = ? AND staff_id = ? AND role = ?",
        (event_id, staff_id, listing),
    )
    return row is not None


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
