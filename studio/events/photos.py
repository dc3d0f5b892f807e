"""Moderators' decisions on photos of messages, and askers adding photos to their open case.

A photo of a live question changes what its frames carry: the consoles hear ``question.changed``
and, while the question is public and its event open, the audience ``question.updated`` (so a
hidden photo leaves every open page at once). Board photos change what the case page and the
board console show. Every decision is audited (:func:`studio.desk.photos.decide`).
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import PUBLIC_STATUSES, EventStatus, Role, Status
from studio import channels
from studio.accounts.access import require_event_staff
from studio.accounts.directory import Staff
from studio.clock import Clock
from studio.codes import same_secret
from studio.desk import photos as desk_photos
from studio.errors import ApiError, invalid
from studio.events.changes import send_staff
from studio.photos import MAX_MESSAGE_PHOTOS
from studio.shapes import DEFAULT_NICKNAME, public_question
from studio.store import audit, cases
from studio.store import message_photos as rows
from studio.store.database import Database, Tx
from studio.store.events import event_by_id
from studio.store.media import TOKEN, Media
from studio.store.questions import question_by_tracking_code, question_row
from studio.store.submissions import submission_by_tracking_code

NO_PHOTO = "没有这张照片"


async def act(db: Database, media: Media, clock: Clock, staff: Staff, token: str, action: str,
              body: dict[str, Any]) -> dict[str, Any]:
    """``hide`` / ``show`` / ``approve`` / ``blur`` one photo; its new view.

    Moderators and admins only (403 ``forbidden``); a live question's photo only by those who work
    on its event as moderators. 404 for an unknown photo or an upload no message carries.
    """
    if staff.role not in desk_photos.MODERATORS:
        raise ApiError("forbidden", "只有审核员或管理员可以处理照片")
    if not TOKEN.fullmatch(token):
        raise ApiError("not_found", NO_PHOTO)
    async with db.write() as tx:
        row = await rows.photo_by_token(tx, token)
        if row is None or row["state"] == "upload":
            raise ApiError("not_found", NO_PHOTO)
        question_id = row["question_id"]
        old = None
        if question_id is not None:
            await require_event_staff(tx, row["event_id"], staff, Role.MODERATOR, Role.ADMIN)
            old = await question_row(tx, question_id)
        now = clock.stamp()
        await desk_photos.decide(tx, media, staff, row, action, body, now)
        if question_id is not None:
            await desk_photos.refresh_question(tx, question_id)
            await _question_frames(tx, old, await question_row(tx, question_id), staff.username, now)
        changed = await rows.photo_by_token(tx, token)
    return {**desk_photos.photo_view(changed), "action": action}


async def _question_frames(tx: Tx, old: Any, new: Any, by: str, now: str) -> None:
    """The consoles see the question's photos change; the audience too while it is public."""
    event = await event_by_id(tx, new["event_id"])
    if Status(new["status"]) in PUBLIC_STATUSES and event["status"] != EventStatus.CLOSED.value:
        await tx.emit(event["id"], channels.public(event["id"]),
                      {"type": "question.updated", "question": public_question(new)}, now)
    send_staff(tx, event["id"], old, new, "photo", by)
    tx.send(channels.question(new["id"]), {"type": "track.changed"})


async def add_to_case(db: Database, clock: Clock, code: str, body: dict[str, Any]) -> dict[str, Any]:
    """The asker adds ``photos`` (upload tokens) to their own case with its tracking code.

    Policy: only while the case is open (409 ``not_allowed`` before a message became a case,
    once it is replied or withdrawn); at most ``MAX_MESSAGE_PHOTOS`` photos per case in all
    (400 ``invalid``); the added photos wait for a moderator (``pending``) before anyone else
    sees them. 404 ``not_found`` for an unknown code.
    """
    tokens = desk_photos.clean_tokens(body.get("photos"))
    if not tokens:
        raise invalid("photos", "请选择要补充的照片")
    async with db.write() as tx:
        owner = await submission_by_tracking_code(tx, code) if code.isascii() else None
        if owner is None and code.isascii():
            owner = await question_by_tracking_code(tx, code)
        if owner is None or not same_secret(owner["tracking_code"], code):
            raise ApiError("not_found", "查询码无效")
        case = await cases.case_row(tx, owner["case_id"]) if owner["case_id"] else None
        if case is None or case["kind"] != "case":
            raise ApiError("not_allowed", "留言审核通过、成为诉求件后才能补充照片")
        if case["status"] != "open" or case["withdrawn_at"]:
            raise ApiError("not_allowed", "诉求件已办结，不能再补充照片")
        kept = await rows.case_photos(tx, case["id"], case["question_id"])
        if len(kept) + len(tokens) > MAX_MESSAGE_PHOTOS:
            raise invalid("photos", f"每件诉求最多 {MAX_MESSAGE_PHOTOS} 张照片，还可补充 "
                                    f"{max(0, MAX_MESSAGE_PHOTOS - len(kept))} 张")
        now = clock.stamp()
        if await rows.attach(tx, tokens, state="pending", at=now, case_id=case["id"]) != len(tokens):
            raise invalid("photos", "照片已失效，请重新选择照片")
        await audit.record(tx, at=now, actor=owner["nickname"] or DEFAULT_NICKNAME,
                           role=Role.AUDIENCE.value, action="photo.add", case_id=case["id"],
                           to_status="pending", detail={"photos": tokens})
    return {"case_id": case["id"], "added": len(tokens), "state": "pending"}
