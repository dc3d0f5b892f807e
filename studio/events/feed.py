"""What the audience reads: the public event, the snapshot, an asker's tracking."""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import PUBLIC_STATUSES, EventStatus, Status, may_ask
from studio.board.support import asker_actions
from studio.events.screen import screen_view
from studio.photos import photo_path
from studio.shapes import answer_of, host_message, public_question, unit_ref
from studio.store.database import Queryable
from studio.store.events import event_by_id, event_people, host_messages
from studio.store.questions import (
    public_questions,
    question_by_tracking_code,
    question_case,
    question_counts,
    question_row,
    question_timeline,
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
        "accepting_questions": may_ask(EventStatus(row["status"]), bool(row["collecting"])),
        "collecting": bool(row["collecting"]),
        "guests": [
            {
                "name": guest["display_name"],
                "title": guest["title"],
                "unit": unit_ref(guest["unit_id"], guest["unit_name"]),
                "photo": photo_path(guest["photo"]),
            }
            for guest in guests
        ],
        "units": list(units.values()),
        "video_url": row["video_url"] or None,
        "agenda": [line for line in (row["agenda"] or "").split("\n") if line],
    }


async def snapshot(conn: Queryable, event: Any, viewers: int) -> dict[str, Any]:
    """The audience snapshot at the event's current ``seq`` (read in one transaction)."""
    rows = await public_questions(conn, event["id"])
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
        "screen": await screen_view(conn, event),
    }


async def tracking(conn: Queryable, code: str) -> dict[str, Any] | None:
    """An asker's view of their own question; a merged one follows its survivor. With a board
    case: its 同问 count and what the asker can do on it (``actions``)."""
    row = await question_by_tracking_code(conn, code)
    if row is None:
        return None
    event = await event_by_id(conn, row["event_id"])
    timeline = await question_timeline(conn, row["id"])
    followed = row
    if row["status"] == Status.MERGED.value and row["merged_into"] is not None:
        followed = await question_row(conn, row["merged_into"]) or row
    status = Status(followed["status"])
    public = status in PUBLIC_STATUSES
    case = None
    if followed["case_id"] is not None:
        case_row = await question_case(conn, followed["case_id"])
        if case_row is not None:
            case = {
                "id": case_row["id"],
                "kind": case_row["kind"],
                "status": case_row["status"],
                "stage": case_row["stage"],
                "due_at": case_row["due_at"],
                "unit": unit_ref(case_row["unit_id"], case_row["unit_name"]),
                "supports": case_row["supports"],
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
        "withdrawn": followed["status"] == Status.PENDING.value and bool(followed["unpublished_from"]),
        "retractable": row["status"] == Status.PENDING.value and not row["unpublished_from"],
        "timeline": [{"status": item["status"], "at": item["at"]} for item in timeline],
        "answer": answer_of(followed) if public else None,
        "case": case,
        # Withdrawing is the page's own button (``retractable``); the rest follow the case.
        "actions": asker_actions(case, retractable=False),
    }
