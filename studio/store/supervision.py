"""Supervision (督办) rows: urging notices sent to a unit on a case, and follow-up calls and meetings.

The board's supervision service (:mod:`studio.board.supervision`) decides; the
functions here only read and write rows.
"""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx

FIRST_REPLY_AFTER = """(SELECT MIN(r.at) FROM case_replies r
    WHERE r.case_id = g.case_id AND r.unit_id = g.unit_id AND r.id > g.after_reply)"""
"""The time of the unit's first reply to the case after the urging ``g`` (``NULL`` while it has not
replied): replies written after it, by id, since times are kept only to the second."""


async def last_reply_id(conn: Queryable, case_id: int) -> int:
    """The id of the case's latest reply (0 without one)."""
    row = await conn.fetchone("SELECT MAX(id) AS id FROM case_replies WHERE case_id = ?", (case_id,))
    return int(row["id"] or 0) if row else 0


async def insert_urging(tx: Tx, case_id: int, *, unit_id: int, text: str, actor: str, at: str) -> int:
    """One urging notice, remembering the case's latest reply so far; its id."""
    return await tx.insert(
        """INSERT INTO case_urgings (case_id, unit_id, text, after_reply, actor, at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (case_id, unit_id, text, await last_reply_id(tx, case_id), actor, at),
    )


async def insert_followup(tx: Tx, case_id: int, *, unit_id: int | None, kind: str, outcome: str,
                          actor: str, at: str) -> int:
    """One follow-up call or meeting with its outcome; its id."""
    return await tx.insert(
        """INSERT INTO case_followups (case_id, unit_id, kind, outcome, actor, at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (case_id, unit_id, kind, outcome, actor, at),
    )


async def urging_count(conn: Queryable, case_id: int) -> int:
    """How many urgings the case has had (over all its units)."""
    row = await conn.fetchone("SELECT COUNT(*) AS n FROM case_urgings WHERE case_id = ?", (case_id,))
    return int(row["n"]) if row else 0


async def urging_rows(conn: Queryable, case_id: int) -> list[Any]:
    """A case's urgings in order, each with its unit's name and the unit's first reply after it."""
    return await conn.fetchall(
        f"""SELECT g.id, g.case_id, g.unit_id, u.name AS unit_name, g.text, g.actor, g.at,
                   {FIRST_REPLY_AFTER} AS replied_at
            FROM case_urgings g LEFT JOIN units u ON u.id = g.unit_id
            WHERE g.case_id = ? ORDER BY g.at, g.id""",
        (case_id,),
    )


async def followup_rows(conn: Queryable, case_id: int) -> list[Any]:
    """A case's follow-ups in order, each with its unit's name."""
    return await conn.fetchall(
        """SELECT f.id, f.kind, f.outcome, f.actor, f.at, f.unit_id, u.name AS unit_name
           FROM case_followups f LEFT JOIN units u ON u.id = f.unit_id
           WHERE f.case_id = ? ORDER BY f.at, f.id""",
        (case_id,),
    )


async def console_rows(conn: Queryable, now: str) -> list[Any]:
    """Cases on the supervision console: open past their deadline, or rated 不满意 at least once
    (withdrawn cases aside), with ``unsatisfied`` (how many 不满意 ratings), the most overdue first."""
    return await conn.fetchall(
        """SELECT c.*, u.name AS unit_name, e.slug AS event_slug, e.title AS event_title,
                  (SELECT COUNT(*) FROM case_ratings r WHERE r.case_id = c.id
                   AND r.rating = 'unsatisfied') AS unsatisfied
           FROM cases c LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN events e ON e.id = c.event_id
           WHERE c.kind = 'case' AND c.withdrawn_at IS NULL
              AND ((c.status = 'open' AND c.due_at < ?)
                   OR EXISTS (SELECT 1 FROM case_ratings r WHERE r.case_id = c.id
                              AND r.rating = 'unsatisfied'))
              ORDER BY c.status = 'open' AND c.due_at < ? DESC, c.due_at, c.id""",
        (now, now),
    )


async def urging_summaries(conn: Queryable) -> dict[int, Any]:
    """Per case: how many urgings, the latest one's time, and whether the latest still waits for the
    unit's reply (``waiting``)."""
    rows = await conn.fetchall(
        f"""SELECT g.case_id, COUNT(*) AS urgings, MAX(g.at) AS last_at,
                   (SELECT {FIRST_REPLY_AFTER.replace("g.", "l.")} FROM case_urgings l
                    WHERE l.case_id = g.case_id ORDER BY l.at DESC, l.id DESC LIMIT 1) AS last_replied_at
            FROM case_urgings g GROUP BY g.case_id"""
    )
    return {row["case_id"]: row for row in rows}


async def followup_counts(conn: Queryable) -> dict[int, int]:
    """How many follow-ups each case has had, by case id (cases without one left out)."""
    rows = await conn.fetchall("SELECT case_id, COUNT(*) AS n FROM case_followups GROUP BY case_id")
    return {row["case_id"]: int(row["n"]) for row in rows}


async def waiting_urgings(conn: Queryable, unit_id: int) -> list[Any]:
    """The unit's urged cases whose latest urging to the unit it has not replied to since, with that
    urging's text and time and the number of urgings the unit had on the case."""
    return await conn.fetchall(
        f"""SELECT g.case_id, g.text, g.at, g.actor, c.title, c.status, c.due_at,
                   (SELECT COUNT(*) FROM case_urgings n WHERE n.case_id = g.case_id
                    AND n.unit_id = g.unit_id) AS urgings
            FROM case_urgings g JOIN cases c ON c.id = g.case_id
            WHERE g.unit_id = ? AND c.unit_id = g.unit_id AND c.withdrawn_at IS NULL
              AND g.id = (SELECT l.id FROM case_urgings l WHERE l.case_id = g.case_id
                          AND l.unit_id = g.unit_id ORDER BY l.at DESC, l.id DESC LIMIT 1)
              AND {FIRST_REPLY_AFTER} IS NULL
            ORDER BY g.at, g.id""",
        (unit_id,),
    )


async def urgings_between(conn: Queryable, start: str, end: str) -> list[Any]:
    """Urgings sent in ``[start, end)`` with their case's state and the unit's first reply after."""
    return await conn.fetchall(
        f"""SELECT g.id, g.case_id, g.unit_id, g.at, c.title, c.status, c.due_at,
                   {FIRST_REPLY_AFTER} AS replied_at
            FROM case_urgings g JOIN cases c ON c.id = g.case_id
            WHERE g.at >= ? AND g.at < ? ORDER BY g.at, g.id""",
        (start, end),
    )


async def followups_between(conn: Queryable, start: str, end: str) -> list[Any]:
    """Follow-ups recorded in ``[start, end)``."""
    return await conn.fetchall(
        """SELECT f.case_id, f.unit_id, f.kind, f.outcome, f.at FROM case_followups f
           WHERE f.at >= ? AND f.at < ? ORDER BY f.at, f.id""",
        (start, end),
    )
