"""Taking it back against a real server: unpublish, re-edit, correct, restore, and claims that hold."""

from __future__ import annotations

import json
from typing import Any

from support.clients import StaffClient, Studio, drain, frames_until, recv_json, recv_until

SLIP = "110101199003074578"
"""A mistyped ID number a moderator let through."""


def public_surfaces(studio: Studio, slug: str, case_id: int | None = None) -> str:
    """Everything the public can read about an event, as one text."""
    paths = [f"/events/{slug}", f"/api/events/{slug}/transcript", f"/events/{slug}/transcript.md",
             f"/events/{slug}/transcript.json", f"/events/{slug}/transcript.csv",
             "/board", f"/api/board/cases?q={SLIP[:6]}", "/api/board/cases", "/board/feed.atom"]
    if case_id is not None:
        paths += [f"/board/cases/{case_id}", f"/api/board/cases/{case_id}"]
    parts = []
    with studio.server.http() as client:
        for path in paths:
            answer = client.get(path)
            assert answer.status_code in (200, 404, 409), (path, answer.status_code)
            parts.append(answer.text)
    return "\n".join(parts)


def feed_text(studio: Studio, slug: str, since: int | None = None) -> str:
    """The snapshot (or the replay after ``since``) a viewer connecting now receives."""
    path = f"/ws/events/{slug}" + (f"?since={since}" if since is not None else "")
    with studio.server.ws(path) as viewer:
        return json.dumps(drain(viewer, 0.8), ensure_ascii=False)


def current(studio: Studio, slug: str, question_id: int) -> dict[str, Any]:
    return studio.question(slug, question_id)


def published_with_slip(studio: Studio, slug: str) -> dict[str, Any]:
    asked = studio.ask(slug, f"我的身份证号 {SLIP}，社保卡补办要多久？", unit=studio.units["人社局"])
    question = current(studio, slug, asked["question_id"])
    assert studio.mod1.act(question, "approve").status_code == 200
    return {**asked, **current(studio, slug, asked["question_id"])}


def test_unpublish_takes_an_approved_question_off_the_feed_and_the_replay(studio: Studio) -> None:
    """Unpublished: viewers get question.unpublished; no snapshot, replay or page holds its text."""
    slug = studio.new_event()
    with studio.server.ws(f"/ws/events/{slug}") as viewer:
        start = recv_json(viewer)["seq"]
        question = published_with_slip(studio, slug)
        frames_until(viewer, "question.published", {})
        answer = studio.mod1.act(question, "unpublish", reason="含身份证号")
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "pending"
        gone = frames_until(viewer, "question.unpublished", {"question_id": question["id"]})
        assert gone["seq"] > start
    assert SLIP not in feed_text(studio, slug)
    assert SLIP not in feed_text(studio, slug, since=start)
    assert SLIP not in public_surfaces(studio, slug)
    back = current(studio, slug, question["id"])
    assert back["status"] == "pending" and SLIP in back["original_text"]
    track = studio.server.http().get(f"/api/track/{question['tracking_code']}").json()
    assert track["withdrawn"] is True and track["text_public"] is None
    assert [line["status"] for line in track["timeline"]][-1] == "unpublished"

    fixed = studio.mod1.act(back, "approve", text="我的身份证号 [已隐去]，社保卡补办要多久？")
    assert fixed.status_code == 200 and fixed.json()["status"] == "approved"
    snapshot = json.loads(feed_text(studio, slug))[0]
    assert [q["text"] for q in snapshot["published"]] == ["我的身份证号 [已隐去]，社保卡补办要多久？"]
    track = studio.server.http().get(f"/api/track/{question['tracking_code']}").json()
    assert track["withdrawn"] is False and track["timeline"][-1]["status"] == "republished"


def test_an_archived_case_and_post_leave_the_board_and_come_back_edited(studio: Studio) -> None:
    """After the event closes, unpublishing hides the post and the case everywhere; re-approval returns them."""
    slug = studio.new_event()
    answered = published_with_slip(studio, slug)
    assert studio.guest1.act(answered, "on_air").status_code == 200
    answered = current(studio, slug, answered["id"])
    assert studio.guest1.act(answered, "answer", text="一般五个工作日。").status_code == 200
    waiting = studio.ask(slug, f"{SLIP} 医保转移怎么办？", unit=studio.units["人社局"])
    waiting_q = current(studio, slug, waiting["question_id"])
    assert studio.mod1.act(waiting_q, "approve").status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    post_id = current(studio, slug, answered["id"])["case_id"]
    case_id = current(studio, slug, waiting["question_id"])["case_id"]
    assert post_id and case_id
    assert SLIP in public_surfaces(studio, slug, post_id) + public_surfaces(studio, slug, case_id)

    for question_id in (answered["id"], waiting["question_id"]):
        answer = studio.mod1.act(current(studio, slug, question_id), "unpublish", reason="含身份证号")
        assert answer.status_code == 200, answer.text
    for case in (post_id, case_id):
        assert SLIP not in public_surfaces(studio, slug, case)
        with studio.server.http() as client:
            assert client.get(f"/api/board/cases/{case}").status_code == 404
    refused = studio.guest1.post(f"/api/board/cases/{case_id}/accept")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_allowed"

    edited = "身份证号[已隐去]"
    for question_id, status, case in ((answered["id"], "answered", post_id),
                                      (waiting["question_id"], "transferred", case_id)):
        question = current(studio, slug, question_id)
        text = question["original_text"].replace(SLIP, edited)
        again = studio.mod1.act(question, "approve", text=text)
        assert again.status_code == 200 and again.json()["status"] == status
        assert again.json()["case_id"] == case
        with studio.server.http() as client:
            shown = client.get(f"/api/board/cases/{case}").json()
        assert shown["text"] == text
    assert SLIP not in public_surfaces(studio, slug, post_id) + public_surfaces(studio, slug, case_id)
    with studio.server.http() as client:
        found = client.get("/api/board/cases", params={"q": "医保转移"}).json()["cases"]
    assert [c["id"] for c in found] == [case_id]


def test_edit_and_correct_reach_the_viewers_and_keep_before_and_after(studio: Studio) -> None:
    """A re-edit sends question.updated, a correction answer.corrected (已更正 with its time); both audited."""
    slug = studio.new_event()
    with studio.server.ws(f"/ws/events/{slug}") as viewer:
        recv_json(viewer)
        question = published_with_slip(studio, slug)
        edited = studio.mod1.act(question, "edit", text="社保卡补办要多久？")
        assert edited.status_code == 200, edited.text
        updated = frames_until(viewer, "question.updated", {})
        assert updated["question"]["text"] == "社保卡补办要多久？"
        question = current(studio, slug, question["id"])
        assert studio.guest1.act(question, "on_air").status_code == 200
        question = current(studio, slug, question["id"])
        assert studio.guest1.act(question, "answer", text="三个工作日").status_code == 200
        question = current(studio, slug, question["id"])
        corrected = studio.guest1.act(question, "correct", text="五个工作日（更正）")
        assert corrected.status_code == 200, corrected.text
        frame = frames_until(viewer, "answer.corrected", {})
        assert frame["question"]["answer"]["text"] == "五个工作日（更正）"
        assert frame["question"]["answer"]["corrected_at"]
    same = studio.guest1.act(current(studio, slug, question["id"]), "correct", text="五个工作日（更正）")
    assert same.status_code == 400 and same.json()["error"]["code"] == "invalid"
    log = studio.admin.get(f"/api/events/{slug}/audit").json()
    entries = log["entries"] if isinstance(log, dict) else log
    by_action = {entry["action"]: entry for entry in entries}
    assert SLIP in by_action["edit"]["before_text"] and by_action["edit"]["after_text"] == "社保卡补办要多久？"
    assert (by_action["correct"]["before_text"], by_action["correct"]["after_text"]) == (
        "三个工作日", "五个工作日（更正）")
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        for path in (f"/events/{slug}", f"/events/{slug}/transcript.md"):
            page = client.get(path).text
            assert "已更正" in page and "五个工作日（更正）" in page and "三个工作日" not in page
        post = client.get(f"/api/board/cases/{current(studio, slug, question['id'])['case_id']}").json()
    assert [reply["text"] for reply in post["replies"]] == ["五个工作日（更正）"]
    later = studio.guest1.act(current(studio, slug, question["id"]), "correct", text="五个工作日（再次更正）")
    assert later.status_code == 200, later.text
    with studio.server.http() as client:
        post = client.get(f"/api/board/cases/{post['id']}").json()
    assert [reply["text"] for reply in post["replies"]] == ["五个工作日（再次更正）"]


def test_a_rejection_is_restored_to_review(studio: Studio) -> None:
    """Restore returns a rejected question to pending without its reason; the tracker says so."""
    slug = studio.new_event()
    asked = studio.ask(slug, "误驳回的问题：公交线路什么时候调整？")
    question = current(studio, slug, asked["question_id"])
    assert studio.mod1.act(question, "reject", reason="ads").status_code == 200
    question = current(studio, slug, asked["question_id"])
    restored = studio.mod1.act(question, "restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "pending" and restored.json()["reason"] is None
    track = studio.server.http().get(f"/api/track/{asked['tracking_code']}").json()
    assert track["status"] == "pending" and track["reason"] is None
    assert track["timeline"][-1]["status"] == "restored"
    again = studio.mod1.act(current(studio, slug, asked["question_id"]), "restore")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_allowed"


def test_a_claimed_question_refuses_another_moderator_until_taken_over(studio: Studio) -> None:
    """mod1 holds the question: mod2's approve answers 409 claimed; with take_over it goes and mod1 is told."""
    slug = studio.new_event()
    asked = studio.ask(slug, "路灯什么时候修？")
    question = current(studio, slug, asked["question_id"])
    desk = studio.mod1.staff_ws(slug)
    recv_until(desk, "staff.snapshot")
    assert studio.mod1.post(f"/api/questions/{question['id']}/claim").status_code == 200
    refused = studio.mod2.act(question, "approve")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "claimed" and error["by"] == "mod1"
    taken = studio.mod2.act(question, "approve", take_over=True)
    assert taken.status_code == 200, taken.text
    told = frames_until(desk, "question.released", {"question": question["id"], "why": "taken"})
    assert told["by"] == "mod1" and told["taken_by"] == "mod2"
    desk.close()


def test_a_second_guest_is_told_who_is_on_air(studio: Studio) -> None:
    """开始回答 while another guest's question is on air names that guest, not an action only they can take."""
    slug = studio.new_event()
    first = studio.ask(slug, "第一个问题", unit=studio.units["人社局"])
    second = studio.ask(slug, "第二个问题", unit=studio.units["交通局"])
    for asked in (first, second):
        assert studio.mod1.act(current(studio, slug, asked["question_id"]), "approve").status_code == 200
    assert studio.guest1.act(current(studio, slug, first["question_id"]), "on_air").status_code == 200
    busy = studio.guest2.act(current(studio, slug, second["question_id"]), "on_air")
    assert busy.status_code == 409
    error = busy.json()["error"]
    assert error["by"] == "guest1" and "guest1" in error["message"]


def test_only_moderators_take_back(studio: Studio) -> None:
    """An official may correct their answer but not unpublish, edit or restore."""
    slug = studio.new_event()
    question = published_with_slip(studio, slug)
    guest: StaffClient = studio.guest1
    for action, fields in (("unpublish", {"reason": "x"}), ("edit", {"text": "新文本"})):
        answer = guest.act(question, action, **fields)
        assert answer.status_code == 403, (action, answer.text)
    missing = studio.mod1.act(question, "unpublish")
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "reason"
