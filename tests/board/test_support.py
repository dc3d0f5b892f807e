"""同问 on board cases and merging near-duplicate submissions, on a real server (and the store)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from studio.accounts.directory import Staff
from studio.board import submissions, support
from studio.clock import Clock
from studio.errors import ApiError
from studio.store import cases
from studio.store.database import Database
from support.cases import case_viewer, new_case, open_case, pending_submission, submit_message
from support.clients import Studio, recv_until, running_studio
from support.people import People


def test_two_viewers_count_two_and_a_repeat_counts_once(studio: Studio) -> None:
    """Two viewers' 同问 count two, a repeat is not counted; the API, page, list and audit agree."""
    case_id, _ = open_case(studio, "夜里十点后小区门口的路灯全部熄灭，行人摔倒过好几次")
    with case_viewer(studio, case_id) as first, case_viewer(studio, case_id) as second:
        one = first.post(f"/api/board/cases/{case_id}/support")
        assert one.status_code == 200, one.text
        assert one.json() == {"case_id": case_id, "supports": 1, "supported": True, "counted": True}
        again = first.post(f"/api/board/cases/{case_id}/support")
        assert again.json() == {"case_id": case_id, "supports": 1, "supported": True, "counted": False}
        assert second.post(f"/api/board/cases/{case_id}/support").json()["supports"] == 2
        assert first.get(f"/api/board/cases/{case_id}").json()["supports"] == 2
        page = first.get(f"/board/cases/{case_id}").text
        assert '<strong id="support-count">2</strong>' in page and "已同问" in page
        listed = first.get("/board", params={"q": "路灯全部熄灭"}).text
        assert "2 人同问" in listed
    audit = studio.admin.get(f"/api/board/cases/{case_id}/audit").json()
    assert [entry["action"] for entry in audit].count("case.support") == 2
    assert all("v:" not in json.dumps(entry, ensure_ascii=False) for entry in audit)


def test_a_client_without_a_viewer_cookie_is_refused(studio: Studio) -> None:
    """A 同问 without the viewer cookie the case page gives is 403 ``no_viewer``; a bad case id 404."""
    case_id, _ = open_case(studio, "公园的健身器材坏了很久没人修")
    with studio.server.http() as client:
        refused = client.post(f"/api/board/cases/{case_id}/support")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "no_viewer"
        client.cookies.set("studio_viewer", "forged.value")
        assert client.post(f"/api/board/cases/{case_id}/support").json()["error"]["code"] == "no_viewer"
    with case_viewer(studio, case_id) as client:
        missing = client.post("/api/board/cases/999999999/support")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_sort_and_filter_by_support(studio: Studio) -> None:
    """``sort=support`` puts the most supported first; ``min_support`` keeps those with enough 同问."""
    word = f"排序{uuid.uuid4().hex[:6]}"
    little, _ = open_case(studio, f"{word} 菜市场门口占道经营")
    much, _ = open_case(studio, f"{word} 地铁口共享单车堆积")
    none, _ = open_case(studio, f"{word} 垃圾站夏天异味")
    for case_id, count in ((little, 1), (much, 3)):
        for _ in range(count):
            with case_viewer(studio, case_id) as client:
                assert client.post(f"/api/board/cases/{case_id}/support").status_code == 200
    with studio.server.http() as client:
        ranked = client.get("/api/board/cases", params={"q": word, "sort": "support"}).json()
        assert [c["id"] for c in ranked["cases"]] == [much, little, none]
        assert [c["supports"] for c in ranked["cases"]] == [3, 1, 0]
        kept = client.get("/api/board/cases", params={"q": word, "min_support": 2}).json()
        assert [c["id"] for c in kept["cases"]] == [much] and kept["total"] == 1
        everything = client.get("/api/board/cases", params={"sort": "support", "per_page": 100}).json()
        counts = [c["supports"] for c in everything["cases"]]
        assert counts == sorted(counts, reverse=True) and counts[0] >= 3
        page = client.get("/board", params={"q": word, "sort": "support", "min_support": 1}).text
        assert page.index(f'data-case-id="{much}"') < page.index(f'data-case-id="{little}"')
        assert f'data-case-id="{none}"' not in page
        bad = client.get("/api/board/cases", params={"min_support": "0"})
        assert bad.status_code == 400 and bad.json()["error"]["field"] == "min_support"
        assert client.get("/api/board/cases", params={"sort": "votes"}).json()["error"]["field"] == "sort"


def test_merging_keeps_both_askers_codes(studio: Studio) -> None:
    """A near-duplicate merged into an open case: both tracking codes show the case, its asker counts
    as a 同问, and both rating codes rate it (the merged asker round 1, the first asker round 2)."""
    case_id, first = open_case(studio, "学校门口早上违停严重，接送孩子的车开不进去，希望交警管一管")
    second = submit_message(studio, "学校门口早上违停严重，接送孩子的车都开不进去，希望管一管")
    queued = next(s for s in studio.mod1.get("/api/board/submissions").json()
                  if s["id"] == second["submission_id"])
    assert [c["id"] for c in queued["merge_candidates"]] == [case_id]
    merged = studio.mod1.post(f"/api/board/submissions/{second['submission_id']}/merge", {"case": case_id})
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged" and merged.json()["case_id"] == case_id
    again = studio.mod1.post(f"/api/board/submissions/{second['submission_id']}/merge", {"case": case_id})
    assert again.status_code == 409

    with studio.server.http() as client:
        for receipt in (first, second):
            view = client.get(f"/api/board/track/{receipt['tracking_code']}").json()
            assert view["case"]["id"] == case_id and view["case"]["supports"] == 1
        view = client.get(f"/api/board/track/{second['tracking_code']}").json()
        assert view["status"] == "merged" and view["text_public"] is None
        page = client.get(f"/board/track/{second['tracking_code']}").text
        assert "已合并（同问）" in page and f"/board/cases/{case_id}" in page
        body = client.get(f"/api/board/cases/{case_id}").json()
        assert body["supports"] == 1 and "合并网友的相同留言" in str(body["timeline"])
        assert "接送孩子的车都开不进去" not in client.get(f"/board/cases/{case_id}").text

    official = studio.guest2
    for action, fields in (("accept", {}), ("reply", {"text": "已安排交警早高峰值守。"})):
        assert official.post(f"/api/board/cases/{case_id}/{action}", fields).status_code == 200
    with studio.server.http() as client:
        assert "rate" in client.get(f"/api/board/track/{second['tracking_code']}").json()["actions"]
        wrong = client.post(f"/api/board/cases/{case_id}/rating", json={"code": "WRONG234", "rating": "satisfied"})
        assert wrong.status_code == 403
        rated = client.post(f"/api/board/cases/{case_id}/rating",
                            json={"code": second["rating_code"], "rating": "unsatisfied"})
        assert rated.status_code == 200, rated.text
        assert rated.json()["stage"] == "reopened"
    assert official.post(f"/api/board/cases/{case_id}/reply", {"text": "已增设护学岗。"}).status_code == 200
    with studio.server.http() as client:
        closed = client.post(f"/api/board/cases/{case_id}/rating",
                             json={"code": first["rating_code"].lower(), "rating": "satisfied"})
        assert closed.status_code == 200, closed.text
        assert closed.json()["stage"] == "closed"
    audit = studio.admin.get(f"/api/board/cases/{case_id}/audit").json()
    merge = next(entry for entry in audit if entry["action"] == "board.merge")
    assert merge["before_text"].startswith("学校门口") and merge["to_status"] == "merged"
    with sqlite3.connect(studio.server.db) as conn:
        details = {action: [json.loads(detail) for (detail,) in conn.execute(
            "SELECT detail FROM audit_log WHERE case_id = ? AND action = ? ORDER BY id", (case_id, action))]
            for action in ("board.merge", "case.rate")}
    assert details["board.merge"] == [{"submission": second["submission_id"], "case": case_id, "supports": 1}]
    rates = details["case.rate"]
    assert rates[0]["merged_submission"] == second["submission_id"] and "merged_submission" not in rates[1]


def test_merge_refusals(studio: Studio) -> None:
    """Merging names an open public case: a missing id is 400, an unknown one 404, a closed one 409."""
    receipt = submit_message(studio, "河道里垃圾很多，希望清理")
    path = f"/api/board/submissions/{receipt['submission_id']}/merge"
    assert studio.mod1.post(path, {}).json()["error"]["field"] == "case"
    assert studio.mod1.post(path, {"case": "7"}).status_code == 400
    assert studio.mod1.post(path, {"case": 999999999}).json()["error"]["code"] == "not_found"
    assert studio.guest1.post(path, {"case": 1}).status_code == 403
    with studio.server.http() as client:
        posts = client.get("/api/board/cases", params={"per_page": 100}).json()["cases"]
    replied = [c for c in posts if c["status"] != "open"]
    if replied:
        refused = studio.mod1.post(path, {"case": replied[0]["id"]})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_allowed"


@pytest.mark.asyncio
async def test_withdrawn_cases_and_posts_refuse_support(db: Database, people: People) -> None:
    """A case withdrawn for review refuses 同问 and merging with ``withdrawn``; it counts again once public."""
    clock = Clock("Asia/Shanghai")
    moderator: Staff = people.staff["mod1"]
    case_id = await new_case(db, clock, moderator, "小区电梯经常停运")
    assert (await support.support(db, clock, case_id, "v:one"))["supports"] == 1
    async with db.write() as tx:
        await cases.withdraw_case(tx, case_id, clock.stamp())
    with pytest.raises(ApiError) as refused:
        await support.support(db, clock, case_id, "v:two")
    assert refused.value.code == "withdrawn" and refused.value.status_code == 409
    async with db.write() as tx:
        pending = await pending_submission(tx, clock, "小区电梯经常停运，请修")
    with pytest.raises(ApiError) as merge:
        await submissions.decide(db, clock, moderator, pending, "merge", {"case": case_id}, max_chars=2000)
    assert merge.value.code == "withdrawn"
    async with db.write() as tx:
        await cases.set_case_text(tx, case_id, title="小区电梯经常停运", text="小区电梯经常停运")
    assert (await support.support(db, clock, case_id, "v:two"))["supports"] == 2
    async with db.write() as tx:
        post = await cases.insert_case(tx, kind="post", origin="import", title="现场回答", text="现场回答",
                                       created_at=clock.stamp(), status="replied")
    with pytest.raises(ApiError) as live:
        await support.support(db, clock, post, "v:one")
    assert live.value.code == "not_allowed"


def test_live_plus_ones_become_the_cases_support(studio: Studio) -> None:
    """A viewer who +1'd a question live is already counted on the case it became, and their
    同问 there is a repeat; the tracking page of the question's asker shows the count."""
    slug = studio.new_event()
    with studio.server.http() as client:
        client.get(f"/events/{slug}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        asked = studio.ask(slug, "新区到老城的公交班次太少，能否加密？", unit=studio.units["交通局"])
        question = studio.question(slug, asked["question_id"])
        assert studio.mod1.act(question, "approve").status_code == 200
        with studio.server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": cookie}) as ws:
            recv_until(ws, "snapshot")
            ws.send(json.dumps({"type": "vote", "question": asked["question_id"]}))
            recv_until(ws, "votes")
        assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
        case_id = client.get(f"/api/track/{asked['tracking_code']}").json()["case"]["id"]
        assert client.get(f"/api/board/cases/{case_id}").json()["supports"] == 1
        repeat = client.post(f"/api/board/cases/{case_id}/support").json()
        assert repeat == {"case_id": case_id, "supports": 1, "supported": True, "counted": False}
        tracked = client.get(f"/track/{asked['tracking_code']}").text
        assert '<strong id="track-supports">1</strong>' in tracked
    with sqlite3.connect(studio.server.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM case_supports WHERE case_id = ?", (case_id,)).fetchone()[0] == 1


def test_a_live_question_merged_on_the_desk_rates_the_case(studio: Studio) -> None:
    """A question merged on the desk into one that becomes a case: its asker counts as a 同问, their
    tracker shows the case with 评价 once replied, and their rating code rates it."""
    slug = studio.new_event()
    kept = studio.ask(slug, "老城区的自来水最近有异味，能否检测一下？", unit=studio.units["人社局"])
    repeat = studio.ask(slug, "老城区自来水有异味，请检测水质")
    merged = studio.mod1.act(studio.question(slug, repeat["question_id"]), "merge", into=kept["question_id"])
    assert merged.status_code == 200, merged.text
    assert studio.mod1.act(studio.question(slug, kept["question_id"]), "approve").status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        view = client.get(f"/api/track/{repeat['tracking_code']}").json()
        case_id = view["case"]["id"]
        assert view["case"]["supports"] == 1 and view["actions"] == []
    for action, fields in (("accept", {}), ("reply", {"text": "已安排水务部门采样检测。"})):
        assert studio.guest1.post(f"/api/board/cases/{case_id}/{action}", fields).status_code == 200
    with studio.server.http() as client:
        assert client.get(f"/api/track/{repeat['tracking_code']}").json()["actions"] == ["rate"]
        rated = client.post(f"/api/board/cases/{case_id}/rating",
                            json={"code": repeat["rating_code"], "rating": "basically_satisfied"})
        assert rated.status_code == 200, rated.text
        assert rated.json()["stage"] == "closed"
        assert client.get(f"/api/track/{repeat['tracking_code']}").json()["actions"] == []


def test_support_takes_the_live_vote_limits(tmp_path: Path) -> None:
    """With limits on, a viewer's 同问 beyond the +1 burst is 429 ``too_fast`` with ``retry_after``."""
    with running_studio(tmp_path, env={"STUDIO_RATE_LIMITS": "true", "STUDIO_VOTE_BURST": "2",
                                       "STUDIO_VOTES_PER_MINUTE": "1"}) as limited:
        ids = [open_case(limited, f"第 {n} 件：限流时的同问")[0] for n in range(3)]
        with case_viewer(limited, ids[0]) as client:
            assert [client.post(f"/api/board/cases/{n}/support").status_code for n in ids[:2]] == [200, 200]
            refused = client.post(f"/api/board/cases/{ids[2]}/support")
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_fast"
            assert refused.json()["error"]["retry_after"] > 0
            assert client.get(f"/api/board/cases/{ids[2]}").json()["supports"] == 0
