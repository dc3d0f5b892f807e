"""Nothing acknowledged is lost across kill -9, and a viewer who reconnects converges."""

from __future__ import annotations

import json
import signal
import uuid
from pathlib import Path

from support.clients import Studio, recv_json, recv_until
from support.servers import start_server
from support.viewer import ViewerState


def test_acknowledged_question_survives_kill_9_and_viewer_converges(tmp_path: Path) -> None:
    """An ask acknowledged just before SIGKILL is stored; a viewer resuming with since= converges."""
    server = start_server(tmp_path)
    try:
        studio = Studio(server)
        slug = studio.new_event()
        viewer = ViewerState()
        ws = server.ws(f"/ws/events/{slug}")
        viewer.apply(recv_json(ws))
        first = studio.mod1.act(studio.question(slug, studio.ask(slug, "重启前通过的问题")["question_id"]),
                                "approve").json()
        viewer.apply(recv_until(ws, "question.published"))
        key = str(uuid.uuid4())
        ws.send(json.dumps({"type": "ask", "text": "刚确认就断电的问题", "client_key": key}))
        ok = recv_until(ws, "ask.ok")
        server.stop(signal.SIGKILL)
        ws.close()

        server.start()
        studio = Studio(server)
        queue = {q["id"]: q for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
        assert queue[ok["question_id"]]["original_text"] == "刚确认就断电的问题"
        # Changes made while the viewer is away are replayed when it comes back.
        second = studio.mod1.act(queue[ok["question_id"]], "approve").json()
        studio.guest1.act(studio.guest1.act(first, "on-air").json(), "answer", text="重启后回答")
        studio.mod2.post(f"/api/events/{slug}/messages", {"text": "主持人：服务已恢复"})
        resumed = server.ws(f"/ws/events/{slug}?since={viewer.seq}")
        fresh = server.ws(f"/ws/events/{slug}")
        reference = ViewerState()
        reference.apply(recv_json(fresh))
        while viewer.seq < reference.seq:
            viewer.apply(recv_json(resumed))
        assert viewer.summary() == reference.summary()
        assert viewer.summary()["questions"][second["id"]][0] == "approved"
        # The same ask sent again after the restart is recognised, not stored twice.
        resumed.send(json.dumps({"type": "ask", "text": "刚确认就断电的问题", "client_key": key}))
        assert recv_until(resumed, "ask.ok")["tracking_code"] == ok["tracking_code"]
        resumed.close()
        fresh.close()
    finally:
        server.stop()


def test_since_ahead_of_the_event_gets_a_snapshot(tmp_path: Path) -> None:
    """A since= the server never issued (e.g. from another database) gets a fresh snapshot."""
    server = start_server(tmp_path)
    try:
        studio = Studio(server)
        slug = studio.new_event()
        ws = server.ws(f"/ws/events/{slug}?since=999999")
        frame = recv_json(ws)
        assert frame["type"] == "snapshot" and frame["seq"] < 999999
        ws.close()
    finally:
        server.stop()
