"""The frames a question's change sends: public ones (with ``seq``) and the consoles' own.

Called inside the write transaction that made the change; the frames are
published only after it commits.
"""

from __future__ import annotations

import json
from typing import Any

from broadcast import Message
from moderation.lifecycle import PUBLIC_STATUSES, Action, EventStatus, Status
from studio import channels
from studio.shapes import public_question, staff_question
from studio.store import votes
from studio.store.changelog import withdraw_question_frames
from studio.store.database import Tx
from studio.store.questions import merged_into, question_row, update_question

UNPUBLISHED = "question.unpublished"

PUBLIC_FRAME = {
    Action.APPROVE: "question.published",
    Action.ASSIGN: "question.updated",
    Action.EDIT: "question.updated",
    Action.ON_AIR: "question.on_air",
    Action.OFF_AIR: "question.off_air",
    Action.ANSWER: "answer.posted",
    Action.CORRECT: "answer.corrected",
    Action.TRANSFER: "question.transferred",
}
"""The public frame of each action on a public question of an open event."""

BACK_FRAME = {
    Status.APPROVED: "question.published",
    Status.ANSWERED: "answer.posted",
    Status.TRANSFERRED: "question.transferred",
}
"""The public frame of a question approved again after it was unpublished, by where it went back."""


async def emit(tx: Tx, event: Any, old: Any, new: Any, action: Action, by: str, now: str) -> None:
    """Publish what changed.

    Policy: public frames only for public questions of an open event, except
    ``question.unpublished``, which is sent whatever the event's state and
    also rewrites every earlier stored frame that carried the question (so
    no replay after ``since`` holds its text). The consoles and the asker's
    tracker are told of every change.
    """
    if action is Action.UNPUBLISH and Status(old["status"]) in PUBLIC_STATUSES:
        await withdraw_question_frames(tx, event["id"], new["id"])
        await tx.emit(event["id"], channels.public(event["id"]),
                      {"type": UNPUBLISHED, "question_id": new["id"]}, now)
    frame_type = PUBLIC_FRAME.get(action)
    if action is Action.APPROVE and old["unpublished_from"]:
        frame_type = BACK_FRAME.get(Status(new["status"]), frame_type)
    if (
        frame_type is not None
        and Status(new["status"]) in PUBLIC_STATUSES
        and event["status"] != EventStatus.CLOSED.value
        and not (action is Action.ASSIGN and old["status"] != Status.APPROVED.value)
    ):
        frame: dict[str, Any] = {"type": frame_type, "question": public_question(new)}
        if frame_type == "question.transferred":
            frame["case_id"] = new["case_id"]
        await tx.emit(event["id"], channels.public(event["id"]), frame, now)
    send_staff(tx, event["id"], old, new, action.value, by)
    nudge_trackers(tx, new["id"], await merged_into(tx, new["id"]))


def nudge_trackers(tx: Tx, question_id: int, merged: list[int]) -> None:
    """The asker's tracker (and those of questions merged into it) reloads."""
    for target in (question_id, *merged):
        tx.send(channels.question(target), {"type": "track.changed"})


def send_staff(tx: Tx, event_id: int, old: Any, new: Any, action: str, by: str | None) -> None:
    """Moderators see every change; officials see public questions of their unit or none."""
    frame = {"type": "question.changed", "question": staff_question(new), "action": action, "by": by}
    tx.send(channels.moderators(event_id), frame)
    frame = {**frame, "question": staff_question(new, moderation=False)}
    units: set[int | None] = set()
    if Status(old["status"]) in PUBLIC_STATUSES:
        units.add(old["unit_id"])
    if Status(new["status"]) in PUBLIC_STATUSES:
        units.add(new["unit_id"])
    for unit_id in units:
        tx.send(channels.officials(event_id, unit_id), frame)


async def merge_votes(tx: Tx, row: Any, into: int, event_id: int, now: str) -> None:
    """The merged question's supporters and its asker join the survivor's +1s."""
    await votes.copy_votes(tx, row["id"], into)
    asker = row["viewer_key"] or f"asker:{row['id']}"
    await votes.add_votes(tx, [(into, asker)], now)
    survivor = await votes.recount(tx, into)
    if survivor is not None and Status(survivor["status"]) in PUBLIC_STATUSES:
        await tx.emit(event_id, channels.public(event_id),
                      {"type": "votes", "counts": {str(into): survivor["votes"]}}, now)
    await update_question(tx, into, {})
    survivor_row = await question_row(tx, into)
    send_staff(tx, event_id, survivor_row, survivor_row, "votes", None)
    for merged_id in await merged_into(tx, into):
        tx.send(channels.question(merged_id), {"type": "track.changed"})


def without_withdrawn(messages: list[Message]) -> list[Message]:
    """A replay as it may be sent: each frame carrying a question that a later frame of the same
    replay unpublished becomes that ``question.unpublished`` frame (same ``seq``).

    The store rewrites its own frames when a question is unpublished; a feed it
    does not own (the Redis stream an edge replays from) is filtered here, so no
    replay after ``since`` shows withdrawn text. Replays without an unpublish
    are returned as they are, unparsed.
    """
    if not any(UNPUBLISHED in message.text for message in messages):
        return messages
    gone: set[int] = set()
    kept: list[Message] = []
    for message in reversed(messages):
        frame = json.loads(message.text) if message.text else {}
        if frame.get("type") == UNPUBLISHED:
            gone.add(int(frame["question_id"]))
        else:
            question = frame.get("question")
            if isinstance(question, dict) and question.get("id") in gone:
                text = json.dumps({"type": UNPUBLISHED, "seq": message.seq, "question_id": question["id"]},
                                  ensure_ascii=False, separators=(",", ":"))
                message = Message(message.channel, text, message.seq)
        kept.append(message)
    kept.reverse()
    return kept
