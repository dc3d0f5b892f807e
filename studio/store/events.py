"""Events in the store: the row by slug or id, who works on it, its people, its host messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studio.store.database import Queryable, Tx, update_columns


async def event_row(conn: Queryable, slug: str) -> Any:
    return await conn.fetchone("SELECT * FROM events WHERE slug = ?", (slug,))


async def event_by_id(conn: Queryable, event_id: int) -> Any:
    return await conn.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))


async def event_seq(conn: Queryable, event_id: int) -> int | None:
    """The ``seq`` of the event's latest public change; ``None`` for no such event."""
    row = await conn.fetchone("SELECT seq FROM events WHERE id = ?", (event_id,))
    return int(row["seq"]) if row is not None else None


async def events_by_start(conn: Queryable, *, newest_first: bool = False) -> list[Any]:
    order = "DESC" if newest_first else "ASC"
    return await conn.fetchall(f"SELECT * FROM events ORDER BY starts_at {order}")


async def live_events(conn: Queryable) -> list[Any]:
    return await conn.fetchall("SELECT * FROM events WHERE status = 'live'")


async def events_of_staff(conn: Queryable, staff_id: int) -> list[Any]:
    """The events that list the staff member (in any place), newest first."""
    return await conn.fetchall(
        """SELECT e.* FROM events e JOIN event_staff es ON es.event_id = e.id
           WHERE es.staff_id = ? ORDER BY e.starts_at DESC""",
        (staff_id,),
    )


async def insert_event(tx: Tx, *, slug: str, title: str, description: str, starts_at: str,
                       ends_at: str, created_at: str) -> int:
    """A new scheduled event; ``sqlite3.IntegrityError`` when the slug is taken."""
    return await tx.insert(
        """INSERT INTO events (slug, title, description, starts_at, ends_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (slug, title, description, starts_at, ends_at, created_at),
    )


EVENT_COLUMNS = frozenset({"title", "description", "starts_at", "ends_at", "video_url", "agenda", "collecting"})


async def update_event(tx: Tx, event_id: int, fields: dict[str, Any]) -> None:
    """Set the given columns of the event (only those of ``EVENT_COLUMNS``)."""
    await update_columns(tx, "events", EVENT_COLUMNS, fields, ("id", event_id))


async def set_event_status(tx: Tx, event_id: int, status: str, *, stamp_column: str, at: str) -> None:
    """Move the event to ``status``, stamping ``opened_at`` or ``closed_at``."""
    assert stamp_column in ("opened_at", "closed_at")
    await tx.execute(
        f"UPDATE events SET status = ?, {stamp_column} = ? WHERE id = ?", (status, at, event_id)
    )


async def closing_heads(conn: Queryable, limit: int) -> list[Any]:
    """Closed events with the audit chain's head kept at their close, the latest closed first."""
    return await conn.fetchall(
        "SELECT id, slug, title, closed_at, audit_head_entry, audit_head_hash FROM events "
        "WHERE status = 'closed' AND audit_head_hash IS NOT NULL ORDER BY closed_at DESC, id DESC LIMIT ?",
        (limit,))


async def set_audit_head(tx: Tx, event_id: int, entry: int, digest: str) -> None:
    """Keep the audit chain's head as the event closed (shown with its transcript)."""
    await tx.execute("UPDATE events SET audit_head_entry = ?, audit_head_hash = ? WHERE id = ?",
                     (entry, digest, event_id))


async def set_event_people(tx: Tx, event_id: int, listing: str, staff_ids: Sequence[int]) -> None:
    """Replace the event's ``guest`` or ``moderator`` list, keeping the given order."""
    await tx.execute("DELETE FROM event_staff WHERE event_id = ? AND role = ?", (event_id, listing))
    for position, staff_id in enumerate(staff_ids):
        await tx.execute(
            "INSERT INTO event_staff (event_id, staff_id, role, position) VALUES (?, ?, ?, ?)",
            (event_id, staff_id, listing, position),
        )


async def people_of_every_event(conn: Queryable) -> list[Any]:
    """(slug, role, username) of every event's listed staff, in list order."""
    return await conn.fetchall(
        """SELECT e.slug, es.role, s.username FROM event_staff es
           JOIN events e ON e.id = es.event_id JOIN staff s ON s.id = es.staff_id
           ORDER BY es.event_id, es.role, es.position, s.id"""
    )


async def insert_host_message(tx: Tx, event_id: int, staff_id: int, text: str, at: str) -> int:
    return await tx.insert(
        "INSERT INTO host_messages (event_id, staff_id, text, at) VALUES (?, ?, ?, ?)",
        (event_id, staff_id, text, at),
    )


async def is_listed(conn: Queryable, event_id: int, staff_id: int, listing: str) -> bool:
    """Whether the staff member is on the event's list as ``listing`` (``moderator`` or ``guest``)."""
    row = await conn.fetchone(
        "SELECT 1 FROM event_staff WHERE event_id = ? AND staff_id = ? AND role = ?",
        (event_id, staff_id, listing),
    )
    return row is not None


async def event_people(conn: Queryable, event_id: int, role: str) -> list[Any]:
    return await conn.fetchall(
        """SELECT s.id, s.username, s.display_name, s.title, s.role, s.unit_id, u.name AS unit_name,
                  p.token AS photo
           FROM event_staff es JOIN staff s ON s.id = es.staff_id
           LEFT JOIN units u ON u.id = s.unit_id
           LEFT JOIN staff_photos p ON p.staff_id = s.id
           WHERE es.event_id = ? AND es.role = ? ORDER BY es.position, s.id""",
        (event_id, role),
    )


async def host_messages(conn: Queryable, event_id: int, limit: int | None = None, *,
                        oldest_first: bool = False) -> list[Any]:
    """The event's host messages, newest first (the latest ``limit``) unless ``oldest_first``."""
    order = "ASC" if oldest_first else "DESC"
    sql = f"""SELECT id, text, at FROM host_messages WHERE event_id = ? ORDER BY id {order}"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return await conn.fetchall(sql, (event_id,))


async def set_screen(tx: Tx, event_id: int, choice: str | None) -> None:
    """Store what the event's big screen shows (JSON text; ``None``: the question on air)."""
    await tx.execute("UPDATE events SET screen = ? WHERE id = ?", (choice, event_id))


async def host_message_by_id(conn: Queryable, event_id: int, message_id: int) -> Any:
    """One host message of the event, or ``None``."""
    return await conn.fetchone("SELECT id, text, at FROM host_messages WHERE event_id = ? AND id = ?",
                               (event_id, message_id))
