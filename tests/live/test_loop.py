"""The whole loop against a real server: ask → moderate → on air → answer → close → board."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from studio.board.workdays import add_working_days
from support.clients import Studio, close_code, drain, recv_json, recv_until

PRIVATE_PHONE = "13912345678"


def assert_contiguous(frames: list[dict[str, Any]], start: int) -> int:
    """Every frame with a seq follows the previous by exactly one; returns the last seq."""
    last = start
    for frame in frames:
        if "seq" in frame and frame["type"] != "snapshot":
            assert frame["seq"] == last + 1, (frame, last)
            last = frame["seq"]
    return last


def test_whole_loop_seen_from_the_audience(studio: Studio) -> None:
    """Ask, approve with redaction, reject, on air, answer, +1, host message, close: frame by frame."""
    slug = studio.new_event()
    units = studio.units
    audience = studio.server.ws(f"/ws/events/{slug}")
    snapshot = recv_json(audience)
    assert snapshot["type"] == "snapshot"
    assert snapshot["event"]["status"] == "live"
    assert snapshot["on_air"] is None and snapshot["published"] == [] and snapshot["answered"] == []
    start = snapshot["seq"]
    frames: list[dict[str, Any]] = []

    moderator = studio.mod1.staff_ws(slug)
    recv_until(moderator, "staff.snapshot")

    # An ask over the socket is acknowledged once stored, and a retry stores nothing new.
    key = str(uuid.uuid4())
    ask = {"type": "ask", "text": "毕业生租房补贴怎么申请？", "unit": units["人社局"],
           "nickname": "小周", "client_key": key}
    audience.send(json.dumps(ask))
    ok = recv_until(audience, "ask.ok", seen=frames)
    assert ok["client_key"] == key and ok["tracking_code"] and ok["rating_code"]
    audience.send(json.dumps(ask))
    again = recv_until(audience, "ask.ok", seen=frames)
    assert again == ok
    submitted = recv_until(moderator, "question.submitted")["question"]
    assert submitted["id"] == ok["question_id"] and submitted["status"] == "pending"
    queue = studio.mod1.get(f"/api/events/{slug}/queue").json()
    assert [q["id"] for q in queue].count(ok["question_id"]) == 1

    private = studio.ask(slug, f"我家门口路灯坏了，我的电话 {PRIVATE_PHONE}，请联系我", unit=units["交通局"])
    rude = studio.ask(slug, "这是一条不该公开的骂人的话")
    pending_only = studio.ask(slug, "这条一直没有审核，永远不该公开")

    q1 = studio.question(slug, ok["question_id"])
    answer = studio.mod1.act(q1, "approve")
    assert answer.status_code == 200, answer.text
    q1 = answer.json()
    assert q1["status"] == "approved" and q1["version"] == 2

    q2 = studio.question(slug, private["question_id"])
    redacted = "我家门口路灯坏了，我的电话 [已隐去]，请联系我"
    q2 = studio.mod2.act(q2, "approve", text=redacted).json()
    assert q2["text"] == redacted and q2["original_text"].count(PRIVATE_PHONE) == 1

    q3 = studio.question(slug, rude["question_id"])
    assert studio.mod1.act(q3, "reject", reason="不文明用语").status_code == 200

    # The official puts q1 on air and answers it.
    q1 = studio.guest1.act(q1, "on-air").json()
    assert q1["status"] == "on_air"
    q1 = studio.guest1.act(q1, "answer", text="租房补贴在区人社局网站在线申请，三个工作日内审核。").json()
    assert q1["status"] == "answered"

    assert studio.mod1.post(f"/api/events/{slug}/messages", {"text": "欢迎各位网友"}).status_code == 201

    audience.send(json.dumps({"type": "vote", "question": q2["id"]}))
    audience.send(json.dumps({"type": "vote", "question": q2["id"]}))
    recv_until(audience, "votes", seen=frames, timeout=5)

    closed = studio.admin.post(f"/api/events/{slug}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    recv_until(audience, "event.status", seen=frames)
    frames += drain(audience, 0.3)

    kinds = [f["type"] for f in frames if "seq" in f]
    assert kinds == ["question.published", "question.published", "question.on_air", "answer.posted",
                     "host.message", "votes", "question.transferred", "event.status"], kinds
    last = assert_contiguous(frames, start)
    published = [f["question"] for f in frames if f["type"] == "question.published"]
    assert published[1]["text"] == redacted
    votes = next(f for f in frames if f["type"] == "votes")
    assert votes["counts"] == {str(q2["id"]): 1}
    transferred = next(f for f in frames if f["type"] == "question.transferred")
    assert transferred["question"]["id"] == q2["id"] and transferred["case_id"]
    posted = next(f for f in frames if f["type"] == "answer.posted")["question"]
    assert posted["answer"]["by"]["name"] == "guest1" and posted["answer"]["by"]["title"] == "局长"

    everything_public = json.dumps([f for f in frames if f["type"] != "ask.ok"], ensure_ascii=False)
    for secret in (PRIVATE_PHONE, "骂人", "永远不该公开", ok["rating_code"]):
        assert secret not in everything_public

    # Replay after the first snapshot is exactly what was streamed, without gap or duplicate.
    replay = studio.server.ws(f"/ws/events/{slug}?since={start}")
    replayed = [recv_json(replay) for _ in range(last - start)]
    assert [f["seq"] for f in replayed] == list(range(start + 1, last + 1))
    assert replayed == [f for f in frames if "seq" in f]
    replay.close()
    audience.close()
    moderator.close()

    # The closed event's page is its transcript; the board has the post and the case.
    with studio.server.http() as client:
        pages = {path: client.get(path) for path in (
            f"/events/{slug}", f"/api/events/{slug}/transcript", "/board", "/api/board/cases",
            f"/track/{ok['tracking_code']}", f"/api/track/{private['tracking_code']}",
            f"/api/track/{pending_only['tracking_code']}")}
        transcript = pages[f"/api/events/{slug}/transcript"].json()
        case_id = transferred["case_id"]
        case = client.get(f"/api/board/cases/{case_id}").json()
        post_id = next(i for i in transcript["items"] if i["kind"] == "qa")["case_id"]
        post = client.get(f"/api/board/cases/{post_id}").json()
        pages["case"] = client.get(f"/board/cases/{case_id}")
        pages["post"] = client.get(f"/board/cases/{post_id}")
        rejected_track = client.get(f"/api/track/{rude['tracking_code']}").json()
    for response in pages.values():
        assert response.status_code == 200
        for secret in (PRIVATE_PHONE, "骂人", "永远不该公开"):
            assert secret not in response.text
    assert "租房补贴在区人社局网站在线申请" in pages[f"/events/{slug}"].text
    assert [i["kind"] for i in transcript["items"]] == ["qa", "message"] or \
        [i["kind"] for i in transcript["items"]] == ["message", "qa"]
    assert case["kind"] == "case" and case["status"] == "open" and case["due_at"]
    assert case["unit"]["name"] == "交通局" and case["text"] == redacted
    assert [t["kind"] for t in case["timeline"]][:4] == ["received", "screened", "transferred", "routed"]
    assert post["kind"] == "post" and post["replies"][0]["live"] is True
    assert rejected_track["status"] == "rejected" and rejected_track["reason"] == "不文明用语"
    assert rejected_track["text_public"] is None
    assert pages[f"/api/track/{pending_only['tracking_code']}"].json()["text_public"] is None
    answered_track = client_track(studio, ok["tracking_code"])
    assert [t["status"] for t in answered_track["timeline"]] == ["pending", "approved", "on_air", "answered"]
    assert answered_track["answer"]["text"].startswith("租房补贴")
    assert answered_track["case"]["id"] == post_id


def client_track(studio: Studio, code: str) -> dict[str, Any]:
    with studio.server.http() as client:
        view: dict[str, Any] = client.get(f"/api/track/{code}").json()
        return view


def test_two_moderators_at_once_one_wins(studio: Studio) -> None:
    """Two approvals of one version at the same moment: one 200, one 409 naming the winner."""
    slug = studio.new_event()
    asked = studio.ask(slug, "同一个问题两个审核员同时处理")
    question = studio.question(slug, asked["question_id"])
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(studio.mod1.act, question, "approve")
        second = pool.submit(studio.mod2.act, question, "reject", reason="与主题无关")
        answers = [first.result(), second.result()]
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409).json()["error"]
    winner = next(a for a in answers if a.status_code == 200).json()
    assert loser["code"] == "stale"
    assert loser["question"]["handled"]["by"] == winner["handled"]["by"]
    assert loser["question"]["version"] == winner["version"]


def test_stale_version_and_forbidden_transitions_answer_409(studio: Studio) -> None:
    """A stale version is 409 stale; answering a question not on air is 409 not_allowed."""
    slug = studio.new_event()
    question = studio.question(slug, studio.ask(slug, "版本过期测试")["question_id"])
    fresh = studio.mod1.act(question, "approve").json()
    stale = studio.mod1.act(question, "assign", unit=None)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    wrong = studio.guest1.act(fresh, "answer", text="还没上线就回答")
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "not_allowed"
    forbidden = studio.guest1.act(fresh, "approve")
    assert forbidden.status_code == 403


def test_repeated_client_key_over_http_stores_one_question(studio: Studio) -> None:
    """The same client_key twice: 201 then 200 with the same codes, one question stored."""
    slug = studio.new_event()
    body = {"text": "重复提交测试", "client_key": str(uuid.uuid4())}
    with studio.server.http() as client:
        first = client.post(f"/api/events/{slug}/questions", json=body)
        second = client.post(f"/api/events/{slug}/questions", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    queue = studio.mod1.get(f"/api/events/{slug}/queue").json()
    assert len(queue) == 1


def test_only_one_question_on_air(studio: Studio) -> None:
    """Putting a second question on air while one is on air is a 409 conflict."""
    slug = studio.new_event()
    a = studio.mod1.act(studio.question(slug, studio.ask(slug, "第一个")["question_id"]), "approve").json()
    b = studio.mod1.act(studio.question(slug, studio.ask(slug, "第二个")["question_id"]), "approve").json()
    assert studio.guest1.act(a, "on-air").status_code == 200
    busy = studio.guest2.act(b, "on-air")
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "conflict"


def test_official_sees_only_own_unit_and_unaddressed(studio: Studio) -> None:
    """An official's queue holds approved questions of their unit and of no unit, never pending ones."""
    slug = studio.new_event()
    units = studio.units
    mine = studio.ask(slug, "给人社局的", unit=units["人社局"])
    other = studio.ask(slug, "给交通局的", unit=units["交通局"])
    anyone = studio.ask(slug, "给所有单位的")
    pending = studio.ask(slug, "还没审核的", unit=units["人社局"])
    for asked in (mine, other, anyone):
        studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    seen = {q["id"] for q in studio.guest1.get(f"/api/events/{slug}/queue").json()}
    assert seen == {mine["question_id"], anyone["question_id"]}
    assert pending["question_id"] not in seen
    other_q = studio.question(slug, other["question_id"])
    refused = studio.guest1.act(other_q, "on-air")
    assert refused.status_code == 403


def test_merge_moves_supporters_to_survivor(studio: Studio) -> None:
    """Merging a pending duplicate adds its asker to the survivor's +1s and its tracker follows it."""
    slug = studio.new_event()
    survivor = studio.mod1.act(studio.question(slug, studio.ask(slug, "地铁几点停运？")["question_id"]),
                               "approve").json()
    duplicate = studio.ask(slug, "地铁晚上几点停运")
    dup_q = studio.question(slug, duplicate["question_id"])
    merged = studio.mod1.act(dup_q, "merge", into=survivor["id"])
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert studio.question(slug, survivor["id"])["votes"] == 1
    track = client_track(studio, duplicate["tracking_code"])
    assert track["status"] == "merged" and track["merged_into"] == survivor["id"]
    assert track["followed_status"] == "approved"


def test_scheduled_event_collects_questions_and_close_needs_live(studio: Studio) -> None:
    """Before opening, questions are collected; closing a scheduled event is refused."""
    slug = studio.new_event(open_it=False)
    with studio.server.http() as client:
        event = client.get(f"/api/events/{slug}").json()
    assert event["status"] == "scheduled" and event["accepting_questions"] is True
    studio.ask(slug, "提前征集的问题")
    refused = studio.admin.post(f"/api/events/{slug}/close")
    assert refused.status_code == 409
    assert studio.admin.post(f"/api/events/{slug}/open").status_code == 200


def test_closed_event_refuses_asks_and_backlog_goes_to_board(studio: Studio) -> None:
    """After close, asks answer not_accepting; approving the pending backlog makes a board case."""
    slug = studio.new_event()
    backlog = studio.ask(slug, "会后才审核的问题", unit=studio.units["人社局"])
    studio.admin.post(f"/api/events/{slug}/close")
    with studio.server.http() as client:
        late = client.post(f"/api/events/{slug}/questions",
                           json={"text": "太晚了", "client_key": str(uuid.uuid4())})
    assert late.status_code == 409 and late.json()["error"]["code"] == "not_accepting"
    approved = studio.mod1.act(studio.question(slug, backlog["question_id"]), "approve").json()
    assert approved["status"] == "transferred" and approved["case_id"]
    track = client_track(studio, backlog["tracking_code"])
    assert track["case"]["id"] == approved["case_id"] and track["case"]["due_at"]


def test_audit_log_records_every_transition(studio: Studio) -> None:
    """Each action is in the audit log with actor and before/after text; only admins read it."""
    slug = studio.new_event()
    asked = studio.ask(slug, "原始文本 13800001111")
    question = studio.question(slug, asked["question_id"])
    studio.mod1.act(question, "approve", text="原始文本 [已隐去]")
    entries = studio.admin.get(f"/api/events/{slug}/audit?question={asked['question_id']}").json()
    assert [e["action"] for e in entries] == ["ask", "approve"]
    approve = entries[1]
    assert approve["actor"] == "mod1" and approve["before_text"] == "原始文本 13800001111"
    assert approve["after_text"] == "原始文本 [已隐去]"
    assert studio.mod1.get(f"/api/events/{slug}/audit").status_code == 403


def test_tracking_socket_follows_status_live(studio: Studio) -> None:
    """The tracker socket pushes a new state on every change of the question."""
    slug = studio.new_event()
    asked = studio.ask(slug, "跟踪页实时更新")
    tracker = studio.server.ws(f"/ws/track/{asked['tracking_code']}")
    assert recv_json(tracker)["status"] == "pending"
    question = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
    assert recv_until(tracker, "track")["status"] == "approved"
    studio.guest1.act(question, "on-air")
    assert recv_until(tracker, "track")["status"] == "on_air"
    tracker.close()


def test_unknown_event_and_tracking_code(studio: Studio) -> None:
    """Unknown slugs and codes give 404 JSON errors and close code 4004."""
    with studio.server.http() as client:
        answer = client.get("/api/events/nope")
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
        assert client.get("/api/track/nope").status_code == 404
        assert client.get("/events/nope").status_code == 404
    ws = studio.server.ws("/ws/events/nope")
    assert close_code(ws) == 4004


def test_staff_ws_requires_session_and_role(studio: Studio) -> None:
    """The staff socket refuses anonymous visitors and non-staff officials with 4003."""
    slug = studio.new_event()
    anonymous = studio.server.ws(f"/ws/events/{slug}/staff")
    assert close_code(anonymous) == 4003
    moderator = studio.mod1.staff_ws(slug)
    kinds = {recv_json(moderator)["type"], recv_json(moderator)["type"]}
    assert kinds == {"snapshot", "staff.snapshot"}
    moderator.close()


def test_http_rejects_bad_bodies(studio: Studio) -> None:
    """Invalid JSON is 400 bad_json; missing fields are 400 invalid with the field; huge is 413."""
    slug = studio.new_event()
    with studio.server.http() as client:
        bad = client.post(f"/api/events/{slug}/questions", content=b"{not json",
                          headers={"content-type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_json"
        missing = client.post(f"/api/events/{slug}/questions", json={"text": "无 client_key"})
        assert missing.status_code == 400 and missing.json()["error"]["field"] == "client_key"
        empty = client.post(f"/api/events/{slug}/questions",
                            json={"text": "   ", "client_key": str(uuid.uuid4())})
        assert empty.status_code == 400 and empty.json()["error"]["field"] == "text"
        huge = client.post(f"/api/events/{slug}/questions",
                           json={"text": "长" * 100_000, "client_key": str(uuid.uuid4())})
        assert huge.status_code == 413
        assert client.get("/api/nothing-here").status_code == 404


def test_staff_consoles_see_who_handled_a_question(studio: Studio) -> None:
    """An action over one moderator's socket reaches the other's console with the actor's name."""
    slug = studio.new_event()
    first = studio.mod1.staff_ws(slug)
    second = studio.mod2.staff_ws(slug)
    for ws in (first, second):
        recv_until(ws, "staff.snapshot")
    presence = recv_until(first, "presence")["presence"]
    while {"username": "mod2", "role": "moderator"} not in presence:
        presence = recv_until(first, "presence")["presence"]
    asked = studio.ask(slug, "两个审核台同时打开")
    question = recv_until(first, "question.submitted")["question"]
    assert recv_until(second, "question.submitted")["question"]["id"] == asked["question_id"]
    first.send(json.dumps({"type": "action", "action": "approve", "question": question["id"],
                           "version": question["version"], "ref": "r1"}))
    ok = recv_until(first, "action.ok")
    assert ok["ref"] == "r1" and ok["question"]["status"] == "approved"
    changed = recv_until(second, "question.changed")
    assert changed["by"] == "mod1" and changed["action"] == "approve"
    assert changed["question"]["handled"]["by"] == "mod1"
    second.send(json.dumps({"type": "action", "action": "reject", "question": question["id"],
                            "version": question["version"], "reason": "重复提问", "ref": "r2"}))
    error = recv_until(second, "error")
    assert error["code"] == "stale" and error["ref"] == "r2"
    assert error["question"]["handled"]["by"] == "mod1"
    first.close()
    second.close()


def test_official_console_gets_only_their_questions_live(studio: Studio) -> None:
    """An official's socket receives approved questions of their unit, not pending or other units'."""
    slug = studio.new_event()
    official = studio.guest1.staff_ws(slug)
    snapshot = recv_until(official, "staff.snapshot")
    assert snapshot["me"]["role"] == "official" and snapshot["queue"] == []
    other = studio.ask(slug, "交通局的问题", unit=studio.units["交通局"])
    mine = studio.ask(slug, "人社局的问题", unit=studio.units["人社局"])
    studio.mod1.act(studio.question(slug, other["question_id"]), "approve")
    studio.mod1.act(studio.question(slug, mine["question_id"]), "approve")
    seen: list[dict[str, Any]] = []
    changed = recv_until(official, "question.changed", seen=seen)
    assert changed["question"]["id"] == mine["question_id"]
    assert all(f.get("type") != "question.submitted" for f in seen)
    assert all(f.get("question", {}).get("id") != other["question_id"] or f["type"] == "question.published"
               for f in seen)
    official.close()


def test_hard_questions_get_five_working_days(studio: Studio) -> None:
    """A question marked hard when approved becomes a case due 5 working days out, not 3."""
    slug = studio.new_event()
    unit = studio.units["人社局"]
    ordinary = studio.mod1.act(studio.question(slug, studio.ask(slug, "普通诉求", unit=unit)["question_id"]),
                               "approve").json()
    hard = studio.mod1.act(studio.question(slug, studio.ask(slug, "疑难诉求", unit=unit)["question_id"]),
                           "approve", hard=True).json()
    assert hard["hard"] is True and ordinary["hard"] is False
    assert studio.mod1.act(hard, "assign", unit=unit, hard="yes").status_code == 400
    studio.admin.post(f"/api/events/{slug}/close")
    with studio.server.http() as client:
        cases = {c["question_id"]: c for c in client.get("/api/board/cases").json()["cases"]}
    ordinary_due = date.fromisoformat(cases[ordinary["id"]]["due_at"][:10])
    hard_due = date.fromisoformat(cases[hard["id"]]["due_at"][:10])
    created = date.fromisoformat(cases[hard["id"]]["created_at"][:10])
    assert add_working_days(created, 3) == ordinary_due
    assert add_working_days(created, 5) == hard_due


def test_officials_never_get_the_text_before_redaction(studio: Studio) -> None:
    """An official's queue and socket carry the public text only, never the original or flags."""
    slug = studio.new_event()
    official = studio.guest1.staff_ws(slug)
    recv_until(official, "staff.snapshot")
    asked = studio.ask(slug, f"请回电 {PRIVATE_PHONE}", unit=studio.units["人社局"])
    studio.mod1.act(studio.question(slug, asked["question_id"]), "approve", text="请回电 [已隐去]")
    changed = recv_until(official, "question.changed")
    queue = studio.guest1.get(f"/api/events/{slug}/queue").json()
    acted = studio.guest1.act(queue[0], "on-air").json()
    for view in (changed["question"], queue[0], acted):
        assert view["text"] == "请回电 [已隐去]" and view["original_text"] is None
        assert PRIVATE_PHONE not in json.dumps(view, ensure_ascii=False)
    official.close()


def test_admin_edits_an_event_and_viewers_see_it(studio: Studio) -> None:
    """PATCH changes details and guests; viewers get event.updated; a closed event is frozen."""
    slug = studio.new_event()
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    changed = studio.admin.client.patch(
        f"/api/events/{slug}", json={"title": "改过的标题", "guests": ["guest2"]},
        headers={"X-CSRF-Token": studio.admin.csrf})
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "改过的标题"
    assert [g["name"] for g in changed.json()["guests"]] == ["guest2"]
    frame = recv_until(ws, "event.updated")
    assert frame["event"]["title"] == "改过的标题"
    # guest1 is no longer a guest of this event: it may not act on it any more.
    asked = studio.mod1.act(studio.question(slug, studio.ask(slug, "换嘉宾之后")["question_id"]), "approve").json()
    assert studio.guest1.act(asked, "on-air").status_code == 403
    bad = studio.admin.client.patch(f"/api/events/{slug}", json={"ends_at": "2000-01-01T00:00:00+08:00"},
                                    headers={"X-CSRF-Token": studio.admin.csrf})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "ends_at"
    assert studio.mod1.client.patch(f"/api/events/{slug}", json={"title": "x"},
                                    headers={"X-CSRF-Token": studio.mod1.csrf}).status_code == 403
    studio.admin.post(f"/api/events/{slug}/close")
    frozen = studio.admin.client.patch(f"/api/events/{slug}", json={"title": "结束后再改"},
                                       headers={"X-CSRF-Token": studio.admin.csrf})
    assert frozen.status_code == 409
    ws.close()
