"""Events (在线访谈): scheduling, opening, closing with the archive, host messages."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from moderation.lifecycle import (
    Action,
    EventStatus,
    Refusal,
    Role,
    Status,
    decide,
    event_transition,
)
from studio import channels
from studio.accounts.access import LISTED_AS, event_actor, require_event_staff
from studio.accounts.directory import Staff, staff_ids
from studio.auditchain import Head
from studio.board import records
from studio.clock import Clock
from studio.errors import ApiError, invalid
from studio.events.feed import public_event
from studio.inputs import clean_text
from studio.shapes import host_message, public_question
from studio.store import audit, events, questions
from studio.store.database import Database, Queryable, Tx
from studio.store.staff import staff_by_username

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_HOST_MESSAGE = 1000
MAX_AGENDA = 2000
VIDEO_URL = re.compile(r"https?://[^\s\"'<>\\]+")
ARCHIVE = "archive"
"""How archiving is named in the audit log and as a question's last handling."""


def _video_url(value: Any) -> str:
    """An event's live-video address: empty, or an ``http(s)://`` URL (an HLS ``.m3u8`` stream, a
    video file or a partner player's page) without spaces, quotes or angle brackets."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 500 or not VIDEO_URL.fullmatch(value.strip()):
        raise invalid("video_url", "直播视频地址须为 http:// 或 https:// 开头的网址")
    return value.strip()


def _event_fields(body: dict[str, Any], clock: Clock, current: Any = None) -> dict[str, Any]:
    """Validate the event fields present in ``body``; all are required unless ``current`` is given."""
    fields: dict[str, Any] = {}
    if current is None or "title" in body:
        fields["title"] = clean_text(body.get("title"), "title", 100)
    if current is None or "description" in body:
        description = body.get("description") or ""
        if not isinstance(description, str) or len(description) > 5000:
            raise invalid("description", "简介不能超过 5000 字")
        fields["description"] = description.strip()
    for name in ("starts_at", "ends_at"):
        if current is None or name in body:
            try:
                fields[name] = clock.parse(str(body.get(name))).isoformat()
            except ValueError:
                raise invalid(name, "时间须为 ISO 8601 格式") from None
    if "video_url" in body:
        fields["video_url"] = _video_url(body["video_url"])
    if "collecting" in body:
        if not isinstance(body["collecting"], bool):
            raise invalid("collecting", "collecting 须为 true 或 false（开播前是否征集提问）")
        fields["collecting"] = int(body["collecting"])
    if "agenda" in body:
        agenda = body["agenda"] if body["agenda"] is not None else ""
        if isinstance(agenda, str) and not agenda.strip():
            fields["agenda"] = ""
        else:
            text = clean_text(agenda, "agenda", MAX_AGENDA)
            fields["agenda"] = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    starts = str(fields["starts_at"] if "starts_at" in fields else current["starts_at"])
    ends = str(fields["ends_at"] if "ends_at" in fields else current["ends_at"])
    if clock.parse(ends) <= clock.parse(starts):
        raise invalid("ends_at", "结束时间须晚于开始时间")
    return fields


async def create_event(db: Database, clock: Clock, staff: Staff, body: dict[str, Any]) -> dict[str, Any]:
    """Schedule an event with its guests (officials) and moderators."""
    slug = body.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise invalid("slug", "slug 须为 2–63 个小写字母、数字或连字符")
    fields = _event_fields(body, clock)
    now = clock.stamp()
    async with db.write() as tx:
        guests = await staff_ids(tx, body.get("guests"), Role.OFFICIAL, "guests")
        moderators = await staff_ids(tx, body.get("moderators"), Role.MODERATOR, "moderators")
        try:
            event_id = await events.insert_event(
                tx, slug=slug, title=fields["title"], description=fields["description"],
                starts_at=fields["starts_at"], ends_at=fields["ends_at"], created_at=now,
            )
        except sqlite3.IntegrityError:
            raise ApiError("exists", f"slug“{slug}”已被使用") from None
        extra: dict[str, Any] = {name: fields[name] for name in ("video_url", "agenda", "collecting")
                                 if name in fields}
        if extra:
            await events.update_event(tx, event_id, extra)
        await events.set_event_people(tx, event_id, LISTED_AS[Role.OFFICIAL], guests)
        await events.set_event_people(tx, event_id, LISTED_AS[Role.MODERATOR], moderators)
        await audit.record(tx, at=now, actor=staff.username, role=staff.role.value,
                           action="event.create", event_id=event_id,
                           detail={"guests": body.get("guests"), "moderators": body.get("moderators")})
        row = await events.event_by_id(tx, event_id)
        return await public_event(tx, row)


async def update_event(db: Database, clock: Clock, staff: Staff, slug: str,
                       body: dict[str, Any]) -> dict[str, Any]:
    """Change a scheduled or live event's details, guests or moderators; viewers see it at once."""
    async with db.write() as tx:
        row = await events.event_row(tx, slug)
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        if row["status"] == EventStatus.CLOSED.value:
            raise ApiError("not_allowed", "已结束的访谈不能修改")
        fields = _event_fields(body, clock, current=row)
        await events.update_event(tx, row["id"], fields)
        if "guests" in body:
            await events.set_event_people(tx, row["id"], LISTED_AS[Role.OFFICIAL],
                                          await staff_ids(tx, body["guests"], Role.OFFICIAL, "guests"))
        if "moderators" in body:
            await events.set_event_people(
                tx, row["id"], LISTED_AS[Role.MODERATOR],
                await staff_ids(tx, body["moderators"], Role.MODERATOR, "moderators"))
        now = clock.stamp()
        changed = sorted(set(fields) | ({"guests", "moderators"} & set(body)))
        await audit.record(tx, at=now, actor=staff.username, role=staff.role.value,
                           action="event.update", event_id=row["id"],
                           detail={name: body[name] for name in changed})
        row = await events.event_by_id(tx, row["id"])
        event = await public_event(tx, row)
        await tx.emit(row["id"], channels.public(row["id"]), {"type": "event.updated", "event": event}, now)
        return event


async def _event_for_staff(tx: Tx, slug: str, staff: Staff) -> Any:
    row = await events.event_row(tx, slug)
    if row is None:
        raise ApiError("not_found", "没有这场访谈")
    await require_event_staff(tx, row["id"], staff, Role.ADMIN, Role.MODERATOR,
                              refusal="只有管理员或本场审核员可以操作")
    return row


async def _set_status(tx: Tx, clock: Clock, staff: Staff, row: Any, target: EventStatus) -> Any:
    try:
        event_transition(EventStatus(row["status"]), target)
    except Refusal as refusal:
        raise ApiError.from_refusal(refusal) from None
    now = clock.stamp()
    column = "opened_at" if target is EventStatus.LIVE else "closed_at"
    await events.set_event_status(tx, row["id"], target.value, stamp_column=column, at=now)
    await audit.record(tx, at=now, actor=staff.username, role=staff.role.value,
                       action=f"event.{'open' if target is EventStatus.LIVE else 'close'}",
                       event_id=row["id"], from_status=row["status"], to_status=target.value)
    return await events.event_by_id(tx, row["id"])


async def open_event(db: Database, clock: Clock, staff: Staff, slug: str) -> dict[str, Any]:
    async with db.write() as tx:
        row = await _event_for_staff(tx, slug, staff)
        row = await _set_status(tx, clock, staff, row, EventStatus.LIVE)
        await questions.mark_collected(tx, row["id"])
        event = await public_event(tx, row)
        await tx.emit(row["id"], channels.public(row["id"]),
                      {"type": "event.status", "status": row["status"], "event": event}, clock.stamp())
        return event


async def close_event(db: Database, clock: Clock, staff: Staff, slug: str) -> dict[str, Any]:
    """Close a live event and archive it to the board in the same transaction.

    Answered questions become public posts; approved and on-air questions
    become open cases for their unit (or the routing queue) with a deadline;
    pending ones stay in the moderation backlog.
    """
    async with db.write() as tx:
        row = await _event_for_staff(tx, slug, staff)
        if row["status"] != EventStatus.LIVE.value:
            raise ApiError("not_allowed", "只有直播中的访谈可以结束")
        await archive(tx, clock, staff, row)
        row = await _set_status(tx, clock, staff, row, EventStatus.CLOSED)
        head = await audit.head(tx)
        await events.set_audit_head(tx, row["id"], head.entry, head.hash)
        event = await public_event(tx, row)
        await tx.emit(row["id"], channels.public(row["id"]),
                      {"type": "event.status", "status": row["status"], "event": event}, clock.stamp())
        return event


async def archive(tx: Tx, clock: Clock, staff: Staff, event: Any) -> None:
    """Put a live event's questions on the board as it closes (inside the closing transaction).

    Answered questions become posts with the live answer as reply (their state
    does not change). Approved and on-air ones are transferred, each through
    the lifecycle's :func:`decide` with ``staff`` as the actor, and become open
    cases for their unit (one on air without a unit goes to the answering
    guest's unit, who can still post their draft as the reply). Pending ones
    stay in the moderation backlog.
    """
    now = clock.stamp()
    for question in await questions.answered_to_archive(tx, event["id"]):
        post_id = await records.post_from_answer(tx, question, event, clock)
        await questions.set_question_case(tx, question["id"], post_id)
        tx.send(channels.question(question["id"]), {"type": "track.changed"})
    actor = await event_actor(tx, event["id"], staff)
    for question in await questions.waiting_to_archive(tx, event["id"]):
        try:
            decision = decide(Status(question["status"]), Action.TRANSFER, actor,
                              event_status=EventStatus(event["status"]),
                              question_unit=question["unit_id"])
        except Refusal as refusal:
            raise ApiError.from_refusal(refusal) from None
        case_id: int | None = None
        unit_id = await _answering_unit(tx, question)
        if decision.to_board:
            case_id = await records.open_case_from_question(
                tx, question, event, unit_id=unit_id, hard=bool(question["hard"]), clock=clock,
            )
        await questions.update_question(tx, question["id"], {
            "status": decision.new_status.value, "case_id": case_id, "unit_id": unit_id,
            "handled_by": staff.username,
            "handled_action": ARCHIVE, "handled_at": now,
        })
        await questions.add_timeline(tx, question["id"], decision.new_status.value, now)
        await audit.record(tx, at=now, actor=staff.username, role=staff.role.value,
                           action=ARCHIVE, event_id=event["id"], question_id=question["id"],
                           from_status=question["status"], to_status=decision.new_status.value,
                           before_text=question["public_text"], after_text=question["public_text"],
                           detail={"case_id": case_id})
        row = await questions.question_row(tx, question["id"])
        await tx.emit(event["id"], channels.public(event["id"]),
                      {"type": "question.transferred", "question": public_question(row),
                       "case_id": case_id}, now)
        tx.send(channels.question(question["id"]), {"type": "track.changed"})


async def _answering_unit(tx: Tx, question: Any) -> int | None:
    """The unit a question goes to: its own, or for one on air with none, the answering guest's
    (so the guest's unposted draft can become the case's reply)."""
    own: int | None = question["unit_id"]
    if own is not None or question["status"] != Status.ON_AIR.value:
        return own
    if question["handled_action"] != Action.ON_AIR.value or not question["handled_by"]:
        return None
    guest = await staff_by_username(tx, question["handled_by"])
    unit: int | None = guest["unit_id"] if guest is not None else None
    return unit


async def post_message(
    db: Database, clock: Clock, staff: Staff, slug: str, body: dict[str, Any]
) -> dict[str, Any]:
    """A host message (主持人) on the live feed, from a moderator of the event or an admin."""
    text = clean_text(body.get("text"), "text", MAX_HOST_MESSAGE)
    async with db.write() as tx:
        row = await _event_for_staff(tx, slug, staff)
        if row["status"] == EventStatus.CLOSED.value:
            raise ApiError("not_allowed", "访谈已结束")
        now = clock.stamp()
        message_id = await events.insert_host_message(tx, row["id"], staff.id, text, now)
        await audit.record(tx, at=now, actor=staff.username, role=staff.role.value,
                           action="host.message", event_id=row["id"], after_text=text)
        message = host_message({"id": message_id, "text": text, "at": now})
        await tx.emit(row["id"], channels.public(row["id"]),
                      {"type": "host.message", "message": message}, now)
        return message


async def list_events(conn: Queryable) -> dict[str, list[dict[str, Any]]]:
    rows = await events.events_by_start(conn)
    grouped: dict[str, list[dict[str, Any]]] = {"live": [], "upcoming": [], "past": []}
    for row in rows:
        key = {"live": "live", "scheduled": "upcoming", "closed": "past"}[row["status"]]
        grouped[key].append(await public_event(conn, row))
    grouped["past"].reverse()
    return grouped


async def people_by_event(conn: Queryable) -> dict[str, dict[str, list[str]]]:
    """Usernames of every event's guests and moderators, by slug (for the admin's edit forms)."""
    rows = await events.people_of_every_event(conn)
    people: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        entry = people.setdefault(row["slug"], {"guests": [], "moderators": []})
        listed_as_guest = row["role"] == LISTED_AS[Role.OFFICIAL]
        entry["guests" if listed_as_guest else "moderators"].append(row["username"])
    return people


async def staff_events(conn: Queryable, staff: Staff) -> list[dict[str, Any]]:
    """Events a staff member works on (all of them for admins), newest first."""
    if staff.role is Role.ADMIN:
        rows = await events.events_by_start(conn, newest_first=True)
    else:
        rows = await events.events_of_staff(conn, staff.id)
    return [await public_event(conn, row) for row in rows]


def closing_head(row: Any) -> dict[str, Any] | None:
    """The audit chain's head as the event closed (entry number and hash), None before it closed."""
    if row["audit_head_hash"] is None:
        return None
    return Head(int(row["audit_head_entry"]), row["audit_head_hash"]).public()


async def transcript(conn: Queryable, row: Any) -> dict[str, Any]:
    """The public record of an event: host messages and answered Q&As in time order."""
    items: list[dict[str, Any]] = [
        {"kind": "message", "id": message["id"], "at": message["at"], "speaker": "主持人",
         "text": message["text"]}
        for message in await events.host_messages(conn, row["id"], oldest_first=True)
    ]
    for question in await questions.event_questions(conn, row["id"], ("answered",)):
        item = {"kind": "qa", "at": question["answered_at"], "question": public_question(question)}
        item["case_id"] = question["case_id"]
        items.append(item)
    items.sort(key=lambda item: item["at"])
    transferred = await questions.event_questions(conn, row["id"], ("transferred",))
    return {
        "event": await public_event(conn, row),
        "audit_head": closing_head(row),
        "items": items,
        "transferred": [
            {**public_question(question), "case_id": question["case_id"]} for question in transferred
        ],
    }
