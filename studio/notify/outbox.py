"""What admins see and do with the outbox, and the units' digest addresses.

Policy: admins list the latest messages (or one status: the dead-letter list is ``dead``)
with the recipient masked and the text as sent (a verification code included: it only
proves a contact, it is no password); they may put a dead message back in the outbox.
Setting a unit's digest address is audited.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import Role
from studio import labels
from studio.clock import Clock
from studio.errors import ApiError, invalid, whole_number
from studio.notify.contacts import EMAIL, MAX_EMAIL, mask
from studio.store import audit
from studio.store import notify as rows
from studio.store.database import Database, Queryable

MAX_LISTED = 200


def shape(row: Any) -> dict[str, Any]:
    """A message for the admins' outbox page and ``GET /api/notifications``."""
    return {
        "id": row["id"], "kind": row["kind"], "kind_label": labels.NOTIFICATION_KIND.get(row["kind"], ""),
        "channel": row["channel"], "recipient": mask(row["recipient"]), "subject": row["subject"],
        "text": row["body"], "link_path": row["link_path"], "status": row["status"],
        "attempts": row["attempts"], "next_at": row["next_at"], "last_error": row["last_error"],
        "created_at": row["created_at"], "sent_at": row["sent_at"],
    }


async def listing(conn: Queryable, status: str | None) -> dict[str, Any]:
    """The latest :data:`MAX_LISTED` messages (of ``status`` when given) and the counts by status."""
    if status is not None and status not in labels.NOTIFICATION_STATUS:
        raise invalid("status", "status 须为 pending、sent 或 dead")
    found = await rows.notification_rows(conn, status, MAX_LISTED)
    return {"counts": await rows.notification_counts(conn), "notifications": [shape(r) for r in found]}


async def retry(db: Database, clock: Clock, notification_id: int, by: str) -> None:
    """Put a dead message back in the outbox, due now; 409 ``not_allowed`` unless it is dead."""
    async with db.write() as tx:
        stamp = clock.stamp()
        if not await rows.retry(tx, notification_id, stamp):
            raise ApiError("not_allowed", "只有发送失败的通知可以重试")
        await audit.record(tx, at=stamp, actor=by, role=Role.ADMIN.value, action="notification.retry",
                           detail={"notification": notification_id})


async def set_unit_email(db: Database, clock: Clock, unit_id: Any, email: Any, by: str) -> dict[str, Any]:
    """A unit's digest address (empty: none); 400 for a malformed one, 404 for no such unit."""
    unit = whole_number(unit_id, "unit", "单位编号无效")
    if not isinstance(email, str) or len(email.strip()) > MAX_EMAIL:
        raise invalid("email", "请填写正确的电子邮箱")
    address = email.strip().lower()
    if address and not EMAIL.fullmatch(address):
        raise invalid("email", "请填写正确的电子邮箱")
    async with db.write() as tx:
        stamp = clock.stamp()
        if not await rows.set_unit_email(tx, unit, address):
            raise ApiError("not_found", "没有这个单位")
        await audit.record(tx, at=stamp, actor=by, role=Role.ADMIN.value, action="unit.email",
                           detail={"unit": unit, "email": mask(address)})
    return {"id": unit, "email": address}
