"""The moderation desk's reads of an event's questions: a bulk selection, and what screening compares.

Screening keeps a duplicate index per event and tops it up by question id; it
also compares a new question with the same client's latest ones (flood).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from studio.store.database import Queryable

CLIENT_COLUMNS = ("viewer_key", "address")


async def question_ids_in_event(conn: Queryable, event_id: int, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` that are questions of the event."""
    wanted = list(ids)
    if not wanted:
        return set()
    marks = ",".join("?" for _ in wanted)
    rows = await conn.fetchall(
        f"SELECT id FROM questions WHERE event_id = ? AND id IN ({marks})", (event_id, *wanted)
    )
    return {row["id"] for row in rows}


async def questions_after(conn: Queryable, event_id: int, after_id: int) -> list[Any]:
    """The event's questions with an id above ``after_id`` as ``(id, original_text, status)``, by id."""
    return await conn.fetchall(
        "SELECT id, original_text, status FROM questions WHERE event_id = ? AND id > ? ORDER BY id",
        (event_id, after_id),
    )


async def removed_since(conn: Queryable, event_id: int, since: str) -> list[Any]:
    """The event's questions rejected or merged at or after ``since``, as ``(id, handled_at)``."""
    return await conn.fetchall(
        "SELECT id, handled_at FROM questions WHERE event_id = ? AND status IN ('rejected', 'merged') "
        "AND handled_at >= ?",
        (event_id, since),
    )


async def client_texts(conn: Queryable, event_id: int, column: str, key: str, limit: int) -> list[str]:
    """The latest ``limit`` texts a client asked in the event, newest first.

    The client is known by ``column`` (``viewer_key`` or ``address``) equal to ``key``.
    """
    if column not in CLIENT_COLUMNS:
        raise ValueError(f"not a client column: {column}")
    rows = await conn.fetchall(
        f"SELECT original_text FROM questions WHERE event_id = ? AND {column} = ? "
        "ORDER BY id DESC LIMIT ?",
        (event_id, key, limit),
    )
    return [row["original_text"] for row in rows]
