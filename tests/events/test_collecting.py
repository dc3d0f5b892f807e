"""Collection (选题征集) per event on a real server: a scheduled event with collection closed takes
no question over HTTP or the socket and says why; opening collection (or the event going live)
lets viewers ask at once, their pages told by ``event.updated``."""

from __future__ import annotations

import json
import uuid

from support.clients import Studio, recv_until


def schedule(studio: Studio, collecting: bool | str) -> str:
    """A scheduled event created with ``collecting``; its slug."""
    slug = f"collect-{uuid.uuid4().hex[:8]}"
    made = studio.admin.post("/api/events", {
        "slug": slug, "title": "征集开关", "starts_at": "2026-12-22T20:00:00+08:00",
        "ends_at": "2026-12-22T22:00:00+08:00", "guests": ["guest1"], "moderators": ["mod1"],
        "collecting": collecting})
    assert made.status_code == 201, made.text
    return slug


def ask_http(studio: Studio, slug: str) -> tuple[int, dict[str, object]]:
    with studio.server.http() as client:
        answer = client.post(f"/api/events/{slug}/questions",
                             json={"text": "年底前能开通夜班公交吗？", "client_key": str(uuid.uuid4())})
    return answer.status_code, answer.json()


def test_closed_collection_refuses_questions_until_it_opens(studio: Studio) -> None:
    """Closed: the event says so, HTTP and socket asks answer not_accepting saying collection has
    not begun; opened by the admin: viewers hear event.updated and their question is taken."""
    slug = schedule(studio, False)
    with studio.server.http() as client:
        event = client.get(f"/api/events/{slug}").json()
    assert (event["collecting"], event["accepting_questions"]) == (False, False)
    status, body = ask_http(studio, slug)
    assert status == 409 and body["error"]["code"] == "not_accepting"
    assert "尚未开始征集" in body["error"]["message"]
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        snapshot = recv_until(ws, "snapshot")
        assert snapshot["event"]["accepting_questions"] is False
        ws.send(json.dumps({"type": "ask", "text": "地铁能延长运营吗？", "client_key": str(uuid.uuid4())}))
        refused = recv_until(ws, "error")
        assert refused["code"] == "not_accepting" and "尚未开始征集" in refused["message"]
        opened = studio.admin.patch(f"/api/events/{slug}", {"collecting": True})
        assert opened.status_code == 200, opened.text
        updated = recv_until(ws, "event.updated")
        assert updated["event"]["collecting"] is True and updated["event"]["accepting_questions"] is True
        ws.send(json.dumps({"type": "ask", "text": "地铁能延长运营吗？", "client_key": str(uuid.uuid4())}))
        assert recv_until(ws, "ask.ok")["tracking_code"]
    assert ask_http(studio, slug)[0] == 201


def test_a_live_event_takes_questions_whatever_its_collection(studio: Studio) -> None:
    """Collection only governs the time before the event: opened, it takes questions."""
    slug = schedule(studio, False)
    assert studio.admin.post(f"/api/events/{slug}/open").status_code == 200
    with studio.server.http() as client:
        event = client.get(f"/api/events/{slug}").json()
    assert (event["collecting"], event["accepting_questions"]) == (False, True)
    assert ask_http(studio, slug)[0] == 201


def test_collecting_must_be_true_or_false(studio: Studio) -> None:
    """Anything else is refused by name, and nothing is created."""
    slug = f"collect-{uuid.uuid4().hex[:8]}"
    answer = studio.admin.post("/api/events", {
        "slug": slug, "title": "征集开关", "starts_at": "2026-12-22T20:00:00+08:00",
        "ends_at": "2026-12-22T22:00:00+08:00", "guests": [], "moderators": [], "collecting": "yes"})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "collecting"
    with studio.server.http() as client:
        assert client.get(f"/api/events/{slug}").status_code == 404
