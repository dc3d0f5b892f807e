"""What a real server logs through a whole session names no client address, question or answer
text, nickname or tracking code, in either log format, at the default level and at debug."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from support.clients import Studio, close_code, frames_until, recv_until, running_studio

PROXIED = "198.51.100.23"
"""The client address a trusted proxy (the loopback) forwards in ``X-Forwarded-For``."""
DIRECT = "127.0.0.9"
"""The address a client connects from without a proxy."""
FORWARDED = {"X-Forwarded-For": PROXIED}


def session(studio: Studio, marks: dict[str, str]) -> None:
    """Ask (socket and HTTP), approve, put on air, answer, join as viewers, track, and a few refusals."""
    slug = studio.new_event()
    server = studio.server
    with server.ws(f"/ws/events/{slug}", additional_headers=FORWARDED) as viewer, \
            studio.admin.staff_ws(slug) as desk:
        recv_until(viewer, "snapshot")
        recv_until(desk, "staff.snapshot")
        viewer.send(json.dumps({"type": "ask", "text": marks["asked"], "nickname": marks["nickname"],
                                "client_key": str(uuid.uuid4())}, ensure_ascii=False))
        receipt = recv_until(viewer, "ask.ok")
        question = recv_until(desk, "question.submitted")["question"]
        for action, fields in (("approve", {}), ("on_air", {}), ("answer", {"text": marks["answer"]})):
            desk.send(json.dumps({"type": "action", "action": action, "question": question["id"],
                                  "version": question["version"], **fields}, ensure_ascii=False))
            question = recv_until(desk, "action.ok")["question"]
        frames_until(viewer, "answer.posted", {})
        viewer.send("not json")
    with httpx.Client(base_url=server.base, headers=FORWARDED, timeout=10) as client:
        asked = client.post(f"/api/events/{slug}/questions", json={
            "text": marks["posted"], "nickname": marks["nickname"], "client_key": str(uuid.uuid4())})
        assert asked.status_code == 201, asked.text
        client.get(f"/events/{slug}")
        client.get(f"/track/{receipt['tracking_code']}")
        client.get("/board", params={"q": marks["searched"]})
        client.post(f"/api/events/{slug}/questions", content=b"{" * 40)
        client.get("/no-such-page")
    transport = httpx.HTTPTransport(local_address=DIRECT)
    with httpx.Client(base_url=server.base, transport=transport, timeout=10) as client:
        assert client.post(f"/api/events/{slug}/questions", json={
            "text": marks["direct"], "nickname": marks["nickname"], "client_key": str(uuid.uuid4())}
            ).status_code == 201
    with server.ws(f"/ws/events/{slug}", source_address=(DIRECT, 0)) as late:
        snapshot = recv_until(late, "snapshot")
        assert snapshot["answered"][0]["answer"]["text"] == marks["answer"]
    with server.ws(f"/ws/track/{receipt['tracking_code']}", additional_headers=FORWARDED) as tracker:
        recv_until(tracker, "track")
    with server.ws("/ws/events/no-such-event", additional_headers=FORWARDED) as missing:
        assert close_code(missing) == 4004
    with server.ws(f"/ws/events/{slug}/staff", additional_headers=FORWARDED) as signed_out:
        assert close_code(signed_out) == 4003
    with pytest.raises(InvalidStatus):  # no such socket: refused in the handshake (403)
        server.ws("/ws/nowhere", additional_headers=FORWARDED)


@pytest.mark.parametrize(("log_format", "level"), [("text", "info"), ("json", "info"), ("text", "debug")])
def test_a_session_leaves_no_personal_data_in_the_log(tmp_path: Path, log_format: str, level: str) -> None:
    """The log of the whole session (uvicorn's, the WebSocket library's and the studio's own lines)
    holds none of the client addresses, texts, the nickname or the tracking code."""
    token = uuid.uuid4().hex[:6]
    marks = {"asked": f"小区路灯坏了谁来修{token}", "posted": f"公交线路何时恢复{token}",
             "direct": f"医保报销比例多少{token}", "answer": f"本周内修好{token}", "nickname": f"老街坊{token[:3]}",
             "searched": f"共享单车{token}"}
    env = {"STUDIO_LOG_FORMAT": log_format, "STUDIO_LOG_LEVEL": level}
    with running_studio(tmp_path, env=env) as studio:
        session(studio, marks)
        studio.server.stop()
        log = studio.server.log.read_text(encoding="utf-8")
    assert "WebSocket /ws/events/" in log and "/api/events/" in log  # the session was logged
    if log_format == "json":
        entries: list[dict[str, Any]] = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
        assert entries and all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    codes = [line for line in log.splitlines() if "/track/" in line]
    assert codes and all("/track/…" in line for line in codes)
    for name, forbidden in {**marks, "proxied address": PROXIED, "direct address": DIRECT}.items():
        assert forbidden not in log, (name, [line for line in log.splitlines() if forbidden in line][:3])
