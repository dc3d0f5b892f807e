"""The life of a board case on a real server: routing, acceptance, replies, extensions, ratings, roles."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import httpx

from studio.store.fulltext import index_text
from support.clients import Studio


def closed_case(studio: Studio, text: str, unit: str = "人社局", hard: bool = False) -> dict[str, Any]:
    """Ask in a live event, approve, close the event: the question becomes a case; returns ids and codes."""
    slug = studio.new_event()
    receipt = studio.ask(slug, text, unit=studio.units[unit])
    question = studio.question(slug, receipt["question_id"])
    assert studio.mod1.act(question, "approve", hard=hard).status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        track = client.get(f"/api/track/{receipt['tracking_code']}").json()
    return {"id": track["case"]["id"], "rating_code": receipt["rating_code"], "slug": slug}


def case(studio: Studio, case_id: int) -> dict[str, Any]:
    with studio.server.http() as client:
        answer = client.get(f"/api/board/cases/{case_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def rate(studio: Studio, case_id: int, code: str, rating: str, comment: str = "") -> httpx.Response:
    with studio.server.http() as client:
        return client.post(f"/api/board/cases/{case_id}/rating",
                           json={"code": code, "rating": rating, "comment": comment})


def kinds(body: dict[str, Any]) -> list[str]:
    return [entry["kind"] for entry in body["timeline"]]


def test_closed_event_case_is_routed_with_a_deadline(studio: Studio) -> None:
    """A question left unanswered at close becomes a case of its unit with a timeline and a deadline."""
    made = closed_case(studio, "社保卡补办需要多久？")
    body = case(studio, made["id"])
    assert body["stage"] == "assigned" and body["status"] == "open"
    assert body["unit"]["name"] == "人社局"
    assert body["due_at"] and body["routed_at"]
    assert kinds(body)[:3] == ["received", "screened", "transferred"]
    assert "routed" in kinds(body)
    assert "rating_code" not in body
    assert body["rating_open"] is False


def test_only_the_unit_accepts_and_replies(studio: Studio) -> None:
    """Another unit's official and moderators may not accept or reply; the unit's official may, audited."""
    made = closed_case(studio, "失业金申领流程是什么？")
    path = f"/api/board/cases/{made['id']}"
    assert studio.guest2.post(path + "/accept").status_code == 403
    assert studio.mod1.post(path + "/accept").status_code == 403
    assert studio.guest1.post(path + "/reply", {"text": "答复"}).status_code == 409
    accepted = studio.guest1.post(path + "/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["stage"] == "accepted"
    assert studio.guest1.post(path + "/accept").status_code == 409
    assert studio.guest1.post(path + "/reply", {"text": "  "}).status_code == 400
    assert studio.guest2.post(path + "/reply", {"text": "越权答复"}).status_code == 403
    reply = "您好！\n\n失业金可在线申领。\n\n请登录政务服务网办理。"
    answer = studio.guest1.post(path + "/reply", {"text": reply})
    assert answer.status_code == 200, answer.text
    body = case(studio, made["id"])
    assert body["status"] == "replied" and body["stage"] == "replied"
    assert body["replies"][0]["text"] == reply and body["replies"][0]["round"] == 1
    assert body["rating_open"] is True
    second = studio.guest1.post(path + "/reply", {"text": "补充：也可到窗口办理。"})
    assert second.status_code == 200
    assert len(case(studio, made["id"])["replies"]) == 2
    audit = studio.admin.get(path + "/audit").json()
    assert [e["action"] for e in audit] == ["case.accept", "case.reply", "case.reply"]
    assert {e["actor"] for e in audit} == {"guest1"}
    assert studio.guest1.get(path + "/audit").status_code == 403


def test_rating_codes(studio: Studio) -> None:
    """A wrong code is refused, rating before a reply is refused, and each round is rated once."""
    made = closed_case(studio, "公积金提取条件？")
    path = f"/api/board/cases/{made['id']}"
    assert rate(studio, made["id"], made["rating_code"], "满意").status_code == 409
    studio.guest1.post(path + "/accept")
    studio.guest1.post(path + "/reply", {"text": "符合条件即可提取。"})
    wrong = rate(studio, made["id"], "WRONGCODE", "满意")
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "bad_rating_code"
    assert "评价码" in wrong.json()["error"]["message"]
    assert rate(studio, made["id"], made["rating_code"], "很好").status_code == 400
    assert rate(studio, made["id"], "", "满意").status_code == 400
    ok = rate(studio, made["id"], made["rating_code"].lower(), "满意", "谢谢")
    assert ok.status_code == 200, ok.text
    assert ok.json()["stage"] == "closed" and ok.json()["status"] == "replied"
    again = rate(studio, made["id"], made["rating_code"], "不满意")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    body = case(studio, made["id"])
    assert [r["label"] for r in body["ratings"]] == ["满意"]
    assert "comment" not in body["ratings"][0]
    assert "谢谢" not in str(body)
    assert kinds(body)[-1] == "rated"
    assert studio.guest1.post(path + "/reply", {"text": "再答复"}).status_code == 409


def test_unsatisfied_reopens_for_a_second_reply(studio: Studio) -> None:
    """不满意 reopens the case (round 2, new deadline); the second round is rated once more and then closes."""
    made = closed_case(studio, "小区门口路灯坏了", unit="交通局")
    path = f"/api/board/cases/{made['id']}"
    studio.guest2.post(path + "/accept")
    studio.guest2.post(path + "/reply", {"text": "已安排检修。"})
    answer = rate(studio, made["id"], made["rating_code"], "不满意", "还是没修")
    assert answer.status_code == 200
    body = case(studio, made["id"])
    assert body["stage"] == "reopened" and body["status"] == "open" and body["round"] == 2
    assert body["rating_open"] is False
    assert kinds(body)[-2:] == ["rated", "reopened"]
    assert rate(studio, made["id"], made["rating_code"], "满意").status_code == 409
    assert studio.guest2.post(path + "/reply", {"text": "已修复，请查看。"}).status_code == 200
    body = case(studio, made["id"])
    assert body["stage"] == "replied" and body["replies"][-1]["round"] == 2
    assert rate(studio, made["id"], made["rating_code"], "不满意").status_code == 200
    body = case(studio, made["id"])
    assert body["stage"] == "closed"
    assert [r["rating"] for r in body["ratings"]] == ["unsatisfied", "unsatisfied"]
    staff_view = studio.guest2.get(f"/api/units/{studio.units['交通局']}/cases").json()
    found = [c for c in staff_view["replied"] if c["id"] == made["id"]]
    assert found and found[0]["stage"] == "closed"


def test_out_of_scope_goes_back_to_routing(studio: Studio) -> None:
    """The unit sends a case back with a reason; it waits for routing; a moderator routes it elsewhere."""
    made = closed_case(studio, "公交线路调整建议")
    path = f"/api/board/cases/{made['id']}"
    assert studio.guest1.post(path + "/out-of-scope", {}).status_code == 400
    back = studio.guest1.post(path + "/out-of-scope", {"reason": "公交线路属于交通局职责"})
    assert back.status_code == 200, back.text
    body = case(studio, made["id"])
    assert body["stage"] == "routing" and body["unit"] is None and body["due_at"] is None
    queue = studio.mod1.get("/api/board/routing").json()
    waiting = next(c for c in queue if c["id"] == made["id"])
    assert waiting["returned"] == {"unit": "人社局", "reason": "公交线路属于交通局职责"}
    assert studio.guest1.get("/api/board/routing").status_code == 403
    assert studio.guest1.post(path + "/accept").status_code == 403
    assert studio.guest2.post(path + "/route", {"unit": studio.units["交通局"]}).status_code == 403
    assert studio.mod1.post(path + "/route", {}).status_code == 400
    routed = studio.mod1.post(path + "/route", {"unit": studio.units["交通局"], "hard": True})
    assert routed.status_code == 200, routed.text
    assert studio.guest2.post(path + "/accept").status_code == 200
    body = case(studio, made["id"])
    assert body["unit"]["name"] == "交通局" and body["hard"] is True
    texts = [e["text"] for e in body["timeline"]]
    assert any("人社局退回" in t and "交通局职责" in t for t in texts)
    assert any(t.startswith("转交交通局办理") and "5 个工作日" in t for t in texts)
    assert kinds(body)[-1] == "accepted"
    assert made["id"] not in [c["id"] for c in studio.mod1.get("/api/board/routing").json()]


def test_one_extension_with_a_public_reason(studio: Studio) -> None:
    """A unit extends once, before the deadline, with a reason shown publicly; a second is refused."""
    made = closed_case(studio, "医保报销比例？")
    path = f"/api/board/cases/{made['id']}"
    assert studio.guest1.post(path + "/extend", {"reason": "需要调查"}).status_code == 409
    studio.guest1.post(path + "/accept")
    before = case(studio, made["id"])["due_at"]
    assert studio.guest1.post(path + "/extend", {}).status_code == 400
    answer = studio.guest1.post(path + "/extend", {"reason": "需会同医保中心核实"})
    assert answer.status_code == 200, answer.text
    body = case(studio, made["id"])
    assert body["extension"]["reason"] == "需会同医保中心核实"
    assert body["extension"]["days"] == 5
    assert body["extension"]["due_before"] == before and body["due_at"] > before
    assert kinds(body)[-1] == "extended"
    second = studio.guest1.post(path + "/extend", {"reason": "再延"})
    assert second.status_code == 409 and "一次" in second.json()["error"]["message"]
    with studio.server.http() as client:
        page = client.get(f"/board/cases/{made['id']}").text
    assert "需会同医保中心核实" in page


def test_overdue_cases_are_flagged_and_listed(studio: Studio) -> None:
    """A case past its deadline is flagged on its page and listed for staff (officials: their unit only)."""
    made = closed_case(studio, "道路积水严重", unit="交通局")
    with sqlite3.connect(studio.server.db, timeout=10) as db:
        db.execute("UPDATE cases SET due_at = '2026-01-05T23:59:59+08:00' WHERE id = ?", (made["id"],))
    body = case(studio, made["id"])
    assert body["overdue"] is True and kinds(body)[-1] == "overdue"
    assert made["id"] in [c["id"] for c in studio.mod1.get("/api/board/overdue").json()]
    assert made["id"] in [c["id"] for c in studio.guest2.get("/api/board/overdue").json()]
    assert made["id"] not in [c["id"] for c in studio.guest1.get("/api/board/overdue").json()]
    unit = studio.guest2.get(f"/api/units/{studio.units['交通局']}/cases").json()
    assert made["id"] in [c["id"] for c in unit["overdue"]]
    assert studio.guest1.get(f"/api/units/{studio.units['交通局']}/cases").status_code == 403
    with studio.server.http() as client:
        page = client.get(f"/board/cases/{made['id']}").text
    assert "已超过办理时限" in page
    path = f"/api/board/cases/{made['id']}"
    studio.guest2.post(path + "/accept")
    late = studio.guest2.post(path + "/extend", {"reason": "来不及"})
    assert late.status_code == 409 and "超期" in late.json()["error"]["message"]


def test_direct_submission_goes_through_moderation(studio: Studio) -> None:
    """我要留言: pending and private until approved; approval opens a routed case; rejection tells why."""
    key = str(uuid.uuid4())
    text = "建议在地铁站增加共享单车停放点"
    with studio.server.http() as client:
        first = client.post("/api/board/submissions", json={"text": text, "client_key": key,
                                                             "unit": studio.units["交通局"]})
        again = client.post("/api/board/submissions", json={"text": text, "client_key": key})
        bad = client.post("/api/board/submissions", json={"text": "", "client_key": str(uuid.uuid4())})
    assert first.status_code == 201, first.text
    assert again.status_code == 200 and again.json() == first.json()
    assert bad.status_code == 400
    receipt = first.json()
    with studio.server.http() as client:
        assert client.get(f"/api/board/track/{receipt['tracking_code']}").json()["status"] == "pending"
        assert text not in client.get("/board").text
    assert studio.guest1.get("/api/board/submissions").status_code == 403
    queue = studio.mod1.get("/api/board/submissions").json()
    mine = next(s for s in queue if s["id"] == receipt["submission_id"])
    assert mine["flags"] == [] and mine["original_text"] == text
    path = f"/api/board/submissions/{receipt['submission_id']}"
    assert studio.guest2.post(path + "/approve").status_code == 403
    approved = studio.mod1.post(path + "/approve", {"text": text + "。"})
    assert approved.status_code == 200, approved.text
    assert studio.mod2.post(path + "/reject", {"reason": "duplicate"}).status_code == 409
    with studio.server.http() as client:
        tracked = client.get(f"/api/board/track/{receipt['tracking_code']}").json()
    body = case(studio, tracked["case_id"])
    assert body["text"] == text + "。" and body["unit"]["name"] == "交通局"
    assert body["stage"] == "assigned"
    assert kinds(body)[:2] == ["received", "screened"] and "routed" in kinds(body)
    case_path = f"/api/board/cases/{body['id']}"
    assert studio.guest2.post(case_path + "/accept").status_code == 200
    assert studio.guest2.post(case_path + "/reply", {"text": "已规划新增停放点。"}).status_code == 200
    assert rate(studio, body["id"], receipt["rating_code"], "基本满意").status_code == 200
    with studio.server.http() as client:
        other = client.post("/api/board/submissions", json={"text": "广告", "client_key": str(uuid.uuid4())})
    rejected = studio.mod1.post(f"/api/board/submissions/{other.json()['submission_id']}/reject",
                                {"reason": "off_topic"})
    assert rejected.status_code == 200
    with studio.server.http() as client:
        tracked = client.get(f"/api/board/track/{other.json()['tracking_code']}").json()
    assert tracked == {**tracked, "status": "rejected", "reason": "与主题无关", "text_public": None}


def test_calendar_is_admin_edited(studio: Studio) -> None:
    """The 2026 holidays and make-up days are loaded; only admins change the calendar."""
    with studio.server.http() as client:
        days = {d["day"]: d["kind"] for d in client.get("/api/board/calendar?year=2026").json()}
    assert days["2026-10-01"] == "holiday" and days["2026-10-10"] == "workday"
    assert days["2026-02-23"] == "holiday" and days["2026-02-28"] == "workday"
    assert studio.guest1.post("/api/board/calendar", {"day": "2026-12-31", "kind": "holiday"}).status_code == 403
    assert studio.admin.post("/api/board/calendar", {"day": "2026-13-01", "kind": "holiday"}).status_code == 400
    assert studio.admin.post("/api/board/calendar", {"day": "2026-12-31", "kind": "nap"}).status_code == 400
    made = studio.admin.post("/api/board/calendar", {"day": "2026-12-31", "kind": "holiday", "name": "测试"})
    assert made.status_code == 200
    gone = studio.admin.client.delete("/api/board/calendar/2026-12-31",
                                      headers={"X-CSRF-Token": studio.admin.csrf})
    assert gone.status_code == 204
    assert studio.admin.client.delete("/api/board/calendar/2026-12-31",
                                      headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 404


def test_cases_inserted_without_a_stage_get_one(studio: Studio) -> None:
    """A case written without a stage (an import, say) gets the stage its status and unit imply."""
    with sqlite3.connect(studio.server.db, timeout=10) as db:
        db.create_function("search_tokens", 1, index_text, deterministic=True)  # the search triggers' tokenizer
        ids = [
            db.execute(
                """INSERT INTO cases (kind, origin, status, title, text, unit_id, created_at)
                   VALUES ('case', 'import', ?, '旧留言', '旧留言', ?, '2025-05-01T10:00:00+08:00')""",
                (status, unit),
            ).lastrowid
            for status, unit in (("replied", studio.units["人社局"]), ("open", None),
                                 ("open", studio.units["人社局"]))
        ]
    assert [case(studio, i)["stage"] for i in ids if i is not None] == ["replied", "routing", "assigned"]


def test_units_form_a_tree(studio: Studio) -> None:
    """A sub-unit names its parent; cases are routed to the sub-unit like to any unit."""
    made = studio.admin.post("/api/units", {"name": "人社局就业科", "parent": "人社局"})
    assert made.status_code == 201, made.text
    assert made.json()["parent_id"] == studio.units["人社局"]
    assert studio.admin.post("/api/units", {"name": "孤儿科", "parent": 9999}).status_code == 400
    listed = {u["name"]: u for u in studio.admin.get("/api/units").json()}
    assert listed["人社局就业科"]["parent_id"] == studio.units["人社局"]
    assert listed["人社局"]["parent_id"] is None
    made_case = closed_case(studio, "就业见习补贴？", unit="人社局")
    path = f"/api/board/cases/{made_case['id']}"
    studio.guest1.post(path + "/out-of-scope", {"reason": "由就业科办理"})
    routed = studio.mod1.post(path + "/route", {"unit": made.json()["id"]})
    assert routed.status_code == 200 and routed.json()["unit"]["name"] == "人社局就业科"


def test_two_ratings_at_once_one_wins(studio: Studio) -> None:
    """Several ratings of the same round sent at once: exactly one is taken, the others are told."""
    from concurrent.futures import ThreadPoolExecutor

    made = closed_case(studio, "养老保险转移接续怎么办？")
    path = f"/api/board/cases/{made['id']}"
    studio.guest1.post(path + "/accept")
    studio.guest1.post(path + "/reply", {"text": "可在线办理转移接续。"})
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda rating: rate(studio, made["id"], made["rating_code"], rating),
                                ["满意", "不满意", "基本满意"] * 2))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409, 409]
    assert len(case(studio, made["id"])["ratings"]) == 1


def test_direct_submission_names_a_board_case_it_repeats(studio: Studio) -> None:
    """A submission that repeats a case already on the board is flagged as its near-duplicate."""
    existing = closed_case(studio, "城东菜市场门口早上乱停车非常严重，希望交警加强管理。", unit="交通局")
    with studio.server.http() as client:
        receipt = client.post("/api/board/submissions", json={
            "text": "城东菜市场门口早上乱停车很严重，希望交警能加强管理！", "client_key": str(uuid.uuid4())}).json()
        fresh = client.post("/api/board/submissions", json={
            "text": "图书馆周末能不能延长开放时间到晚上九点？", "client_key": str(uuid.uuid4())}).json()
    queue = {s["id"]: s for s in studio.mod1.get("/api/board/submissions").json()}
    duplicates = [f for f in queue[receipt["submission_id"]]["flags"] if f["kind"] == "duplicate"]
    assert [f["question_id"] for f in duplicates] == [existing["id"]]
    assert duplicates[0]["score"] > 0.5
    assert not [f for f in queue[fresh["submission_id"]]["flags"] if f["kind"] == "duplicate"]
