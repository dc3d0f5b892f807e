"""An asker retracts their own question with its tracking code, while it waits for its first review.

Policy: the tracking code is the asker's proof (no account, no cookie); the
lifecycle's :func:`decide` allows ``retract`` only on a pending question
never published (not one taken back for review), on any event; the
question becomes ``retracted``: out of the moderation queue, never public,
counted apart in the public figures. The audit log records it (actor: the
nickname the asker chose), the desk hears ``question.changed``, and the
tracker reloads.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import Action, Actor, EventStatus, Refusal, Role, Status, decide
from studio.codes import same_secret
from studio.errors import ApiError
from studio.events import changes
from studio.store import audit
from studio.store.database import Database
from studio.store.events import event_by_id
from studio.store.questions import (
    add_timeline,
    question_by_tracking_code,
    question_row,
    update_question,
)

ASKER = Actor(Role.AUDIENCE)


async def retract(db: Database, now: str, code: str) -> dict[str, Any]:
    """Retract the question of tracking ``code``; 404 ``not_found`` for an unknown code, 409
    ``not_allowed`` once it was reviewed or published. Answers ``{question_id, status}``."""
    async with db.write() as tx:
        row = await question_by_tracking_code(tx, code) if code.isascii() else None
        if row is None or not same_secret(row["tracking_code"], code):
            raise ApiError("not_found", "查询码无效")
        event = await event_by_id(tx, row["event_id"])
        try:
            decision = decide(Status(row["status"]), Action.RETRACT, ASKER,
                              event_status=EventStatus(event["status"]),
                              unpublished_from=Status(row["unpublished_from"]) if row["unpublished_from"] else None)
        except Refusal as refusal:
            raise ApiError("not_allowed", "只有尚未审核的提问可以撤回") from refusal
        await update_question(tx, row["id"], {"status": decision.new_status.value})
        await add_timeline(tx, row["id"], decision.new_status.value, now)
        await audit.record(tx, at=now, actor=row["nickname"] or "网友", role=Role.AUDIENCE.value,
                           action=Action.RETRACT.value, event_id=row["event_id"], question_id=row["id"],
                           from_status=row["status"], to_status=decision.new_status.value)
        new = await question_row(tx, row["id"])
        changes.send_staff(tx, row["event_id"], row, new, Action.RETRACT.value, None)
        changes.nudge_trackers(tx, row["id"], [])
        return {"question_id": row["id"], "status": decision.new_status.value}
