"""同问 ("我也遇到了") on board cases, and what an asker can do on their tracking page.

Anyone may add their voice to a public board case, once per viewer: the
viewer is the signed viewer cookie, the same identity as the live feed's +1s
(``studio.accounts.viewer``), so a viewer who +1'd a question during its event
is already counted on the case it became. The HTTP layer applies the live +1
limits per client and per address (``studio.ratelimit.Limits.vote``). An asker
whose own message a moderator merged into a case counts too
(:func:`studio.board.submissions.decide`). A withdrawn case (its question is
being reviewed again) refuses with 409 ``withdrawn``; a live post (answered
during its event) with 409 ``not_allowed``. Every new 同问 is in the audit log
(``case.support``), without the viewer's id.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import Role
from studio import channels
from studio.board.life import Stage
from studio.clock import Clock
from studio.errors import ApiError
from studio.store import audit, cases, supports
from studio.store.database import Database, Queryable, Tx


async def support(db: Database, clock: Clock, case_id: int, supporter: str) -> dict[str, Any]:
    """Count ``supporter``'s 同问 on the case once; a repeat changes nothing.

    Answers ``{"case_id", "supports", "supported": true, "counted"}``
    (``counted``: whether this call added the voice). 404 ``not_found`` for no
    such case, 409 ``withdrawn`` while the case is withdrawn for review, 409
    ``not_allowed`` for a live post.
    """
    async with db.write() as tx:
        row = await cases.case_row(tx, case_id)
        if row is None:
            raise ApiError("not_found", "没有这条留言")
        if row["withdrawn_at"]:
            raise ApiError("withdrawn", "这条留言已撤回复核，暂时不能同问")
        if row["kind"] != "case":
            raise ApiError("not_allowed", "现场回答的留言不能同问")
        stamp = clock.stamp()
        counted = await supports.add_support(tx, case_id, supporter, stamp)
        count = await supports.supports_of(tx, case_id)
        if counted:
            await audit.record(tx, at=stamp, actor="网友", role=Role.AUDIENCE.value,
                               action="case.support", case_id=case_id,
                               detail={"supports": count})
            await nudge_askers(tx, case_id)
    return {"case_id": case_id, "supports": count, "supported": True, "counted": counted}


async def supported(conn: Queryable, case_id: int, supporter: str | None) -> bool:
    """Whether this viewer has added their 同问 to the case (``False`` without a viewer)."""
    return supporter is not None and await supports.has_supported(conn, case_id, supporter)


def asker_actions(case: dict[str, Any] | None, *, retractable: bool) -> list[str]:
    """What the asker can do now on their message, in the order the tracking page shows them.

    ``withdraw`` while their message is still pending review; ``rate`` when
    the case's current reply round waits for a rating (any of the case's
    askers rates it, with their own rating code). Actions on an open case are
    added here too, and shown by the tracking pages (``_asker_actions.html``).
    """
    actions = []
    if retractable:
        actions.append("withdraw")
    if case is not None and case.get("kind", "case") == "case" and case.get("stage") == Stage.REPLIED.value:
        actions.append("rate")
    return actions


async def nudge_askers(tx: Tx, case_id: int) -> None:
    """After a change to the case, the live trackers of its askers (the question it came from and
    those merged into it) read their view again (``track.changed`` on each question's channel)."""
    for question_id in await supports.asker_questions(tx, case_id):
        tx.send(channels.question(question_id), {"type": "track.changed"})
