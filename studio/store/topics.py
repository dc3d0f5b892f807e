"""The messages hot topics are found among: public live questions and board cases.

Only what the public may read: questions in a public state (their public
text), and board cases that did not come from a question (those are counted
as their question) and are not withdrawn.
"""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable

QUESTIONS_SQL = """
    SELECT q.id, q.public_text AS text, q.votes, q.asked_at AS at, u.name AS unit_name,
           e.slug AS event_slug, e.title AS event_title
    FROM questions q JOIN events e ON e.id = q.event_id LEFT JOIN units u ON u.id = q.unit_id
    WHERE q.status IN ('approved', 'on_air', 'answered', 'transferred') AND q.public_text IS NOT NULL
"""
CASES_SQL = """
    SELECT c.id, c.title, c.text, c.created_at AS at, c.supports, u.name AS unit_name
    FROM cases c LEFT JOIN units u ON u.id = c.unit_id
    WHERE c.kind = 'case' AND c.question_id IS NULL AND c.withdrawn_at IS NULL
      AND c.created_at >= ? AND c.created_at < ?
"""


async def week_questions(conn: Queryable, start: str, end: str) -> list[Any]:
    """Public questions asked in ``[start, end)``, with their +1s, unit and event."""
    return await conn.fetchall(QUESTIONS_SQL + " AND q.asked_at >= ? AND q.asked_at < ? ORDER BY q.id",
                               (start, end))


async def event_questions(conn: Queryable, event_id: int) -> list[Any]:
    """An event's public questions, with their +1s, unit and event."""
    return await conn.fetchall(QUESTIONS_SQL + " AND q.event_id = ? ORDER BY q.id", (event_id,))


async def week_cases(conn: Queryable, start: str, end: str) -> list[Any]:
    """Public board cases (not from a question) received in ``[start, end)``, with their 同问."""
    return await conn.fetchall(CASES_SQL + " ORDER BY c.id", (start, end))
