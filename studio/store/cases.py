"""Board cases and posts: the rows, their public timeline, replies, routes, extensions and ratings.

Every case and post is inserted by :func:`insert_case` (archived questions,
direct submissions, imported records), every reply by :func:`insert_reply`
and every timeline line by :func:`add_timeline`, so the defaults of a new row
are written down once. The board's services decide; the functions here only
read and write rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studio.store.database import Queryable, Tx

CASE_SELECT = """
    SELECT c.*, u.name AS unit_name, e.slug AS event_slug, e.title AS event_title
    FROM cases c LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN events e ON e.id = c.event_id
"""
STAFF_ORDER = " ORDER BY c.due_at IS NULL, c.due_at, c.id"
"""Staff lists: the nearest deadline first, cases without one last."""


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" for _ in values)


# Writing cases.


async def insert_case(
    tx: Tx,
    *,
    kind: str,
    origin: str,
    title: str,
    text: str,
    created_at: str,
    status: str = "open",
    stage: str | None = None,
    nickname: str = "",
    unit_id: int | None = None,
    hard: bool = False,
    event_id: int | None = None,
    question_id: int | None = None,
    rating_code: str | None = None,
    due_at: str | None = None,
    replied_at: str | None = None,
    submission_id: int | None = None,
    category_id: int | None = None,
    source_key: str | None = None,
) -> int:
    """A new case (``kind='case'``) or post (``kind='post'``); its id.

    ``origin`` is ``event``, ``direct`` or ``import``. A ``stage`` of ``None``
    is derived by the store (trigger ``cases_default_stage``): ``replied`` for a
    replied row, else ``routing`` without a unit and ``assigned`` with one.
    The search index picks the row up through its triggers.
    """
    return await tx.insert(
        """INSERT INTO cases (kind, origin, status, stage, title, text, nickname, unit_id, hard,
           event_id, question_id, rating_code, created_at, due_at, replied_at, submission_id,
           category_id, source_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (kind, origin, status, stage, title, text, nickname, unit_id, int(hard), event_id,
         question_id, rating_code, created_at, due_at, replied_at, submission_id, category_id,
         source_key),
    )


async def add_timeline(tx: Tx, case_id: int, kind: str, text: str, at: str) -> None:
    """One line of the case's public timeline."""
    await tx.execute(
        "INSERT INTO case_timeline (case_id, kind, text, at) VALUES (?, ?, ?, ?)",
        (case_id, kind, text, at),
    )


async def set_routed(tx: Tx, case_id: int, *, unit_id: int, hard: bool, routed_at: str,
                     due_at: str) -> None:
    """The case is assigned to ``unit_id`` with a fresh deadline (and is open again)."""
    await tx.execute(
        """UPDATE cases SET unit_id = ?, hard = ?, stage = 'assigned', status = 'open',
           routed_at = ?, accepted_at = NULL, due_at = ? WHERE id = ?""",
        (unit_id, int(hard), routed_at, due_at, case_id),
    )


async def set_accepted(tx: Tx, case_id: int, stage: str, at: str) -> None:
    await tx.execute("UPDATE cases SET stage = ?, accepted_at = ? WHERE id = ?", (stage, at, case_id))


async def set_replied(tx: Tx, case_id: int, *, stage: str, status: str, at: str) -> None:
    await tx.execute(
        "UPDATE cases SET stage = ?, status = ?, replied_at = ? WHERE id = ?",
        (stage, status, at, case_id),
    )


async def mark_replied(tx: Tx, case_id: int, at: str) -> None:
    """An imported reply at ``at``: the case is replied, ``replied_at`` the latest reply's time.

    The row is only written when something changes, since each update of a
    case re-indexes it.
    """
    await tx.execute(
        """UPDATE cases SET status = 'replied', replied_at = MAX(COALESCE(replied_at, ''), ?)
           WHERE id = ? AND (status != 'replied' OR replied_at IS NULL OR replied_at < ?)""",
        (at, case_id, at),
    )


async def set_due(tx: Tx, case_id: int, due_at: str) -> None:
    await tx.execute("UPDATE cases SET due_at = ? WHERE id = ?", (due_at, case_id))


async def set_returned(tx: Tx, case_id: int) -> None:
    """Sent back by its unit: the case waits for routing again, without unit or deadline."""
    await tx.execute(
        """UPDATE cases SET unit_id = NULL, stage = 'routing', status = 'open', due_at = NULL,
           routed_at = NULL, accepted_at = NULL WHERE id = ?""",
        (case_id,),
    )


async def set_reopened(tx: Tx, case_id: int, due_at: str) -> None:
    """A new round for the same unit, open until ``due_at``."""
    await tx.execute(
        "UPDATE cases SET stage = 'reopened', status = 'open', round = round + 1, due_at = ? "
        "WHERE id = ?",
        (due_at, case_id),
    )


async def set_closed(tx: Tx, case_id: int) -> None:
    await tx.execute("UPDATE cases SET stage = 'closed' WHERE id = ?", (case_id,))


# Replies, routes, extensions and ratings.


async def insert_reply(
    tx: Tx,
    case_id: int,
    *,
    author: str,
    text: str,
    at: str,
    unit_id: int | None = None,
    staff_id: int | None = None,
    live: bool = False,
    round: int = 1,
    due_at: str | None = None,
) -> None:
    """A reply to a case: ``live`` when given in an event, ``round`` and the ``due_at`` it answered."""
    await tx.execute(
        """INSERT INTO case_replies (case_id, unit_id, staff_id, author, text, live, at, round, due_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (case_id, unit_id, staff_id, author, text, int(live), at, round, due_at),
    )


async def has_reply(conn: Queryable, case_id: int, text: str) -> bool:
    """Whether the case already has a reply with exactly this text."""
    return await conn.fetchone(
        "SELECT 1 FROM case_replies WHERE case_id = ? AND text = ?", (case_id, text)
    ) is not None


async def last_routed_unit(conn: Queryable, case_id: int) -> int | None:
    """The unit the case's latest route went to (``None``: never routed, or sent back)."""
    row = await conn.fetchone(
        "SELECT to_unit_id FROM case_routes WHERE case_id = ? ORDER BY id DESC LIMIT 1", (case_id,)
    )
    return row["to_unit_id"] if row else None


async def insert_route(tx: Tx, case_id: int, *, kind: str, from_unit_id: int | None,
                       to_unit_id: int | None, actor: str, at: str, reason: str = "") -> None:
    """A line of the routing history: ``routed`` to a unit, or ``out_of_scope`` (sent back)."""
    await tx.execute(
        """INSERT INTO case_routes (case_id, kind, from_unit_id, to_unit_id, reason, actor, at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (case_id, kind, from_unit_id, to_unit_id, reason, actor, at),
    )


async def insert_extension(tx: Tx, case_id: int, *, days: int, reason: str, due_before: str,
                           due_after: str, actor: str, at: str) -> None:
    await tx.execute(
        """INSERT INTO case_extensions (case_id, days, reason, due_before, due_after, actor, at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (case_id, days, reason, due_before, due_after, actor, at),
    )


async def insert_rating(tx: Tx, case_id: int, *, round: int, unit_id: int | None, rating: str,
                        comment: str, at: str) -> None:
    await tx.execute(
        """INSERT INTO case_ratings (case_id, round, unit_id, rating, comment, at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (case_id, round, unit_id, rating, comment, at),
    )


# Reading one case.


async def case_row(conn: Queryable, case_id: Any) -> Any:
    """The case joined with its unit's name and its event's slug and title, or ``None``."""
    return await conn.fetchone(CASE_SELECT + " WHERE c.id = ?", (case_id,))


async def timeline_rows(conn: Queryable, case_id: int) -> list[Any]:
    """The public timeline as ``(kind, text, at)``, in time order."""
    return await conn.fetchall(
        "SELECT kind, text, at FROM case_timeline WHERE case_id = ? ORDER BY at, id", (case_id,)
    )


async def reply_rows(conn: Queryable, case_id: int) -> list[Any]:
    """The replies with their unit's name, in time order."""
    return await conn.fetchall(
        """SELECT r.author, r.text, r.live, r.at, r.unit_id, r.round, r.due_at, u.name AS unit_name
           FROM case_replies r LEFT JOIN units u ON u.id = r.unit_id
           WHERE r.case_id = ? ORDER BY r.at, r.id""",
        (case_id,),
    )


async def unit_reply_texts(conn: Queryable, unit_id: int, case_id: int, limit: int) -> list[str]:
    """The texts of the unit's latest ``limit`` board replies to cases other than ``case_id``."""
    rows = await conn.fetchall(
        """SELECT text FROM case_replies WHERE unit_id = ? AND case_id <> ? AND live = 0
           ORDER BY id DESC LIMIT ?""",
        (unit_id, case_id, limit),
    )
    return [row["text"] for row in rows]


async def extension_row(conn: Queryable, case_id: int) -> Any:
    """The case's extension (there is at most one), or ``None``."""
    return await conn.fetchone("SELECT * FROM case_extensions WHERE case_id = ?", (case_id,))


async def rating_rows(conn: Queryable, case_id: int) -> list[Any]:
    """The asker's ratings as ``(round, rating, comment, at)``, by round."""
    return await conn.fetchall(
        "SELECT round, rating, comment, at FROM case_ratings WHERE case_id = ? ORDER BY round",
        (case_id,),
    )


async def round_rated(conn: Queryable, case_id: int, round: int) -> bool:
    return await conn.fetchone(
        "SELECT 1 FROM case_ratings WHERE case_id = ? AND round = ?", (case_id, round)
    ) is not None


async def route_rows(conn: Queryable, case_id: int) -> list[Any]:
    """The routing history with unit names: ``(kind, reason, actor, at, from_name, to_name)``."""
    return await conn.fetchall(
        """SELECT r.kind, r.reason, r.actor, r.at, f.name AS from_name, t.name AS to_name
           FROM case_routes r LEFT JOIN units f ON f.id = r.from_unit_id
           LEFT JOIN units t ON t.id = r.to_unit_id WHERE r.case_id = ? ORDER BY r.id""",
        (case_id,),
    )


async def last_return(conn: Queryable, case_id: int) -> Any:
    """The case's latest sending back as ``(reason, unit_name)``, or ``None``."""
    return await conn.fetchone(
        """SELECT r.reason, u.name AS unit_name FROM case_routes r
           LEFT JOIN units u ON u.id = r.from_unit_id
           WHERE r.case_id = ? AND r.kind = 'out_of_scope' ORDER BY r.id DESC LIMIT 1""",
        (case_id,),
    )


async def case_origin(conn: Queryable, case_id: int) -> Any:
    """The case's ``(category_id, origin)``, or ``None``."""
    return await conn.fetchone("SELECT category_id, origin FROM cases WHERE id = ?", (case_id,))


async def case_by_source_key(conn: Queryable, source_key: str) -> Any:
    """The imported case of a source record as ``(id, status, unit_id)``, or ``None``."""
    return await conn.fetchone(
        "SELECT id, status, unit_id FROM cases WHERE source_key = ?", (source_key,)
    )


# Lists.


async def routing_rows(conn: Queryable) -> list[Any]:
    """Cases waiting for a unit, oldest first."""
    return await conn.fetchall(
        CASE_SELECT + " WHERE c.kind = 'case' AND c.stage = 'routing' ORDER BY c.id"
    )


async def unit_case_rows(conn: Queryable, unit_id: int) -> list[Any]:
    """A unit's cases, the nearest deadline first."""
    return await conn.fetchall(
        CASE_SELECT + " WHERE c.kind = 'case' AND c.unit_id = ?" + STAFF_ORDER, (unit_id,)
    )


async def overdue_rows(conn: Queryable, now: str, unit_id: int | None = None) -> list[Any]:
    """Open cases due before ``now`` (of one unit when given), the most overdue first."""
    sql = CASE_SELECT + " WHERE c.kind = 'case' AND c.status = 'open' AND c.due_at < ?"
    params: list[Any] = [now]
    if unit_id is not None:
        sql += " AND c.unit_id = ?"
        params.append(unit_id)
    return await conn.fetchall(sql + STAFF_ORDER, params)


async def extended_case_ids(conn: Queryable) -> set[int]:
    """Every case that has had its deadline extended."""
    return {row["case_id"] for row in await conn.fetchall("SELECT case_id FROM case_extensions")}


async def event_case_ids(conn: Queryable, event_id: int) -> dict[int, int]:
    """The cases and posts archived from an event's questions: case id by question id."""
    rows = await conn.fetchall(
        "SELECT id, question_id FROM cases WHERE event_id = ? AND question_id IS NOT NULL",
        (event_id,),
    )
    return {row["question_id"]: row["id"] for row in rows}


async def case_texts(conn: Queryable, after_id: int = 0) -> list[Any]:
    """``(id, title, text)`` of every case and post with an id above ``after_id``, by id."""
    return await conn.fetchall(
        "SELECT id, title, text FROM cases WHERE id > ? ORDER BY id", (after_id,)
    )


async def recently_replied(conn: Queryable, unit_id: int | None, limit: int) -> list[Any]:
    """The ``limit`` most recently replied cases (of one unit when given), newest first."""
    where, params = "c.status = 'replied' AND c.replied_at IS NOT NULL AND c.withdrawn_at IS NULL", []
    if unit_id is not None:
        where += " AND c.unit_id = ?"
        params.append(unit_id)
    return await conn.fetchall(
        f"""SELECT c.id, c.title, c.text, c.created_at, c.replied_at, u.name AS unit_name
            FROM cases c LEFT JOIN units u ON u.id = c.unit_id
            WHERE {where} ORDER BY c.replied_at DESC, c.id DESC LIMIT {int(limit)}""",
        params,
    )


async def replies_of(conn: Queryable, case_ids: Sequence[int]) -> list[Any]:
    """``(case_id, author, text, at)`` of every reply to those cases, in time order."""
    if not case_ids:
        return []
    return await conn.fetchall(
        f"SELECT case_id, author, text, at FROM case_replies WHERE case_id IN ({_marks(case_ids)}) "
        "ORDER BY at, id", list(case_ids),
    )


async def withdraw_case(tx: Tx, case_id: int, at: str) -> None:
    """Take a case off the public board while its question is reviewed again: marked withdrawn and
    taken out of the search index (public lists, pages and feeds skip withdrawn cases)."""
    await tx.execute("UPDATE cases SET withdrawn_at = ? WHERE id = ?", (at, case_id))
    await tx.execute(
        """INSERT INTO case_fts (case_fts, rowid, title, body, tags)
           SELECT 'delete', sort_key, search_tokens(title), search_tokens(body), tags
           FROM case_search_docs WHERE case_id = ?""", (case_id,))
    await tx.execute("DELETE FROM case_search_docs WHERE case_id = ?", (case_id,))


async def set_case_text(tx: Tx, case_id: int, *, title: str, text: str) -> None:
    """The case's public title and text (from its question's public text); it is public again
    and indexed anew (the search triggers fire on the text)."""
    await tx.execute("UPDATE cases SET title = ?, text = ?, withdrawn_at = NULL WHERE id = ?",
                     (title, text, case_id))


async def set_live_reply(tx: Tx, case_id: int, text: str) -> None:
    """The corrected text of the live answer a post carries as its reply."""
    await tx.execute("UPDATE case_replies SET text = ? WHERE case_id = ? AND live = 1", (text, case_id))
