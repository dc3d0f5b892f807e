"""Guest photos (嘉宾照片): admins upload one per staff member; it shows on the guest cards."""

from __future__ import annotations

import asyncio
from typing import Any

from studio.accounts.directory import Staff
from studio.clock import Clock
from studio.errors import ApiError
from studio.photos import PhotoRefused, photo_path, process_photo
from studio.store import audit, photos
from studio.store.database import Database
from studio.store.staff import staff_by_username


async def upload_photo(db: Database, clock: Clock, admin: Staff, username: str, data: bytes,
                       declared: str | None = None) -> dict[str, Any]:
    """Keep the re-encoded photo of ``username`` (replacing any earlier one) and audit it.

    Policy: the bytes are checked and re-encoded before anything is written
    (``studio.photos.process_photo``): a refused upload answers its code
    (``image_type``, ``image_bomb``, ``image_disguised``, ``bad_image``) with the
    reason and stores nothing; no such account: 404.
    """
    try:
        photo = await asyncio.to_thread(process_photo, data, declared)  # off the event loop
    except PhotoRefused as refused:
        raise ApiError(refused.code, refused.message) from None
    async with db.write() as tx:
        row = await staff_by_username(tx, username)
        if row is None:
            raise ApiError("not_found", "没有这个账号")
        now = clock.stamp()
        await photos.set_photo(tx, row["id"], photo.token, photo.data, now)
        await audit.record(tx, at=now, actor=admin.username, role=admin.role.value, action="staff.photo",
                           after_text=username)
    return {"username": username, "photo": photo_path(photo.token), "width": photo.width, "height": photo.height}


async def remove_photo(db: Database, clock: Clock, admin: Staff, username: str) -> None:
    """Remove the photo of ``username`` (404 when there is no such account or no photo)."""
    async with db.write() as tx:
        row = await staff_by_username(tx, username)
        if row is None or not await photos.delete_photo(tx, row["id"]):
            raise ApiError("not_found", "没有这张照片")
        await audit.record(tx, at=clock.stamp(), actor=admin.username, role=admin.role.value,
                           action="staff.photo.delete", after_text=username)
