"""Supervision (督办) on a real server: the console, urging and its public line, follow-ups, roles, refusals."""

from __future__ import annotations

from typing import Any

import httpx

from support.clients import Studio
from support.supervision import board_case, make_overdue, rate, supervisor, withdraw


def public_case(studio: Studio, case_id: int) -> dict[str, Any]:
    with studio.server.http() as client:
        answer = client.get(f"/api/board/cases/{case_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def listed(answer: httpx.Response) -> dict[int, dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return {c["id"]: c for c in answer.json()["cases"]}


def code(answer: httpx.Response) -> tuple[int, str]:
    body: dict[str, Any] = answer.json()
    return answer.status_code, body["error"]["code"]


def test_only_supervisors_and_admins_supervise(studio: Studio) -> None:
    """Moderators and officials are refused 403 not_supervisor on every supervision call; no session, 401."""
    made = board_case(studio, "小区电梯停运一周无人维修")
    sup = supervisor(studio)
    assert sup.get("/api/me").json()["role"] == "supervisor"
    for other in (studio.mod1, studio.guest1):
        assert code(other.get("/api/board/supervision")) == (403, "not_supervisor")
        assert code(other.get("/api/board/supervision/report")) == (403, "not_supervisor")
        assert code(other.get(f"/api/board/cases/{made['id']}/supervision")) == (403, "not_supervisor")
        assert code(other.post(f"/api/board/cases/{made['id']}/urge", {"text": "请尽快办理"})) == (
            403, "not_supervisor")
        assert code(other.post(f"/api/board/cases/{made['id']}/follow-ups",
                               {"kind": "call", "outcome": "已通话"})) == (403, "not_supervisor")
        page = other.get("/studio/supervision")
        assert page.status_code == 403 and "督查考评" in page.text
        assert other.get("/studio/supervision/report.xlsx").status_code == 403
    with studio.server.http() as client:
        assert code(client.get("/api/board/supervision")) == (401, "unauthenticated")
        assert client.get("/studio/supervision", follow_redirects=False).status_code == 303
    assert sup.get("/api/board/supervision").status_code == 200
    assert studio.admin.get("/api/board/supervision").status_code == 200
    assert sup.get("/studio/supervision").status_code == 200
    for page in ("/studio/", "/studio/board"):
        shown = sup.get(page)
        assert shown.status_code == 200 and 'href="/studio/supervision"' in shown.text
    # A supervisor takes no unit action and works on no event.
    assert code(sup.post(f"/api/board/cases/{made['id']}/accept")) == (403, "forbidden")
    assert sup.get("/api/board/submissions").status_code == 403


def test_console_lists_overdue_and_unsatisfied_cases_with_filters(studio: Studio) -> None:
    """Overdue cases carry how late they are; 不满意 cases are listed; unit and kind filter the list."""
    sup = supervisor(studio)
    late = board_case(studio, "路灯坏了三个月", unit="交通局")
    make_overdue(studio, late["id"])
    unhappy = board_case(studio, "失业金迟迟不到账")
    assert studio.guest1.post(f"/api/board/cases/{unhappy['id']}/accept").status_code == 200
    assert studio.guest1.post(f"/api/board/cases/{unhappy['id']}/reply", {"text": "已在办理"}).status_code == 200
    rate(studio, unhappy["id"], unhappy["rating_code"], "unsatisfied")
    fine = board_case(studio, "公园开放时间？")

    every = listed(sup.get("/api/board/supervision"))
    assert fine["id"] not in every
    assert every[late["id"]]["kinds"] == ["overdue"]
    assert every[late["id"]]["late"]["hours"] > 24 * 30
    assert every[late["id"]]["late"]["text"].startswith("超期 ")
    assert every[unhappy["id"]]["kinds"] == ["unsatisfied"] and every[unhappy["id"]]["unsatisfied"] == 1
    assert every[unhappy["id"]]["late"] is None and every[unhappy["id"]]["stage"] == "reopened"

    by_unit = listed(sup.get(f"/api/board/supervision?unit={studio.units['交通局']}"))
    assert late["id"] in by_unit and unhappy["id"] not in by_unit
    by_kind = listed(sup.get("/api/board/supervision?kind=unsatisfied"))
    assert unhappy["id"] in by_kind and late["id"] not in by_kind
    assert code(sup.get("/api/board/supervision?kind=late")) == (400, "invalid")
    assert code(sup.get("/api/board/supervision?unit=x")) == (400, "invalid")
    page = sup.get(f"/studio/supervision?kind=overdue&unit={studio.units['交通局']}").text
    assert f'data-case-id="{late["id"]}"' in page and f'data-case-id="{unhappy["id"]}"' not in page


def test_urging_is_public_as_a_line_counted_and_waits_for_the_reply(studio: Studio) -> None:
    """Two urgings: the public timeline shows 已督办 with the count, never the text; the unit's console
    shows the text until it replies; the audit log holds it."""
    sup = supervisor(studio)
    made = board_case(studio, "学校门口交通拥堵")
    make_overdue(studio, made["id"])
    assert code(sup.post(f"/api/board/cases/{made['id']}/urge", {"text": "  "})) == (400, "invalid")
    first = sup.post(f"/api/board/cases/{made['id']}/urge", {"text": "请于两个工作日内答复网友（内部）"})
    assert first.status_code == 201, first.text
    assert [u["text"] for u in first.json()["urgings"]] == ["请于两个工作日内答复网友（内部）"]
    again = sup.post(f"/api/board/cases/{made['id']}/urge", {"text": "第二次催办（内部）"})
    assert again.status_code == 201 and len(again.json()["urgings"]) == 2

    timeline = public_case(studio, made["id"])["timeline"]
    urged = [e for e in timeline if e["kind"] == "urged"]
    assert [e["text"] for e in urged] == [
        "督查考评组向人社局发出督办通知（第 1 次），请尽快办理答复",
        "督查考评组向人社局发出督办通知（第 2 次），请尽快办理答复"]
    with studio.server.http() as client:
        page = client.get(f"/board/cases/{made['id']}").text
    assert "已督办" in page and "（内部）" not in page

    console = studio.guest1.get("/studio/board").text
    assert 'id="unit-urged"' in console and "第二次催办（内部）" in console
    assert f'data-case-id="{made["id"]}"' in console and 'data-part="urged"' in console
    assert listed(sup.get("/api/board/supervision"))[made["id"]]["waiting"] is True
    assert studio.guest2.get("/studio/board").text.count("第二次催办") == 0

    assert studio.guest1.post(f"/api/board/cases/{made['id']}/accept").status_code == 200
    assert studio.guest1.post(f"/api/board/cases/{made['id']}/reply", {"text": "已协调交警疏导"}).status_code == 200
    assert "第二次催办（内部）" not in studio.guest1.get("/studio/board").text
    record = sup.get(f"/api/board/cases/{made['id']}/supervision").json()
    assert all(u["replied_at"] for u in record["urgings"])
    actions = [(e["action"], e["after_text"]) for e in studio.admin.get(
        f"/api/board/cases/{made['id']}/audit").json()]
    assert ("case.urge", "请于两个工作日内答复网友（内部）") in actions


def test_urging_is_refused_on_closed_withdrawn_unrouted_and_replied_cases(studio: Studio) -> None:
    """Each refusal has its own code; a follow-up is still recorded on a closed case."""
    sup = supervisor(studio)

    def urge(case_id: int) -> tuple[int, str]:
        return code(sup.post(f"/api/board/cases/{case_id}/urge", {"text": "请尽快办理"}))

    closed = board_case(studio, "社区医院挂号难")
    assert studio.guest1.post(f"/api/board/cases/{closed['id']}/accept").status_code == 200
    assert studio.guest1.post(f"/api/board/cases/{closed['id']}/reply", {"text": "已增加号源"}).status_code == 200
    assert urge(closed["id"]) == (409, "case_replied")
    rate(studio, closed["id"], closed["rating_code"], "satisfied")
    assert urge(closed["id"]) == (409, "case_closed")
    assert sup.post(f"/api/board/cases/{closed['id']}/follow-ups",
                    {"kind": "call", "outcome": "回访网友，表示满意"}).status_code == 201

    unrouted = board_case(studio, "不知道该找哪个部门", unit=None)
    assert urge(unrouted["id"]) == (409, "no_unit")
    withdrawn = board_case(studio, "这条将被撤回复核")
    withdraw(studio, withdrawn["id"])
    assert urge(withdrawn["id"]) == (409, "case_withdrawn")
    assert code(sup.post(f"/api/board/cases/{withdrawn['id']}/follow-ups",
                         {"kind": "call", "outcome": "x"})) == (409, "case_withdrawn")
    assert urge(10**12) == (404, "not_found")


def test_follow_ups_are_recorded_for_staff_only(studio: Studio) -> None:
    """约谈 and 电话督办 with outcomes: in the supervision record and the audit log, not on the public case."""
    sup = supervisor(studio)
    made = board_case(studio, "垃圾清运不及时", unit="交通局")
    path = f"/api/board/cases/{made['id']}/follow-ups"
    assert code(sup.post(path, {"kind": "visit", "outcome": "x"})) == (400, "invalid")
    assert code(sup.post(path, {"kind": "call"})) == (400, "invalid")
    assert sup.post(path, {"kind": "call", "outcome": "电话督办，单位承诺三日内答复"}).status_code == 201
    answer = sup.post(path, {"kind": "meeting", "outcome": "约谈交通局分管负责人"})
    assert answer.status_code == 201
    assert [(f["kind"], f["label"]) for f in answer.json()["followups"]] == [
        ("call", "电话督办"), ("meeting", "约谈")]
    body = public_case(studio, made["id"])
    assert "约谈" not in str(body) and "电话督办" not in str(body)
    actions = [e["action"] for e in studio.admin.get(f"/api/board/cases/{made['id']}/audit").json()]
    assert actions.count("case.follow_up") == 2


def test_an_urging_is_mailed_to_a_unit_with_an_address(studio: Studio) -> None:
    """With the unit's e-mail set, an urging queues a 督办通知 carrying its text for the unit; a unit
    without an address gets none (the console still shows it)."""
    sup = supervisor(studio)
    unit = studio.units["人社局"]
    assert studio.admin.put(f"/api/units/{unit}/email", {"email": "renshe@example.gov.cn"}).status_code == 200
    try:
        made = board_case(studio, "小区门口路灯不亮")
        make_overdue(studio, made["id"])
        assert sup.post(f"/api/board/cases/{made['id']}/urge", {"text": "请三日内答复（内部）"}).status_code == 201
        other = board_case(studio, "公交站台破损", unit="交通局")
        make_overdue(studio, other["id"])
        assert sup.post(f"/api/board/cases/{other['id']}/urge", {"text": "请尽快办理"}).status_code == 201
        outbox = studio.admin.get("/api/notifications").json()["notifications"]
    finally:
        studio.admin.put(f"/api/units/{unit}/email", {"email": ""})
    urged = [n for n in outbox if n["kind"] == "urged"]
    assert [n["link_path"] for n in urged] == [f"/board/cases/{made['id']}"]
    assert urged[0]["channel"] == "email" and "请三日内答复（内部）" in urged[0]["text"]
    assert urged[0]["subject"].startswith("【网络问政】督办通知")
