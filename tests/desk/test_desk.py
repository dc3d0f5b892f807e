"""The moderation desk against a real server: claims, bulk actions, reasons, transparency, limits."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from support.clients import Studio, frames_until, recv_until, running_studio
from support.servers import Server


@pytest.fixture(scope="module")
def quick_claims(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("claims"), env={"STUDIO_CLAIM_SECONDS": "1"}) as studio:
        yield studio


def test_a_claim_is_seen_live_by_another_moderator_and_expires(quick_claims: Studio) -> None:
    """mod1 opens a question: mod2's socket gets question.claimed; mod2 cannot claim it; it expires."""
    studio = quick_claims
    slug = studio.new_event()
    asked = studio.ask(slug, "公交线路什么时候调整？")
    watcher = studio.mod2.staff_ws(slug)
    recv_until(watcher, "staff.snapshot")
    answer = studio.mod1.post(f"/api/questions/{asked['question_id']}/claim")
    assert answer.status_code == 200, answer.text
    assert answer.json()["by"] == "mod1"
    claimed = frames_until(watcher, "question.claimed", {"question": asked["question_id"]})
    assert claimed["by"] == "mod1" and 0 < claimed["expires_in"] <= 1
    taken = studio.mod2.post(f"/api/questions/{asked['question_id']}/claim")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "claimed"
    assert taken.json()["error"]["by"] == "mod1"
    released = frames_until(watcher, "question.released", {"question": asked["question_id"]})
    assert released["why"] == "expired" and released["by"] == "mod1"
    assert studio.mod2.post(f"/api/questions/{asked['question_id']}/claim").status_code == 200
    watcher.close()


def test_claims_show_in_the_staff_snapshot_and_end_when_handled(studio: Studio) -> None:
    """A late console sees current claims; acting on the question releases its claim (why: handled)."""
    slug = studio.new_event()
    asked = studio.ask(slug, "社保卡怎么补办？")
    assert studio.mod1.post(f"/api/questions/{asked['question_id']}/claim").status_code == 200
    late = studio.mod2.staff_ws(slug)
    snapshot = recv_until(late, "staff.snapshot")
    assert [c["question"] for c in snapshot["claims"]] == [asked["question_id"]]
    assert snapshot["claims"][0]["by"] == "mod1"
    studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    released = frames_until(late, "question.released", {"question": asked["question_id"]})
    assert released["why"] == "handled"
    late.close()
    assert studio.guest1.post(f"/api/questions/{asked['question_id']}/claim").status_code == 403


def test_bulk_reports_each_item_and_one_stale_version_holds_back_nothing(studio: Studio) -> None:
    """Bulk approve: two current versions pass, a stale one answers stale with the current question."""
    slug = studio.new_event()
    ids = [studio.ask(slug, f"第{n}个批量问题")["question_id"] for n in range(3)]
    queue = {q["id"]: q for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
    stale = queue[ids[1]]
    studio.mod2.act(stale, "assign", unit=studio.units["人社局"])
    items = [{"id": i, "version": queue[i]["version"]} for i in ids]
    answer = studio.mod1.post(f"/api/events/{slug}/bulk", {"action": "approve", "items": items})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["id"] for r in results] == ids
    assert [r["ok"] for r in results] == [True, False, True]
    assert results[1]["error"]["code"] == "stale"
    assert results[1]["error"]["question"]["handled"]["by"] == "mod2"
    assert results[0]["question"]["status"] == "approved"
    rejected = studio.mod1.post(f"/api/events/{slug}/bulk", {
        "action": "reject", "reason": "off_topic",
        "items": [{"id": ids[1], "version": results[1]["error"]["question"]["version"]}]})
    assert rejected.json()["results"][0]["question"]["reason"] == "与主题无关"
    bad = studio.mod1.post(f"/api/events/{slug}/bulk", {"action": "merge", "items": items})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "action"


def test_reject_takes_a_reason_code_and_the_tracking_page_shows_its_wording(studio: Studio) -> None:
    """A reason code becomes the catalogue's public wording on the tracking API and page; bad codes are 400."""
    slug = studio.new_event()
    asked = studio.ask(slug, "加微信领红包")
    question = studio.question(slug, asked["question_id"])
    bad = studio.mod1.act(question, "reject", reason="no_such_reason")
    assert bad.status_code == 400 and "ads" in bad.json()["error"]["codes"]
    needs_note = studio.mod1.act(question, "reject", reason="other")
    assert needs_note.status_code == 400 and needs_note.json()["error"]["field"] == "note"
    answer = studio.mod1.act(question, "reject", reason="ads")
    assert answer.status_code == 200 and answer.json()["reason"] == "广告信息"
    with studio.server.http() as client:
        assert client.get(f"/api/track/{asked['tracking_code']}").json()["reason"] == "广告信息"
        assert "广告信息" in client.get(f"/track/{asked['tracking_code']}").text


def test_admins_edit_the_reason_catalogue_and_it_is_audited(studio: Studio) -> None:
    """Admins add, reword and retire reasons; moderators may not; a retired code is refused."""
    listed = studio.mod1.get("/api/reasons").json()
    assert [r["text"] for r in listed][:6] == ["不文明用语", "与主题无关", "重复提问", "含个人隐私",
                                              "广告信息", "涉嫌不实"]
    assert studio.mod1.post("/api/reasons", {"code": "spam2", "text": "刷屏"}).status_code == 403
    created = studio.admin.post("/api/reasons", {"code": "flood", "text": "刷屏"})
    assert created.status_code == 201 and created.json()["active"] is True
    assert studio.admin.post("/api/reasons", {"code": "flood", "text": "x"}).status_code == 409
    assert studio.admin.post("/api/reasons", {"code": "Bad Code", "text": "x"}).status_code == 400
    patch = studio.admin.client.patch("/api/reasons/flood", json={"text": "恶意刷屏", "active": False},
                                      headers={"X-CSRF-Token": studio.admin.csrf})
    assert patch.status_code == 200 and patch.json() == {
        "code": "flood", "text": "恶意刷屏", "active": False, "position": created.json()["position"]}
    assert "flood" not in [r["code"] for r in studio.mod1.get("/api/reasons").json()]
    assert "flood" in [r["code"] for r in studio.admin.get("/api/reasons?all=1").json()]
    slug = studio.new_event()
    asked = studio.ask(slug, "刷屏刷屏")
    refused = studio.mod1.act(studio.question(slug, asked["question_id"]), "reject", reason="flood")
    assert refused.status_code == 400


def test_transparency_counts_are_public_and_never_leak_text(studio: Studio) -> None:
    """Stats API, snapshot, audience page and transcript show received/approved/merged/rejected by reason."""
    slug = studio.new_event()
    ids = [studio.ask(slug, text)["question_id"]
           for text in ("路灯坏了", "路灯坏了谁来修", "秘密原文一", "秘密原文二", "还在审核")]
    studio.mod1.act(studio.question(slug, ids[0]), "approve")
    studio.mod1.act(studio.question(slug, ids[1]), "merge", into=ids[0])
    studio.mod1.act(studio.question(slug, ids[2]), "reject", reason="abuse")
    studio.mod1.act(studio.question(slug, ids[3]), "reject", reason="other", note="内容重复发送")
    with studio.server.http() as client:
        stats = client.get(f"/api/events/{slug}/stats").json()
        assert (stats["received"], stats["approved"], stats["merged"], stats["rejected"],
                stats["pending"]) == (5, 1, 1, 2, 1)
        assert [(r["code"], r["reason"], r["count"]) for r in stats["rejected_by_reason"]] == [
            ("abuse", "不文明用语", 1), ("other", "其他", 1)]
        page = client.get(f"/events/{slug}").text
        assert 'id="transparency"' in page and "秘密原文" not in page
    ws = studio.server.ws(f"/ws/events/{slug}")
    snapshot = recv_until(ws, "snapshot")
    ws.close()
    assert snapshot["stats"]["rejected"] == 2 and "秘密原文" not in json.dumps(snapshot, ensure_ascii=False)
    studio.admin.post(f"/api/events/{slug}/close")
    with studio.server.http() as client:
        page = client.get(f"/events/{slug}").text
        assert "不文明用语" in page and 'id="transparency"' in page and "秘密原文" not in page


def test_an_edit_keeps_the_original_in_the_audit_log_for_staff_only(studio: Studio) -> None:
    """A redacted approval: the public sees [已隐去]; the audit log (admin) keeps the original."""
    slug = studio.new_event()
    asked = studio.ask(slug, "我的电话13912345678，请回电")
    question = studio.question(slug, asked["question_id"])
    approved = studio.mod1.act(question, "approve", text="我的电话[已隐去]，请回电")
    assert approved.status_code == 200
    with studio.server.http() as client:
        assert client.get(f"/api/track/{asked['tracking_code']}").json()["text_public"] == "我的电话[已隐去]，请回电"
        assert "13912345678" not in client.get(f"/events/{slug}").text
        assert client.get(f"/api/events/{slug}/audit").status_code == 401
    entries = studio.admin.get(f"/api/events/{slug}/audit?question={asked['question_id']}").json()
    approve = next(e for e in entries if e["action"] == "approve")
    assert approve["before_text"] == "我的电话13912345678，请回电"
    assert approve["after_text"] == "我的电话[已隐去]，请回电"
    assert approve["detail"]["edited"] is True and approve["detail"]["redactions"] == 1
    assert studio.mod1.get(f"/api/events/{slug}/audit").status_code == 403


LIMITS = {
    "STUDIO_RATE_LIMITS": "true",
    "STUDIO_ASK_BURST": "2", "STUDIO_ASK_PER_MINUTE": "0.01",
    "STUDIO_ASK_ADDRESS_BURST": "4", "STUDIO_ASK_ADDRESS_PER_MINUTE": "0.01",
    "STUDIO_VOTE_BURST": "2", "STUDIO_VOTES_PER_MINUTE": "0.01",
    "STUDIO_VOTE_ADDRESS_BURST": "3", "STUDIO_VOTE_ADDRESS_PER_MINUTE": "0.01",
}


@pytest.fixture
def limited(tmp_path: Any) -> Iterator[Studio]:
    """A server of its own per test with tight limits (every client here shares 127.0.0.1)."""
    with running_studio(tmp_path, env=LIMITS) as studio:
        yield studio


def viewer_cookie(server: Server, slug: str) -> str:
    with server.http() as client:
        client.get(f"/events/{slug}")
        return f"studio_viewer={client.cookies['studio_viewer']}"


def ask_frame(text: str) -> str:
    return json.dumps({"type": "ask", "text": text, "client_key": str(uuid.uuid4())})


def test_asks_are_limited_per_client_across_connections_and_per_address(limited: Studio) -> None:
    """A viewer's budget follows them to a new connection; other viewers share the address budget."""
    slug = limited.new_event()
    first = viewer_cookie(limited.server, slug)
    a = limited.server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": first})
    recv_until(a, "snapshot")
    for n in range(2):
        a.send(ask_frame(f"问题{n}"))
        recv_until(a, "ask.ok")
    a.send(ask_frame("第三问"))
    error = recv_until(a, "error")
    assert error["code"] == "too_fast" and error["retry_after"] > 0
    a.close()
    again = limited.server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": first})
    recv_until(again, "snapshot")
    again.send(ask_frame("换个连接"))
    assert recv_until(again, "error")["code"] == "too_fast"
    again.close()
    other = limited.server.ws(f"/ws/events/{slug}",
                              additional_headers={"Cookie": viewer_cookie(limited.server, slug)})
    recv_until(other, "snapshot")
    for n in range(2):
        other.send(ask_frame(f"另一位{n}"))
        recv_until(other, "ask.ok")
    other.close()
    with limited.server.http() as client:
        client.get(f"/events/{slug}")
        refused = client.post(f"/api/events/{slug}/questions",
                              json={"text": "同一地址的第五问", "client_key": str(uuid.uuid4())})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_fast"
    assert int(refused.headers["retry-after"]) >= 1


def test_votes_are_limited_per_client_and_per_address(limited: Studio) -> None:
    """+1s past a viewer's burst get too_fast; past the address budget a fresh viewer does too."""
    slug = limited.new_event()
    with limited.server.http() as client:  # four askers behind one address: its whole ask budget
        ids = []
        for n in range(4):
            client.cookies.clear()
            client.get(f"/events/{slug}")
            ids.append(client.post(f"/api/events/{slug}/questions", json={
                "text": f"可以同问{n}", "client_key": str(uuid.uuid4())}).json()["question_id"])
    for question_id in ids:
        limited.mod1.act(limited.question(slug, question_id), "approve")
    one = limited.server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": viewer_cookie(limited.server, slug)})
    recv_until(one, "snapshot")
    for question_id in ids[:2]:
        one.send(json.dumps({"type": "vote", "question": question_id}))
        recv_until(one, "vote.ok")
    one.send(json.dumps({"type": "vote", "question": ids[2]}))
    error = recv_until(one, "error")
    assert error["code"] == "too_fast" and error["retry_after"] > 0
    one.close()
    two = limited.server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": viewer_cookie(limited.server, slug)})
    recv_until(two, "snapshot")
    two.send(json.dumps({"type": "vote", "question": ids[0]}))
    recv_until(two, "vote.ok")
    two.send(json.dumps({"type": "vote", "question": ids[1]}))
    assert recv_until(two, "error")["code"] == "too_fast"
    two.close()


def test_the_off_switch_turns_every_limit_off(studio: Studio) -> None:
    """With STUDIO_RATE_LIMITS=false (the test server), many asks and +1s from one client all pass."""
    slug = studio.new_event()
    asked = studio.ask(slug, "关掉限流")
    studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    seen: list[dict[str, Any]] = []
    for n in range(12):
        ws.send(ask_frame(f"压测{n}"))
        recv_until(ws, "ask.ok", seen=seen)
    for _ in range(40):
        ws.send(json.dumps({"type": "vote", "question": asked["question_id"]}))
        recv_until(ws, "vote.ok", seen=seen)
    ws.close()
    assert [frame for frame in seen if frame["type"] == "error"] == []
    assert sum(frame["type"] == "ask.ok" for frame in seen) == 12
    assert sum(frame["type"] == "vote.ok" for frame in seen) == 40
