"""What the control room reads from the store when metrics are scraped: the moderation backlog
and how long answers take, for the events on air."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable


async def live_events(conn: Queryable) -> dict[int, str]:
    """The slug of every live event, by id."""
    rows = await conn.fetchall("SELECT id, slug FROM events WHERE status = 'live'")
    return {int(row["id"]): str(row["slug"]) for row in rows}


async def event_slugs(conn: Queryable, ids: list[int]) -> dict[int, str]:
    """The slugs of the events ``ids`` (those that exist)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await conn.fetchall(f"SELECT id, slug FROM events WHERE id IN ({marks})", ids)
    return {int(row["id"]): str(row["slug"]) for row in rows}


async def backlog(conn: Queryable) -> list[Any]:
    """Per live event: questions waiting for moderation and the oldest one's ``asked_at``."""
    return await conn.fetchall(
        """SELECT e.id, COUNT(q.id) AS pending, MIN(q.asked_at) AS oldest
           FROM events e LEFT JOIN questions q ON q.event_id = e.id AND q.status = 'pending'
           WHERE e.status = 'live' GROUP BY e.id""")


async def answer_waits(conn: Queryable, since: str) -> list[Any]:
    """Per answered question of a live event answered after ``since``: its event and the seconds
    from publication to answer."""
    return await conn.fetchall(
        """SELECT q.event_id,
                  (julianday(q.answered_at) - julianday(q.published_at)) * 86400.0 AS seconds
           FROM questions q JOIN events e ON e.id = q.event_id
           WHERE e.status = 'live' AND q.answered_at IS NOT NULL AND q.published_at IS NOT NULL
             AND q.answered_at >= ?""", (since,))
