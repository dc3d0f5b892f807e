"""Reply quality on the staff side of a case: the indicators of :mod:`studio.replyquality` for
each of its board replies.

Working days count from the day the case was routed (else received) to the
day of the reply, with the holiday calendar; on time means by the deadline in
force when the reply was given. Boilerplate is judged against the same unit's
latest ``OTHERS`` replies to other cases. Staff only: nothing here is shown
on the public board.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studio import replyquality
from studio.board.records import calendar
from studio.board.workdays import working_days_between
from studio.store import cases
from studio.store.database import Queryable

OTHERS = 500


async def add_quality(conn: Queryable, case: dict[str, Any]) -> None:
    """Set ``quality`` (the indicators' JSON shape) on each board reply of ``case`` (a staff case
    detail); live answers keep none."""
    written = [reply for reply in case["replies"] if not reply["live"]]
    if not written:
        return
    holidays, workdays = await calendar(conn)
    due_by_time = {row["at"]: row["due_at"] for row in await cases.reply_rows(conn, case["id"])}
    message = case["title"] + "\n" + case["text"]
    started = datetime.fromisoformat(case["routed_at"] or case["created_at"]).date()
    others: list[str] = []
    for unit_id in {reply["unit"]["id"] for reply in written if reply["unit"]}:
        others += await cases.unit_reply_texts(conn, unit_id, case["id"], OTHERS)
    copies = replyquality.copy_scores([reply["text"] for reply in written], others)
    for reply, copied in zip(written, copies, strict=True):
        due = due_by_time.get(reply["at"])
        days = working_days_between(started, datetime.fromisoformat(reply["at"]).date(), holidays, workdays)
        reply["quality"] = replyquality.assess(
            message, reply["text"], copy_score=copied, working_days=days,
            on_time=None if due is None else reply["at"] <= due,
        ).as_dict()
