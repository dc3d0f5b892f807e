"""Staff actions on board cases and the asker's rating, in process on a real store."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from studio.board import actions, records
from studio.board.life import CaseAction, extended
from studio.clock import Clock
from studio.errors import ApiError
from studio.store import cases
from studio.store.database import Database
from support.cases import RATING_CODE, new_case
from support.people import People

pytestmark = pytest.mark.asyncio
CLOCK = Clock("Asia/Shanghai")


async def act(db: Database, people: People, who: str, case_id: int, action: CaseAction,
              **body: Any) -> dict[str, Any]:
    return await actions.act(db, CLOCK, people.staff[who], case_id, action, body)


async def refused(db: Database, people: People, who: str, case_id: int, action: CaseAction,
                  **body: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await act(db, people, who, case_id, action, **body)
    return caught.value


async def rate(db: Database, case_id: int, rating: str, code: str = RATING_CODE,
               comment: str = "") -> dict[str, Any]:
    return await actions.rate(db, CLOCK, case_id, {"code": code, "rating": rating, "comment": comment})


async def rate_refused(db: Database, case_id: int, **body: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await actions.rate(db, CLOCK, case_id, {"code": RATING_CODE, "rating": "满意", **body})
    return caught.value


async def staff_view(db: Database, case_id: int) -> dict[str, Any]:
    async with db.read() as conn:
        return await actions.staff_case(conn, case_id, CLOCK.stamp())


async def accepted_case(db: Database, people: People, text: str = "小区路灯不亮") -> int:
    """A case routed to 人社局 and accepted by its official ``guest1``."""
    case_id = await new_case(db, CLOCK, people.staff["mod1"], text, unit=people.units["人社局"])
    await act(db, people, "guest1", case_id, CaseAction.ACCEPT)
    return case_id


async def replied_case(db: Database, people: People, text: str = "小区路灯不亮") -> int:
    """A case of 人社局, accepted and answered by ``guest1``."""
    case_id = await accepted_case(db, people, text)
    await act(db, people, "guest1", case_id, CaseAction.REPLY, text="已安排维修")
    return case_id


def kinds(case: dict[str, Any]) -> list[str]:
    return [entry["kind"] for entry in case["timeline"]]


async def test_route_accept_reply_rate_closes_the_case(db: Database, people: People) -> None:
    """Routing, acceptance, a reply and a 满意 rating take a case to closed, timed and audited."""
    case_id = await new_case(db, CLOCK, people.staff["mod1"], "公交站台没有遮阳棚")
    waiting = await staff_view(db, case_id)
    assert (waiting["stage"], waiting["unit"], waiting["due_at"]) == ("routing", None, None)

    routed = await act(db, people, "mod1", case_id, CaseAction.ROUTE, unit="人社局")
    assert (routed["stage"], routed["status"], routed["unit"]["name"]) == ("assigned", "open", "人社局")
    async with db.read() as conn:
        expected_due = await records.deadline_from(conn, CLOCK.parse(routed["routed_at"]), False)
    assert routed["due_at"] == expected_due.isoformat() and routed["due_at"].endswith("23:59:59+08:00")
    assert routed["timeline"][-1]["text"] == "转交人社局办理，办理时限 3 个工作日"

    accepted = await act(db, people, "guest1", case_id, CaseAction.ACCEPT)
    assert accepted["stage"] == "accepted" and accepted["accepted_at"] is not None
    assert accepted["timeline"][-1]["text"] == f"人社局已接收，将于 {routed['due_at'][:10]} 前答复"

    replied = await act(db, people, "guest1", case_id, CaseAction.REPLY, text="  已协调公交公司加装  ")
    assert (replied["stage"], replied["status"], replied["rating_open"]) == ("replied", "replied", True)
    assert [(r["text"], r["author"], r["round"], r["unit"]["name"]) for r in replied["replies"]] == [
        ("已协调公交公司加装", "guest1", 1, "人社局")]
    assert replied["replied_at"] is not None

    closed = await rate(db, case_id, "满意", code=RATING_CODE.lower())
    assert (closed["stage"], closed["status"], closed["rating_open"]) == ("closed", "replied", False)
    assert [(r["round"], r["rating"], r["label"]) for r in closed["ratings"]] == [(1, "satisfied", "满意")]
    assert kinds(closed)[-4:] == ["routed", "accepted", "replied", "rated"]
    async with db.read() as conn:
        audit = await actions.audit_entries(conn, case_id)
    assert [(a["action"], a["actor"], a["from_status"], a["to_status"]) for a in audit] == [
        ("board.approve", "mod1", "pending", "approved"),
        ("case.route", "mod1", "routing", "assigned"),
        ("case.accept", "guest1", "assigned", "accepted"),
        ("case.reply", "guest1", "accepted", "replied"),
        ("case.rate", "网友", "replied", "closed"),
    ]
    assert audit[3]["after_text"] == "已协调公交公司加装"


async def test_hard_case_gets_the_longer_deadline(db: Database, people: People) -> None:
    """A case routed as hard (疑难) gets the hard number of working days, at least as late as an ordinary one."""
    ordinary = await new_case(db, CLOCK, people.staff["mod1"], "普通问题")
    hard = await new_case(db, CLOCK, people.staff["mod1"], "疑难问题")
    plain = await act(db, people, "mod1", ordinary, CaseAction.ROUTE, unit=people.units["人社局"])
    tough = await act(db, people, "mod1", hard, CaseAction.ROUTE, unit=people.units["人社局"], hard=True)
    assert tough["hard"] is True and plain["hard"] is False
    assert tough["timeline"][-1]["text"] == "转交人社局办理，办理时限 5 个工作日（疑难）"
    assert tough["due_at"] > plain["due_at"]


async def test_a_second_reply_is_a_supplement(db: Database, people: People) -> None:
    """Replying again to a replied case keeps it replied and is marked 补充答复 on the timeline."""
    case_id = await replied_case(db, people)
    again = await act(db, people, "guest1", case_id, CaseAction.REPLY, text="维修已完成")
    assert again["stage"] == "replied"
    assert [r["text"] for r in again["replies"]] == ["已安排维修", "维修已完成"]
    assert [e["text"] for e in again["timeline"] if e["kind"] == "replied"] == ["人社局答复", "人社局补充答复"]


async def test_unsatisfied_reopens_round_one_and_closes_round_two(db: Database, people: People) -> None:
    """不满意 on round 1 reopens the case for its unit with a fresh deadline; on round 2 it closes it."""
    case_id = await replied_case(db, people)
    first_due = (await staff_view(db, case_id))["due_at"]
    reopened = await rate(db, case_id, "不满意", comment="路灯还是不亮")
    assert (reopened["stage"], reopened["status"], reopened["round"]) == ("reopened", "open", 2)
    assert reopened["unit"]["name"] == "人社局"
    async with db.read() as conn:
        fresh = await records.deadline_from(conn, CLOCK.parse(reopened["timeline"][-1]["at"]), False)
    assert reopened["due_at"] == fresh.isoformat() >= first_due
    assert reopened["timeline"][-1]["kind"] == "reopened"
    assert reopened["timeline"][-1]["text"].startswith("网友不满意，重新交人社局办理")
    assert "comment" not in reopened["ratings"][0]
    assert "路灯还是不亮" not in str(reopened)
    staff = await staff_view(db, case_id)
    assert staff["ratings"][0]["comment"] == "路灯还是不亮"
    async with db.read() as conn:
        groups = await actions.unit_cases(conn, people.units["人社局"], CLOCK.stamp())
    assert [c["id"] for c in groups["reopened"]] == [case_id]

    second = await act(db, people, "guest1", case_id, CaseAction.REPLY, text="已更换灯泡")
    assert (second["stage"], second["status"]) == ("replied", "replied")
    assert [r["round"] for r in second["replies"]] == [1, 2]
    closed = await rate(db, case_id, "unsatisfied")
    assert (closed["stage"], closed["round"]) == ("closed", 2)
    assert [(r["round"], r["rating"]) for r in closed["ratings"]] == [(1, "unsatisfied"), (2, "unsatisfied")]
    refusal = await refused(db, people, "guest1", case_id, CaseAction.REPLY, text="再补充")
    assert refusal.code == "not_allowed" and refusal.status_code == 409


async def test_rating_refusals(db: Database, people: People) -> None:
    """A wrong code, a second rating, a rating before any reply and bad input are all refused."""
    waiting = await accepted_case(db, people, "还没答复的诉求")
    early = await rate_refused(db, waiting)
    assert (early.code, early.status_code) == ("not_allowed", 409)
    case_id = await replied_case(db, people)
    wrong = await rate_refused(db, case_id, code="WRONG234")
    assert (wrong.code, wrong.status_code) == ("bad_rating_code", 403)
    for body, field in (({"code": " "}, "code"), ({"rating": "很好"}, "rating"),
                        ({"comment": "长" * 501}, "comment")):
        bad = await rate_refused(db, case_id, **body)
        assert (bad.code, bad.extra["field"], bad.status_code) == ("invalid", field, 400)
    assert (await staff_view(db, case_id))["ratings"] == []
    closed = await rate(db, case_id, "基本满意")
    assert (closed["stage"], closed["ratings"][0]["rating"]) == ("closed", "basically_satisfied")
    again = await rate_refused(db, case_id)
    assert (again.code, again.status_code) == ("already_rated", 409)
    missing = await rate_refused(db, case_id + 100)
    assert (missing.code, missing.status_code) == ("not_found", 404)


async def test_extension_once_and_before_the_deadline(db: Database, people: People) -> None:
    """An accepted case may be extended once, by the configured working days after its deadline."""
    case_id = await accepted_case(db, people)
    before = (await staff_view(db, case_id))["due_at"]
    result = await act(db, people, "guest1", case_id, CaseAction.EXTEND, reason="需现场核实")
    async with db.read() as conn:
        holidays, workdays = await records.calendar(conn)
        rules = await records.rules(conn)
    after = extended(CLOCK.parse(before), rules, holidays, workdays).isoformat()
    assert result["due_at"] == after and after > before
    assert result["stage"] == "accepted"
    assert result["extension"] is not None
    assert {k: result["extension"][k] for k in ("days", "reason", "due_before", "due_after")} == {
        "days": rules.extension_days, "reason": "需现场核实", "due_before": before, "due_after": after}
    assert result["timeline"][-1]["kind"] == "extended" and "需现场核实" in result["timeline"][-1]["text"]
    async with db.read() as conn:
        groups = await actions.unit_cases(conn, people.units["人社局"], CLOCK.stamp())
    assert [(c["id"], c["extended"]) for c in groups["accepted"]] == [(case_id, True)]

    twice = await refused(db, people, "guest1", case_id, CaseAction.EXTEND, reason="还要再等")
    assert (twice.code, twice.message) == ("not_allowed", "每件诉求只能延期一次")
    assert (await staff_view(db, case_id))["due_at"] == after


async def test_no_extension_past_the_deadline_or_before_acceptance(db: Database, people: People) -> None:
    """An overdue case may not be extended, nor one its unit has not accepted; a reason is required."""
    unaccepted = await new_case(db, CLOCK, people.staff["mod1"], "未接收", unit=people.units["人社局"])
    early = await refused(db, people, "guest1", unaccepted, CaseAction.EXTEND, reason="理由")
    assert early.code == "not_allowed"

    case_id = await accepted_case(db, people)
    no_reason = await refused(db, people, "guest1", case_id, CaseAction.EXTEND, reason="  ")
    assert (no_reason.code, no_reason.extra["field"]) == ("invalid", "reason")
    past = (CLOCK.now() - timedelta(days=1)).isoformat()
    async with db.write() as tx:
        await cases.set_due(tx, case_id, past)
    late = await refused(db, people, "guest1", case_id, CaseAction.EXTEND, reason="来不及了")
    assert (late.code, late.message) == ("not_allowed", "已超期的诉求件不能再申请延期")
    view = await staff_view(db, case_id)
    assert view["due_at"] == past and view["extension"] is None
    assert view["overdue"] is True and kinds(view)[-1] == "overdue"
    async with db.read() as conn:
        overdue = await actions.overdue_cases(conn, CLOCK.stamp())
        of_unit = await actions.overdue_cases(conn, CLOCK.stamp(), people.units["交通局"])
        groups = await actions.unit_cases(conn, people.units["人社局"], CLOCK.stamp())
    assert [c["id"] for c in overdue] == [case_id] and of_unit == []
    assert [c["id"] for c in groups["overdue"]] == [case_id]


async def test_out_of_scope_goes_back_to_routing(db: Database, people: People) -> None:
    """A unit sends a case back with a reason: routing again, no unit or deadline; re-routed elsewhere."""
    case_id = await accepted_case(db, people, "高速公路收费问题")
    returned = await act(db, people, "guest1", case_id, CaseAction.OUT_OF_SCOPE, reason="属于交通部门职责")
    assert (returned["stage"], returned["status"], returned["unit"], returned["due_at"]) == (
        "routing", "open", None, None)
    assert returned["accepted_at"] is None
    assert kinds(returned)[-2:] == ["returned", "routing"]
    assert "属于交通部门职责" in returned["timeline"][-2]["text"]
    assert [(r["kind"], r["from_name"], r["to_name"], r["reason"]) for r in returned["routes"]] == [
        ("routed", None, "人社局", ""), ("out_of_scope", "人社局", None, "属于交通部门职责")]
    async with db.read() as conn:
        queue = await actions.routing_queue(conn, CLOCK.stamp())
        groups = await actions.unit_cases(conn, people.units["人社局"], CLOCK.stamp())
    assert [(c["id"], c["returned"]) for c in queue] == [
        (case_id, {"unit": "人社局", "reason": "属于交通部门职责"})]
    assert all(c["id"] != case_id for listed in groups.values() for c in listed)

    assert (await refused(db, people, "guest1", case_id, CaseAction.ACCEPT)).code == "forbidden"
    rerouted = await act(db, people, "mod1", case_id, CaseAction.ROUTE, unit=people.units["交通局"])
    assert rerouted["stage"] == "assigned" and rerouted["unit"]["name"] == "交通局"
    assert rerouted["routes"][-1]["to_name"] == "交通局"
    accepted = await act(db, people, "guest3", case_id, CaseAction.ACCEPT)
    assert accepted["stage"] == "accepted"
    async with db.read() as conn:
        assert await actions.routing_queue(conn, CLOCK.stamp()) == []


async def test_no_send_back_after_a_reply(db: Database, people: People) -> None:
    """Once its unit has replied, a case can no longer be sent back as out of scope."""
    case_id = await replied_case(db, people)
    refusal = await refused(db, people, "guest1", case_id, CaseAction.OUT_OF_SCOPE, reason="不归我们管")
    assert refusal.code == "not_allowed"
    assert (await staff_view(db, case_id))["stage"] == "replied"


async def test_who_may_do_what(db: Database, people: People) -> None:
    """Another unit's official and moderators may not handle a case; officials may not route; admins may."""
    case_id = await new_case(db, CLOCK, people.staff["mod1"], "养老金调整", unit=people.units["人社局"])
    for who, action, body in (
        ("guest3", CaseAction.ACCEPT, {}),
        ("guest3", CaseAction.OUT_OF_SCOPE, {"reason": "不是我们的"}),
        ("mod1", CaseAction.ACCEPT, {}),
        ("mod2", CaseAction.REPLY, {"text": "审核员答复"}),
        ("guest1", CaseAction.ROUTE, {"unit": "交通局"}),
    ):
        refusal = await refused(db, people, who, case_id, action, **body)
        assert (refusal.code, refusal.status_code) == ("forbidden", 403), (who, action)
    assert (await staff_view(db, case_id))["stage"] == "assigned"

    await act(db, people, "guest1", case_id, CaseAction.ACCEPT)
    for who in ("guest3", "mod1"):
        refusal = await refused(db, people, who, case_id, CaseAction.REPLY, text="越权答复")
        assert refusal.code == "forbidden", who
    refusal = await refused(db, people, "guest3", case_id, CaseAction.EXTEND, reason="越权延期")
    assert refusal.code == "forbidden"
    by_admin = await act(db, people, "admin", case_id, CaseAction.REPLY, text="管理员代为答复")
    assert by_admin["stage"] == "replied"
    assert [(r["author"], r["unit"]["name"]) for r in by_admin["replies"]] == [("admin", "人社局")]
    async with db.read() as conn:
        audit = await actions.audit_entries(conn, case_id)
    assert [(a["action"], a["actor"]) for a in audit] == [
        ("board.approve", "mod1"), ("case.accept", "guest1"), ("case.reply", "admin")]


async def test_moderator_routes_but_not_a_routed_case(db: Database, people: People) -> None:
    """Moderators route cases waiting for a unit; a case already with a unit cannot be routed again."""
    case_id = await new_case(db, CLOCK, people.staff["mod2"], "道路积水")
    routed = await act(db, people, "mod2", case_id, CaseAction.ROUTE, unit="交通局")
    assert routed["unit"]["name"] == "交通局"
    again = await refused(db, people, "mod1", case_id, CaseAction.ROUTE, unit="人社局")
    assert (again.code, again.status_code) == ("not_allowed", 409)


async def test_bad_input_leaves_the_case_alone(db: Database, people: People) -> None:
    """A missing or unknown unit, a non-boolean hard, an empty or too long reply are 400 ``invalid``."""
    waiting = await new_case(db, CLOCK, people.staff["mod1"], "噪音扰民")
    for body, field in (({}, "unit"), ({"unit": "不存在的局"}, "unit"),
                        ({"unit": "人社局", "hard": "yes"}, "hard")):
        refusal = await refused(db, people, "mod1", waiting, CaseAction.ROUTE, **body)
        assert (refusal.code, refusal.extra["field"]) == ("invalid", field), body
    assert (await staff_view(db, waiting))["stage"] == "routing"

    case_id = await accepted_case(db, people)
    for text in (None, " \n ", "长" * (actions.MAX_REPLY_CHARS + 1)):
        refusal = await refused(db, people, "guest1", case_id, CaseAction.REPLY, text=text)
        assert (refusal.code, refusal.extra["field"]) == ("invalid", "text")
    view = await staff_view(db, case_id)
    assert view["stage"] == "accepted" and view["replies"] == []
    missing = await refused(db, people, "admin", case_id + 100, CaseAction.ACCEPT)
    assert (missing.code, missing.status_code) == ("not_found", 404)


async def test_unit_console_groups(db: Database, people: People) -> None:
    """A unit's console lists its cases by stage: to accept, accepted, replied; other units' cases never."""
    to_accept = await new_case(db, CLOCK, people.staff["mod1"], "待接收", unit=people.units["人社局"])
    in_hand = await accepted_case(db, people, "办理中")
    answered = await replied_case(db, people, "已答复")
    await new_case(db, CLOCK, people.staff["mod1"], "别的单位", unit=people.units["交通局"])
    async with db.read() as conn:
        groups = await actions.unit_cases(conn, people.units["人社局"], CLOCK.stamp())
    assert {name: [c["id"] for c in listed] for name, listed in groups.items()} == {
        "to_accept": [to_accept], "accepted": [in_hand], "reopened": [], "overdue": [],
        "replied": [answered]}
    assert all(c["extended"] is False for listed in groups.values() for c in listed)
