"""``studio serve --workers N`` on one port, one store and one Redis."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.clients import Studio, recv_json
from support.redis_server import RedisServer, available
from support.servers import ADMIN_PASSWORD, Server

pytestmark = pytest.mark.skipif(not available(), reason="redis-server is not installed")


class WorkersServer(Server):
    """``studio serve --workers 2`` (the Redis URL comes from ``STUDIO_BROADCAST``)."""

    command = ("serve", "--workers", "2")
    start_timeout = 30.0


def test_workers_share_store_and_feed_and_count_every_viewer(tmp_path: Path, redis: RedisServer) -> None:
    """Two workers on one port: every viewer gets every change in order and the viewer count is the total."""
    server = WorkersServer(tmp_path, env={"STUDIO_BROADCAST": redis.url})
    server.create_user("admin", "admin", ADMIN_PASSWORD)
    server.start()
    try:
        studio = Studio(server)
        slug = studio.new_event()
        sockets = [server.ws(f"/ws/events/{slug}") for _ in range(8)]
        snapshots = [recv_json(ws) for ws in sockets]
        for index in range(5):
            assert studio.mod1.post(f"/api/events/{slug}/messages", {"text": f"消息{index}"}).status_code == 201
        for ws, first in zip(sockets, snapshots, strict=True):
            start = first["seq"]
            seqs: list[int] = []
            viewers = first["stats"]["viewers"]  # stats frames come only when a figure changed
            while len(seqs) < 5 or viewers != 8:
                frame = recv_json(ws, timeout=10)
                if frame["type"] == "host.message":
                    seqs.append(frame["seq"])
                elif frame["type"] == "stats":
                    viewers = frame["viewers"]
            assert seqs == list(range(start + 1, start + 6))
            ws.close()
    finally:
        server.stop()
