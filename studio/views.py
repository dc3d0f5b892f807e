"""Read models: rows to the JSON shapes of docs/api.md.

Public shapes are built only from public columns (``public_text`` and never
``original_text``); questions reach them only in public states. Functions here
take any connection with ``fetchone``/``fetchall`` (a read or a write), so a
write can build the frames it publishes from the state it just wrote.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from moderation.lifecycle import PUBLIC_STATUSES, Status

DEFAULT_NICKNAME = "网友"


class Queryable(Protocol):
    async def fetchone(self, sql: str, params: Any = ()) -> Any: ...

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...


QUESTION_SELECT = """
    SELECT q.*, u.name AS unit_name,
           s.display_name AS answer_name, s.title AS answer_title,
           su.id AS answer_unit_id, su.name AS answer_unit_name
    FROM questions q
    LEFT JOIN units u ON u.id = q.unit_id
    LEFT JOIN staff s ON s.id = q.answered_by
    LEFT JOIN units su ON su.id = s.unit_id
"""


def unit_ref(unit_id: int | None, name: str | None) -> dict[str, Any] | None:
    return {"id": unit_id, "name": name} if unit_id is not None else None


def answer_of(row: Any) -> dict[str, Any] | None:
    if row["answer_text"] is None:
        return None
    return {
        "text": row["answer_text"],
        "by": {
            "name": row["answer_name"],
            "title": row["answer_title"] or "",
            "unit": unit_ref(row["answer_unit_id"], row["answer_unit_name"]),
        },
        "at": row["answered_at"],
    }


def public_question(row: Any) -> dict[str, Any]:
    """The audience's view of a question; refuses questions that are not public."""
    if Status(row["status"]) not in PUBLIC_STATUSES:
        raise ValueError(f"question {row['id']} is not public")
    return {
        "id": row["id"],
        "status": row["status"],
        "text": row["public_text"],
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "votes": row["votes"],
        "asked_at": row["asked_at"],
        "published_at": row["published_at"],
        "answer": answer_of(row),
    }


def staff_question(row: Any, moderation: bool = True) -> dict[str, Any]:
    """The staff console's view: original text, flags and who handled it last.

    Without ``moderation`` (an official's console) the original text and the
    screening flags are left out: officials work from the public text.
    """
    handled = None
    if row["handled_by"]:
        handled = {"by": row["handled_by"], "action": row["handled_action"], "at": row["handled_at"]}
    return {
        "id": row["id"],
        "status": row["status"],
        "version": row["version"],
        "text": row["public_text"] if row["public_text"] is not None else row["original_text"],
        "original_text": row["original_text"] if moderation else None,
        "flags": json.loads(row["flags"]) if moderation else [],
        "priority": row["priority"] if moderation else 0,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "votes": row["votes"],
        "asked_at": row["asked_at"],
        "reason": row["reason"],
        "merged_into": row["merged_into"],
        "hard": bool(row["hard"]),
        "answer": answer_of(row),
        "case_id": row["case_id"],
        "handled": handled,
    }


async def question_row(conn: Queryable, question_id: int) -> Any:
    return await conn.fetchone(QUESTION_SELECT + " WHERE q.id = ?", (question_id,))


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


async def public_event(conn: Queryable, row: Any) -> dict[str, Any]:
    guests = await event_people(conn, row["id"], "guest")
    units: dict[int, dict[str, Any]] = {}
    for guest in guests:
        if guest["unit_id"] is not None:
            units.setdefault(guest["unit_id"], {"id": guest["unit_id"], "name": guest["unit_name"]})
    return {
        "slug": row["slug"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "starts_at": row["starts_at"],
        "ends_at": row["ends_at"],
        "opened_at": row["opened_at"],
        "closed_at": row["closed_at"],
        "accepting_questions": row["status"] in ("scheduled", "live"),
        "guests": [
            {
                "name": guest["display_name"],
                "title": guest["title"],
                "unit": unit_ref(guest["unit_id"], guest["unit_name"]),
            }
            for guest in guests
        ],
        "units": list(units.values()),
    }


async def event_questions(conn: Queryable, event_id: int, statuses: tuple[str, ...]) -> list[Any]:
    marks = ",".join("?" for _ in statuses)
    return await conn.fetchall(
        QUESTION_SELECT + f" WHERE q.event_id = ? AND q.status IN ({marks}) ORDER BY q.id",
        (event_id, *statuses),
    )


async def host_messages(conn: Queryable, event_id: int, limit: int | None = None) -> list[Any]:
    sql = """SELECT id, text, at FROM host_messages WHERE event_id = ? ORDER BY id DESC"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return await conn.fetchall(sql, (event_id,))


def host_message(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "text": row["text"], "author": "主持人", "at": row["at"]}


async def question_counts(conn: Queryable, event_id: int) -> dict[str, Any]:
    """The public figures of an event (docs/moderation.md, transparency).

    ``received`` every question asked; ``published`` (= ``approved``) those ever
    made public; ``pending`` still in review; ``merged``; ``rejected``, with
    ``rejected_by_reason`` in catalogue order.
    """
    rows = await conn.fetchall(
        "SELECT status, COUNT(*) AS n FROM questions WHERE event_id = ? GROUP BY status", (event_id,)
    )
    counts = {row["status"]: row["n"] for row in rows}
    published = sum(counts.get(status.value, 0) for status in PUBLIC_STATUSES)
    return {
        "received": sum(counts.values()),
        "published": published,
        "answered": counts.get(Status.ANSWERED.value, 0),
        "pending": counts.get(Status.PENDING.value, 0),
        "approved": published,
        "merged": counts.get(Status.MERGED.value, 0),
        "rejected": counts.get(Status.REJECTED.value, 0),
        "rejected_by_reason": await rejection_counts(conn, event_id),
    }


async def rejection_counts(conn: Queryable, event_id: int) -> list[dict[str, Any]]:
    """Rejected questions of an event per reason, in catalogue order, with the current wording."""
    rows = await conn.fetchall(
        """SELECT COALESCE(q.reason_code, '') AS code, r.text AS wording, r.position,
                  MIN(q.reason) AS given, COUNT(*) AS n
           FROM questions q LEFT JOIN reject_reasons r ON r.code = q.reason_code
           WHERE q.event_id = ? AND q.status = 'rejected'
           GROUP BY COALESCE(q.reason_code, ''), CASE WHEN q.reason_code IS NULL THEN q.reason END
           ORDER BY r.position IS NULL, r.position, n DESC""",
        (event_id,),
    )
    return [{"code": row["code"] or None, "reason": row["wording"] or row["given"] or "",
             "count": row["n"]} for row in rows]


async def snapshot(conn: Queryable, event: Any, viewers: int) -> dict[str, Any]:
    """The audience snapshot at the event's current ``seq`` (read in one transaction)."""
    rows = await event_questions(conn, event["id"], ("approved", "on_air", "answered"))
    on_air = [public_question(row) for row in rows if row["status"] == "on_air"]
    answered = sorted(
        (row for row in rows if row["status"] == "answered"),
        key=lambda row: row["answered_at"] or "",
        reverse=True,
    )
    published = sorted(
        (row for row in rows if row["status"] == "approved"),
        key=lambda row: (row["published_at"] or "", row["id"]),
        reverse=True,
    )
    messages = await host_messages(conn, event["id"], limit=50)
    stats = await question_counts(conn, event["id"])
    return {
        "type": "snapshot",
        "seq": event["seq"],
        "event": await public_event(conn, event),
        "on_air": on_air[0] if on_air else None,
        "answered": [public_question(row) for row in answered],
        "published": [public_question(row) for row in published],
        "messages": [host_message(row) for row in messages],
        "stats": {"viewers": viewers, **stats},
    }


async def tracking(conn: Queryable, code: str) -> dict[str, Any] | None:
    """An asker's view of their own question; a merged one follows its survivor."""
    row = await conn.fetchone(QUESTION_SELECT + " WHERE q.tracking_code = ?", (code,))
    if row is None:
        return None
    event = await conn.fetchone("SELECT slug, title FROM events WHERE id = ?", (row["event_id"],))
    timeline = await conn.fetchall(
        "SELECT status, at FROM question_timeline WHERE question_id = ? ORDER BY rowid",
        (row["id"],),
    )
    followed = row
    if row["status"] == Status.MERGED.value and row["merged_into"] is not None:
        followed = await question_row(conn, row["merged_into"]) or row
    status = Status(followed["status"])
    public = status in PUBLIC_STATUSES
    case = None
    if followed["case_id"] is not None:
        case_row = await conn.fetchone(
            """SELECT c.id, c.status, c.due_at, c.unit_id, u.name AS unit_name
               FROM cases c LEFT JOIN units u ON u.id = c.unit_id WHERE c.id = ?""",
            (followed["case_id"],),
        )
        if case_row is not None:
            case = {
                "id": case_row["id"],
                "status": case_row["status"],
                "due_at": case_row["due_at"],
                "unit": unit_ref(case_row["unit_id"], case_row["unit_name"]),
            }
    return {
        "tracking_code": code,
        "question_id": row["id"],
        "event": {"slug": event["slug"], "title": event["title"]},
        "status": row["status"],
        "followed_status": followed["status"],
        "text_public": followed["public_text"] if public else None,
        "reason": row["reason"] if row["status"] == Status.REJECTED.value else None,
        "merged_into": row["merged_into"],
        "timeline": [{"status": item["status"], "at": item["at"]} for item in timeline],
        "answer": answer_of(followed) if public else None,
        "case": case,
    }
