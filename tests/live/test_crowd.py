"""A crowd arriving at once: more viewers than the server sets up at a time, while the host talks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from studio.runtime import JOINS_AT_ONCE
from support.clients import Studio, drain, recv_json

CROWD = JOINS_AT_ONCE * 2 + 8


def test_a_crowd_joining_at_once_gets_snapshots_and_every_frame_in_order(studio: Studio) -> None:
    """Twice as many viewers as are set up at a time connect together while host messages go out:
    each gets a snapshot, then every later frame once, in seq order, up to the last message."""
    slug = studio.new_event()

    def join(_: int) -> Any:
        ws = studio.server.ws(f"/ws/events/{slug}")
        return ws, recv_json(ws, timeout=30)

    with ThreadPoolExecutor(CROWD) as pool:
        joining = [pool.submit(join, n) for n in range(CROWD)]
        for n in range(3):
            assert studio.mod1.post(f"/api/events/{slug}/messages", {"text": f"欢迎 {n}"}).status_code == 201
        joined = [future.result() for future in joining]
    assert studio.mod1.post(f"/api/events/{slug}/messages", {"text": "最后一条"}).status_code == 201
    try:
        for ws, snapshot in joined:
            assert snapshot["type"] == "snapshot"
            last = snapshot["seq"]
            texts = []
            for frame in drain(ws, 2.0):
                if frame.get("seq") is not None:
                    assert frame["seq"] == last + 1, (frame, last)
                    last = frame["seq"]
                if frame["type"] == "host.message":
                    texts.append(frame["message"]["text"])
            assert texts and texts[-1] == "最后一条"
    finally:
        for ws, _ in joined:
            ws.close()
