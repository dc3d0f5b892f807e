"""The AsyncAPI document against real frames: a tour of an event night on the three sockets sees
every server frame type the document lists (and no other), each checked against its payload by the
test client (``support.frames``), and sends only documented client frames."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection

from studio.web import asyncapi
from support.clients import Studio, drain, recv_json, recv_until, running_studio
from support.frames import SENT, check_server_frame, send_checked


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own for the tour."""
    with running_studio(tmp_path_factory.mktemp("frames")) as running:
        yield running


class Desk:
    """An admin's staff socket acting through ``action`` frames, keeping every frame it reads."""

    def __init__(self, ws: ClientConnection, seen: list[dict[str, Any]]) -> None:
        self.ws = ws
        self.seen = seen
        self.versions: dict[int, int] = {}

    def act(self, question: int, action: str, **fields: Any) -> dict[str, Any]:
        """Send the action with the question's current version; the changed question."""
        ref = uuid.uuid4().hex[:8]
        send_checked(self.ws, "staff", {"type": "action", "action": action, "question": question,
                                        "version": self.versions[question], "ref": ref, **fields})
        while True:
            frame = recv_json(self.ws)
            self.seen.append(frame)
            if frame.get("ref") == ref:
                assert frame["type"] == "action.ok", frame
                self.versions[question] = frame["question"]["version"]
                return dict(frame["question"])


def test_every_server_frame_is_seen_and_matches_the_document(studio: Studio) -> None:
    """Viewer, desk and tracker through a whole event: every documented server frame arrives at
    least once, every frame matches its type's payload, and no undocumented type arrives; every
    documented client frame is sent, as the document describes it."""
    slug = studio.new_event()
    seen: list[dict[str, Any]] = []
    with studio.server.ws(f"/ws/events/{slug}") as viewer, studio.admin.staff_ws(slug) as staff:
        recv_until(viewer, "snapshot", seen=seen)
        recv_until(staff, "staff.snapshot", seen=seen)
        desk = Desk(staff, seen)
        send_checked(staff, "staff", {"type": "ping"})
        recv_until(staff, "pong", seen=seen)
        send_checked(viewer, "audience", {"type": "ask", "text": "社保卡补办需要多久？", "client_key": str(uuid.uuid4()),
                                          "nickname": "老街坊", "unit": studio.units["人社局"]})
        receipt = recv_until(viewer, "ask.ok", seen=seen)
        asked = [receipt["question_id"]] + [studio.ask(slug, text)["question_id"] for text in (
            "公交线路什么时候恢复？", "路灯坏了谁来修？", "失业金怎么申领？")]
        while len(desk.versions) < len(asked):
            frame = recv_until(staff, "question.submitted", seen=seen)
            desk.versions[frame["question"]["id"]] = frame["question"]["version"]
        first, second, third, fourth = asked
        with studio.server.ws(f"/ws/track/{receipt['tracking_code']}") as tracker:
            recv_until(tracker, "track", seen=seen)
            send_checked(tracker, "tracker", {"type": "ping"})
            recv_until(tracker, "pong", seen=seen)
            desk.act(first, "approve")
            recv_until(tracker, "track", seen=seen)
        desk.act(first, "edit", text="社保卡补办一般需要多久？")
        desk.act(first, "on_air")
        desk.act(first, "off_air")
        desk.act(first, "on_air")
        desk.act(first, "answer", text="两周内可以拿到。")
        desk.act(first, "correct", text="十个工作日内可以拿到。")
        desk.act(second, "approve", unit=studio.units["交通局"])
        desk.act(second, "transfer")
        desk.act(third, "approve")
        desk.act(third, "unpublish", reason="含个人信息")
        desk.act(fourth, "approve")
        send_checked(viewer, "audience", {"type": "vote", "question": fourth})
        recv_until(viewer, "vote.ok", seen=seen)
        recv_until(viewer, "votes", seen=seen)
        send_checked(viewer, "audience", {"type": "ping"})
        recv_until(viewer, "pong", seen=seen)
        viewer.send('{"type": "nonsense"}')
        assert recv_until(viewer, "error", seen=seen)["code"] == "unknown_type"
        assert studio.mod1.post(f"/api/questions/{fourth}/claim").status_code == 200
        recv_until(staff, "question.claimed", seen=seen)
        assert studio.mod1.client.request("DELETE", f"/api/questions/{fourth}/claim",
                                          headers={"X-CSRF-Token": studio.mod1.csrf}).status_code == 200
        recv_until(staff, "question.released", seen=seen)
        message = studio.admin.post(f"/api/events/{slug}/messages", {"text": "欢迎各位网友！"}).json()
        recv_until(viewer, "host.message", seen=seen)
        assert studio.admin.post(f"/api/events/{slug}/screen", {"show": "message", "message": message["id"]}
                                 ).status_code == 200
        recv_until(viewer, "screen.show", seen=seen)
        assert studio.admin.client.patch(f"/api/events/{slug}", json={"description": "说明改了"},
                                         headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 200
        recv_until(viewer, "event.updated", seen=seen)
        with studio.mod1.staff_ws(slug) as other:
            recv_until(other, "staff.snapshot")
            recv_until(staff, "presence", seen=seen)
        assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
        recv_until(viewer, "event.status", seen=seen)
        if not any(frame["type"] == "stats" for frame in seen):
            recv_until(viewer, "stats", seen=seen)
        seen += drain(viewer) + drain(staff)
    assert set(SENT) >= {(socket, name) for socket, frames in asyncapi.CLIENT_FRAMES.items()
                                     for name in frames}
    types = {frame["type"] for frame in seen}
    assert types == set(asyncapi.SERVER_FRAMES), (set(asyncapi.SERVER_FRAMES) - types, types - set(asyncapi.SERVER_FRAMES))


def test_a_frame_off_the_document_fails_the_check() -> None:
    """The client's check refuses an undocumented field, a wrong type and an unknown frame type."""
    check_server_frame('{"type": "pong"}')
    for text in ('{"type": "pong", "extra": 1}', '{"type": "vote.ok", "question": "7"}', '{"type": "nope"}',
                 '{"type": "question.unpublished", "question_id": 3}'):
        with pytest.raises(AssertionError):
            check_server_frame(text)


def test_client_frames_of_the_document() -> None:
    """Each socket's documented client frames name their required fields among their properties."""
    for frames in asyncapi.CLIENT_FRAMES.values():
        for shape in frames.values():
            assert set(shape["required"]) - {"type"} <= set(shape["properties"])
