"""What a staff console reads: the queue of questions it may see, and its opening snapshot."""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import Actor, Role, Status, may_see
from studio.accounts.directory import Staff
from studio.desk import claims
from studio.shapes import staff_question
from studio.store.database import Queryable
from studio.store.questions import every_event_question


async def staff_queue(conn: Queryable, event_id: int, actor: Actor) -> list[dict[str, Any]]:
    """The event's questions ``actor`` may see (:func:`may_see`), oldest first.

    Moderators and admins get the moderation view (original text, flags);
    officials the public one.
    """
    rows = await every_event_question(conn, event_id)
    return [
        staff_question(row, moderation=actor.role is not Role.OFFICIAL)
        for row in rows
        if may_see(actor, Status(row["status"]), row["unit_id"])
    ]


async def staff_snapshot(conn: Queryable, event_id: int, actor: Actor, staff: Staff,
                         presence: list[dict[str, str]]) -> dict[str, Any]:
    """The ``staff.snapshot`` frame a console starts from: who it is, its queue, who else is
    there, and (at the desk) the questions other moderators hold."""
    return {
        "type": "staff.snapshot",
        "me": {"username": staff.username, "role": staff.role.value,
               "unit": {"id": staff.unit_id, "name": staff.unit_name} if staff.unit_id else None},
        "queue": await staff_queue(conn, event_id, actor),
        "presence": presence,
        "claims": await claims.active_claims(conn, event_id) if actor.role is not Role.OFFICIAL else [],
    }
