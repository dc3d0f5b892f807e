"""The board's services in process: a direct submission through moderation, then its case's life."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from studio.board import actions, submissions
from studio.board.life import CaseAction
from studio.desk.screener import Screener
from studio.errors import ApiError
from studio.store import audit
from support.seed import Seeded


async def submitted_case(seeded: Seeded, unit: str | None = "人社局") -> tuple[dict[str, Any], str]:
    """A submission approved by ``mod1`` (routed to ``unit``); its case and the asker's rating code."""
    receipt, created = await submissions.submit(
        seeded.db, seeded.clock, Screener(seeded.db),
        {"text": "小区门口的路灯坏了一个月，请尽快修理", "client_key": str(uuid.uuid4()), "nickname": "老张"},
        max_chars=2000)
    assert created
    body = {"unit": seeded.units[unit]} if unit else {}
    decided = await submissions.decide(seeded.db, seeded.clock, seeded.staff["mod1"], receipt["submission_id"],
                                       "approve", body, max_chars=2000)
    async with seeded.db.read() as conn:
        case = await actions.staff_case(conn, decided["case_id"], seeded.clock.stamp())
    return case, receipt["rating_code"]


@pytest.mark.asyncio
async def test_a_submission_is_moderated_into_a_routed_case_and_audited(seeded: Seeded) -> None:
    """Approval opens a case routed to the chosen unit; the audit log names the board's actions."""
    case, _ = await submitted_case(seeded)
    assert case["stage"] == "assigned" and case["unit"]["name"] == "人社局"
    assert [line["kind"] for line in case["timeline"]][:2] == ["received", "screened"]
    async with seeded.db.read() as conn:
        logged = [row["action"] for row in await audit.case_rows(conn, case["id"])]
    assert logged == ["board.approve"]


@pytest.mark.asyncio
async def test_a_submission_is_handled_once_and_only_by_moderators(seeded: Seeded) -> None:
    """Officials may not moderate submissions; a second decision answers not_allowed."""
    receipt, _ = await submissions.submit(
        seeded.db, seeded.clock, Screener(seeded.db),
        {"text": "公交站台能否加装遮阳棚", "client_key": str(uuid.uuid4())}, max_chars=2000)
    with pytest.raises(ApiError) as refused:
        await submissions.decide(seeded.db, seeded.clock, seeded.staff["guest1"], receipt["submission_id"],
                                 "approve", {}, max_chars=2000)
    assert refused.value.code == "forbidden"
    rejected = await submissions.decide(seeded.db, seeded.clock, seeded.staff["mod1"], receipt["submission_id"],
                                        "reject", {"reason": "duplicate", "note": "与 #3 相同"}, max_chars=2000)
    assert rejected["status"] == "rejected" and rejected["reason"] == "重复提问：与 #3 相同"
    with pytest.raises(ApiError) as again:
        await submissions.decide(seeded.db, seeded.clock, seeded.staff["mod1"], receipt["submission_id"],
                                 "approve", {}, max_chars=2000)
    assert again.value.code == "not_allowed"


@pytest.mark.asyncio
async def test_only_the_cases_unit_accepts_and_replies(seeded: Seeded) -> None:
    """Another unit's official is refused; moderators route but do not reply; the unit does."""
    case, _ = await submitted_case(seeded)
    for who in ("guest3", "mod1"):
        with pytest.raises(ApiError) as refused:
            await actions.act(seeded.db, seeded.clock, seeded.staff[who], case["id"], CaseAction.ACCEPT, {})
        assert refused.value.code == "forbidden"
    accepted = await actions.act(seeded.db, seeded.clock, seeded.staff["guest1"], case["id"],
                                 CaseAction.ACCEPT, {})
    assert accepted["stage"] == "accepted"
    replied = await actions.act(seeded.db, seeded.clock, seeded.staff["guest1"], case["id"],
                                CaseAction.REPLY, {"text": "已安排维修，三日内修复。"})
    assert replied["stage"] == "replied" and replied["status"] == "replied"
    assert [reply["text"] for reply in replied["replies"]] == ["已安排维修，三日内修复。"]


@pytest.mark.asyncio
async def test_unsatisfied_reopens_once_then_closes(seeded: Seeded) -> None:
    """不满意 on the first round reopens the case; on the second it closes; wrong codes and early ratings fail."""
    case, code = await submitted_case(seeded)
    guest = seeded.staff["guest1"]
    await actions.act(seeded.db, seeded.clock, guest, case["id"], CaseAction.ACCEPT, {})
    await actions.act(seeded.db, seeded.clock, guest, case["id"], CaseAction.REPLY, {"text": "第一轮答复"})
    with pytest.raises(ApiError) as wrong:
        await actions.rate(seeded.db, seeded.clock, case["id"], {"code": "WRONG123", "rating": "不满意"})
    assert wrong.value.code == "bad_rating_code"
    reopened = await actions.rate(seeded.db, seeded.clock, case["id"], {"code": code, "rating": "不满意"})
    assert reopened["stage"] == "reopened" and reopened["status"] == "open"
    with pytest.raises(ApiError) as early:
        await actions.rate(seeded.db, seeded.clock, case["id"], {"code": code, "rating": "满意"})
    assert early.value.code == "not_allowed"  # the second round has no reply yet
    await actions.act(seeded.db, seeded.clock, guest, case["id"], CaseAction.REPLY, {"text": "第二轮答复"})
    closed = await actions.rate(seeded.db, seeded.clock, case["id"],
                                {"code": code.lower(), "rating": "unsatisfied"})
    assert closed["stage"] == "closed"
    assert [rating["round"] for rating in closed["ratings"]] == [1, 2]


@pytest.mark.asyncio
async def test_one_extension_before_the_deadline_with_a_public_reason(seeded: Seeded) -> None:
    """A unit extends once, with its reason on the timeline; a second extension is refused."""
    case, _ = await submitted_case(seeded)
    guest = seeded.staff["guest1"]
    await actions.act(seeded.db, seeded.clock, guest, case["id"], CaseAction.ACCEPT, {})
    extended = await actions.act(seeded.db, seeded.clock, guest, case["id"], CaseAction.EXTEND,
                                 {"reason": "需协调供电公司"})
    assert extended["due_at"] > case["due_at"]
    assert extended["extension"]["reason"] == "需协调供电公司"
    assert any("需协调供电公司" in line["text"] for line in extended["timeline"])
    with pytest.raises(ApiError) as twice:
        await actions.act(seeded.db, seeded.clock, guest, case["id"], CaseAction.EXTEND, {"reason": "再延"})
    assert twice.value.code == "not_allowed"


@pytest.mark.asyncio
async def test_out_of_scope_sends_the_case_back_to_routing(seeded: Seeded) -> None:
    """The unit returns a case with a reason; it waits in the routing queue until re-routed."""
    case, _ = await submitted_case(seeded)
    returned = await actions.act(seeded.db, seeded.clock, seeded.staff["guest1"], case["id"],
                                 CaseAction.OUT_OF_SCOPE, {"reason": "属于交通局职责"})
    assert returned["stage"] == "routing"
    async with seeded.db.read() as conn:
        queue = await actions.routing_queue(conn, seeded.clock.stamp())
    waiting = next(item for item in queue if item["id"] == case["id"])
    assert waiting["returned"] == {"unit": "人社局", "reason": "属于交通局职责"}
    rerouted = await actions.act(seeded.db, seeded.clock, seeded.staff["mod1"], case["id"],
                                 CaseAction.ROUTE, {"unit": seeded.units["交通局"]})
    assert rerouted["stage"] == "assigned" and rerouted["unit"]["name"] == "交通局"


@pytest.mark.asyncio
async def test_the_staff_case_shows_each_replys_quality(seeded: Seeded) -> None:
    """Staff see each board reply's indicators and working days; a copied reply is boilerplate."""
    cases = []
    for text in ("已安排维修人员，将于3个工作日内修复小区门口的路灯。咨询电话 0731-12345678。",
                 "已安排维修人员，将于3个工作日内修复小区门口的路灯。咨询电话 0731-12345678。"):
        case, _ = await submitted_case(seeded)
        await actions.act(seeded.db, seeded.clock, seeded.staff["guest1"], case["id"], CaseAction.ACCEPT, {})
        replied = await actions.act(seeded.db, seeded.clock, seeded.staff["guest1"], case["id"],
                                    CaseAction.REPLY, {"text": text})
        assert "quality" not in replied["replies"][0]  # not computed while answering the action
        cases.append(case["id"])
    async with seeded.db.read() as conn:
        first = await actions.staff_case(conn, cases[0], seeded.clock.stamp())
    quality = first["replies"][0]["quality"]
    assert quality["addresses"] and quality["action"] and quality["by_when"] and quality["contact"]
    assert not quality["basis"] and quality["boilerplate"] and quality["points"] == 0
    assert quality["working_days"] == 0 and quality["on_time"] is True
