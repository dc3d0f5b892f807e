"""Storing and acting on questions: one implementation for HTTP and WebSocket.

:func:`ask` is the write behind :mod:`studio.events.asking` (which adds the
rate limits and the screener for every transport).

Every action runs in one write transaction: the lifecycle decides, the row
changes with a new ``version``, the timeline and the audit log get their
lines, and the frames are emitted; they are published only after commit.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from moderation.lifecycle import (
    DESK_ACTIONS,
    Action,
    EventStatus,
    Refusal,
    Role,
    Status,
    decide,
    may_ask,
    may_see,
)
from studio import channels
from studio.accounts.access import NOT_EVENT_STAFF, event_actor, works_on
from studio.accounts.directory import Staff, resolve_unit
from studio.board import records
from studio.clock import Clock
from studio.codes import new_rating_code, new_tracking_code
from studio.desk import claims, reasons
from studio.desk import photos as message_photos
from studio.desk.screener import Screener
from studio.errors import ApiError, invalid, whole_number
from studio.events import changes, takeback
from studio.inputs import clean_client_key, clean_nickname, clean_text
from studio.notify import contacts, notices
from studio.shapes import staff_question
from studio.store import audit
from studio.store.database import Database, Tx
from studio.store.events import event_by_id, event_row
from studio.store.questions import (
    add_timeline,
    insert_question,
    on_air_question,
    question_by_client_key,
    question_in_event,
    question_row,
    update_question,
)
from studio.store.staff import staff_by_username

log = logging.getLogger(__name__)

REDACTED = "[已隐去]"
TIMELINE_LINE = {Action.UNPUBLISH: "unpublished", Action.RESTORE: "restored"}
"""The tracker's line for actions that return a question to review (instead of ``pending``)."""
NOT_YOURS = "这个提问不在您可处理的范围内"


def answer_chars(max_question_chars: int) -> int:
    """The longest answer an official may post: five times the longest question."""
    return max_question_chars * 5


@dataclass(frozen=True, slots=True)
class Receipt:
    """What an asker gets back once their question is stored."""

    question_id: int
    tracking_code: str
    rating_code: str
    created: bool
    contact: str = ""
    """The contact left with the ask, masked (a code was sent to it); empty when none."""

    def body(self) -> dict[str, Any]:
        body = {
            "question_id": self.question_id,
            "tracking_code": self.tracking_code,
            "rating_code": self.rating_code,
        }
        if self.contact:
            body["contact"] = self.contact
        return body

    def frame(self, client_key: Any) -> dict[str, Any]:
        """The ``ask.ok`` frame answering the ask sent with ``client_key``."""
        return {"type": "ask.ok", "client_key": client_key, **self.body()}

    @classmethod
    def from_frame(cls, frame: dict[str, Any]) -> Receipt:
        """The receipt an ``ask.ok`` frame carries (whether it was new is not in the frame)."""
        return cls(int(frame["question_id"]), str(frame["tracking_code"]), str(frame["rating_code"]),
                   created=True, contact=str(frame.get("contact") or ""))


async def ask(
    db: Database,
    clock: Clock,
    *,
    slug: str,
    body: dict[str, Any],
    max_chars: int,
    viewer: str = "",
    address: str = "",
    screener: Screener | None = None,
) -> Receipt:
    """Store a netizen's question (pending), screened. Idempotent per (event, ``client_key``).

    Screening runs before the write (it only reads) and its flags are stored
    with the question; the moderators' ``question.submitted`` frame carries them.
    """
    client_key = clean_client_key(body.get("client_key"))
    text = clean_text(body.get("text"), "text", max_chars)
    nickname = clean_nickname(body.get("nickname"))
    contact = contacts.parse_contact(body.get("contact"))
    photo_tokens = message_photos.clean_tokens(body.get("photos"))
    flags, priority = await _screen(screener, slug, text, viewer=viewer, address=address)
    async with db.write() as tx:
        event = await event_row(tx, slug)
        if event is None:
            raise ApiError("not_found", "没有这场访谈")
        existing = await question_by_client_key(tx, event["id"], client_key)
        if existing is not None:
            return Receipt(existing["id"], existing["tracking_code"], existing["rating_code"], False)
        status = EventStatus(event["status"])
        if not may_ask(status, bool(event["collecting"])):
            raise ApiError("not_accepting", "本场访谈尚未开始征集提问" if status is EventStatus.SCHEDULED
                           else "访谈已结束，不再接受提问")
        unit_id = await resolve_unit(tx, body.get("unit"))
        now = clock.stamp()
        tracking_code = new_tracking_code()
        rating_code = new_rating_code()
        try:
            question_id = await insert_question(
                tx, event_id=event["id"], text=text, unit_id=unit_id, nickname=nickname,
                client_key=client_key, tracking_code=tracking_code, rating_code=rating_code,
                viewer=viewer, address=address, asked_at=now, flags=flags, priority=priority,
            )
        except sqlite3.IntegrityError:
            raise ApiError("conflict", "请重试") from None
        await add_timeline(tx, question_id, Status.PENDING.value, now)
        await message_photos.attach(tx, photo_tokens, now, question_id=question_id)
        await audit.record(
            tx, at=now, actor=nickname or "网友", role=Role.AUDIENCE.value, action="ask",
            event_id=event["id"], question_id=question_id, to_status=Status.PENDING.value,
            after_text=text, detail={"photos": len(photo_tokens)} if photo_tokens else None,
        )
        await contacts.attach(tx, contact, tracking_code=tracking_code,
                              track_path=f"/track/{tracking_code}", question_id=question_id,
                              client=address, now=clock.parse(now))
        row = await question_row(tx, question_id)
        tx.send(channels.moderators(event["id"]),
                {"type": "question.submitted", "question": staff_question(row)})
    return Receipt(question_id, tracking_code, rating_code, True,
                   contact=contacts.mask(contact.address) if contact else "")


async def _screen(screener: Screener | None, slug: str, text: str, *,
                  viewer: str, address: str) -> tuple[str, int]:
    """The flags JSON and priority for a new question; unscreened (logged) if screening fails."""
    if screener is None:
        return "[]", 0
    try:
        screening = await screener.screen_ask(slug, text, viewer=viewer, address=address)
    except Exception:
        log.exception("screening a question failed; it is stored without flags")
        return "[]", 0
    if screening is None:
        return "[]", 0
    return json.dumps(screening.flags_json(), ensure_ascii=False), screening.priority


async def act(
    db: Database,
    clock: Clock,
    staff: Staff,
    question_id: int,
    action: Action,
    body: dict[str, Any],
    *,
    max_chars: int,
) -> dict[str, Any]:
    """Take ``action`` on a question for ``staff``; returns the question's new staff view.

    Refuses with 403 ``forbidden`` first when the caller may not see the
    question (not staff of its event; an official and a question not public
    or of another unit), then 409 ``stale`` when ``version`` is not current
    (the body carries the current question so the console can say who handled
    it), 409 ``not_allowed`` for a transition the lifecycle forbids, 403
    ``forbidden`` for the wrong role or unit, 409 ``claimed`` for a desk action
    on a question another moderator holds unless the body says ``take_over: true``.
    """
    version = whole_number(body.get("version"), "version", "version 须为整数")
    async with db.write() as tx:
        row = await question_row(tx, question_id)
        if row is None:
            raise ApiError("not_found", "没有这个提问")
        event = await event_by_id(tx, row["event_id"])
        actor = await event_actor(tx, event["id"], staff)
        full = staff.role is not Role.OFFICIAL
        status = Status(row["status"])
        # Who may see the question first, its version after: a 409 carries the question.
        if not works_on(actor):
            raise ApiError("forbidden", NOT_EVENT_STAFF)
        if not may_see(actor, status, row["unit_id"]):
            raise ApiError("forbidden", NOT_YOURS)
        if row["version"] != version:
            raise ApiError("stale", "该提问已被他人处理", question=staff_question(row, full))
        try:
            decision = decide(status, action, actor, event_status=EventStatus(event["status"]),
                              question_unit=row["unit_id"],
                              unpublished_from=_status_or_none(row["unpublished_from"]))
        except Refusal as refusal:
            extra = {"question": staff_question(row, full)} if refusal.code == "not_allowed" else {}
            raise ApiError.from_refusal(refusal, **extra) from None
        if action in DESK_ACTIONS:
            await claims.hold_or_take_over(tx, event["id"], row["id"], staff,
                                           take_over=body.get("take_over") is True)
        change = await _apply(tx, clock, staff, row, event, action, decision.new_status, body,
                              max_chars=max_chars)
        if decision.to_board:
            await _to_board(tx, clock, row, event, change)
        return await _finish(tx, clock, staff, row, event, action, change)


def _status_or_none(value: str | None) -> Status | None:
    return Status(value) if value else None


@dataclass
class _Change:
    status: Status
    public_text: str | None
    unit_id: int | None
    fields: dict[str, Any]
    detail: dict[str, Any]
    hard: bool = False


async def _apply(
    tx: Tx,
    clock: Clock,
    staff: Staff,
    row: Any,
    event: Any,
    action: Action,
    new_status: Status,
    body: dict[str, Any],
    *,
    max_chars: int,
) -> _Change:
    """Validate the action's own fields and say what changes."""
    now = clock.stamp()
    change = _Change(new_status, row["public_text"], row["unit_id"], {}, {})
    if action is Action.APPROVE:
        text = body.get("text")
        change.public_text = (
            clean_text(text, "text", max_chars) if text is not None else row["original_text"]
        )
        if change.public_text != row["original_text"]:
            # The original stays in the row and in this audit line (before_text): staff only.
            change.detail["edited"] = True
            redactions = change.public_text.count(REDACTED)
            if redactions:
                change.detail["redactions"] = redactions
        if "unit" in body:
            change.unit_id = await resolve_unit(tx, body.get("unit"))
        change.fields["published_at"] = now
        change.fields["unpublished_from"] = None
    elif action is Action.REJECT:
        code, wording, note = await reasons.resolve_reason(tx, body.get("reason"), body.get("note"))
        change.fields["reason_code"] = code
        change.fields["reason"] = reasons.public_wording(wording, note)
        change.detail["reason"] = change.fields["reason"]
        change.detail["reason_code"] = code
    elif action is Action.MERGE:
        into = whole_number(body.get("into"), "into", "into 须为另一个提问的编号")
        if into == row["id"]:
            raise invalid("into", "不能合并到自身")
        survivor = await question_in_event(tx, into, event["id"])
        if survivor is None:
            raise invalid("into", "本场访谈没有这个提问")
        if survivor["status"] in (Status.MERGED.value, Status.REJECTED.value):
            raise ApiError("not_allowed", "不能合并到已合并或未通过的提问")
        change.fields["merged_into"] = into
        change.detail["into"] = into
    elif action is Action.ASSIGN:
        if "unit" not in body:
            raise invalid("unit", "请指定单位（null 表示不指定）")
        change.unit_id = await resolve_unit(tx, body.get("unit"))
    elif action is Action.ON_AIR:
        busy = await on_air_question(tx, event["id"])
        if busy is not None:
            by = busy["handled_by"] if busy["handled_action"] == Action.ON_AIR.value else None
            guest = await staff_by_username(tx, by) if by else None
            who = f"正由{guest['display_name']}回答" if guest else "正在回答中"
            raise ApiError("conflict", f"第 {busy['id']} 号提问{who}，请等其发布回答或撤回后再开始",
                           on_air=busy["id"], by=by)
        change.fields["on_air_at"] = now
    elif action is Action.ANSWER:
        change.fields["answer_text"] = clean_text(body.get("text"), "text", answer_chars(max_chars))
        change.fields["answered_by"] = staff.id
        change.fields["answered_at"] = now
    elif action is Action.TRANSFER:
        if "unit" in body:
            change.unit_id = await resolve_unit(tx, body.get("unit"))
    elif action is Action.UNPUBLISH:
        reason = clean_text(body.get("reason"), "reason", takeback.MAX_REASON)
        change.fields["unpublished_from"] = row["status"]
        change.detail["reason"] = reason
        await takeback.withdraw(tx, row, now)
    elif action is Action.EDIT:
        change.public_text = clean_text(body.get("text"), "text", max_chars)
        if change.public_text == row["public_text"]:
            raise invalid("text", "公开文本没有变化")
        change.detail["edited"] = True
    elif action is Action.CORRECT:
        text = clean_text(body.get("text"), "text", answer_chars(max_chars))
        if text == row["answer_text"]:
            raise invalid("text", "回答没有变化")
        change.fields["answer_text"] = text
        change.fields["corrected_at"] = now
        change.detail["corrected"] = True
    elif action is Action.RESTORE:
        change.fields["reason"] = None
        change.fields["reason_code"] = None
        change.detail["reason"] = row["reason"]
    if action in (Action.APPROVE, Action.ASSIGN, Action.TRANSFER) and "hard" in body:
        hard = body["hard"]
        if not isinstance(hard, bool):
            raise invalid("hard", "hard 须为 true 或 false")
        change.fields["hard"] = int(hard)
        change.detail["hard"] = hard
    change.hard = bool(change.fields.get("hard", row["hard"]))
    if change.unit_id != row["unit_id"]:
        change.detail["unit"] = {"from": row["unit_id"], "to": change.unit_id}
    return change


async def _to_board(tx: Tx, clock: Clock, row: Any, event: Any, change: _Change) -> None:
    merged_view = dict(row)
    merged_view["public_text"] = change.public_text
    case_id = await records.open_case_from_question(
        tx, merged_view, event, unit_id=change.unit_id, hard=change.hard, clock=clock
    )
    change.fields["case_id"] = case_id
    change.detail["case_id"] = case_id


async def _finish(
    tx: Tx, clock: Clock, staff: Staff, row: Any, event: Any, action: Action, change: _Change
) -> dict[str, Any]:
    now = clock.stamp()
    assignments = {
        "status": change.status.value,
        "public_text": change.public_text,
        "unit_id": change.unit_id,
        "handled_by": staff.username,
        "handled_action": action.value,
        "handled_at": now,
        **change.fields,
    }
    await update_question(tx, row["id"], assignments)
    republished = action is Action.APPROVE and bool(row["unpublished_from"])
    if change.status.value != row["status"] or republished:
        line = "republished" if republished else TIMELINE_LINE.get(action, change.status.value)
        await add_timeline(tx, row["id"], line, now)
    before = row["public_text"] if row["public_text"] is not None else row["original_text"]
    after = change.fields.get("answer_text") or change.public_text
    if action is Action.CORRECT:
        before = row["answer_text"]
    await audit.record(
        tx, at=now, actor=staff.username, role=staff.role.value, action=action.value,
        event_id=event["id"], question_id=row["id"], from_status=row["status"],
        to_status=change.status.value, before_text=before, after_text=after, detail=change.detail,
    )
    if action is Action.MERGE:
        await changes.merge_votes(tx, row, change.fields["merged_into"], event["id"], now)
    if change.status.value != row["status"]:
        await claims.release_handled(tx, event["id"], row["id"])
    new_row = await question_row(tx, row["id"])
    if action is Action.CORRECT:
        await takeback.correct_reply(tx, new_row, change.fields["answer_text"])
    elif action is Action.EDIT or (action is Action.APPROVE and row["unpublished_from"]):
        await takeback.follow_question(tx, clock, new_row, event)
        new_row = await question_row(tx, row["id"])
    await changes.emit(tx, event, row, new_row, action, staff.username, now)
    if action is Action.APPROVE and not row["unpublished_from"] and "case_id" not in change.fields:
        await notices.queue(tx, notices.QuestionApproved(row["id"]), now)
    elif action is Action.ANSWER:
        await notices.queue(tx, notices.QuestionAnswered(row["id"]), now)
    return staff_question(new_row, moderation=staff.role is not Role.OFFICIAL)
