"""Photos on messages (board submissions and live questions): uploading, attaching to a message,
what may see them, and the moderators' decisions on board photos.

Policy: an upload is checked and re-encoded before anything is kept
(:func:`studio.photos.process_message_photo`): a refusal answers its code and keeps nothing.
A kept upload is named by a random token, known only to its sender until a message carries it;
an upload no message carries within ``UNATTACHED_HOURS`` is deleted at the next upload or purge
after that (:func:`studio.accounts.privacy.purge`). A message carries at most
``MAX_MESSAGE_PHOTOS``. Nothing is public before its message is: a photo is served to everyone
only while it is ``visible`` and its message public (:func:`studio.store.message_photos.is_public`);
moderators and admins see every attached photo (a live question's: those who work on its event as
moderators), from the same stable address.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from moderation.lifecycle import Role
from studio.accounts.access import event_actor, works_on
from studio.accounts.directory import Staff
from studio.clock import Clock
from studio.errors import ApiError, invalid
from studio.photos import (
    MAX_MESSAGE_PHOTOS,
    UNATTACHED_HOURS,
    PhotoRefused,
    blur_region,
    media_url,
    process_message_photo,
)
from studio.store import audit
from studio.store import message_photos as rows
from studio.store.database import Database, Queryable, Tx
from studio.store.media import TOKEN, Media, new_token

log = logging.getLogger(__name__)

MODERATORS = (Role.MODERATOR, Role.ADMIN)
DECODING = asyncio.Semaphore(2)
"""At most two photos decoded at once per process: one at the pixel limit takes some 120 MB."""


def photo_view(row: Any) -> dict[str, Any]:
    """A photo as the API shows it: ``{url, width, height, state}``."""
    return {"url": media_url(row["token"]), "width": row["width"], "height": row["height"],
            "state": row["state"]}


def clean_tokens(value: Any) -> list[str]:
    """The ``photos`` of a message: absent, or a list of at most ``MAX_MESSAGE_PHOTOS`` distinct
    upload tokens; 400 ``invalid`` (field ``photos``) otherwise."""
    if value is None:
        return []
    if (not isinstance(value, list) or len(value) > MAX_MESSAGE_PHOTOS
            or not all(isinstance(token, str) and TOKEN.fullmatch(token) for token in value)
            or len(set(value)) != len(value)):
        raise invalid("photos", f"照片须为上传后得到的编号，最多 {MAX_MESSAGE_PHOTOS} 张")
    return list(value)


async def upload(db: Database, media: Media, clock: Clock, data: bytes,
                 declared: str | None) -> dict[str, Any]:
    """Keep an uploaded photo for a message to carry: ``{photo, width, height}`` (201).

    The file is written before the row and removed again if the row cannot be written, so a
    refusal or a failure leaves nothing behind.
    """
    try:  # decoding a phone's photo takes a good part of a second: off the event loop
        async with DECODING:
            photo = await asyncio.to_thread(process_message_photo, data, declared)
    except PhotoRefused as refused:
        raise ApiError(refused.code, refused.message) from None
    token = new_token()
    await asyncio.to_thread(media.write, token, photo.data)
    now = clock.now()
    try:
        async with db.write() as tx:
            await rows.insert_upload(tx, token=token, width=photo.width, height=photo.height,
                                     size=len(photo.data), at=now.isoformat())
            stale = await rows.drop_unattached(tx, (now - timedelta(hours=UNATTACHED_HOURS)).isoformat())
    except BaseException:
        media.delete(token)
        raise
    for old in stale:
        media.delete(old)
    return {"photo": token, "width": photo.width, "height": photo.height}


async def attach(tx: Tx, tokens: list[str], at: str, *, question_id: int | None = None,
                 submission_id: int | None = None) -> None:
    """Attach the uploads ``tokens`` to a new message (in its write transaction); 400 ``invalid``
    when one is unknown, expired or already carried by a message."""
    if not tokens:
        return
    attached = await rows.attach(tx, tokens, state="visible", at=at, question_id=question_id,
                                 submission_id=submission_id)
    if attached != len(tokens):
        raise invalid("photos", "照片已失效，请重新选择照片")
    if question_id is not None:
        await refresh_question(tx, question_id)


async def refresh_question(tx: Tx, question_id: int) -> None:
    """Store the question's list of photos (its frames carry it) after any change to them."""
    found = await rows.question_photos(tx, question_id)
    await rows.keep_question_photos(tx, question_id, [
        {"token": row["token"], "width": row["width"], "height": row["height"], "state": row["state"]}
        for row in found])


async def forget(db: Database, media: Media, *, question_id: int | None = None,
                 submission_id: int | None = None) -> int:
    """Delete the photos of a message its asker retracted (rows and files); how many there were.

    A retracted message is never published, so its photos are personal data with no purpose left.
    """
    async with db.write() as tx:
        if question_id is not None:
            tokens = await rows.question_tokens(tx, question_id)
        elif submission_id is not None:
            tokens = await rows.submission_tokens(tx, submission_id)
        else:
            return 0
        await rows.delete_photos(tx, tokens)
        if question_id is not None and tokens:
            await refresh_question(tx, question_id)
    for token in tokens:
        media.delete(token)
    return len(tokens)


async def submission_photos(conn: Queryable, submission_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The photos of these submissions by submission id (moderators' view)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in await rows.submission_photos(conn, submission_ids):
        found.setdefault(row["submission_id"], []).append(photo_view(row))
    return found


async def case_photos(conn: Queryable, case: Any, *, staff: Staff | None = None) -> list[dict[str, Any]]:
    """A case's photos: only the visible ones for the public (the case itself is public); for a
    moderator (``staff``) every one they may see (:func:`may_see_unpublished`)."""
    return [photo_view(row) for row in await rows.case_photos(conn, case["id"], case["question_id"])
            if row["state"] == "visible" or await may_see_unpublished(conn, row, staff)]


async def added_pending(conn: Queryable) -> list[dict[str, Any]]:
    """Photos askers added to their open cases, waiting for a moderator, oldest first."""
    return [{**photo_view({**dict(row), "state": "pending"}), "case_id": row["case_id"],
             "case_title": row["case_title"], "added_at": row["attached_at"]}
            for row in await rows.added_pending(conn)]


async def may_see_unpublished(conn: Queryable, row: Any, staff: Staff | None) -> bool:
    """Whether ``staff`` may see the photo ``row`` (with ``question_id`` and ``event_id``) while
    it is not public: moderators and admins, and for a live question's photo only those who work
    on its event as moderators (admins always) — the people who may act on it."""
    if staff is None or staff.role not in MODERATORS:
        return False
    return row["question_id"] is None or works_on(await event_actor(conn, row["event_id"], staff), MODERATORS)


async def served(db: Database, media: Media, token: str, staff: Staff | None) -> tuple[bytes, bool]:
    """The bytes of the photo ``token`` and whether they are public; 404 ``not_found`` for a photo
    this reader may not see or that does not exist.

    Anyone sees a public photo; a photo not public (its message pending, rejected or withdrawn,
    the photo hidden or waiting) only moderators and admins, and a live question's only those who
    work on its event as moderators (admins always) — the same people who may act on it."""
    if not TOKEN.fullmatch(token):
        raise ApiError("not_found", "没有这张照片")
    async with db.read() as conn:
        row = await rows.photo_by_token(conn, token)
        public = row is not None and rows.is_public(row)
        allowed = public or (row is not None and row["state"] != "upload"
                             and await may_see_unpublished(conn, row, staff))
    if row is None or not allowed:
        raise ApiError("not_found", "没有这张照片")
    data = await asyncio.to_thread(media.read, token)
    if data is None:
        log.warning("photo %s has a row but no file", token)
        raise ApiError("not_found", "没有这张照片")
    return data, public


def clean_box(body: dict[str, Any], row: Any) -> tuple[int, int, int, int]:
    """The rectangle to blur, ``{x, y, width, height}`` in the kept image's pixels (at least 4 a
    side, inside the image); 400 ``invalid`` otherwise."""
    values = [body.get(name) for name in ("x", "y", "width", "height")]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise invalid("x", "x、y、width、height 须为整数像素")
    x, y, width, height = (int(v) for v in values)  # type: ignore[arg-type]
    if (x < 0 or y < 0 or width < 4 or height < 4
            or x + width > row["width"] or y + height > row["height"]):
        raise invalid("x", "模糊区域须在照片之内，每边至少 4 像素")
    return x, y, width, height


async def decide(tx: Tx, media: Media, staff: Staff, row: Any, action: str, body: dict[str, Any],
                 at: str) -> None:
    """Apply a moderator's ``action`` to one photo row (in the caller's transaction), audited.

    ``hide`` (``reason`` required, kept in the audit log) takes it off every public surface;
    ``show`` puts a hidden one back; ``approve`` publishes a photo added to an open case;
    ``blur`` rewrites the kept file with the region made unrecognisable (the unblurred pixels
    are not kept). 409 ``not_allowed`` for an action its state does not take.
    """
    target = {"hide": "hidden", "show": "visible", "approve": "visible"}.get(action)
    detail: dict[str, Any] = {"photo": row["token"]}
    if action == "hide":
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
            raise invalid("reason", "请填写隐藏照片的理由（200 字以内）")
        detail["reason"] = reason.strip()
    allowed = {"hide": ("visible", "pending"), "show": ("hidden",), "approve": ("pending",),
               "blur": ("visible", "pending", "hidden")}
    if action not in allowed:
        raise ApiError("not_found", "未知操作")
    if row["state"] not in allowed[action]:
        raise ApiError("not_allowed", "这张照片当前不能这样处理")
    if action == "blur":
        box = clean_box(body, row)
        data = media.read(row["token"])
        if data is None:
            raise ApiError("not_found", "没有这张照片")
        blurred = await asyncio.to_thread(blur_region, data, box)
        await asyncio.to_thread(media.write, row["token"], blurred)
        await rows.set_size(tx, row["id"], len(blurred), by=staff.username, at=at)
        detail["region"] = dict(zip(("x", "y", "width", "height"), box, strict=True))
    else:
        assert target is not None
        await rows.set_state(tx, row["id"], target, by=staff.username, at=at,
                             reason=detail.get("reason"))
    await audit.record(tx, at=at, actor=staff.username, role=staff.role.value, action=f"photo.{action}",
                       event_id=row["event_id"], question_id=row["question_id"],
                       case_id=row["owner_case_id"], from_status=row["state"],
                       to_status=target or row["state"], detail=detail)
