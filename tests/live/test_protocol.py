"""The socket protocol takes its limits from the settings its app was created with."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect
from websockets.protocol import State
from websockets.server import ServerProtocol

from studio.live.protocol import FastSend, StudioWebSocketProtocol, fast_send, lifespan_state
from studio.settings import Settings
from support.clients import running_studio
from support.raw_socket import answer_close, close_code_received, raw_viewer
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


def test_a_server_shutting_down_under_viewers_closes_them_without_errors(tmp_path: Path) -> None:
    """Stopped (SIGTERM) while viewers watch, the server sends each 1012 and logs no error while
    they take their time to answer. (The race the soak hit, a connection closing itself again
    after the shutdown's close began, depends on timing; the test below pins it directly.)"""
    with running_studio(tmp_path) as studio:
        slug = studio.new_event()
        viewers = [raw_viewer(studio.server.port, f"/ws/events/{slug}") for _ in range(5)]
        time.sleep(0.5)  # each has its snapshot and waits for frames
        assert studio.server.process is not None
        studio.server.process.send_signal(signal.SIGTERM)
        codes = [close_code_received(viewer) for viewer in viewers]
        time.sleep(0.5)  # the server has handled its side of each close before the answers come
        for viewer in viewers:
            answer_close(viewer, 1000)
            viewer.close()
        studio.server.stop()
        log = studio.server.log.read_text()
    assert codes == [1012] * 5
    assert "Exception in ASGI application" not in log and "Traceback" not in log


@pytest.mark.parametrize("state", [State.CLOSING, State.CLOSED])
def test_closing_a_socket_whose_closing_handshake_began_does_nothing(state: State) -> None:
    """When the client's close or the server's shutdown (1012) has begun the handshake but the
    connection is not yet marked closed or lost, a close from the studio writes nothing and
    raises nothing (websockets refuses a second close frame)."""
    written: list[bytes] = []
    conn = ServerProtocol()
    conn.state = state
    protocol = SimpleNamespace(close_sent=False, disconnected=False, conn=conn,
                               transport=SimpleNamespace(write=written.append))
    FastSend(protocol, limit=1024).close(4000, "resume")  # type: ignore[arg-type]
    assert written == [] and protocol.close_sent is False
