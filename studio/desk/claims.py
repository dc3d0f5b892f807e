"""Desk claims: "mod1 has this question open", shown live to the other moderators.

A claim is a row in the store (so every server process sees it) with an
expiry in wall-clock seconds. The desk claims a question when a moderator
opens it and renews the claim while it stays open; the claim ends when the
moderator closes it, acts on it, leaves the desk, or when it expires
(``STUDIO_CLAIM_SECONDS``). Claims hold: a desk action on a question another
moderator has claimed is refused (409 ``claimed``) unless it says it takes the
question over, which ends the other claim and tells the other desk; the
version check then decides between actions that both went ahead.

Frames on the moderators' channel (no ``seq``)::

    {"type": "question.claimed", "question": 42, "by": "mod1", "expires_in": 90}
    {"type": "question.released", "question": 42, "by": "mod1", "why": "released|handled|left|expired|taken",
     "taken_by": "mod2"}
"""

from __future__ import annotations

import logging
import time
from typing import Any

from moderation.lifecycle import Role
from studio import channels
from studio.accounts.access import require_event_staff
from studio.accounts.directory import Staff
from studio.errors import ApiError
from studio.periodic import Periodic
from studio.store import claims as claim_rows
from studio.store.database import Database, Queryable, Tx
from studio.store.questions import question_row

log = logging.getLogger(__name__)


def claimed_frame(question_id: int, by: str, expires_in: float) -> dict[str, Any]:
    return {"type": "question.claimed", "question": question_id, "by": by,
            "expires_in": round(max(0.0, expires_in), 1)}


def released_frame(question_id: int, by: str, why: str) -> dict[str, Any]:
    return {"type": "question.released", "question": question_id, "by": by, "why": why}


async def _desk_question(tx: Queryable, staff: Staff, question_id: int) -> Any:
    """The question's row if ``staff`` works the event's desk (admin or its moderator)."""
    row = await question_row(tx, question_id)
    if row is None:
        raise ApiError("not_found", "没有这个提问")
    await require_event_staff(tx, row["event_id"], staff, Role.ADMIN, Role.MODERATOR,
                              refusal="不是本场访谈的审核员")
    return row


async def claim(db: Database, staff: Staff, question_id: int, seconds: float) -> dict[str, Any]:
    """Claim (or renew the claim on) a question for ``seconds``.

    Policy: one holder per question; a live claim of someone else answers 409
    ``claimed`` with ``by`` and ``expires_in`` (the desk then shows it as taken);
    an expired one is simply replaced. Only a new holder is announced, so renewals
    stay quiet.
    """
    now = time.time()
    async with db.write() as tx:
        row = await _desk_question(tx, staff, question_id)
        held = await claim_rows.holder(tx, question_id)
        if held is not None and held["username"] != staff.username and held["expires_at"] > now:
            raise ApiError("claimed", f"{held['username']} 正在处理这个提问", by=held["username"],
                           expires_in=round(held["expires_at"] - now, 1))
        await claim_rows.put_claim(tx, question_id, row["event_id"], staff.username, now + seconds)
        frame = claimed_frame(question_id, staff.username, seconds)
        if held is None or held["username"] != staff.username or held["expires_at"] <= now:
            tx.send(channels.moderators(row["event_id"]), frame)
        return {key: value for key, value in frame.items() if key != "type"}


async def release(db: Database, staff: Staff, question_id: int) -> bool:
    """Give up one's own claim; whether there was one."""
    async with db.write() as tx:
        row = await _desk_question(tx, staff, question_id)
        released = await claim_rows.drop_claim_of(tx, question_id, staff.username)
        if released:
            tx.send(channels.moderators(row["event_id"]),
                    released_frame(question_id, staff.username, "released"))
        return released


async def hold_or_take_over(tx: Tx, event_id: int, question_id: int, staff: Staff, *,
                            take_over: bool) -> None:
    """Inside an action's transaction: may ``staff`` act on a question someone else may hold?

    Policy: no live claim, or one's own, lets the action go on. A live claim of
    another moderator answers 409 ``claimed`` (with ``by`` and ``expires_in``)
    unless ``take_over``: then their claim ends and their desk is told who took it.
    """
    now = time.time()
    held = await claim_rows.holder(tx, question_id)
    if held is None or held["username"] == staff.username or held["expires_at"] <= now:
        return
    if not take_over:
        raise ApiError("claimed", f"{held['username']} 正在处理这个提问，确定要接手吗？",
                       by=held["username"], expires_in=round(held["expires_at"] - now, 1))
    await claim_rows.drop_claim_of(tx, question_id, held["username"])
    tx.send(channels.moderators(event_id),
            {**released_frame(question_id, held["username"], "taken"), "taken_by": staff.username})


async def release_handled(tx: Tx, event_id: int, question_id: int) -> None:
    """Inside an action's transaction: the question was acted on, so its claim ends."""
    holder = await claim_rows.drop_claim(tx, question_id)
    if holder is not None:
        tx.send(channels.moderators(event_id), released_frame(question_id, holder, "handled"))


async def release_all(db: Database, event_id: int, username: str) -> None:
    """A moderator left the desk: their claims in the event end."""
    async with db.write() as tx:
        for question_id in await claim_rows.drop_claims_of(tx, event_id, username):
            tx.send(channels.moderators(event_id), released_frame(question_id, username, "left"))


async def active_claims(conn: Queryable, event_id: int) -> list[dict[str, Any]]:
    now = time.time()
    rows = await claim_rows.live_claims(conn, event_id, now)
    return [{"question": row["question_id"], "by": row["username"],
             "expires_in": round(row["expires_at"] - now, 1)} for row in rows]


async def sweep(db: Database) -> int:
    """End every expired claim and announce it; safe with several processes (the delete decides)."""
    async with db.write() as tx:
        rows = await claim_rows.drop_expired(tx, time.time())
        for row in rows:
            tx.send(channels.moderators(row["event_id"]),
                    released_frame(row["question_id"], row["username"], "expired"))
        return len(rows)


class ClaimSweeper(Periodic):
    """Ends expired claims every ``interval`` seconds."""

    def __init__(self, db: Database, claim_seconds: float) -> None:
        self.db = db
        self.interval = max(0.2, min(5.0, claim_seconds / 4))

    async def tick(self) -> None:
        async with self.db.read() as conn:
            due = await claim_rows.any_expired(conn, time.time())
        if due:
            await sweep(self.db)
