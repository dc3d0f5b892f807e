"""The demo's supervision (督办): a case rated 不满意, urged by the supervision group, followed up by phone.

The unit replies, the asker is not satisfied (the case reopens), the supervision
group urges the unit and records the call that followed: the case is on the
supervisor's console, shows 已督办 on its public timeline, waits at the top of the
unit's board console, and the week's supervision report counts it.
"""

from __future__ import annotations

from studio.accounts.directory import Staff
from studio.board import actions, supervision
from studio.board.life import CaseAction
from studio.clock import Clock
from studio.store.database import Database

SUPERVISOR: dict[str, str] = {"username": "ducha", "role": "supervisor", "display_name": "区督查考评组"}
"""The demo's supervisor account."""


async def seed_supervision(db: Database, clock: Clock, official: Staff, supervisor: Staff, case_id: int,
                           rating_code: str) -> None:
    """``official`` replies to the accepted ``case_id``, its asker rates 不满意, ``supervisor`` urges
    the unit and records a call."""
    await actions.act(db, clock, official, case_id, CaseAction.REPLY, {
        "text": "已将您的建议转交属地街道研究，后续视情况考虑。"})
    await actions.rate(db, clock, case_id, {"code": rating_code, "rating": "unsatisfied",
                                            "comment": "答复太笼统，没有说什么时候能解决。"})
    await supervision.urge(db, clock, supervisor, case_id, {
        "text": "该件网友对答复不满意，反映学校周边交通安全问题，群众关注度高。请区交通运输局会同属地"
                "街道现场核查，五个工作日内重新答复网友，并将办理情况报区督查考评组。"})
    await supervision.follow_up(db, clock, supervisor, case_id, {
        "kind": "call",
        "outcome": "电话联系区交通运输局分管负责人，对方表示已安排现场勘查，本周内重新答复网友。"})
