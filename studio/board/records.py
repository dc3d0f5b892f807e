"""The permanent board (留言板): posts from answered Q&As, cases routed to units.

A *post* is a question answered live: public, already replied. A *case* is a
question that must still be answered by its unit within a deadline counted in
working days (3, or 5 when marked hard). Both keep a public timeline.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from studio.board import categories
from studio.board.life import RATING_LABELS, Rating, Rules, Stage, deadline
from studio.clock import Clock
from studio.desk import photos as message_photos
from studio.notify import notices
from studio.shapes import DEFAULT_NICKNAME, unit_ref
from studio.store import calendar as calendar_days
from studio.store import cases, duty, meta, supports
from studio.store.database import Queryable, Tx
from studio.store.staff import staff_by_id
from studio.store.units import unit_by_id

RULE_KEYS = {
    "board.ordinary_days": "ordinary_days",
    "board.hard_days": "hard_days",
    "board.extension_days": "extension_days",
}
TITLE_CHARS = 30


def title_of(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= TITLE_CHARS else first_line[:TITLE_CHARS] + "…"


async def calendar(tx: Queryable) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays and make-up working days from the admin-edited calendar."""
    rows = await calendar_days.day_rows(tx)
    holidays = frozenset(date.fromisoformat(row["day"]) for row in rows if row["kind"] == "holiday")
    workdays = frozenset(date.fromisoformat(row["day"]) for row in rows if row["kind"] == "workday")
    return holidays, workdays


async def rules(conn: Queryable) -> Rules:
    """The deadline rules the server was started with (kept in ``meta`` by the runtime)."""
    stored = await meta.values_of(conn, RULE_KEYS)
    return Rules(**{RULE_KEYS[key]: int(value) for key, value in stored.items()})


async def store_rules(tx: Tx, configured: Rules) -> None:
    """Keep the configured deadline rules where every write reads them."""
    for key, name in RULE_KEYS.items():
        await meta.put_value(tx, key, str(getattr(configured, name)))


async def deadline_from(tx: Queryable, start: datetime, hard: bool) -> datetime:
    """The deadline of a round that starts at ``start`` under the calendar and rules in the store."""
    holidays, workdays = await calendar(tx)
    return deadline(start, hard, await rules(tx), holidays, workdays)


async def open_case_from_question(
    tx: Tx, question: Any, event: Any, *, unit_id: int | None, hard: bool, clock: Clock
) -> int:
    """Turn an approved, unanswered question into a case for ``unit_id`` (or the routing queue).

    The timeline starts with the question's own times: received (asked),
    screened (approved by a moderator), then routed to the unit now, with the
    deadline counted from now; without a unit the case waits in the routing queue.
    The question's +1s (its supporters and merged askers) become the case's 同问.
    """
    now = clock.now()
    stamp = now.isoformat()
    text = question["public_text"]
    case_id = await cases.insert_case(
        tx, kind="case", origin="event", stage=Stage.ROUTING.value, title=title_of(text), text=text,
        nickname=question["nickname"], hard=hard, event_id=event["id"], question_id=question["id"],
        rating_code=question["rating_code"], created_at=stamp,
    )
    await cases.add_timeline(tx, case_id, "received", f"网友在在线访谈《{event['title']}》中提问",
                             question["asked_at"] or stamp)
    await cases.add_timeline(tx, case_id, "screened", "审核通过，公开",
                             question["published_at"] or stamp)
    await cases.add_timeline(tx, case_id, "transferred", "访谈中未能现场回答，转入留言板办理", stamp)
    if unit_id is not None:
        await route_case(tx, case_id, unit_id, hard, now, actor="system")
    else:
        await cases.add_timeline(tx, case_id, "routing", "等待分派办理单位", stamp)
    await notices.queue(tx, notices.CaseOpened(case_id), stamp)
    await supports.copy_question_votes(tx, question["id"], case_id)
    return case_id


async def route_case(tx: Tx, case_id: int, unit_id: int, hard: bool, now: datetime,
                     *, actor: str) -> str:
    """Route a case to ``unit_id``: stage assigned, a fresh deadline from now; the timeline says so."""
    stamp = now.isoformat()
    due = (await deadline_from(tx, now, hard)).isoformat()
    await cases.set_routed(tx, case_id, unit_id=unit_id, hard=hard, routed_at=stamp, due_at=due)
    await cases.insert_route(tx, case_id, kind="routed",
                             from_unit_id=await cases.last_routed_unit(tx, case_id),
                             to_unit_id=unit_id, actor=actor, at=stamp)
    unit = await unit_by_id(tx, unit_id)
    days = (await rules(tx)).days(hard)
    on_duty = "，当日轮值单位" if await duty.on_duty(tx, now.date().isoformat(), unit_id) else ""
    await cases.add_timeline(
        tx, case_id, "routed",
        f"转交{unit['name']}办理{on_duty}，办理时限 {days} 个工作日{'（疑难）' if hard else ''}", stamp)
    return due


async def post_from_answer(tx: Tx, question: Any, event: Any, clock: Clock) -> int:
    """Archive a question answered live as a public post with the live answer as its reply."""
    stamp = clock.stamp()
    official = await staff_by_id(tx, question["answered_by"])
    unit_id = question["unit_id"] or (official["unit_id"] if official else None)
    text = question["public_text"]
    case_id = await cases.insert_case(
        tx, kind="post", origin="event", status="replied", stage=Stage.REPLIED.value,
        title=title_of(text), text=text, nickname=question["nickname"], unit_id=unit_id,
        event_id=event["id"], question_id=question["id"], rating_code=question["rating_code"],
        created_at=question["asked_at"], replied_at=question["answered_at"],
    )
    author = official["display_name"] if official else "嘉宾"
    if official and official["title"]:
        author = f"{official['title']} {author}"
    await cases.insert_reply(tx, case_id, unit_id=unit_id, staff_id=question["answered_by"],
                             author=author, text=question["answer_text"], live=True,
                             at=question["answered_at"])
    await cases.add_timeline(tx, case_id, "received", f"在线访谈《{event['title']}》网友提问",
                             question["asked_at"])
    await cases.add_timeline(tx, case_id, "replied", f"{author}在访谈中现场回答",
                             question["answered_at"])
    await cases.add_timeline(tx, case_id, "archived", "访谈结束，归档至留言板", stamp)
    return case_id


def case_summary(row: Any, now: str) -> dict[str, Any]:
    overdue = row["status"] == "open" and row["due_at"] is not None and row["due_at"] < now
    return {
        "id": row["id"],
        "kind": row["kind"],
        "status": row["status"],
        "title": row["title"],
        "text": row["text"],
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "hard": bool(row["hard"]),
        "event": {"slug": row["event_slug"], "title": row["event_title"]} if row["event_slug"] else None,
        "question_id": row["question_id"],
        "created_at": row["created_at"],
        "due_at": row["due_at"],
        "replied_at": row["replied_at"],
        "overdue": overdue,
        "stage": row["stage"],
        "round": row["round"],
        "routed_at": row["routed_at"],
        "accepted_at": row["accepted_at"],
        "supports": row["supports"],
    }


async def get_case(conn: Queryable, case_id: int, now: str) -> dict[str, Any] | None:
    row = await cases.case_row(conn, case_id)
    if row is None:
        return None
    case = case_summary(row, now)
    events = await cases.timeline_rows(conn, case_id)
    replies = await cases.reply_rows(conn, case_id)
    case["timeline"] = [{"kind": e["kind"], "text": e["text"], "at": e["at"]} for e in events]
    if case["overdue"]:
        case["timeline"].append({"kind": "overdue", "text": "已超过办理时限，尚未答复",
                                 "at": row["due_at"]})
    case["replies"] = [
        {
            "unit": unit_ref(r["unit_id"], r["unit_name"]),
            "author": r["author"],
            "text": r["text"],
            "live": bool(r["live"]),
            "round": r["round"],
            "at": r["at"],
        }
        for r in replies
    ]
    extension = await cases.extension_row(conn, case_id)
    case["extension"] = None if extension is None else {
        "days": extension["days"], "reason": extension["reason"],
        "due_before": extension["due_before"], "due_after": extension["due_after"],
        "at": extension["at"],
    }
    ratings = await cases.rating_rows(conn, case_id)
    case["ratings"] = [
        {"round": r["round"], "rating": r["rating"], "label": RATING_LABELS[Rating(r["rating"])],
         "at": r["at"]}
        for r in ratings
    ]
    case["rating_open"] = row["kind"] == "case" and row["stage"] == Stage.REPLIED.value
    return case


async def _extras(conn: Queryable, case: dict[str, Any]) -> dict[str, Any]:
    """What search adds to a case's detail: its category path, origin and transcript anchor."""
    row = await cases.case_origin(conn, case["id"])
    path = await categories.path_of(conn, row["category_id"] if row else None)
    transcript = None
    if case.get("event") and case.get("kind") == "post" and case.get("question_id"):
        transcript = f"/events/{case['event']['slug']}#q-{case['question_id']}"
    return {
        "category": {"id": path[-1]["id"], "name": path[-1]["name"],
                     "path": "/".join(p["name"] for p in path)} if path else None,
        "origin": row["origin"] if row else None,
        "transcript_url": transcript,
    }



async def public_case(conn: Queryable, case_id: int, now: str) -> dict[str, Any] | None:
    """A case as its public page and ``GET /api/board/cases/{id}`` show it: the record with its
    timeline, replies, extension and ratings, plus its category path, origin and transcript link.
    ``None`` for a case withdrawn for review (its question was unpublished)."""
    row = await cases.case_row(conn, case_id)
    if row is None or row["withdrawn_at"]:
        return None
    case = await get_case(conn, case_id, now)
    if case is not None:
        case.update(await _extras(conn, case))
        case["photos"] = await message_photos.case_photos(conn, row)
    return case
