"""What taking a question back does to the board case or post it became.

An unpublished question's case is withdrawn from every public surface (page,
lists, search, feeds) and frozen for its unit; when the question is approved
again, or its public text edited, the case follows the question's public
text and is public again. A corrected answer corrects the post's live reply.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import EventStatus, Status
from studio.board import records
from studio.clock import Clock
from studio.store import cases
from studio.store.database import Tx
from studio.store.questions import set_question_case

MAX_REASON = 200
"""The longest note a moderator gives for unpublishing (kept in the audit log)."""


async def withdraw(tx: Tx, question: Any, now: str) -> None:
    """Withdraw the question's case or post, if it has one, while the question is reviewed again."""
    if question["case_id"]:
        await cases.withdraw_case(tx, question["case_id"], now)


async def follow_question(tx: Tx, clock: Clock, question: Any, event: Any) -> None:
    """Make the board follow the question's current public text.

    A question with a case: the case takes its title and text and is public
    again. An answered question of a closed event with no post yet (it was
    unpublished when the event closed): the post is made now.
    """
    text = question["public_text"]
    if question["case_id"]:
        await cases.set_case_text(tx, question["case_id"], title=records.title_of(text), text=text)
    elif question["status"] == Status.ANSWERED.value and event["status"] == EventStatus.CLOSED.value:
        post_id = await records.post_from_answer(tx, question, event, clock)
        await set_question_case(tx, question["id"], post_id)


async def correct_reply(tx: Tx, question: Any, text: str) -> None:
    """The post made from an answered question carries the corrected answer."""
    if question["case_id"]:
        await cases.set_live_reply(tx, question["case_id"], text)
