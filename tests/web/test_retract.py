"""Askers retract their own pending question or board message with its tracking code, over the API
and with the tracking pages' button; nothing reviewed or published can be retracted."""

from __future__ import annotations

import subprocess
import sys
import uuid

from support.clients import Studio


def test_question_retracted_by_its_tracking_code(studio: Studio) -> None:
    """A pending question is retracted (tracker, desk queue, public counts, audit log follow); a
    second try, a published question and an unknown code are refused with their codes."""
    slug = studio.new_event()
    mine = studio.ask(slug, "我想撤回的问题")
    other = studio.ask(slug, "会被公开的问题")
    assert studio.mod1.act(studio.question(slug, other["question_id"]), "approve").status_code == 200
    with studio.server.http() as client:
        page = client.get(f"/track/{mine['tracking_code']}").text
        assert 'id="track-retract"' in page and "撤回提问" in page
        assert client.get(f"/api/track/{mine['tracking_code']}").json()["retractable"] is True
        done = client.post(f"/api/track/{mine['tracking_code']}/retract")
        assert done.status_code == 200 and done.json() == {"question_id": mine["question_id"], "status": "retracted"}
        view = client.get(f"/api/track/{mine['tracking_code']}").json()
        assert view["status"] == "retracted" and view["retractable"] is False
        assert [step["status"] for step in view["timeline"]] == ["pending", "retracted"]
        again = client.post(f"/api/track/{mine['tracking_code']}/retract")
        assert again.status_code == 409 and again.json()["error"]["code"] == "not_allowed"
        published = client.post(f"/api/track/{other['tracking_code']}/retract")
        assert published.status_code == 409 and published.json()["error"]["code"] == "not_allowed"
        unknown = client.post("/api/track/no-such-code/retract")
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
        stats = client.get(f"/api/events/{slug}/stats").json()
        assert stats["retracted"] == 1 and stats["received"] == 2 and stats["pending"] == 0
        assert "您已撤回这个问题" in client.get(f"/track/{mine['tracking_code']}").text
    assert studio.question(slug, mine["question_id"])["status"] == "retracted"
    entries = studio.admin.get(f"/api/events/{slug}/audit?question={mine['question_id']}").json()
    assert [e["action"] for e in entries] == ["ask", "retract"] and entries[-1]["role"] == "audience"


def test_tracking_page_button_retracts_without_scripts(studio: Studio) -> None:
    """The button is a plain form: posting it retracts and leads back to the tracking page."""
    slug = studio.new_event()
    mine = studio.ask(slug, "用按钮撤回的问题")
    with studio.server.http() as client:
        answer = client.post(f"/track/{mine['tracking_code']}/retract", headers={"Origin": studio.server.base})
        assert answer.status_code == 303 and answer.headers["location"] == f"/track/{mine['tracking_code']}"
        assert client.get(f"/api/track/{mine['tracking_code']}").json()["status"] == "retracted"
        refused = client.post(f"/track/{mine['tracking_code']}/retract")
        assert refused.status_code == 409 and "只有尚未审核的提问可以撤回" in refused.text
        foreign = client.post(f"/track/{mine['tracking_code']}/retract", headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403


def test_board_message_retracted_by_its_tracking_code(studio: Studio) -> None:
    """A pending board message leaves the moderators' queue; one reviewed cannot be retracted; the
    audit chain stays intact."""
    with studio.server.http() as client:
        mine = client.post("/api/board/submissions",
                           json={"text": "我想撤回的留言", "client_key": str(uuid.uuid4())}).json()
        kept = client.post("/api/board/submissions",
                           json={"text": "会被审核的留言", "client_key": str(uuid.uuid4())}).json()
        page = client.get(f"/board/track/{mine['tracking_code']}").text
        assert "撤回留言" in page
        answer = client.post(f"/board/track/{mine['tracking_code']}/retract", headers={"Origin": studio.server.base})
        assert answer.status_code == 303
        assert client.get(f"/api/board/track/{mine['tracking_code']}").json()["status"] == "retracted"
        assert "您已撤回这条留言" in client.get(f"/board/track/{mine['tracking_code']}").text
        queue = [item["id"] for item in studio.mod1.get("/api/board/submissions").json()]
        assert mine["submission_id"] not in queue and kept["submission_id"] in queue
        assert studio.mod1.post(f"/api/board/submissions/{kept['submission_id']}/reject",
                                {"reason": "other", "note": "重复"}).status_code == 200
        refused = client.post(f"/api/board/track/{kept['tracking_code']}/retract")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_allowed"
        assert client.post(f"/api/board/track/{mine['tracking_code']}/retract").status_code == 409
    verify = subprocess.run([sys.executable, "-m", "studio", "audit", "verify", "--db", studio.server.db],
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stderr
