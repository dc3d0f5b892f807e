"""Board cases made the way the studio makes them: a direct submission a moderator approves."""

from __future__ import annotations

import secrets
from typing import Any

from studio.accounts.directory import Staff
from studio.board import submissions
from studio.clock import Clock
from studio.store.database import Database, Tx
from studio.store.submissions import insert_submission

RATING_CODE = "ABCD2345"
"""The rating code every case made here carries."""


async def new_case(db: Database, clock: Clock, moderator: Staff, text: str, *,
                   unit: int | None = None, hard: bool = False,
                   public_text: str | None = None) -> int:
    """Submit ``text``, have ``moderator`` approve it (routed to ``unit`` when given); the case id."""
    async with db.write() as tx:
        submission = await insert_submission(
            tx, original_text=text, nickname="", unit_id=None, client_key=secrets.token_hex(8),
            tracking_code=secrets.token_urlsafe(12), rating_code=RATING_CODE, address="",
            flags="[]", submitted_at=clock.stamp())
    body: dict[str, Any] = {"hard": hard}
    if unit is not None:
        body["unit"] = unit
    if public_text is not None:
        body["text"] = public_text
    view = await submissions.decide(db, clock, moderator, submission, "approve", body,
                                    max_chars=2000)
    case_id: int = view["case_id"]
    return case_id


async def pending_submission(tx: Tx, clock: Clock, text: str) -> int:
    """A direct submission waiting for review, written in ``tx``; its id."""
    submission_id: int = await insert_submission(
        tx, original_text=text, nickname="", unit_id=None, client_key=secrets.token_hex(8),
        tracking_code=secrets.token_urlsafe(12), rating_code=RATING_CODE, address="",
        flags="[]", submitted_at=clock.stamp())
    return submission_id
