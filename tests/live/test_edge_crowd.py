"""A crowd arriving at once on Redis: commands wait for a connection, every viewer gets the snapshot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from broadcast.redis import POOL_SIZE, RedisBackend
from support.clients import Studio
from support.frames import check_server_frame
from support.redis_server import RedisServer, available
from support.servers import EdgeServer, edge_feed, running_server

pytestmark = pytest.mark.skipif(not available(), reason="redis-server is not installed")


@pytest.mark.asyncio
async def test_more_redis_commands_at_once_than_connections_all_succeed(redis: RedisServer) -> None:
    """Three times the pool's connections in commands at once: each waits for a connection, none fails."""
    backend = RedisBackend(redis.url)
    await backend.connect()
    try:
        await backend.client.set("studio:test:crowd", "x")
        found = await asyncio.gather(*(backend.client.get("studio:test:crowd") for _ in range(POOL_SIZE * 3)))
        assert found == ["x"] * (POOL_SIZE * 3)
    finally:
        await backend.disconnect()


async def first_frames(url: str, count: int) -> list[dict[str, object]]:
    """``count`` audience sockets opened at once; the first frame each receives."""

    async def one() -> dict[str, object]:
        async with connect(url, open_timeout=60) as ws:
            frame: dict[str, object] = check_server_frame(str(await asyncio.wait_for(ws.recv(), 60)))
            return frame

    return await asyncio.gather(*(one() for _ in range(count)))


def test_a_crowd_joining_an_edge_at_once_all_get_the_snapshot(tmp_path: Path, redis: RedisServer) -> None:
    """More viewers than the edge's Redis connections join at once: each one's first frame is the snapshot."""
    env = {"STUDIO_BROADCAST": redis.url, "STUDIO_MAX_CONNECTIONS_PER_ADDRESS": "0"}
    (tmp_path / "owner").mkdir()
    (tmp_path / "edge").mkdir()
    with running_server(tmp_path / "owner", env) as owner:
        slug = Studio(owner).new_event()
        edge = EdgeServer(tmp_path / "edge", env={**env, "STUDIO_DB": "/nonexistent/x.db"})
        edge.start()
        try:
            ws, snapshot = edge_feed(edge, slug)
            ws.close()
            frames = asyncio.run(first_frames(f"{edge.ws_base}/ws/events/{slug}", POOL_SIZE * 3))
        finally:
            edge.stop()
    assert [f["type"] for f in frames] == ["snapshot"] * len(frames)
    assert {f["seq"] for f in frames} == {snapshot["seq"]}
