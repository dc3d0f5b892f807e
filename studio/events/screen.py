"""The big screen (大屏): what the desk chooses it shows, sent as ``screen.show`` on the public feed.

The screen shows one of three things: the question on air with its answer as
it is posted (the default), a host message, or one answered Q&A the desk
picked. The choice is stored on the event (so a screen that connects later, or
resumes, shows the same) and read back resolved to public content only.
"""

from __future__ import annotations

import json
from typing import Any

from moderation.lifecycle import EventStatus, Role, Status
from studio import channels
from studio.accounts.access import require_event_staff
from studio.accounts.directory import Staff
from studio.clock import Clock
from studio.errors import ApiError, invalid, whole_number
from studio.shapes import host_message, public_question
from studio.store import audit, events
from studio.store.database import Database, Queryable
from studio.store.questions import question_row

ON_AIR = "on_air"
MESSAGE = "message"
QUESTION = "question"
SHOWS = (ON_AIR, MESSAGE, QUESTION)
FRAME = "screen.show"
DEFAULT: dict[str, Any] = {"show": ON_AIR}


def stored_choice(row: Any) -> dict[str, Any]:
    """The event's stored choice (``{"show": ..., "id": ...}``); the on-air question when none."""
    text = row["screen"] if "screen" in row.keys() else None
    if not text:
        return dict(DEFAULT)
    try:
        choice = json.loads(text)
    except ValueError:
        return dict(DEFAULT)
    return choice if isinstance(choice, dict) and choice.get("show") in SHOWS else dict(DEFAULT)


async def screen_view(conn: Queryable, event: Any) -> dict[str, Any]:
    """What the screen shows now, as public content.

    Policy: a chosen Q&A shows only while it is an answered question of this
    event (taken back for review, it falls back to the on-air question); a
    chosen host message only while it exists. Nothing else is ever read.
    """
    choice = stored_choice(event)
    if choice["show"] == QUESTION:
        row = await question_row(conn, int(choice.get("id") or 0))
        if row is not None and row["event_id"] == event["id"] and row["status"] == Status.ANSWERED.value:
            return {"show": QUESTION, "question": public_question(row)}
    elif choice["show"] == MESSAGE:
        message = await events.host_message_by_id(conn, event["id"], int(choice.get("id") or 0))
        if message is not None:
            return {"show": MESSAGE, "message": host_message(message)}
    return dict(DEFAULT)


async def choose(db: Database, clock: Clock, staff: Staff, slug: str, body: dict[str, Any]) -> dict[str, Any]:
    """Set what the event's screen shows, from a moderator of the event or an admin.

    ``{"show": "on_air"}``, ``{"show": "message", "message": id}`` (a host
    message of the event) or ``{"show": "question", "question": id}`` (an
    answered question of the event). Refused on a closed event (409
    ``not_allowed``), for an unknown choice (400 ``invalid``) and for a message
    or question that is not there to show (404 ``not_found``). Viewers get a
    ``screen.show`` frame with ``seq`` and the view at its top level (so a
    chosen question sits under ``question``, where taking it back finds and
    rewrites it); the choice is audited.
    """
    show = body.get("show")
    if show not in SHOWS:
        raise invalid("show", "大屏可显示：on_air（正在回答）、message（主持人发言）或 question（一条已答问题）")
    async with db.write() as tx:
        row = await events.event_row(tx, slug)
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        await require_event_staff(tx, row["id"], staff, Role.ADMIN, Role.MODERATOR,
                                  refusal="只有管理员或本场审核员可以操作")
        if row["status"] == EventStatus.CLOSED.value:
            raise ApiError("not_allowed", "访谈已结束")
        choice: dict[str, Any] = {"show": show}
        if show != ON_AIR:
            choice["id"] = whole_number(body.get(show), show, "请指定要显示的内容")
        await events.set_screen(tx, row["id"], json.dumps(choice))
        view = await screen_view(tx, {**dict(row), "screen": json.dumps(choice)})
        if view["show"] != show:
            raise ApiError("not_found", "没有这条主持人发言" if show == MESSAGE else "只能显示本场已回答的问题")
        now = clock.stamp()
        await audit.record(tx, at=now, actor=staff.username, role=staff.role.value, action=FRAME,
                           event_id=row["id"], question_id=choice.get("id") if show == QUESTION else None,
                           after_text=show)
        await tx.emit(row["id"], channels.public(row["id"]), {"type": FRAME, **view}, now)
        return view
