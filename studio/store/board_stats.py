"""The facts the board's statistics and weekly ranking are computed from.

Board cases routed in a window, each with its unit, deadline, status, 同问 count and first
reply of the first round by that unit; the asker's ratings of those cases; the
open cases past their deadline per unit. The arithmetic is
:mod:`studio.board.stats` (pure).
"""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable

FACTS_SQL = """
    SELECT c.id, c.unit_id, c.routed_at, c.due_at, c.status, c.supports, c.title, c.text,
           (SELECT r.at FROM case_replies r WHERE r.case_id = c.id AND r.live = 0 AND r.round = 1
              AND r.unit_id = c.unit_id ORDER BY r.at, r.id LIMIT 1) AS first_reply_at,
           (SELECT r.due_at FROM case_replies r WHERE r.case_id = c.id AND r.live = 0 AND r.round = 1
              AND r.unit_id = c.unit_id ORDER BY r.at, r.id LIMIT 1) AS first_reply_due,
           (SELECT r.text FROM case_replies r WHERE r.case_id = c.id AND r.live = 0 AND r.round = 1
              AND r.unit_id = c.unit_id ORDER BY r.at, r.id LIMIT 1) AS first_reply_text
    FROM cases c
    WHERE c.kind = 'case' AND c.unit_id IS NOT NULL AND c.routed_at IS NOT NULL
      AND c.routed_at >= ? AND c.routed_at < ?
"""

# Posts (answered live) are never open, so every open case is a board case.
OVERDUE_SQL = """
    SELECT unit_id, COUNT(*) AS n FROM cases
    WHERE status = 'open' AND due_at < ? AND unit_id IS NOT NULL
    GROUP BY unit_id
"""


async def routed_cases(conn: Queryable, start: str, end: str) -> list[Any]:
    """Board cases routed in ``[start, end)`` as ``(id, unit_id, routed_at, due_at, status,
    supports, title, text, first_reply_at, first_reply_due, first_reply_text)``: the first reply
    of round 1 by the case's unit."""
    return await conn.fetchall(FACTS_SQL, (start, end))


async def ratings_by_case(conn: Queryable, start: str, end: str) -> dict[int, list[str]]:
    """The ratings of the cases routed in ``[start, end)`` given while with their current unit,
    by case, in round order."""
    ratings: dict[int, list[str]] = {}
    for row in await conn.fetchall(
        """SELECT r.case_id, r.rating FROM case_ratings r JOIN cases c ON c.id = r.case_id
           WHERE r.unit_id = c.unit_id AND c.routed_at >= ? AND c.routed_at < ?
           ORDER BY r.case_id, r.round""", (start, end)
    ):
        ratings.setdefault(row["case_id"], []).append(row["rating"])
    return ratings


async def open_overdue_by_unit(conn: Queryable, now: str) -> dict[int, int]:
    """How many open cases each unit has past their deadline at ``now``."""
    return {row["unit_id"]: row["n"] for row in await conn.fetchall(OVERDUE_SQL, (now,))}
