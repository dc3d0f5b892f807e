"""The socket protocol takes its limits from the settings its app was created with."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect

from studio.live.protocol import StudioWebSocketProtocol, fast_send, lifespan_state
from studio.settings import Settings
from support.servers import free_port


@pytest.mark.asyncio
async def test_socket_limits_come_from_the_app_settings_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A protocol connection uses the byte bound of the settings its app was created with."""
    monkeypatch.setenv("STUDIO_SEND_BUFFER_BYTES", "999")
    settings = Settings(send_buffer_bytes=12_345)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        yield lifespan_state(settings)

    async def limit(websocket: WebSocket) -> None:
        await websocket.accept()
        fast = fast_send(websocket.scope)
        await websocket.send_text(str(fast.limit if fast else None))
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/limit", limit)], lifespan=lifespan)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, ws=StudioWebSocketProtocol, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.02)
        async with connect(f"ws://127.0.0.1:{port}/limit") as client:
            assert await client.recv() == "12345"
    finally:
        server.should_exit = True
        await serving
